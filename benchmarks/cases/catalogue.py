"""Every page of the application in the benchmark: the cases `make bench` requests at every size,
and, for a page it does not request, the reason (NOT_MEASURED).

A page is a named URL pattern answering a GET with HTML (the pages tests/layout_pages.py opens).
Each is requested as it is served, and a list also with each of its sorts and its search:

* the application's pages (APP_PAGES), the listings among them with every sortable column of
  their django-tables2 table, ascending and descending (`?sort=` and `?sort=-`);
* every admin change list, with its search (`?q=`, when it has search fields) and each sortable
  column (`?o=`), ascending and descending.

tests/test_benchmark_coverage.py walks the URL resolver and fails when a page has neither a
case here nor a reason, or a listing's sortable column or an admin list's search or sort has
no case: a new page, column or search field cannot be left out by forgetting it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Case:
    """One page to request: its URL pattern (`name`), the arguments to reverse it with (`kwargs`
    computed on the database of the size measured: the same record at every size where it
    matters), a query string, and how often to time it (None: the run's --repeat)."""

    case: str
    name: str
    query: str = ""
    kwargs: Callable[[], dict] | None = None
    repeat: int | None = None
    # A deep page: compared with the first page of its list too (see pages.PAGE_CASES).
    first_page: bool = False
    tags: tuple[str, ...] = field(default=())

    def url(self) -> str:
        from django.urls import reverse

        path = reverse(self.name, kwargs=self.kwargs() if self.kwargs else None)
        return f"{path}?{self.query}" if self.query else path


# A sort or a search is requested fewer times than a page: there are many (the same five runs
# at each size, taken in turn, as every case).
SORT_REPEAT = 5

MIDDLE_TRAJECTORY = "the trajectory in the middle of the table"


def _middle_trajectory() -> dict:
    from trajectories.models import Trajectory

    count = Trajectory.objects.count()
    return {"pk": Trajectory.objects.order_by("pk").values_list("pk", flat=True)[count // 2]}


def _busiest_mandate() -> dict:
    from mandates.models import Mandate

    return {"project_number": 6441 if Mandate.objects.filter(project_number=6441).exists() else 1}


def _first(model_path: str, key: str = "pk") -> Callable[[], dict]:
    def kwargs() -> dict:
        from django.apps import apps

        model = apps.get_model(model_path)
        return {key: model.objects.order_by("pk").values_list("pk", flat=True).first()}

    return kwargs


def _admin_object(model_path: str, chooser: Callable[[], dict]) -> Callable[[], dict]:
    def kwargs() -> dict:
        return {"object_id": next(iter(chooser().values()))}

    return kwargs


def _mandate_pk() -> dict:
    from mandates.models import Mandate

    return {"object_id": Mandate.objects.get(**_busiest_mandate()).pk}


def _first_question() -> dict:
    from questions.models import ParliamentaryQuestion

    return {"pk": ParliamentaryQuestion.objects.order_by("number").values_list("pk", flat=True)[0]}


# The application's pages (the trajectory listing's deep, filtered and searched pages are
# pages.PAGE_CASES); listings get their sorts from their table (listing_sort_cases).
APP_PAGES: list[Case] = [
    Case("dashboard", "home"),
    Case("trajectory page", "trajectories:detail", kwargs=_middle_trajectory),
    Case("deadlines", "trajectories:deadlines"),
    Case("deadlines, past maximum only", "trajectories:deadlines", "only_overdue=true"),
    Case("hours", "trajectories:hours"),
    Case("health index", "trajectories:health-index"),
    Case("trajectory import form", "trajectories:import"),
    Case("mandate page", "mandates:detail", kwargs=_busiest_mandate),
    Case("pilot list", "pilots:list"),
    Case("pilot page", "pilots:detail", kwargs=_first("pilots.Pilot")),
    Case("pilot overview", "pilots:overview"),
    Case("care follow-up", "pilots:care"),
    Case("question list", "questions:list"),
    Case("question page", "questions:detail", kwargs=_first_question),
    Case("export list", "exports"),
    Case("payments: claims", "payments:claims"),
    Case("payments: new claim form", "payments:claim-new"),
    Case("payments: payment confirmations import", "payments:import"),
    Case("payments: correction runs", "payments:corrections"),
    Case("notifications", "notifications:list"),
    Case("notification choices", "notifications:preferences"),
    Case("admin index", "admin:index"),
    Case("admin app list, mandates", "admin:app_list", kwargs=lambda: {"app_label": "mandates"}),
    Case(
        "admin trajectory page",
        "admin:trajectories_trajectory_change",
        kwargs=_admin_object("trajectories.Trajectory", _middle_trajectory),
    ),
    Case(
        "admin trajectory history",
        "admin:trajectories_trajectory_history",
        kwargs=_admin_object("trajectories.Trajectory", _middle_trajectory),
    ),
    Case("admin new trajectory form", "admin:trajectories_trajectory_add"),
    Case("admin mandate page", "admin:mandates_mandate_change", kwargs=_mandate_pk),
    Case("admin mandate history", "admin:mandates_mandate_history", kwargs=_mandate_pk),
    Case("admin new mandate form", "admin:mandates_mandate_add"),
]

# Pages measured by a case elsewhere in the bench: pattern name -> where.
MEASURED_ELSEWHERE: dict[str, str] = {
    "trajectories:list": "benchmarks/cases/pages.py (PAGE_CASES: first, deep, filtered, search)",
    "mandates:list": "benchmarks/cases/pages.py (PAGE_CASES: mandate list)",
    "payments:ledger": "benchmarks/payments_bench.py (the ledger page)",
}

# Pages the bench does not request, and why.
NOT_MEASURED: dict[str, str] = {
    "login": "the login form: no data on it",
    "admin:password_change": "a password form: no data on it",
    "admin:password_change_done": "a confirmation: no data on it",
    "admin:auth_user_password_change": "a password form for one account: no data on it",
    "admin:mandates_mandate_delete": "lists every record deleting the mandate would delete: "
    "it grows with the mandate (by design), and deleting a mandate with trajectories is "
    "refused anyway",
    "job-file": "a job's page: one row of the jobs table, whatever the size (the file's writing "
    "is a job, timed with the import's in the bench's jobs section)",
    "trajectories:import-detail": "an uploaded file's report: its cost follows the file's "
    "lines (measured by benchmarks/import_bench.py), not the table",
    "questions:pack-detail": "an answer pack as stored when it was made: no query over the "
    "trajectories",
    "questions:pack-html": "an answer pack as stored when it was made: no query over the "
    "trajectories",
    "payments:claim-detail": "one claim's lines: its cost follows the claim (making one of "
    "10,000 phases is measured by benchmarks/payments_bench.py), not the table",
    "payments:claim-print": "one claim's lines, printable: as the claim's page",
    "payments:phase-evidence": "the documents of one claimed phase: a few rows by key",
    "payments:import-detail": "an uploaded confirmation file's report: its cost follows the file",
    "payments:correction-detail": "one correction run's items: its cost follows the run",
}


def _orderable_columns(table_class) -> list[str]:
    table = table_class([])
    return [column.name for column in table.columns if column.orderable]


def listing_views() -> dict[str, type]:
    """Pattern name -> the django-tables2 table of every listing among the application's pages."""
    from django.urls import reverse

    found = {}
    for name in [*MEASURED_ELSEWHERE, *(case.name for case in APP_PAGES)]:
        if name.startswith("admin:") or name in found:
            continue
        try:
            path = reverse(name)
        except Exception:  # a page with arguments: no listing of its own here
            continue
        from django.urls import resolve

        view_class = getattr(resolve(path).func, "view_class", None)
        table_class = getattr(view_class, "table_class", None)
        if table_class is not None:
            found[name] = table_class
    return found


def listing_sort_cases() -> list[Case]:
    cases = []
    for name, table_class in listing_views().items():
        sort_field = table_class._meta.order_by_field or "sort"
        for column in _orderable_columns(table_class):
            for sign, direction in (("", "ascending"), ("-", "descending")):
                cases.append(
                    Case(
                        f"{name} sorted on {column}, {direction}",
                        name,
                        f"{sort_field}={sign}{column}",
                        repeat=SORT_REPEAT,
                        tags=("sort",),
                    )
                )
    return cases


# The admin's search, per model: a term found in the data (a worker's reference, a mandate's
# number); other lists are searched for a letter, the most rows a search can find.
def _middle_reference() -> str:
    from trajectories.models import Worker

    count = Worker.objects.count()
    return Worker.objects.order_by("pk").values_list("reference", flat=True)[count // 2]


SEARCH_TERMS: dict[str, Callable[[], str]] = {
    "trajectories.trajectory": _middle_reference,
    "trajectories.worker": _middle_reference,
    "trajectories.phaserecord": _middle_reference,
    "mandates.mandate": lambda: "6441",
    "payments.mandatebudget": lambda: "6441",
    "payments.claim": lambda: "6441",
}


def admin_request():
    """A GET of the admin by the bench's superuser, for the admin's own ChangeList."""
    from django.test import RequestFactory

    from benchmarks.measure import bench_user

    request = RequestFactory().get("/")
    request.user = bench_user()
    request.session = {}
    return request


def admin_sortable(model_admin, request) -> list[tuple[int, str]]:
    """The sortable columns of an admin list as its header links them: (`?o=` index, name),
    the index counted over the list's columns as Django's ChangeList counts them (with the
    action checkbox, where the list has actions)."""
    from django.contrib.admin.templatetags.admin_list import result_headers
    from django.urls import resolve, reverse

    opts = model_admin.model._meta
    request.path = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    request.resolver_match = resolve(request.path)
    changelist = model_admin.get_changelist_instance(request)
    headers = list(result_headers(changelist))
    return [
        (index, str(changelist.list_display[index]))
        for index, header in enumerate(headers)
        if header["sortable"]
    ]


def admin_cases(request) -> list[Case]:
    """Every admin change list, its search and each sortable column (both directions)."""
    from django.contrib import admin

    cases = []
    for model, model_admin in sorted(admin.site._registry.items(), key=lambda i: i[0]._meta.label):
        opts = model._meta
        name = f"admin:{opts.app_label}_{opts.model_name}_changelist"
        label = f"admin {opts.label_lower}"
        cases.append(Case(label, name))
        if model_admin.search_fields:
            term = SEARCH_TERMS.get(opts.label_lower, lambda: "e")
            cases.append(
                Case(f"{label}, search", name, "", repeat=SORT_REPEAT, tags=("search", term))
            )
        for index, column in admin_sortable(model_admin, request):
            for sign, direction in (("", "ascending"), ("-", "descending")):
                cases.append(
                    Case(
                        f"{label} sorted on {column}, {direction}",
                        name,
                        f"o={sign}{index}",
                        repeat=SORT_REPEAT,
                        tags=("sort",),
                    )
                )
    return cases


def search_query(case: Case) -> str:
    """The query string of an admin search case, its term found on the database measured."""
    from urllib.parse import urlencode

    term = case.tags[1]
    return urlencode({"q": term()})


def all_cases() -> list[Case]:
    """Every case, its URL to be made on a database (the admin's sortable columns are read
    from its ChangeList, which queries)."""
    return [*APP_PAGES, *listing_sort_cases(), *admin_cases(admin_request())]
