"""The cells PlainRowsMixin writes are escaped as Django's conditional_escape escapes them."""

from decimal import Decimal

from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from doorstroom.rendering.table_rows import cell_html


def test_a_cell_is_what_conditional_escape_makes_of_it():
    values = [
        "Maatwerk & Co <b>\"'",
        mark_safe('<a href="/x/">DW-000001</a>'),
        7887,
        Decimal("1260.50"),
        "",
        "—",
        gettext_lazy("Running"),
        mark_safe(gettext_lazy("Running")),
    ]
    with override("nl-be"):
        for value in values:
            assert cell_html(value) == conditional_escape(value), value
    assert cell_html("a<b") == "a&lt;b"
