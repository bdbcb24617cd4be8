import datetime as dt
import random
import re
from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.formats import date_format, number_format

from doorstroom.charts import Bar, bar_chart
from doorstroom.formatting import format_amount, format_number, format_short_date, rounded


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (0, 0, "0"),
        (420, 0, "420"),
        (1260, 0, "1.260"),
        (1234567, 0, "1.234.567"),
        (Decimal("1260"), 2, "1.260,00"),
        (Decimal("4200.5"), 2, "4.200,50"),
        (Decimal("-3.255"), 2, "-3,26"),
    ],
)
def test_belgian_number_format(value, decimals, text):
    assert format_number(value, decimals) == text


@pytest.mark.parametrize("language", ["nl-be", "en"])
def test_numbers_are_the_text_of_djangos_number_format(language):
    """format_number groups with Python's formatting and the language's separators: the text
    Django's number_format writes of the same rounded value, signs, zeros and millions included."""
    chance = random.Random(21)
    values = [0, -0.04, 0.05, 999, 1000, -1000, 10**9, Decimal("-1234567.895"), 135.08]
    values += [Decimal(chance.randint(-(10**8), 10**8)) / 100 for _ in range(300)]
    with translation.override(language):
        for value in values:
            for decimals in (0, 1, 2):
                django = number_format(rounded(value, decimals), decimals, force_grouping=True)
                assert format_number(value, decimals) == django, (value, decimals)
        assert format_number(1234.5, 1) == ("1.234,5" if language == "nl-be" else "1,234.5")


@pytest.mark.parametrize("language", ["nl-be", "en"])
def test_short_dates_are_djangos_in_each_language(language):
    with translation.override(language):
        for day in (dt.date(2024, 3, 5), dt.date(1999, 12, 31)):
            assert format_short_date(day) == date_format(day, "SHORT_DATE_FORMAT")
        assert format_short_date(dt.date(2024, 3, 5)) == "05/03/2024"


def test_amounts_in_euro():
    assert format_amount(Decimal("1260")) == "€ 1.260,00"
    assert format_amount(None) == "—"


def test_bar_chart_scales_bars_and_labels_suppressed_and_unknown():
    svg = bar_chart(
        "Trajecten per fase",
        [Bar("Voortraject", 200), Bar("Stage", 100), Bar("Nazorg", "<5"), Bar("X", None)],
        width=500,
        label_width=100,
    )
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert "<title>Trajecten per fase</title>" in svg
    # room = 500 - 100 - 80 = 320: the largest bar fills it, half the value half of it.
    assert 'width="320"' in svg and 'width="160"' in svg
    assert "&lt;5" in svg and "onbekend" in svg
    assert svg.count("<rect") == 2  # no bar for "<5" or unknown


def test_chart_text_is_escaped():
    svg = bar_chart("<script>", [Bar("<b>", 1)])
    assert "<script>" not in svg and "&lt;b&gt;" in svg


def test_every_legend_entry_fits_inside_the_chart():
    # The dashboard's funnel has three series; side by side the third ran past the right edge
    # and showed as "St". A 12 px text is at most about 7.5 px per character wide.
    legend = ["Lopend", "Afgerond", "Stopgezet"]
    svg = str(
        bar_chart("t", [Bar("a", 3, series=s) for s in range(3)], legend=legend, label_width=230)
    )
    width = int(re.search(r'viewBox="0 0 (\d+) ', svg).group(1))
    for name in legend:
        x = int(re.search(rf'<text x="(\d+)"[^>]*>{name}</text>', svg).group(1))
        assert x + 7.5 * len(name) <= width, name


def test_grouped_bars_say_which_series_they_are():
    legend = ["Lopend", "Afgerond"]
    svg = str(bar_chart("t", [Bar("Stage", 12), Bar("", "<5", series=1)], legend=legend))
    assert ">Lopend: 12</text>" in svg and ">Afgerond: &lt;5</text>" in svg
    # The longest bar leaves room for its text: "Lopend: 12" ends inside the picture.
    x = int(re.search(r'<text x="(\d+)"[^>]*>Lopend: 12</text>', svg).group(1))
    assert x + 7.5 * len("Lopend: 12") <= 560
