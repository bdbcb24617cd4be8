import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from doorstroom.export_sql import (
    iter_csv_bytes,
    write_csv,
)
from doorstroom.exports import (
    DEFAULT_DIALECT,
    DIALECTS,
    FORMATS,
    ExportError,
    all_exports,
    get_export,
    write_xlsx,
)
from doorstroom.languages import COMMAND_LANGUAGES


def parse_filters(pairs: list[str]) -> dict[str, str]:
    filters = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise CommandError(f"Filter '{pair}' is not of the form KEY=VALUE.")
        filters[key.strip()] = value.strip()
    return filters


class Command(BaseCommand):
    help = (
        "Write a registered export as CSV or XLSX (stdout by default), in Dutch unless "
        "--language en."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("name", nargs="?", help="Name of the export (see --list).")
        parser.add_argument("--list", action="store_true", help="List every export.")
        parser.add_argument("--format", choices=FORMATS, default="csv")
        parser.add_argument("--dialect", choices=list(DIALECTS), default=DEFAULT_DIALECT)
        parser.add_argument("--output", help="File to write (default: stdout).")
        parser.add_argument(
            "--language",
            choices=list(COMMAND_LANGUAGES),
            default="nl",
            help="Language of the headers, labels and messages (default: nl, as the files "
            "staff send on).",
        )
        parser.add_argument(
            "--filter",
            action="append",
            default=[],
            metavar="KEY=VALUE",
            help="Filter to apply; repeat for several.",
        )

    def handle(self, *args, **options) -> None:
        with translation.override(COMMAND_LANGUAGES[options["language"]]):
            self.write(options)

    def write(self, options: dict) -> None:
        if options["list"]:
            for export_class in all_exports():
                self.stdout.write(f"{export_class.name}: {export_class.description}")
                for name, text in export_class.filter_help():
                    self.stdout.write(f"    --filter {name}=...  {text}")
            return
        if not options["name"]:
            raise CommandError("Name an export, or use --list to see them.")
        try:
            export = get_export(options["name"])(parse_filters(options["filter"]))
            if options["format"] == "xlsx":
                if options["output"]:
                    with open(options["output"], "wb") as stream:
                        write_xlsx(export, stream)
                else:
                    write_xlsx(export, sys.stdout.buffer)
            elif options["output"]:
                with open(options["output"], "wb") as stream:
                    write_csv(export, stream, options["dialect"])
            else:
                # Blocks of whole rows, so each one is whole UTF-8 too.
                for chunk in iter_csv_bytes(export, options["dialect"]):
                    self.stdout.write(chunk.decode("utf-8"), ending="")
        except ExportError as error:
            raise CommandError(str(error)) from error
