"""The admin's list of every audit event (doorstroom.audit_admin): paged on the event tables
first, it shows what pghistory's own statement shows, page by page and in every sort, with the
same changes per event; each event table is walked along its index of time; a record's history
still goes through pghistory's query."""

import pytest
from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import result_headers
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from pghistory.core import event_models
from pghistory.models import Events

from doorstroom.audit_admin import total_order
from tests.factories.mandates import CallFactory, OrganisationFactory
from tests.queries import planned_nodes

EVENTS = "/beheer/pghistory/events/"
PER_PAGE = 4


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(admin.site._registry[Events], "list_per_page", PER_PAGE)


@pytest.fixture
def trail(db):
    """Events in two tables, interleaved in time (each change its own transaction here) and
    tied in time (several in one transaction: the tie breakers decide)."""
    organisation = OrganisationFactory(name="Eerste")
    call = CallFactory()
    for turn in range(3):
        organisation.name = f"Naam {turn}"
        organisation.save()
        call.title = f"Oproep {turn}"
        call.save()
    with transaction.atomic():
        for turn in range(4):
            OrganisationFactory()
            call.display_order = turn + 1
            call.save()
    return organisation


def key(event) -> tuple[str, int]:
    return (event.pgh_model, event.pgh_id)


def column(name: str) -> int:
    """The `?o=` index of a column of the list (there is no action checkbox: no actions)."""
    return list(admin.site._registry[Events].get_list_display(None)).index(name)


def shown_pages(client, query: dict) -> list:
    """Every page of the list as it shows them, one after the other."""
    first = client.get(EVENTS, query)
    assert first.status_code == 200
    pages = first.context["cl"].paginator.num_pages
    events = list(first.context["cl"].result_list)
    for number in range(2, pages + 1):
        response = client.get(EVENTS, {**query, "p": number})
        assert response.status_code == 200
        events += list(response.context["cl"].result_list)
    return events


@pytest.mark.django_db(transaction=True)
def test_every_sort_pages_the_events_pghistory_lists(admin_client_, small_pages, trail):
    time, record_type = column("pgh_created_at"), column("pgh_obj_model")
    expected_first = Events.objects.order_by("-pgh_created_at", "pgh_model", "-pgh_id")
    assert len(expected_first) > 3 * PER_PAGE
    sorts = {
        "": ["-pgh_created_at"],
        str(time): ["pgh_created_at"],
        f"-{time}": ["-pgh_created_at"],
        str(record_type): ["pgh_obj_model"],
        f"-{record_type}": ["-pgh_obj_model"],
        f"{record_type}.{time}": ["pgh_obj_model", "pgh_created_at"],
        f"-{record_type}.-{time}": ["-pgh_obj_model", "-pgh_created_at"],
    }
    for o, ordering in sorts.items():
        expected = list(Events.objects.order_by(*total_order(ordering)))
        shown = shown_pages(admin_client_, {"o": o} if o else {})
        assert [key(e) for e in shown] == [key(e) for e in expected], o
    # The sorts differ, so the comparisons above mean something.
    times = [e.pgh_created_at for e in shown_pages(admin_client_, {"o": str(time)})]
    assert times == sorted(times) and times[0] < times[-1]
    newest_first = shown_pages(admin_client_, {})
    assert [key(e) for e in newest_first] == [key(e) for e in expected_first]
    assert newest_first[0].pgh_created_at > newest_first[-1].pgh_created_at
    types = [e.pgh_obj_model for e in shown_pages(admin_client_, {"o": f"-{record_type}"})]
    assert types == sorted(types, reverse=True) and types[0] != types[-1]


@pytest.mark.django_db(transaction=True)
def test_a_page_shows_the_changes_pghistory_works_out(admin_client_, small_pages, trail):
    shown = shown_pages(admin_client_, {})
    expected = {key(e): e for e in Events.objects.all()}
    for event in shown:
        same = expected[key(event)]
        assert (event.pgh_diff, event.pgh_data, event.pgh_context) == (
            same.pgh_diff,
            same.pgh_data,
            same.pgh_context,
        )
    renamed = [e for e in shown if e.pgh_diff and "name" in e.pgh_diff]
    assert renamed[0].pgh_diff["name"] == ["Naam 1", "Naam 2"]
    page = admin_client_.get(EVENTS, {"p": 1 + shown.index(renamed[0]) // PER_PAGE})
    assert "Naam 2" in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_label_and_table_filters_page_what_pghistory_filters(admin_client_, small_pages, trail):
    order = total_order([])
    by_label = shown_pages(admin_client_, {"label": "update"})
    expected = Events.objects.filter(pgh_label="update").order_by(*order)
    assert [key(e) for e in by_label] == [key(e) for e in expected]
    assert {e.pgh_label for e in by_label} == {"update"}
    response = admin_client_.get(EVENTS, {"label": "update"})
    assert response.context["cl"].full_result_count == Events.objects.count()
    by_table = shown_pages(admin_client_, {"event_model": "mandates.organisationevent"})
    expected = Events.objects.across("mandates.OrganisationEvent").order_by(*order)
    assert [key(e) for e in by_table] == [key(e) for e in expected]
    assert {e.pgh_model for e in by_table} == {"mandates.OrganisationEvent"}


@pytest.mark.django_db(transaction=True)
def test_a_records_history_still_lists_its_events(admin_client_, trail):
    response = admin_client_.get(
        EVENTS, {"obj": f"mandates.organisation:{trail.pk}", "method": "tracks"}
    )
    assert response.status_code == 200
    shown = [key(e) for e in response.context["cl"].result_list]
    assert sorted(shown) == sorted(key(e) for e in Events.objects.tracks(trail))
    assert len(shown) == 4  # made, renamed three times


@pytest.mark.django_db(transaction=True)
def test_record_id_and_changes_are_not_sortable(admin_client_, trail):
    response = admin_client_.get(EVENTS)
    sortable = {
        header["text"]: header["sortable"] for header in result_headers(response.context["cl"])
    }
    assert list(sortable.values()) == [True, True, False, False], sortable


def test_each_event_table_is_walked_along_its_index_of_time(admin_client_, seed):
    with CaptureQueriesContext(connection) as captured:
        assert admin_client_.get(EVENTS).status_code == 200
    keys = next(q["sql"] for q in captured.captured_queries if " UNION ALL " in q["sql"])
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        nodes = planned_nodes(keys)
    scans = [n for n in nodes if "Relation Name" in n]
    assert len(scans) == len(event_models()) > 10
    assert {n["Node Type"] for n in scans} <= {"Index Scan", "Index Only Scan"}, scans
    assert all(n["Index Name"].endswith("_idx") for n in scans)


@pytest.mark.django_db(transaction=True)
def test_the_list_makes_as_many_queries_for_few_events_as_for_many(admin_client_, trail):
    few = event_statements(admin_client_)
    assert len(few) == 3  # the count, the page's keys, its rows
    for turn in range(120):
        trail.name = f"Later {turn}"
        trail.save()
    assert Events.objects.count() > 100 + 8
    assert len(event_statements(admin_client_)) == len(few)


def event_statements(client) -> list[str]:
    """The statements of one view of the list that read the event tables."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(EVENTS).status_code == 200
    return [q["sql"] for q in captured.captured_queries if "event" in q["sql"]]
