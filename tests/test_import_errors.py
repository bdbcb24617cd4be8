"""Every error of the import, as the user reads it, and robustness against any file."""

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from doorstroom.roles import Role
from tests.factories.import_files import HEADER, START, csv_file, started, xlsx_file
from tests.factories.mandates import MandateFactory
from trajectories import imports
from trajectories.imports import ImportFileError, import_run, parse_rows, read_table
from trajectories.models import PhaseRecord, Trajectory, TrajectoryStatus
from trajectories.phase_file import labels
from trajectories.services import phase_complete, trajectory_stop

# 85073003328 is valid; changing its last digit breaks the check digits.
VALID_INSZ, WRONG_INSZ = "85073003328", "85073003329"
TODAY = dt.date(2026, 11, 27)


def snapshot():
    return (
        sorted(
            PhaseRecord.objects.values_list(
                "trajectory_id", "phase", "start_date", "end_date", "hours"
            )
        ),
        sorted(Trajectory.objects.values_list("pk", "status", "end_date")),
    )


def file_error(data: bytes, name: str = "f.csv") -> str:
    with pytest.raises(ImportFileError) as error:
        kind, table = read_table(data, name)
        parse_rows(table, decimal_comma=kind == "excel-nl", today=TODAY)
    return str(error.value)


def row_errors(rows, header=HEADER, *, decimal_comma=True):
    table = [header, *rows]
    return [
        [(e.column, e.message) for e in r.errors]
        for r in parse_rows(table, decimal_comma=decimal_comma, today=TODAY)
    ]


# --- the file as a whole -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b"", "f.csv", "Het bestand is leeg."),
        (b"  \r\n ", "f.csv", "Het bestand is leeg."),
        (b"\x00\x01\x02binary\x00", "f.csv", "binaire gegevens"),
        (b"\x81\x8d\x8f\x90\x9d", "f.csv", "geen leesbare tekst"),
        (b"geen zip", "f.xlsx", "extensie .xlsx maar is geen Excel-bestand"),
        (b"oud", "f.xls", "Oude Excel-bestanden (.xls)"),
        (b'"Referentie werknemer;Fase\r\nDW-000001;"x', "f.csv", "niet goed opgebouwd"),
        (b"Referentie werknemer;Fase\r\n", "f.csv", "Kolom(men) ontbreken: Projectnummer, "),
        (
            b"Referentie werknemer;Projectnummer;Fase;Startdatum;Naam\r\n",
            "f.csv",
            "Onbekende kolom(men): Naam.",
        ),
        (b"Fase;Fase;Referentie werknemer\r\n", "f.csv", "De kolom 'Fase' staat twee keer"),
        (b";;\r\nDW-000001;1;2\r\n", "f.csv", "geen kopregel"),
    ],
)
def test_file_errors_are_clear(data, name, expected):
    assert expected in file_error(data, name)


def test_a_zip_that_is_no_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hallo.txt", "geen werkmap")
    assert "kan niet gelezen worden" in file_error(buffer.getvalue(), "f.xlsx")


def test_a_file_over_the_size_limit_is_refused_before_reading(settings):
    settings.IMPORT_MAX_BYTES = 100
    assert "groter dan" in file_error(b"x" * 101)


def test_too_many_rows_is_refused(settings):
    settings.IMPORT_MAX_ROWS = 3
    rows = [["DW-000001", 1, "1", "2019-01-01", "", ""]] * 4
    assert "meer dan 3 rijen" in file_error(csv_file(rows))


def test_header_only_is_reported(db, editor):
    report = import_run(data=csv_file([]), file_name="f.csv", user=editor, apply=True)
    assert report.file_errors == ["Het bestand heeft een kopregel maar geen rijen."]


# --- encodings and dialects --------------------------------------------------------------------


@pytest.mark.parametrize(
    "encoded",
    [
        "\ufeffReferentie werknemer;Projectnummer;Fase;Startdatum;Uren;Projectnaam\r\n"
        "DW-000001;6441;Stage;01/03/2019;12,5;Café\r\n".encode(),
        "Referentie werknemer;Projectnummer;Fase;Startdatum;Uren;Projectnaam\r\n"
        "DW-000001;6441;Stage;01/03/2019;12,5;Café\r\n".encode(),
        "Referentie werknemer;Projectnummer;Fase;Startdatum;Uren;Projectnaam\r\n"
        "DW-000001;6441;Stage;01/03/2019;12,5;Café\r\n".encode("cp1252"),
        b"Referentie werknemer,Projectnummer,Fase,Startdatum,Uren,Projectnaam\r\n"
        b"DW-000001,6441,Stage,2019-03-01,12.5,Cafe\r\n",
    ],
    ids=["utf8-bom", "utf8", "cp1252", "rfc4180"],
)
def test_encodings_and_dialects_are_detected(encoded):
    kind, table = read_table(encoded, "f.csv")
    [row] = parse_rows(table, decimal_comma=kind == "excel-nl", today=TODAY)
    assert not row.errors, row.errors
    assert (row.worker_reference, row.project_number, row.phase) == ("DW-000001", 6441, 3)
    assert row.start_date == dt.date(2019, 3, 1)
    assert row.hours == Decimal("12.50")


def test_formulas_are_data_never_evaluated_and_our_apostrophe_is_removed():
    rows = [
        ["DW-000001", 6441, "Stage", "2019-03-01", "", "=1+1"],
        ["'=DW-000001", 6441, "Stage", "2019-03-02", "", "'-3"],
    ]
    errors = row_errors(rows)
    assert ("Uren", "'=1+1' is geen aantal uren. Schrijf een getal, bv. 12,5.") in errors[0]
    assert errors[1] == [
        (
            "Referentie werknemer",
            "'=DW-000001' is geen referentie van een werknemer (zoals DW-000123).",
        ),
        ("Uren", "Het aantal uren kan niet negatief zijn."),
    ]


def test_xlsx_formula_cells_come_back_as_text():
    data = xlsx_file([["DW-000001", 6441, "Stage", dt.date(2019, 3, 1), None, "=SUM(A1:A2)"]])
    kind, table = read_table(data, "f.xlsx")
    assert kind == "xlsx"
    [row] = parse_rows(table, decimal_comma=False, today=TODAY)
    assert row.errors[0].column == "Uren" and "=SUM(A1:A2)" in row.errors[0].message


def test_informative_columns_of_the_listing_export_are_ignored():
    header = [*HEADER, "Oproep", "Projectnaam", "Status", "Demo"]
    rows = [["DW-000001", 6441, "2", "2019-03-01", "", "1", 380, "X", "lopend", "nee"]]
    assert row_errors(rows, header) == [[]]


# --- the cells of a row --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (
            ["", 6441, "1", "2019-03-01", "", ""],
            "Referentie werknemer",
            "De referentie van de werknemer ontbreekt.",
        ),
        (
            ["123", 6441, "1", "2019-03-01", "", ""],
            "Referentie werknemer",
            "'123' is geen referentie van een werknemer (zoals DW-000123).",
        ),
        (
            ["DW-000001", "", "1", "2019-03-01", "", ""],
            "Projectnummer",
            "De kolom Projectnummer is leeg.",
        ),
        (
            ["DW-000001", "64a", "1", "2019-03-01", "", ""],
            "Projectnummer",
            "'64a' is geen projectnummer: dat is een getal, bv. 6441.",
        ),
        (
            ["DW-000001", 6441, "Fase 9", "2019-03-01", "", ""],
            "Fase",
            "'Fase 9' is geen fase. Kies uit: Voortraject, Job matching, Stage, Nazorg "
            "(of 1 tot 4).",
        ),
        (["DW-000001", 6441, "", "2019-03-01", "", ""], "Fase", "De kolom Fase is leeg."),
        (["DW-000001", 6441, "1", "", "", ""], "Startdatum", "De kolom Startdatum is leeg."),
        (
            ["DW-000001", 6441, "1", "31/02/2019", "", ""],
            "Startdatum",
            "'31/02/2019' is geen datum. Schrijf de datum als dd/mm/jjjj (bv. 31/01/2026) of "
            "jjjj-mm-dd.",
        ),
        (
            ["DW-000001", 6441, "1", "2019-03-01", "2030-01-01", ""],
            "Einddatum",
            "01/01/2030 ligt in de toekomst; alleen voorbije data kunnen.",
        ),
        (
            ["DW-000001", 6441, "1", "2019-03-01", "2019-02-01", ""],
            "Einddatum",
            "De einddatum (01/02/2019) ligt voor de startdatum (01/03/2019).",
        ),
        (
            ["DW-000001", 6441, "1", "2019-03-01", "", "-2"],
            "Uren",
            "Het aantal uren kan niet negatief zijn.",
        ),
        (
            ["DW-000001", 6441, "1", "2019-03-01", "", "veel"],
            "Uren",
            "'veel' is geen aantal uren. Schrijf een getal, bv. 12,5.",
        ),
        (
            ["DW-000001", 6441, "1", "2019-03-01", "", "12,345"],
            "Uren",
            "Het aantal uren kan hoogstens 9999,99 zijn, met ten hoogste twee cijfers na de komma.",
        ),
        (
            ["DW-000001", 6441, "1", "2019-03-01", "", "NaN"],
            "Uren",
            "Het aantal uren is geen getal.",
        ),
    ],
)
def test_cell_errors_name_row_column_and_what_to_do(row, column, message):
    [errors] = row_errors([row])
    assert (column, message) in errors


def test_insz_check_digits_are_checked_when_the_column_is_present():
    header = [*HEADER, "INSZ"]
    errors = row_errors(
        [
            ["DW-000001", 6441, "1", "2019-03-01", "", "", WRONG_INSZ],
            ["DW-000002", 6441, "1", "2019-03-01", "", "", "85.07.30-033.28"],
        ],
        header,
    )
    assert errors[0] == [
        (
            "INSZ",
            "Het rijksregisternummer (INSZ) klopt niet: het heeft 11 cijfers en de laatste twee "
            "zijn een controlegetal. Kijk het nummer na.",
        )
    ]
    assert errors[1] == []


def test_a_duplicate_row_names_the_first_one():
    row = ["DW-000001", 6441, "Stage", "2019-03-01", "", ""]
    errors = row_errors([row, ["DW-000001", 6441, "3", "2019-03-01", "", "2"]])
    assert errors[0] == []
    assert errors[1] == [
        (
            "Fase",
            "Dubbele rij: dezelfde werknemer, hetzelfde mandaat en dezelfde fase staan al op "
            "rij 2.",
        )
    ]


def test_row_numbers_are_the_spreadsheets_and_empty_lines_are_skipped():
    table = [HEADER, ["", "", "", "", "", ""], ["x", 6441, "1", "2019-03-01", "", ""]]
    [row] = parse_rows(table, decimal_comma=True, today=TODAY)
    assert row.row == 3


# --- errors that need the database ---------------------------------------------------------------


def errors_of(rows, editor, header=HEADER):
    report = import_run(
        data=csv_file(rows, header=header), file_name="f.csv", user=editor, apply=True
    )
    assert not report.applied
    return [[(e.column, e.message) for e in r.errors] for r in report.rows]


def test_database_errors(seed, editor):
    t, t2 = started(), started()
    ref, number = t.worker.reference, t.mandate.project_number
    other_mandate = MandateFactory()
    before = snapshot()
    errors = errors_of(
        [
            [ref, 999999, "1", START, "", ""],
            ["DW-999999", number, "1", START, "", ""],
            [ref, other_mandate.project_number, "1", START, "", ""],
            [ref, number, "1", dt.date(2019, 3, 5), "", ""],
            [t2.worker.reference, t2.mandate.project_number, "3", dt.date(2019, 5, 1), "", ""],
        ],
        editor,
    )
    assert errors[0] == [
        (
            "Projectnummer",
            "Onbekend mandaat: projectnummer 999999 bestaat niet of u hebt er geen toegang toe.",
        )
    ]
    assert errors[1] == [
        (
            "Referentie werknemer",
            "Onbekende werknemer: DW-999999 heeft geen traject dat u kunt bijwerken. Een import "
            "maakt geen nieuwe werknemers of trajecten aan.",
        )
    ]
    assert errors[2] == [
        (
            "Projectnummer",
            f"{ref} heeft geen traject bij mandaat {other_mandate.project_number} dat u kunt "
            "bijwerken. Een import maakt geen nieuwe trajecten aan.",
        )
    ]
    assert errors[3] == [
        (
            "Startdatum",
            "Voortraject is gestart op 04/03/2019, niet op 05/03/2019. Een startdatum verbeteren "
            "kan niet via een import: vraag het aan VDAB.",
        )
    ]
    assert errors[4] == [
        (
            "Fase",
            "Stage kan nog niet: de laatste fase van dit traject is Voortraject. De fasen volgen "
            "elkaar op: Voortraject, Job matching, Stage, Nazorg.",
        )
    ]
    assert snapshot() == before


def test_phase_too_long_and_starting_too_early_come_from_the_services(seed, editor):
    long, early = started(), started()
    errors = errors_of(
        [
            [
                long.worker.reference,
                long.mandate.project_number,
                "1",
                START,
                dt.date(2019, 6, 1),
                1,
            ],
            [
                early.worker.reference,
                early.mandate.project_number,
                "1",
                START,
                dt.date(2019, 3, 20),
                1,
            ],
            [
                early.worker.reference,
                early.mandate.project_number,
                "2",
                dt.date(2019, 3, 19),
                "",
                "",
            ],
        ],
        editor,
    )
    [(column, message)] = errors[0]
    assert column == "Einddatum"
    assert message.startswith("De fase Voortraject duurt maximaal 1 maand(en), tot 04/04/2019.")
    [(column, message)] = errors[2]
    assert column == "Startdatum"
    assert "20/03/2019" in message  # the day the previous phase ended


def test_a_completed_phase_and_a_stopped_trajectory_are_not_changed(seed, editor):
    done, stopped = started(), started()
    phase_complete(trajectory=done, end_date=dt.date(2019, 3, 20), hours=Decimal("4"))
    trajectory_stop(trajectory=stopped, end_date=dt.date(2019, 3, 10), reason="verhuisd")
    stopped.refresh_from_db()
    assert stopped.status == TrajectoryStatus.STOPPED
    errors = errors_of(
        [
            [
                done.worker.reference,
                done.mandate.project_number,
                "1",
                START,
                dt.date(2019, 3, 21),
                4,
            ],
            [
                stopped.worker.reference,
                stopped.mandate.project_number,
                "2",
                dt.date(2019, 3, 11),
                "",
                "",
            ],
        ],
        editor,
    )
    assert errors[0] == [
        (
            "Einddatum",
            "Voortraject is al afgerond op 20/03/2019 (einddatum in het bestand: 21/03/2019); de "
            "vergoeding ligt vast. Een afgeronde fase wijzigen kan niet via een import.",
        )
    ]
    [(column, message)] = errors[1]
    assert column == "Startdatum" and "alleen een lopend traject" in message.lower()


def test_insz_that_belongs_to_another_worker_is_refused(seed, editor):
    t = started(insz=VALID_INSZ)
    errors = errors_of(
        [[t.worker.reference, t.mandate.project_number, "1", START, "", "", "00010100105"]],
        editor,
        header=[*HEADER, "INSZ"],
    )
    assert errors[0] == [
        ("INSZ", f"Het rijksregisternummer hoort niet bij werknemer {t.worker.reference}.")
    ]


def test_later_rows_of_a_failed_trajectory_are_not_checked(seed, editor):
    t = started()
    ref, number = t.worker.reference, t.mandate.project_number
    errors = errors_of(
        [
            [ref, number, "1", START, dt.date(2019, 8, 1), 1],
            [ref, number, "2", dt.date(2019, 8, 1), "", ""],
        ],
        editor,
    )
    assert errors[1] == [
        ("Fase", "Niet gecontroleerd: een eerdere fase van dit traject heeft een fout.")
    ]


# --- property-based: no file whatsoever makes the import fail or write --------------------------

ROBUST = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def world(seed, make_user):
    trajectory = started()
    return trajectory, make_user("robuust", Role.EDITOR)


@ROBUST
@given(data=st.binary(max_size=3000), name=st.sampled_from(["f.csv", "f.xlsx", "f.txt", "f"]))
def test_random_bytes_never_crash_and_never_write(world, data, name):
    _, editor = world
    before = snapshot()
    report = import_run(data=data, file_name=name, user=editor, apply=True)
    assert not report.applied
    assert report.file_errors or any(r.errors for r in report.rows)
    assert snapshot() == before


def cells(trajectory):
    today = timezone.localdate()
    return st.one_of(
        st.text(max_size=20),
        st.sampled_from(
            [
                trajectory.worker.reference,
                str(trajectory.mandate.project_number),
                "Voortraject",
                "Job matching",
                "2",
                "4",
                START.isoformat(),
                "04/03/2019",
                "2019-03-20",
                "=1+1",
                "'=A1",
                "-1",
                "12,5",
                "1e9",
                "",
                VALID_INSZ,
                WRONG_INSZ,
            ]
        ),
        st.dates(min_value=dt.date(1900, 1, 1), max_value=today + dt.timedelta(days=400)).map(str),
        st.decimals(allow_nan=True, allow_infinity=True, places=3).map(str),
    )


@ROBUST
@given(data=st.data())
def test_random_csv_rows_never_crash_and_errors_change_nothing(world, data):
    trajectory, editor = world
    header = data.draw(
        st.one_of(
            st.just(HEADER),
            st.just([*HEADER, "INSZ"]),
            st.permutations(HEADER),
            st.lists(st.sampled_from([*HEADER, "Oproep", "Naam", ""]), max_size=8),
        )
    )
    rows = data.draw(st.lists(st.lists(cells(trajectory), max_size=len(header) + 2), max_size=6))
    dialect = data.draw(st.sampled_from(["excel-nl", "rfc4180", "xlsx"]))
    if dialect == "xlsx":
        # A worksheet cannot hold control characters at all; that is the writer's limit.
        printable = [[ILLEGAL_CHARACTERS_RE.sub("", c) for c in row] for row in rows]
        head = [ILLEGAL_CHARACTERS_RE.sub("", c) for c in header]
        content, name = xlsx_file(printable, header=head), "f.xlsx"
    else:
        content, name = csv_file(rows, dialect=dialect, header=header), "f.csv"
    before = snapshot()
    report = import_run(data=content, file_name=name, user=editor, apply=True)
    known = set(labels(imports.IMPORTED_COLUMNS))
    for row in report.rows:
        for error in row.errors:
            assert error.column in known and error.message
    if not report.applied:
        assert snapshot() == before
    else:
        assert report.ok
