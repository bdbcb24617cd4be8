"""Deep pages as fast as the first. A page link carries the position the page starts
from (the sort values of a row next to it), and the page is read from there, not by OFFSET."""

import datetime as dt
import html
import re
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from doorstroom.pagination import POSITION_SALT, KeysetOrder, SortColumn
from trajectories.demo import demo_generate
from trajectories.models import Trajectory

LISTING = reverse("trajectories:list")


def shown_keys(response) -> list[int]:
    return [row.record.pk for row in response.context["table"].paginated_rows]


def link(response, kind: str) -> str | None:
    """The href of the page's "next" or "previous" link, or of the page number `kind`."""
    content = response.content.decode()
    if kind in ("next", "previous"):
        found = re.search(rf'<li class="{kind}">\s*<a href="([^"]*)"', content)
    else:
        found = re.search(rf'<li\s*>\s*<a href="([^"]*)">\s*{kind}\s*</a>', content)
    return html.unescape(found.group(1)) if found else None


def get(client, url: str):
    url = LISTING + url if url.startswith("?") else url
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    response.queries = [q["sql"] for q in captured.captured_queries]
    return response


def listed_keys() -> list[int]:
    """Every trajectory's key in the listing's order."""
    return list(Trajectory.objects.for_listing().values_list("pk", flat=True))


def second_page_position(client) -> str:
    """The position page 2 (7 rows a page) gives its link to page 3."""
    second = get(client, LISTING + "?per_page=7&page=2")
    return parse_qs(urlsplit(link(second, "next")).query)["after"][0]


def keys_query(response) -> str:
    """The statement that takes the page's keys (with their sort values)."""
    return next(
        q
        for q in response.queries
        if 'FROM "trajectories_trajectory"' in q and re.search(r" LIMIT \d+( OFFSET \d+)?$", q)
    )


def walk(client, url: str, direction: str) -> tuple[list[int], list]:
    """Every row met following the "next" (or "previous") links from `url`, and each page."""
    seen, pages = [], []
    while url:
        response = get(client, url)
        seen += shown_keys(response)
        pages.append(response)
        url = link(response, direction)
    return seen, pages


@pytest.fixture
def listing(seed):
    demo_generate(count=58, seed=21)
    # A trajectory without phases: no current phase and no fees (NULL in those sorts). Not a
    # completed one: that keeps its Nazorg (trajectories migration 0007).
    bare = Trajectory.objects.exclude(status="afgerond").order_by("pk").first()
    bare.phases.all().delete()
    Trajectory.objects.filter(pk=bare.pk).update(current_phase=None)
    # Rows that tie on the start date: the key decides between them.
    tied = list(Trajectory.objects.values_list("pk", flat=True)[:6])
    Trajectory.objects.filter(pk__in=tied).update(start_date=dt.date(2020, 3, 2))
    return list(Trajectory.objects.values_list("pk", flat=True))


SORTS = [
    "",
    "start_date",
    "-start_date",
    "reference",
    "-call",
    "mandate",
    "origin_employer",
    "-origin_employer",
    "current_phase",
    "-current_phase",
    "status",
    "-is_overdue",
    "hours_total",
    "fees_total",
    "-fees_total",
]


@pytest.mark.parametrize("sort", SORTS)
def test_following_the_links_shows_every_row_once_in_the_order_of_the_numbered_pages(
    admin_client_, listing, sort
):
    query = f"?per_page=7&sort={sort}" if sort else "?per_page=7"
    forward, pages = walk(admin_client_, LISTING + query, "next")
    assert len(pages) == 9
    assert sorted(forward) == sorted(listing)  # every row, none twice
    # The order Django gives the table's queryset (relations expanded by Django itself), the
    # key deciding ties.
    ordered = pages[0].context["table"].data.data
    names = list(ordered.query.order_by or Trajectory._meta.ordering)
    if not {"pk", "-pk"} & set(names):
        names.append("-pk" if names[-1].startswith("-") else "pk")
    assert forward == list(ordered.order_by(*names).values_list("pk", flat=True))
    # The same rows as the numbered pages read by OFFSET, page by page.
    by_number = []
    for number in range(1, 10):
        by_number += shown_keys(get(admin_client_, LISTING + query + f"&page={number}"))
    assert forward == by_number
    # Backwards from the last page, through "previous": the same order.
    _, backward = walk(admin_client_, LISTING + query + "&page=9", "previous")
    assert [key for page in reversed(backward) for key in shown_keys(page)] == forward
    # Read from their position, not by OFFSET, both ways.
    for page in pages[1:-1] + backward[1:-1]:
        assert "OFFSET" not in keys_query(page)


def test_the_order_is_the_sort_with_the_key_deciding_ties(admin_client_, listing):
    forward, _ = walk(admin_client_, LISTING + "?per_page=7&sort=status", "next")
    statuses = dict(Trajectory.objects.values_list("pk", "status"))
    expected = sorted(listing, key=lambda pk: (statuses[pk], pk))
    assert forward == expected


def test_a_page_reached_by_a_link_is_read_from_its_position_not_by_offset(admin_client_, listing):
    get(admin_client_, LISTING)  # per-process caches
    first = get(admin_client_, LISTING + "?per_page=7")
    second = get(admin_client_, link(first, "next"))
    third = get(admin_client_, link(second, "next"))
    assert "after=" in link(second, "next")
    assert len(third.queries) == len(first.queries)
    for response in (second, third):
        keys = keys_query(response)
        assert "OFFSET" not in keys and "LIMIT 7" in keys
        # Started at the position: the bound on the start date lets the index scan begin there.
        assert '"trajectories_trajectory"."start_date" <= ' in keys
    # Without a position (a typed page number) the same page is read by OFFSET.
    typed = get(admin_client_, LISTING + "?per_page=7&page=3")
    assert "OFFSET 14" in keys_query(typed)
    assert shown_keys(typed) == shown_keys(third)


def test_page_links_carry_the_position_of_the_rows_next_to_them(admin_client_, listing):
    page = get(admin_client_, LISTING + "?per_page=7&page=5&status=")
    table = page.context["table"]
    order = KeysetOrder.of(Trajectory.objects.for_listing())
    rows = list(table.paginated_rows)
    last = (rows[-1].record.start_date, rows[-1].record.pk)
    first = (rows[0].record.start_date, rows[0].record.pk)
    for kind, number, position in [("next", 6, last), ("7", 7, last), ("previous", 4, first)]:
        params = parse_qs(urlsplit(link(page, kind)).query)
        assert params["page"] == [str(number)] and params["per_page"] == ["7"]
        name = "after" if number > 5 else "before"
        # The row's place in the list (from 0) and its sort values.
        place = 34 if name == "after" else 28
        assert order.decode(params[name][0]) == (place, list(position))
        assert ("before" if name == "after" else "after") not in params
    # The first and the last page are read from their end: their links need no position.
    for kind, number in [("1", 1), ("9", 9)]:
        assert parse_qs(urlsplit(link(page, kind)).query) == {
            "page": [str(number)],
            "per_page": ["7"],
        }
    # A sort header starts the new order without the old position (here the one of page 6).
    following = get(admin_client_, link(page, "next"))
    assert "after=" in following.wsgi_request.get_full_path()
    head = following.content.decode().split("<thead", 1)[1].split("</thead>", 1)[0]
    assert "sort=" in head and "page=6" in head and "after=" not in head


def test_the_last_page_is_read_backwards_from_the_end(admin_client_, listing):
    last = get(admin_client_, LISTING + "?per_page=7&page=9")
    keys = keys_query(last)
    assert "OFFSET" not in keys and "LIMIT 2" in keys and "ASC" in keys
    assert shown_keys(last) == listed_keys()[56:]


def tampered(token: str) -> str:
    return token[:-1] + ("A" if token[-1] != "A" else "B")


@pytest.mark.parametrize(
    "make",
    [
        lambda order, other, place: "nonsense",
        # A position made for another order (start date ascending) is not used in this one.
        lambda order, other, place: other.encode(place, [dt.date(2020, 3, 2), 1]),
        # The right order but a value that is no date.
        lambda order, other, place: order.encode(place, ["gisteren", 1]),
        # A position changed by hand: its signature no longer matches.
        lambda order, other, place: tampered(order.encode(place, [dt.date(2020, 3, 2), 1])),
        # A well-formed position, but not signed here.
        lambda order, other, place: signing.dumps(
            [order.fingerprint, place, ["2020-03-02", 1]], key="another key", salt=POSITION_SALT
        ),
        # A position of the same order in another model's list.
        lambda order, other, place: KeysetOrder(order.columns, "mandates.Mandate").encode(
            place, [dt.date(2020, 3, 2), 1]
        ),
    ],
)
def test_an_unusable_position_falls_back_to_the_page_number(admin_client_, listing, make):
    order = KeysetOrder.of(Trajectory.objects.all())
    other = KeysetOrder.of(Trajectory.objects.order_by("start_date"))
    expected = get(admin_client_, LISTING + "?per_page=7&page=3")
    # Page 3 holds rows 14 to 20: a position after row 13 or before row 21 would be used.
    for name, place in (("after", 13), ("before", 21)):
        position = make(order, other, place)
        response = get(admin_client_, LISTING + f"?per_page=7&page=3&{name}={position}")
        assert shown_keys(response) == shown_keys(expected)
        assert "OFFSET 14" in keys_query(response)


def test_a_position_counts_rows_not_pages(admin_client_, listing):
    """A link made with 7 rows a page still leads to the right rows with 10 a page."""
    after = second_page_position(admin_client_)
    response = get(admin_client_, LISTING + f"?per_page=10&page=3&after={after}")
    # Rows 20 to 29: six rows on from the position after row 13, not twenty from the start.
    keys = keys_query(response)
    assert keys.endswith("LIMIT 10 OFFSET 6") and '"start_date" <= ' in keys
    assert shown_keys(response) == listed_keys()[20:30]


def test_a_page_beyond_the_last_with_a_position_shows_the_last_page(admin_client_, listing):
    after = second_page_position(admin_client_)
    response = get(admin_client_, LISTING + f"?per_page=7&page=40&after={after}")
    # Read backwards from the end, not by skipping on from the position.
    keys = keys_query(response)
    assert keys.endswith("LIMIT 2") and "ASC" in keys
    assert shown_keys(response) == listed_keys()[56:]


def test_a_filtered_listing_walks_within_its_filter(admin_client_, listing):
    wanted = set(Trajectory.objects.filter(status="lopend").values_list("pk", flat=True))
    assert len(wanted) > 7
    forward, _ = walk(admin_client_, LISTING + "?per_page=7&status=lopend", "next")
    assert sorted(forward) == sorted(wanted)


@pytest.mark.parametrize(
    "sort",
    [
        ("-start_date", "-pk"),
        ("fees_total",),
        ("-fees_total",),
        ("current_phase",),
        ("-current_phase", "start_date"),
        ("origin_employer", "-is_overdue"),
        ("-hours_total",),
        ("status", "-fees_total"),
    ],
)
def test_the_rows_after_a_position_are_those_after_its_row_in_the_order(listing, sort):
    """KeysetOrder.after against the order PostgreSQL gives, from every row as position,
    NULLs included (last ascending, first descending)."""
    bare = Trajectory.objects.exclude(status="afgerond").order_by("-pk")[:4]
    for trajectory in bare:
        trajectory.phases.all().delete()
    Trajectory.objects.filter(pk__in=[t.pk for t in bare]).update(current_phase=None)
    listed = Trajectory.objects.for_listing(dt.date(2021, 6, 1)).order_by(*sort)
    order = KeysetOrder.of(listed)
    rows = list(listed.order_by(*order.names).values_list(*order.paths))
    assert sum(None in row for row in rows) >= 5 or "fees" not in str(sort)
    keys = [row[-1] for row in rows]
    for index, row in enumerate(rows):
        after = listed.filter(order.after(row)).order_by(*order.names)
        assert list(after.values_list("pk", flat=True)) == keys[index + 1 :], (index, row)
    # And before a position, in the reverse order.
    backward = order.reversed()
    for index in (0, len(rows) // 2, len(rows) - 1):
        before = listed.filter(backward.after(rows[index])).order_by(*backward.names)
        assert list(before.values_list("pk", flat=True)) == keys[:index][::-1]


def test_sort_columns_follow_relations_to_the_related_models_order(seed):
    order = KeysetOrder.of(Trajectory.objects.for_listing().order_by("-origin_employer"))
    assert order.names == ["-origin_employer__name", "-pk"]
    # An annotation may be NULL: the condition keeps NULL rows in their place.
    order = KeysetOrder.of(Trajectory.objects.for_listing().order_by("fees_total"))
    assert order.columns[0] == SortColumn("fees_total", False, True, order.columns[0].field)
    after = order.after([Decimal("12.50"), 7])
    assert "fees_total__isnull" in str(after)
    # An expression is not followed: those pages are read by OFFSET.
    from django.db.models import F

    assert KeysetOrder.of(Trajectory.objects.order_by(F("start_date").desc())) is None


# --- the admin's changelists -------------------------------------------------------------------


def admin_page_link(response, number: int) -> str | None:
    content = response.content.decode()
    found = re.search(rf'<a href="([^"]*)"(?: class="end")?>{number}</a>', content)
    return html.unescape(found.group(1)) if found else None


def admin_shown(response) -> list[int]:
    return [row.pk for row in response.context["cl"].result_list]


@pytest.mark.parametrize(
    "admin_class, url, sort",
    [
        ("TrajectoryAdmin", "/beheer/trajectories/trajectory/", ""),
        # By mandate: its project number as kept with the trajectory's figures (an annotation).
        ("TrajectoryAdmin", "/beheer/trajectories/trajectory/", "&o=2"),
        # By end date, newest first: NULL (still running) first.
        ("TrajectoryAdmin", "/beheer/trajectories/trajectory/", "&o=-5"),
        # By trajectory (the trajectory's order), then phase.
        ("PhaseRecordAdmin", "/beheer/trajectories/phaserecord/", ""),
        ("WorkerAdmin", "/beheer/trajectories/worker/", ""),
    ],
)
def test_admin_pages_follow_their_links_from_the_position(
    admin_client_, listing, monkeypatch, admin_class, url, sort
):
    from trajectories import admin

    monkeypatch.setattr(getattr(admin, admin_class), "list_per_page", 20)
    get(admin_client_, url)  # per-process caches, the session
    first = get(admin_client_, url + "?" + sort.lstrip("&"))
    if sort:
        assert first.context["cl"].queryset.query.order_by[0].lstrip("-") in (
            "project_number",
            "end_date",
        )
    pages = first.context["cl"].paginator.num_pages
    assert pages >= 3
    walked, response = admin_shown(first), first
    for number in range(2, pages + 1):
        target = admin_page_link(response, number)
        if 1 < number < pages:
            assert "after=" in target and "before=" not in target
        response = get(admin_client_, url + target)
        walked += admin_shown(response)
        assert len(response.queries) == len(first.queries)
        if 1 < number < pages:
            rows_query = next(q for q in response.queries if " LIMIT 20" in q)
            assert "OFFSET" not in rows_query
    # Every row once, in the order of the pages typed by number (their keys by OFFSET).
    typed = []
    for number in range(1, pages + 1):
        page = get(admin_client_, url + f"?p={number}{sort}")
        typed += admin_shown(page)
        assert len(page.queries) == len(first.queries)
    assert walked == typed
    assert len(set(walked)) == len(walked) == first.context["cl"].result_count
    # The order Django's changelist gives (it ends with the key).
    assert walked == list(first.context["cl"].queryset.values_list("pk", flat=True))
    # Back from the last page: the page before it, read before its first row.
    back = admin_page_link(response, pages - 1)
    assert "before=" in back
    previous = get(admin_client_, url + back)
    assert "OFFSET" not in next(q for q in previous.queries if " LIMIT 20" in q)
    assert admin_shown(previous) == typed[(pages - 2) * 20 : (pages - 1) * 20]


def test_an_admin_position_is_no_filter_and_other_links_drop_it(
    admin_client_, listing, monkeypatch
):
    from trajectories import admin

    monkeypatch.setattr(admin.TrajectoryAdmin, "list_per_page", 20)
    url = "/beheer/trajectories/trajectory/"
    second = get(admin_client_, url + admin_page_link(get(admin_client_, url), 2))
    assert second.context["cl"].page_num == 2 and "e=1" not in second.wsgi_request.get_full_path()
    content = second.content.decode()
    # The sort and filter links start their list without the position.
    assert "?o=" in content and "?status__exact=" in content
    for href in re.findall(r'href="(\?[^"]*)"', content):
        if "p=" not in href:
            assert "after=" not in href and "before=" not in href, href
    # Nor does the search form (its hidden inputs keep the list's other parameters).
    assert ('name="after"' not in content and 'name="o"' not in content) or "after" not in content


def test_an_admin_page_far_from_the_one_shown_is_read_from_the_start(
    admin_client_, listing, monkeypatch
):
    """The admin's page links reach pages 2 and the one before the last too: a position many
    pages away would skip more rows than the start, so those pages are read by OFFSET (of
    their keys), and the pages near the one shown from the position (their keys too)."""
    from trajectories import admin

    monkeypatch.setattr(admin.PhaseRecordAdmin, "list_per_page", 20)
    url = "/beheer/trajectories/phaserecord/"
    pages = get(admin_client_, url).context["cl"].paginator.num_pages
    assert pages >= 8
    typed = {n: admin_shown(get(admin_client_, url + f"?p={n}")) for n in (2, pages - 3, pages - 1)}
    shown = get(admin_client_, url + f"?p={pages - 2}")
    second = get(admin_client_, url + admin_page_link(shown, 2))
    rows = next(q for q in second.queries if "IN (SELECT" in q)
    assert "LIMIT 20 OFFSET 20)" in rows
    assert admin_shown(second) == typed[2]
    near = get(admin_client_, url + admin_page_link(shown, pages - 3))
    rows = next(q for q in near.queries if "IN (SELECT" in q)
    assert "OFFSET" not in rows and "LIMIT 20" in rows
    assert admin_shown(near) == typed[pages - 3]


def test_a_page_nearer_the_end_is_read_backwards_from_it(admin_client_, listing, monkeypatch):
    """The admin links the page before the last from any page: from page 2 that page is read
    backwards from the end, not after page 2's position; so is a typed page near the end."""
    from trajectories import admin

    monkeypatch.setattr(admin.PhaseRecordAdmin, "list_per_page", 20)
    url = "/beheer/trajectories/phaserecord/"
    first = get(admin_client_, url)
    pages, count = first.context["cl"].paginator.num_pages, first.context["cl"].result_count
    assert pages >= 8
    order = list(first.context["cl"].queryset.values_list("pk", flat=True))
    wanted = order[(pages - 2) * 20 : (pages - 1) * 20]
    second = get(admin_client_, url + admin_page_link(first, 2))
    for target in (admin_page_link(second, pages - 1), f"?p={pages - 1}"):
        response = get(admin_client_, url + target)
        rows = next(q for q in response.queries if "IN (SELECT" in q)
        assert f"LIMIT 20 OFFSET {count - (pages - 1) * 20})" in rows
        assert admin_shown(response) == wanted


def test_orders_a_position_cannot_follow_are_read_by_offset(seed):
    from django.db.models import Count, DurationField, ExpressionWrapper, F, Window
    from django.db.models.functions import RowNumber

    from mandates.models import Mandate

    listing = Trajectory.objects.for_listing()
    for queryset in [
        listing.order_by(F("start_date").desc()),  # an expression
        listing.order_by("?"),
        listing.order_by("start_date__year"),  # a transform
        Mandate.objects.order_by("trajectories__start_date"),  # a many-valued relation
        Mandate.objects.annotate(n=Count("trajectories")).order_by("n"),  # an aggregate
        listing.annotate(n=Window(RowNumber())).order_by("n"),  # a window function
        listing.alias(s=F("start_date")).order_by("s"),  # not selected
        listing.annotate(
            d=ExpressionWrapper(F("end_date") - F("start_date"), output_field=DurationField())
        ).order_by("d"),  # a type a position does not carry
    ]:
        assert KeysetOrder.of(queryset) is None, queryset.query.order_by
    # "pk" is the key itself, even where the key is a relation.
    assert KeysetOrder.of(listing.order_by("-pk")).names == ["-pk"]


def test_admin_rows_link_to_their_change_page_with_the_lists_filters_as_django_does(
    admin_client_, listing, monkeypatch
):
    from django.contrib.admin.templatetags.admin_urls import add_preserved_filters

    from trajectories import admin

    monkeypatch.setattr(admin.TrajectoryAdmin, "list_per_page", 20)
    url = "/beheer/trajectories/trajectory/"
    second = get(admin_client_, url + admin_page_link(get(admin_client_, url + "?o=-5"), 2))
    cl = second.context["cl"]
    preserved = cl.model_admin.get_preserved_filters(second.wsgi_request)
    assert "after" in preserved and "p%3D2" in preserved
    expected = [
        add_preserved_filters(
            {"preserved_filters": preserved, "opts": cl.opts},
            reverse("admin:trajectories_trajectory_change", args=[row.pk]),
        )
        for row in cl.result_list
    ]
    content = second.content.decode()
    shown = [
        html.unescape(href)
        for href in re.findall(r'<th class="field-[^"]*"><a href="([^"]*)"', content)
    ]
    assert shown == expected


def test_an_editable_admin_list_edits_the_rows_of_a_page_read_from_its_position(
    admin_client_, listing, monkeypatch
):
    from trajectories import admin

    monkeypatch.setattr(admin.TrajectoryAdmin, "list_per_page", 20)
    monkeypatch.setattr(admin.TrajectoryAdmin, "list_editable", ["is_demo"])
    url = "/beheer/trajectories/trajectory/"
    second = get(admin_client_, url + admin_page_link(get(admin_client_, url), 2))
    cl = second.context["cl"]
    forms = [form.instance.pk for form in cl.formset.forms]
    assert forms == admin_shown(second) and len(forms) == 20
