"""The listing's pagination and counts, its search, and the COPY path of the CSV."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from doorstroom.exports import export_bytes
from doorstroom.pagination import paginator as pagination
from doorstroom.sql import iter_csv_bytes
from mandates.models import Mandate, Organisation
from tests.factories.trajectories import TrajectoryFactory
from tests.queries import count_queries
from trajectories.demo import demo_delete, demo_generate
from trajectories.exports import TrajectoriesExport
from trajectories.models import PhaseRecord, Trajectory
from trajectories.services import phase_complete, phase_start, trajectory_start, worker_create


def grow(count: int, seed: int) -> None:
    demo_generate(count=count, seed=seed)


def page_queries(client, url: str) -> tuple[int, list[str], object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), [q["sql"] for q in captured.captured_queries], response


def test_a_deep_page_takes_as_many_queries_as_the_first_and_shows_the_right_rows(
    admin_client_, seed
):
    grow(120, seed=3)
    url = reverse("trajectories:list")
    admin_client_.get(url)  # per-process caches
    first, _, _ = page_queries(admin_client_, url)
    deep, _, deep_response = page_queries(admin_client_, url + "?page=4")
    assert first == deep
    expected = list(Trajectory.objects.for_listing().values_list("pk", flat=True)[75:100])
    assert [row.record.pk for row in deep_response.context["table"].paginated_rows] == expected
    # Each row still carries the listing's annotations, not only its key.
    record = next(iter(deep_response.context["table"].paginated_rows)).record
    assert record.hours_total is not None and record.worker.reference


def test_a_sorted_deep_page_follows_the_sort(admin_client_, seed):
    grow(60, seed=4)
    response = admin_client_.get(reverse("trajectories:list") + "?sort=reference&page=2")
    references = [row.record.worker.reference for row in response.context["table"].paginated_rows]
    everyone = sorted(Trajectory.objects.values_list("worker__reference", flat=True))
    assert references == everyone[25:50]


def test_a_filtered_page_loads_its_rows_by_key_without_the_filters(admin_client_, seed):
    grow(150, seed=8)
    mandate = Mandate.objects.filter(trajectories__current_phase=2).order_by("pk").first()
    url = reverse("trajectories:list") + f"?mandate={mandate.project_number}&phase=2&page=1"
    _, queries, response = page_queries(admin_client_, url)
    shown = [row.record for row in response.context["table"].paginated_rows]
    expected = Trajectory.objects.for_listing().filter(mandate=mandate, current_phase=2)
    assert [record.pk for record in shown] == list(expected.values_list("pk", flat=True)[:25])
    assert shown and all(record.hours_total is not None for record in shown)
    # The keys carry the filters; the rows come from the listing by key alone.
    load = next(q for q in queries if re.search(r'"trajectories_trajectory"\."id" IN \(', q))
    assert re.fullmatch(
        r'"trajectories_trajectory"\."id" IN \([\d, ]+\)', load.rsplit(" WHERE ", 1)[1]
    )


def test_the_filter_selects_read_their_choices_in_one_query_each(admin_client_, seed):
    from mandates.models import Province

    _, queries, response = page_queries(admin_client_, reverse("trajectories:list"))
    # No server-side cursor (DECLARE, then FETCH and CLOSE) for a list of a few dozen rows.
    assert not [q for q in queries if q.startswith("DECLARE")]
    assert len([q for q in queries if 'FROM "mandates_province"' in q]) == 1
    province = response.context["filter"].form["province"]
    values = [value for value, _ in province.field.choices]
    assert values == ["", "onbekend", *Province.objects.values_list("name", flat=True)]


def test_the_listing_reads_only_the_columns_it_shows(admin_client_, seed):
    """The page loads no worker's name or INSZ (it shows the pseudonymous reference), no
    column its rows and selects do not show and no table it can do without, and still one query
    per step."""
    grow(30, seed=7)
    _, queries, response = page_queries(admin_client_, reverse("trajectories:list"))
    load = next(q for q in queries if re.search(r'"trajectories_trajectory"\."id" IN \(', q))
    for unread in ('"first_name"', '"last_name"', '"insz"', '"created_at"', '"host_employer_id"'):
        assert unread not in load
    for shown in ('"reference"', '"project_number"', '"call_number"', '"employer_name"'):
        assert shown in load
    # Call, mandate and employer from the copies kept with the figures: no join of their tables.
    assert '"mandates_' not in load
    mandates = next(q for q in queries if q.startswith('SELECT "mandates_mandate"."id"'))
    assert '"created_at"' not in mandates and '"name"' in mandates
    # Every cell is there without a query of its own: the table renders again without one.
    table = response.context["table"]
    assert len(list(table.paginated_rows)) == 25
    with CaptureQueriesContext(connection) as again:
        table.rows_html()
    assert len(again) == 0


@pytest.mark.parametrize("model", ["Call", "Mandate", "Province", "Organisation"])
def test_a_choice_label_reads_only_its_label_fields(seed, model):
    from mandates import models

    model = getattr(models, model)
    choices = list(model.objects.only(*model.LABEL_FIELDS))
    assert choices
    with CaptureQueriesContext(connection) as captured:
        labels = [str(choice) for choice in choices]
    assert len(captured) == 0
    assert labels == [str(choice) for choice in model.objects.all()]


def test_an_unfiltered_big_table_is_not_counted_but_estimated(
    admin_client_, seed, monkeypatch, owner_sql
):
    grow(80, seed=5)  # the generator analyzes what it wrote (issue 21)
    # Only the owner may ANALYZE (the application role owns no table), on what is committed.
    owner_sql.execute("ANALYZE trajectories_trajectory")
    # Five more one by one, as the services write them: not yet in the statistics.
    TrajectoryFactory.create_batch(5)
    url = reverse("trajectories:list")
    admin_client_.get(url)
    exact_queries, _, response = page_queries(admin_client_, url)
    assert response.context["table"].paginator.count == 85  # small table: counted

    monkeypatch.setattr(pagination, "ESTIMATE_FROM", 10)
    estimated_queries, queries, response = page_queries(admin_client_, url)
    assert response.context["table"].paginator.count == 80  # what ANALYZE saw
    assert "reltuples" in " ".join(queries)
    # Estimated or counted, the page takes the same number of queries.
    assert estimated_queries == exact_queries

    # A filtered list is counted exactly.
    _, queries, response = page_queries(admin_client_, url + "?status=lopend")
    assert any("COUNT(" in q for q in queries)
    assert response.context["table"].paginator.count == (
        Trajectory.objects.filter(status="lopend").count()
    )


@pytest.mark.parametrize(
    "url", ["/beheer/trajectories/phaserecord/", "/trajecten/?q=DW-0", "/gezond/"]
)
def test_query_count_does_not_grow_with_the_data(admin_client_, seed, url):
    grow(20, seed=1)
    count_queries(admin_client_, url)
    small = count_queries(admin_client_, url)
    grow(300, seed=2)
    assert count_queries(admin_client_, url) == small


def test_the_admin_changelist_has_no_select_distinct_over_trajectories(admin_client_, seed):
    grow(30, seed=6)
    _, queries, _ = page_queries(admin_client_, "/beheer/trajectories/trajectory/")
    assert not [q for q in queries if "DISTINCT" in q and "trajectories_trajectory" in q]


def test_search_finds_a_trajectory_by_part_of_the_worker_reference(logged_in_client, seed):
    grow(30, seed=7)
    wanted = Trajectory.objects.select_related("worker").order_by("pk")[17]
    part = wanted.worker.reference[-4:].lower()
    response = logged_in_client.get(reverse("trajectories:list") + f"?q={part}")
    found = [row.record.pk for row in response.context["table"].paginated_rows]
    assert wanted.pk in found
    assert all(
        part.upper() in row.record.worker.reference.upper()
        for row in response.context["table"].paginated_rows
    )


def test_health_check_answers_without_login(client, db):
    response = client.get("/gezond/")
    assert response.status_code == 200
    assert response.content.splitlines()[0] == b"ok"


@pytest.fixture
def awkward(seed):
    """Rows that exercise every formatting rule: formula-like and quoted text, decimals, NULLs."""
    mandate = Mandate.objects.get(project_number=7887)
    employers = [
        Organisation.objects.create(name='=HYPERLINK("http://x";"klik")'),
        Organisation.objects.create(name="-5 vzw; Gent"),
        Organisation.objects.create(name='Lijn\neen "twee"'),
    ]
    made = []
    for number, employer in enumerate(employers):
        worker = worker_create(first_name="Sofie", last_name="Verbeke")
        trajectory = trajectory_start(
            worker=worker,
            mandate=mandate,
            origin_employer=employer,
            start_date=dt.date(2019, 1, 7) + dt.timedelta(days=number),
        )
        made.append(trajectory)
    phase_complete(trajectory=made[0], end_date=dt.date(2019, 2, 1), hours=Decimal("12.25"))
    phase_start(trajectory=made[0], start_date=dt.date(2019, 2, 1))
    grow(40, seed=8)
    return made


@pytest.mark.parametrize("dialect", ["excel-nl", "rfc4180"])
@pytest.mark.parametrize(
    "params", [{}, {"status": "lopend"}, {"phase": "2"}, {"province": "Limburg", "call": "432"}]
)
def test_copy_path_writes_byte_for_byte_the_python_csv(awkward, dialect, params):
    python = export_bytes(TrajectoriesExport(params), "csv", dialect)
    copied = b"".join(iter_csv_bytes(TrajectoriesExport(params), dialect))
    assert copied == python
    assert python.count(b"\r\n") > 2  # a header and rows, whatever the filter
    # The cases the fixture is there for really are in the file.
    text = python.decode()
    if not params:
        assert "'=HYPERLINK" in text
        assert "'-5 vzw; Gent" in text
        assert ("12,25" if dialect == "excel-nl" else "12.25") in text


def test_copy_path_streams_in_blocks(awkward, monkeypatch):
    from doorstroom import sql

    monkeypatch.setattr(sql, "COPY_BLOCK_BYTES", 200)
    chunks = list(iter_csv_bytes(TrajectoriesExport({}), "excel-nl"))
    assert len(chunks) > 3  # header, then several blocks
    assert all(chunk.endswith(b"\r\n") for chunk in chunks)


def table_html(html: str) -> str:
    """The table of a rendering, whitespace between and inside tags left out."""
    table = html[html.index("<table") :]
    return re.sub(r"\s+<", "<", re.sub(r">\s+", ">", re.sub(r"\s+", " ", table))).strip()


@pytest.mark.parametrize(
    "per_page, query",
    [
        (50, {}),  # one page: no page links
        (30, {"page": 2}),  # a previous link only
        (30, {"sort": "-reference", "status": "lopend"}),  # sorted the other way, a filter kept
        (3, {"page": 7, "sort": "start_date", "q": "a&b <c>"}),  # "..." on both sides
        (3, {}),  # the first page: next and a "..." before the last
    ],
)
def test_plain_table_is_the_html_django_tables2_renders(awkward, rf, staff_user, per_page, query):
    """The listing's rows are written in Python (doorstroom.rendering.table_rows) for speed:
    the table, header and page links included, is what django-tables2's own template makes of
    the same table, escaping included."""
    from django_tables2 import RequestConfig

    from trajectories.tables import TrajectoryTable

    # A trajectory without phases (so without a current phase).
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM trajectories_phaserecord WHERE trajectory_id = %s", [awkward[2].pk]
        )
    request = rf.get("/trajecten/", query)
    request.user = staff_user
    table = TrajectoryTable(Trajectory.objects.for_listing(dt.date(2021, 6, 1)))
    RequestConfig(request, paginate={"per_page": per_page}).configure(table)
    plain = table_html(table.as_html(request))
    table.template_name = "django_tables2/table.html"
    generic = table_html(table.as_html(request))
    assert plain == generic
    # The table covers what could differ: links, escaped quotes, flags, amounts and blanks.
    assert plain.count("<tr") == 1 + min(per_page, 43 - per_page * (query.get("page", 1) - 1))
    assert plain.count("</th>") == 10
    assert ("pagination" in plain) == (per_page < 43)
    if query == {"page": 2}:
        for fragment in ("=HYPERLINK(&quot;", 'class="true"', 'class="false"', "€ ", "—"):
            assert fragment in plain
    if "q" in query:
        assert "q=a%26b+%3Cc%3E" in plain
        assert plain.count("...") == 2


def test_the_served_table_is_the_html_django_tables2_renders(awkward, admin_client_):
    """The page as served (its narrowed queryset, estimated count and rows loaded by key) and
    django-tables2's own template make the same table of it."""
    response = admin_client_.get(reverse("trajectories:list"), {"page": 2, "sort": "-start_date"})
    table = response.context["table"]
    plain = table_html(response.content.decode())
    plain = plain[: plain.index("</table>")]
    table.template_name = "django_tables2/table.html"
    with CaptureQueriesContext(connection) as captured:
        generic = table_html(table.as_html(response.wsgi_request))
    assert plain == generic[: generic.index("</table>")]
    assert len(captured) == 0
    assert plain.count("<tr") == 1 + 43 - 25


def test_an_empty_plain_table_says_so(rf, staff_user, seed):
    from django_tables2 import RequestConfig

    from trajectories.tables import TrajectoryTable

    request = rf.get("/trajecten/")
    request.user = staff_user
    table = TrajectoryTable(Trajectory.objects.for_listing().none())
    RequestConfig(request).configure(table)
    plain = table.as_html(request)
    assert '<tr><td colspan="10">Geen trajecten voor deze filters.</td></tr>' in plain
    table.template_name = "django_tables2/table.html"
    assert table_html(plain) == table_html(table.as_html(request))


def phases_disagree() -> int:
    """Trajectories whose stored current phase is not the latest of their phases."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM trajectories_trajectory t WHERE current_phase IS DISTINCT "
            "FROM (SELECT max(phase) FROM trajectories_phaserecord WHERE trajectory_id = t.id)"
        )
        return cursor.fetchone()[0]


def test_the_database_keeps_each_trajectorys_current_phase(seed):
    grow(50, seed=12)  # the generator writes the value itself
    assert phases_disagree() == 0

    trajectory = trajectory_start(
        worker=worker_create(first_name="An", last_name="Peeters"),
        mandate=Mandate.objects.get(project_number=7887),
        origin_employer=Organisation.objects.first(),
        start_date=dt.date(2020, 3, 2),
    )
    stale = Trajectory.objects.get(pk=trajectory.pk)
    assert stale.current_phase == 1
    phase_complete(trajectory=trajectory, end_date=dt.date(2020, 4, 1), hours=Decimal("10"))
    phase_start(trajectory=trajectory, start_date=dt.date(2020, 4, 1))
    assert Trajectory.objects.get(pk=trajectory.pk).current_phase == 2
    assert Trajectory.objects.in_phase(2).filter(pk=trajectory.pk).exists()
    assert not Trajectory.objects.in_phase(1).filter(pk=trajectory.pk).exists()

    # A save of a copy read before the phase started does not put the old phase back.
    stale.stop_reason = "Nog niets"
    stale.save()
    assert Trajectory.objects.get(pk=trajectory.pk).current_phase == 2

    # Changing hours leaves the trajectory alone; a phase moved to another trajectory, or
    # given another number, moves both trajectories' current phase.
    version = Trajectory.objects.values_list("version", flat=True).get(pk=trajectory.pk)
    PhaseRecord.objects.filter(trajectory=trajectory, phase=1).update(hours=Decimal("11"))
    assert Trajectory.objects.values_list("version", flat=True).get(pk=trajectory.pk) == version
    other = trajectory_start(
        worker=worker_create(first_name="Bart", last_name="Claes"),
        mandate=trajectory.mandate,
        origin_employer=trajectory.origin_employer,
        start_date=dt.date(2020, 1, 6),
    )
    phase_complete(trajectory=other, end_date=dt.date(2020, 1, 31), hours=Decimal("8"))
    PhaseRecord.objects.filter(trajectory=trajectory, phase=2).update(trajectory=other)
    assert Trajectory.objects.get(pk=trajectory.pk).current_phase == 1
    assert Trajectory.objects.get(pk=other.pk).current_phase == 2
    PhaseRecord.objects.filter(trajectory=other, phase=2).update(trajectory=trajectory)
    assert Trajectory.objects.get(pk=other.pk).current_phase == 1
    assert phases_disagree() == 0

    # Removing the latest phase, in any way, brings the trajectory back to the one before.
    trajectory.phases.get(phase=2).delete()
    assert Trajectory.objects.get(pk=trajectory.pk).current_phase == 1
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM trajectories_phaserecord WHERE trajectory_id = %s", [trajectory.pk]
        )
    assert Trajectory.objects.get(pk=trajectory.pk).current_phase is None
    assert phases_disagree() == 0

    # Demo data can be removed and made again with the triggers out of the way.
    demo_delete()
    assert not Trajectory.objects.filter(is_demo=True).exists()
    grow(20, seed=13)
    assert phases_disagree() == 0


@pytest.mark.parametrize("dialect", ["excel-nl", "rfc4180"])
@pytest.mark.parametrize(
    "params",
    [{}, {"mandate": "17887"}, {"call": "432", "date_from": "2019-01-01"}, {"mandate": "6441"}],
)
def test_the_provider_statement_neutralises_formulas_and_sorts_mandates_by_number(
    awkward, dialect, params
):
    from trajectories.exports import ProviderStatementExport

    # Text a spreadsheet would evaluate, in the mandate's own columns, and a project number
    # that sorts after the others as a number but before them as text.
    Mandate.objects.filter(project_number=7887).update(
        project_number=17887, name='=SOM(A1) "x"', promoter_as_written="-Promotor; vzw"
    )
    python = export_bytes(ProviderStatementExport(params), "csv", dialect)
    streamed = b"".join(iter_csv_bytes(ProviderStatementExport(params), dialect))
    assert streamed == python
    text = python.decode("utf-8-sig")
    delimiter = ";" if dialect == "excel-nl" else ","
    numbers = [line.split(delimiter)[0] for line in text.splitlines()[1:-1]]
    assert numbers == sorted(numbers, key=int)
    if not params:
        assert "'=SOM(A1)" in text and "Totaal" in text and text.count("\r\n") > 10
        assert numbers[-1] == "17887"


def test_a_provider_statement_with_nothing_completed_has_only_its_grand_total(
    seed, dialect="excel-nl"
):
    from trajectories.exports import ProviderStatementExport

    params = {"date_from": "2999-01-01"}
    copied = b"".join(iter_csv_bytes(ProviderStatementExport(params), dialect))
    assert copied == export_bytes(ProviderStatementExport(params), "csv", dialect)
    assert copied.decode("utf-8-sig").splitlines()[1:] == [
        ";Totaal alle mandaten;;;;;;;0;0,00;0,00"
    ]


def test_an_export_without_copy_streams_its_header_then_blocks_of_rows(awkward, monkeypatch):
    from doorstroom import exports, sql
    from trajectories.exports import ProviderStatementExport

    monkeypatch.setattr(sql, "COPY_BLOCK_BYTES", 300)
    # The provider statement has no COPY path: rows from Python, in blocks.
    export = ProviderStatementExport({})
    assert export.copy_sql(exports.get_dialect("excel-nl")) is None
    chunks = list(iter_csv_bytes(ProviderStatementExport({}), "excel-nl"))
    assert (
        chunks[0].decode("utf-8-sig").startswith("Projectnummer;") and chunks[0].count(b"\n") == 1
    )
    assert len(chunks) > 3 and all(len(chunk) < 600 for chunk in chunks)
    assert b"".join(chunks) == export_bytes(ProviderStatementExport({}), "csv", "excel-nl")
