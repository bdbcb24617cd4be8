"""The pieces of a Python-written table cell match the Django helpers they stand for."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import dateformat
from django.utils.formats import number_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from doorstroom.formatting import NumberFormatter, rounded
from doorstroom.tables import date_formatter, html_of, link_html

# A year before 1000 too: strftime does not pad it as Django does.
DATES = [dt.date(2019, 1, 7), dt.date(2024, 12, 31), dt.date(2001, 10, 5), dt.date(202, 3, 4)]


@pytest.mark.parametrize(
    "date_format", ["d/m/Y", "Y-m-d", "d.m.y", "j F Y", "D d M Y", r"d \d\e m"]
)
def test_date_formatter_writes_what_django_writes(date_format):
    formatter = date_formatter(date_format)
    for value in DATES:
        assert formatter(value) == dateformat.format(value, date_format)


@pytest.mark.parametrize("language", ["nl-be", "en"])
def test_number_formatter_writes_what_django_writes_of_the_rounded_value(language):
    values = [Decimal("0"), Decimal("12.25"), Decimal("-3.5"), Decimal("1234567.891"), 7, 0.5]
    with override(language):
        formatter = NumberFormatter()
        for value in values:
            for decimals in (None, 1, 2):
                for grouping in (False, True):
                    shown = value if decimals is None else rounded(value, decimals)
                    assert formatter(value, decimals, force_grouping=grouping) == number_format(
                        shown, decimals, force_grouping=grouping
                    )
        # Rounded, not truncated as Django's number_format does (/trajecten/uren/).
        assert formatter(Decimal("135.08"), 1) != number_format(Decimal("135.08"), 1)
    # The separators are those of the language active when the formatter was made.
    with override("nl-be"):
        dutch = NumberFormatter()(Decimal("1234.5"), 1, force_grouping=True)
    with override("en"):
        english = NumberFormatter()(Decimal("1234.5"), 1, force_grouping=True)
    assert (dutch, english) == ("1.234,5", "1,234.5")


def test_html_of_and_link_html_escape_as_django_does():
    url = "/x/?a=1&b=<2>"
    values = [
        "=HYPERLINK(\"x\";'y')",
        "a & b <c>",
        6441,
        mark_safe("<b>ok</b>"),
        gettext_lazy("Status"),
    ]
    for value in values:
        assert html_of(value) == conditional_escape(value)
        assert link_html(url, value) == format_html('<a href="{}">{}</a>', url, value)
