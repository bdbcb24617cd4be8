"""Every page of the application, found from its URL patterns, for the layout test.

Each named URL pattern is a page to open (PAGES: the arguments to reverse it with) or is not a
page to look at, with the reason written down (NOT_PAGES). A new pattern in neither fails
tests/test_browser_layout.py, so a new page cannot be left out by forgetting it.

The admin's pages of each registered model are Django's templates (and the audit history's):
every model's change list is opened; its add, change, history and delete pages are opened for
the mandate and the trajectory (inlines, the audit history with related events), and for the
other models the rule in `admin_model_reason` says why not.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone


class Record(str):
    """In PAGES, the key of a record made by `records()`."""


# Arguments to reverse each page with; the records they need are made by `records()`.
PAGES: dict[str, dict] = {
    "home": {},
    "login": {},
    "mandates:list": {},
    "mandates:detail": {"project_number": 6441},
    "pilots:list": {},
    "pilots:detail": {"pk": Record("pilot")},
    "pilots:overview": {},
    "pilots:care": {},
    "trajectories:list": {},
    "trajectories:detail": {"pk": Record("trajectory")},
    "trajectories:deadlines": {},
    "trajectories:hours": {},
    "trajectories:health-index": {},
    "trajectories:import": {},
    "trajectories:import-detail": {"pk": Record("import_batch")},
    "questions:list": {},
    "questions:detail": {"pk": Record("question")},
    "questions:pack-detail": {"pk": Record("pack")},
    "questions:pack-html": {"pk": Record("pack")},
    "exports": {},
    "job-file": {"pk": Record("export_job")},
    "payments:claims": {},
    "payments:claim-new": {},
    "payments:claim-detail": {"pk": Record("claim")},
    "payments:claim-print": {"pk": Record("claim")},
    "payments:phase-evidence": {"pk": Record("claimed_phase")},
    "payments:ledger": {},
    "payments:import": {},
    "payments:import-detail": {"pk": Record("payment_import")},
    "payments:corrections": {},
    "payments:correction-detail": {"pk": Record("correction")},
    "notifications:list": {},
    "notifications:preferences": {},
    "admin:index": {},
    "admin:app_list": {"app_label": "mandates"},
    "admin:password_change": {},
    "admin:password_change_done": {},
    "admin:auth_user_password_change": {"id": Record("staff")},
    "admin:mandates_mandate_add": {},
    "admin:mandates_mandate_change": {"object_id": Record("mandate")},
    "admin:mandates_mandate_history": {"object_id": Record("mandate")},
    "admin:mandates_mandate_delete": {"object_id": Record("mandate")},
    "admin:trajectories_trajectory_add": {},
    "admin:trajectories_trajectory_change": {"object_id": Record("trajectory")},
    "admin:trajectories_trajectory_history": {"object_id": Record("trajectory")},
}

POST_ONLY = "only answers a POST: a button or form of another page"
NOT_PAGES: dict[str, str] = {
    "health": "plain text 'ok' for load balancers and monitoring",
    "job-status": "JSON of a job's progress, polled by the page that shows its bar",
    "job-cancel": POST_ONLY + " (the Cancel button beside a job's progress bar)",
    "logout": POST_ONLY + " (Log out)",
    "set_language": POST_ONLY + " (the language switch)",
    "trajectories:phase-start": POST_ONLY + " (the trajectory's page)",
    "trajectories:phase-complete": POST_ONLY + " (the trajectory's page)",
    "trajectories:stop": POST_ONLY + " (the trajectory's page)",
    "trajectories:outcome": POST_ONLY + " (the trajectory's page)",
    "trajectories:undo": POST_ONLY + " (the trajectory's page)",
    "questions:pack-generate": POST_ONLY + " (the question's page)",
    "questions:pack-download": "a ZIP file, not a page",
    "export-download": "a CSV or XLSX file, not a page",
    "job-file-download": "the XLSX file a job wrote, not a page",
    "payments:evidence-download": "a claim's document (PDF, image, office file), not a page",
    "payments:claim-evidence": POST_ONLY + " (the claim's page)",
    **{
        f"payments:claim-{step}": POST_ONLY + " (the claim's page)"
        for step in (
            "submit",
            "discard",
            "review",
            "check",
            "approve",
            "reject",
            "pay",
            "payment-failed",
            "reissue",
        )
    },
    "payments:correction-approve": POST_ONLY + " (the correction run's page)",
    "payments:correction-discard": POST_ONLY + " (the correction run's page)",
    "notifications:mark-read": POST_ONLY + " (the notifications' page)",
    "notifications:mark-all-read": POST_ONLY + " (the notifications' page)",
    "admin:login": "the admin's login form; staff log in on the application's login page",
    "admin:logout": POST_ONLY + " (the admin's Log out)",
    "admin:autocomplete": "JSON for the admin's search boxes",
    "admin:jsi18n": "JavaScript: the admin's translations",
    "admin:view_on_site": "a redirect to the record's page in the application",
}

# Pages that may be wider than the screen, and why.
WIDER_THAN_THE_SCREEN = {
    "questions:pack-html": "a document to copy into a word processor: its tables keep their "
    "width, with no scroll box of their own (which would go along into the copy)",
}

# The admin's pages that axe-core checks: the admin is Django's own markup, whose link styles
# axe faults on some pages; its index and a change list are held to the rules.
AXE_IN_THE_ADMIN = {"admin:index", "admin:mandates_mandate_changelist"}

ADMIN_MODEL_ACTIONS = ("changelist", "add", "change", "history", "delete")


@dataclass(frozen=True)
class Pattern:
    route: str
    name: str | None


def url_patterns() -> list[Pattern]:
    """Every URL pattern of the project, with its full route and namespaced name."""

    def walk(patterns, prefix: str, namespace: str):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                name = f"{namespace}{pattern.name}" if pattern.name else None
                yield Pattern(prefix + str(pattern.pattern), name)

    return list(walk(get_resolver().url_patterns, "", ""))


def admin_model_pages() -> dict[str, str]:
    """The admin's pages of every registered model: name -> action."""
    pages = {}
    for model in admin.site._registry:
        for action in ADMIN_MODEL_ACTIONS:
            pages[f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}"] = action
    return pages


def admin_model_reason(pattern: Pattern) -> str | None:
    """Why an admin pattern of a model is not opened, or None when it is (or is no such)."""
    prefix = reverse("admin:index").lstrip("/")
    if pattern.name is None:
        if pattern.route == prefix + "(?P<url>.*)$":
            return "the admin's catch-all: a redirect or 404 for an unknown admin address"
        if pattern.route.startswith(prefix) and pattern.route.endswith("/<path:object_id>/"):
            return "the old address of a change page: a redirect to it"
        return None
    action = admin_model_pages().get(pattern.name)
    if action is None or action == "changelist" or pattern.name in PAGES:
        return None
    return f"Django's admin {action} page: looked at for the mandate and the trajectory"


def cases() -> tuple[list[str], dict[str, str]]:
    """The names of the pages to open, and the patterns no case covers: route -> problem."""
    opened, unexplained = [], {}
    changelists = {n for n, action in admin_model_pages().items() if action == "changelist"}
    for pattern in url_patterns():
        if admin_model_reason(pattern) is not None or pattern.name in NOT_PAGES:
            continue
        if pattern.name in PAGES or pattern.name in changelists:
            opened.append(pattern.name)
        else:
            unexplained[pattern.route] = f"{pattern.name}: no case in PAGES, no reason in NOT_PAGES"
    return opened, unexplained


def records() -> dict[str, int]:
    """A record of each kind the detail pages need (on the seed and demo data)."""
    from django.contrib.auth import get_user_model

    from mandates.models import Mandate
    from pilots.models import Pilot
    from questions.models import ParliamentaryQuestion
    from questions.services import answer_pack_generate
    from tests.factories.jobs import written_export
    from trajectories.imports import import_batch_check
    from trajectories.models import Trajectory

    staff = get_user_model().objects.get(username="medewerker")
    trajectory = Trajectory.objects.filter(phases__isnull=False).order_by("pk").first()
    question = ParliamentaryQuestion.objects.get(number=35)
    reference, number = trajectory.worker.reference, trajectory.mandate.project_number
    today = timezone.localdate().strftime("%d/%m/%Y")
    upload = (
        "Referentie werknemer;Projectnummer;Fase;Startdatum;Einddatum;Uren\r\n"
        f"{reference};{number};Voortraject;{today};;\r\n"
        "ONBEKEND-1;9999;Voortraject;31/02/2024;;\r\n"
    )
    batch = import_batch_check(user=staff, data=upload.encode(), file_name="voortgang.csv")
    return {
        **payment_records(staff),
        "pilot": Pilot.objects.order_by("pk").first().pk,
        "question": question.pk,
        "trajectory": trajectory.pk,
        "mandate": Mandate.objects.get(project_number=6441).pk,
        "staff": staff.pk,
        "pack": answer_pack_generate(question=question, user=staff).pk,
        "import_batch": batch.pk,
        "export_job": written_export(staff).pk,
    }


def payment_records(staff) -> dict[str, int]:
    """A draft claim of the demo data with its documents, a confirmation file, a run."""
    from payments import imports, services
    from tests.factories.payments import documented
    from trajectories.models import PhaseRecord

    mandate = PhaseRecord.objects.completed().order_by("pk").first().trajectory.mandate
    claim = services.claim_create(
        user=staff,
        mandate=mandate,
        period_start=dt.date(2017, 1, 1),
        period_end=timezone.localdate(),
    )
    documented(claim, staff)
    phase = claim.lines.order_by("-phase_number", "position").first().phase_id
    confirmations = imports.payment_import_check(user=staff, data=b"x", file_name="x.csv")
    run = services.correction_run_create(user=staff, reason="Index 03/2024")
    return {
        "claim": claim.pk,
        "claimed_phase": phase,
        "payment_import": confirmations.pk,
        "correction": run.pk,
    }


def page_paths() -> list[tuple[str, str]]:
    """(pattern name, path) of every page to open, with the records made for them."""
    ids = records()
    opened, unexplained = cases()
    assert not unexplained, unexplained
    paths = []
    for name in opened:
        kwargs = {k: ids[v] if isinstance(v, Record) else v for k, v in PAGES.get(name, {}).items()}
        paths.append((name, reverse(name, kwargs=kwargs)))
    return paths
