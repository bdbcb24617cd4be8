#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doorstroom.settings")
    # Without DATABASE_URL this is a developer's machine on the embedded database: commands run
    # with DEBUG on. Production always sets DATABASE_URL, and then SECRET_KEY stays required.
    if not os.environ.get("DATABASE_URL"):
        os.environ.setdefault("DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
