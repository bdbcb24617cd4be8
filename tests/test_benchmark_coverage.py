"""Every page is in `make bench` (issue 21): each page the URL resolver has (the ones
tests/layout_pages.py finds and opens) has a benchmark case or a written reason, each listing's
sortable column a case per direction, each admin list its search and each of its sorts."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import resolve

from benchmarks.cases import catalogue
from tests.layout_pages import cases as layout_cases
from tests.layout_pages import url_patterns

pytestmark = pytest.mark.django_db


@pytest.fixture
def bench_cases(seed):
    from tests.factories.trajectories import TrajectoryFactory

    TrajectoryFactory.create_batch(3)  # the detail pages' cases take one from the middle
    return catalogue.all_cases()


def test_every_page_has_a_case_or_a_reason(bench_cases):
    pages, unexplained = layout_cases()
    assert not unexplained
    measured = {case.name for case in bench_cases} | set(catalogue.MEASURED_ELSEWHERE)
    explained = measured | set(catalogue.NOT_MEASURED)
    missing = [name for name in pages if name not in explained]
    assert not missing, f"pages with no benchmark case nor reason (catalogue.py): {missing}"
    # A reason is for a page that exists and is not measured.
    assert not set(catalogue.NOT_MEASURED) & measured
    assert set(catalogue.NOT_MEASURED) <= set(pages)
    assert all(len(reason) > 20 for reason in catalogue.NOT_MEASURED.values())


def test_each_case_is_the_page_it_names(bench_cases):
    for case in bench_cases:
        url = case.url()
        assert resolve(url.split("?")[0]).view_name == case.name, case.case


def test_every_sortable_column_of_every_listing_both_ways(bench_cases):
    """Found from the URL patterns, not from the catalogue: a view with a table is a listing."""
    listings = {}
    for pattern in url_patterns():
        if pattern.name is None or pattern.name.startswith("admin:"):
            continue
        view_class = getattr(resolve_pattern(pattern), "view_class", None)
        table_class = getattr(view_class, "table_class", None)
        if table_class is not None and pattern.name not in catalogue.NOT_MEASURED:
            listings[pattern.name] = table_class
    assert {"trajectories:list", "trajectories:deadlines", "mandates:list"} <= set(listings)
    queries = {(case.name, case.query) for case in bench_cases}
    for name, table_class in listings.items():
        table = table_class([])
        sort = table_class._meta.order_by_field or "sort"
        orderable = [column.name for column in table.columns if column.orderable]
        for column in orderable:
            for sign in ("", "-"):
                assert (name, f"{sort}={sign}{column}") in queries, (name, column, sign)
    assert ("trajectories:list", "sort=status") in queries
    assert len([q for n, q in queries if n == "trajectories:list" and "sort=" in q]) >= 2 * 8


def resolve_pattern(pattern):
    from django.urls import get_resolver

    for candidate in get_resolver().url_patterns:
        found = _find(candidate, pattern.name, "")
        if found is not None:
            return found
    return None


def _find(candidate, name, namespace):
    from django.urls import URLPattern, URLResolver

    if isinstance(candidate, URLResolver):
        inner = namespace + (f"{candidate.namespace}:" if candidate.namespace else "")
        for sub in candidate.url_patterns:
            found = _find(sub, name, inner)
            if found is not None:
                return found
    elif isinstance(candidate, URLPattern) and f"{namespace}{candidate.name}" == name:
        return candidate.callback
    return None


def test_every_admin_list_with_its_search_and_every_sort(bench_cases):
    by_list = {}
    for case in bench_cases:
        by_list.setdefault(case.name, []).append(case)
    request = catalogue.admin_request()
    for model, model_admin in admin.site._registry.items():
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
        cases = by_list.get(name, [])
        assert any(not case.query and not case.tags for case in cases), name
        searches = [case for case in cases if "search" in case.tags]
        assert len(searches) == (1 if model_admin.search_fields else 0), name
        sortable = catalogue.admin_sortable(model_admin, request)
        queries = {case.query for case in cases}
        for index, _column in sortable:
            assert {f"o={index}", f"o=-{index}"} <= queries, (name, index)
    trajectories = by_list["admin:trajectories_trajectory_changelist"]
    # The columns a user sorts the trajectories on in the admin: status and start among them.
    assert len([case for case in trajectories if "sort" in case.tags]) >= 2 * 7


def test_the_admin_search_finds_what_it_is_given(bench_cases, admin_client_):
    """The trajectory admin's search case looks for the reference of the worker in the middle
    of the table, and the page finds that one trajectory."""
    from tests.factories.trajectories import TrajectoryFactory
    from trajectories.models import Worker

    trajectories = TrajectoryFactory.create_batch(3)
    middle = Worker.objects.order_by("pk")[Worker.objects.count() // 2]
    search = next(
        case
        for case in bench_cases
        if case.name == "admin:trajectories_trajectory_changelist" and "search" in case.tags
    )
    url = search.url() + "?" + catalogue.search_query(search)
    response = admin_client_.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert middle.reference in content
    others = [t.worker.reference for t in trajectories if t.worker_id != middle.pk]
    assert others and not any(f">{reference}<" in content for reference in others)


def test_every_case_answers(bench_cases, client):
    """Each case is a page that answers, as the bench's superuser requests it (the bench
    stops on any other status)."""
    from benchmarks.measure import bench_user

    client.force_login(bench_user())
    for case in bench_cases:
        url = case.url()
        if "search" in case.tags:
            url += "?" + catalogue.search_query(case)
        response = client.get(url)
        assert response.status_code == 200, (case.case, url, response.status_code)
