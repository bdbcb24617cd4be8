"""What payments shows on other apps' pages (doorstroom.hooks)."""
