# Dates in English as in Dutch: day/month/year. The application is Belgian: its sources, seed
# data, packs and exports write 31/12/2018, and staff switch languages, not countries. Django's
# own English formats (12/31/2018 shown, month first accepted) showed dates otherwise than the
# help text said, and read 03/04/2024 typed on one page as the 4th of March on another: a wrong
# date without an error. Numbers are not set here: English keeps its decimal point.
from doorstroom.formats.nl_BE.formats import (  # noqa: F401
    DATE_FORMAT,
    DATE_INPUT_FORMATS,
    DATETIME_FORMAT,
    DATETIME_INPUT_FORMATS,
    FIRST_DAY_OF_WEEK,
    SHORT_DATE_FORMAT,
    SHORT_DATETIME_FORMAT,
)

MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
