"""Every URL x every role x GET and POST, with the status each must get.

The application's own URLs are listed one by one below. The admin's URLs follow from the roles'
model permissions (doorstroom.roles.ROLE_PERMISSIONS) and the scoping of each ModelAdmin. A guard
test fails as soon as a URL exists that this file does not cover, so a new page cannot ship
without deciding who may open it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from doorstroom.jobs.models import Job
from doorstroom.roles import Role
from mandates.models import Mandate, Organisation, Province
from pilots.models import Pilot
from questions.models import ParliamentaryQuestion
from questions.services import answer_pack_generate
from tests.factories.jobs import written_export
from tests.factories.mandates import OrganisationFactory
from trajectories.services import trajectory_start, worker_create

ANON, NONE, ANALYST, PROVIDER, PROVINCIAL, EDITOR, ADMIN, FINANCE = (
    "anonymous",
    "no-role",
    "analyst",
    "provider",
    "provincial",
    "editor",
    "administrator",
    "finance",
)
ROLES = [ANON, NONE, ANALYST, PROVIDER, PROVINCIAL, EDITOR, ADMIN, FINANCE]
WITH_ROLE = [ANALYST, PROVIDER, PROVINCIAL, EDITOR, ADMIN, FINANCE]
WIDE = [ANALYST, EDITOR, ADMIN, FINANCE]
# Every role that may see records about workers (all but the analyst); those that edit them.
RECORDS = [EDITOR, ADMIN, PROVIDER, PROVINCIAL, FINANCE]
EDITING = [EDITOR, ADMIN, PROVIDER, PROVINCIAL]
STAFF = (PROVINCIAL, EDITOR, ADMIN, FINANCE)


def expect(ok: int, allowed: list[str], *, denied: int = 403, anon: int = 302) -> dict[str, int]:
    """`ok` for the allowed roles, `denied` for the other roles, a login redirect for anonymous,
    403 for an account without a role (doorstroom.access.RoleRequiredMiddleware)."""
    result = {ANON: anon, NONE: 403}
    for role in WITH_ROLE:
        result[role] = ok if role in allowed else denied
    return result


def same(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


CLAIMANTS, CHECKERS = [PROVIDER, ADMIN], [EDITOR, PROVINCIAL, ADMIN]
DECIDERS, CORRECTORS = [FINANCE, ADMIN], [EDITOR, FINANCE, ADMIN]

# Paying providers. "claim" is a rejected claim of EMINO's 7887 (in Limburg): every
# step posted to it empty is refused by its rules (400) for the roles that take it and by the
# role (403) for the others; "other_claim" is a draft of Gent's 6454. The correction run is a
# discarded one, for the same reason.
PAYMENTS: dict[str, tuple[str | None, dict, dict]] = {
    "payments:claims": (None, expect(200, RECORDS), expect(405, RECORDS)),
    "payments:claim-new": (None, expect(200, CLAIMANTS), expect(400, CLAIMANTS)),
    "payments:claim-detail": ("claim", expect(200, RECORDS), expect(405, RECORDS)),
    "payments:claim-detail#other": (
        "other_claim",
        {**expect(200, [EDITOR, ADMIN, FINANCE], denied=404), ANALYST: 403},
        expect(405, RECORDS),
    ),
    "payments:claim-print": ("claim", expect(200, RECORDS), expect(405, RECORDS)),
    "payments:claim-evidence": ("claim", expect(405, RECORDS), expect(400, CLAIMANTS)),
    "payments:phase-evidence": ("phase", expect(200, RECORDS), expect(400, CLAIMANTS)),
    "payments:evidence-download": ("evidence", expect(200, RECORDS), expect(405, RECORDS)),
    "payments:ledger": (None, expect(200, RECORDS), expect(405, RECORDS)),
    "payments:import": (None, expect(200, DECIDERS), expect(200, DECIDERS)),
    "payments:import-detail": ("payment_import", expect(200, DECIDERS), expect(302, DECIDERS)),
    "payments:corrections": (None, expect(200, CORRECTORS), expect(400, CORRECTORS)),
    "payments:correction-detail": (
        "correction",
        expect(200, CORRECTORS),
        expect(405, CORRECTORS),
    ),
    "payments:correction-approve": ("correction", expect(405, CORRECTORS), expect(400, DECIDERS)),
    "payments:correction-discard": (
        "correction",
        expect(405, CORRECTORS),
        expect(400, CORRECTORS),
    ),
    **{
        f"payments:claim-{step}": ("claim", expect(405, RECORDS), expect(400, takers))
        for step, takers in (
            ("submit", CLAIMANTS),
            ("discard", CLAIMANTS),
            ("review", CHECKERS),
            ("check", CHECKERS),
            ("approve", DECIDERS),
            ("reject", DECIDERS),
            ("pay", DECIDERS),
            ("payment-failed", DECIDERS),
            ("reissue", DECIDERS),
        )
    },
}

# name: (path arguments key, expected GET, expected POST). Keys with "#" are a second object.
APP: dict[str, tuple[str | None, dict, dict]] = {
    "home": (None, expect(200, WITH_ROLE), expect(405, WITH_ROLE)),
    "login": (None, same(200), same(200)),
    "health": (None, same(200), same(405)),  # for the load balancer: no login, no data
    "logout": (None, {**same(405), ANON: 302}, same(302)),
    "set_language": (None, same(302), same(302)),
    "mandates:list": (None, expect(200, WITH_ROLE), expect(405, WITH_ROLE)),
    # 6441 has no known province and is not EMINO's: out of scope is "not found".
    "mandates:detail": ("mandate", expect(200, WIDE, denied=404), expect(405, WITH_ROLE)),
    "mandates:detail#own": (
        "own_mandate",
        expect(200, [*WIDE, PROVIDER, PROVINCIAL]),
        expect(405, WITH_ROLE),
    ),
    "pilots:list": (None, expect(200, WITH_ROLE), expect(405, WITH_ROLE)),
    "pilots:detail": ("pilot", expect(200, WITH_ROLE), expect(405, WITH_ROLE)),
    "pilots:overview": (None, expect(200, WITH_ROLE), expect(200, WITH_ROLE)),
    "pilots:care": (None, expect(200, WITH_ROLE), expect(200, WITH_ROLE)),
    "trajectories:list": (None, expect(200, RECORDS), expect(405, RECORDS)),
    "trajectories:detail": ("own_trajectory", expect(200, RECORDS), expect(405, RECORDS)),
    "trajectories:detail#other": (
        "other_trajectory",
        {**expect(200, [EDITOR, ADMIN, FINANCE], denied=404), ANALYST: 403},
        expect(405, RECORDS),
    ),
    # Recording progress: POST only; an empty form is refused with its errors (400).
    **{
        f"trajectories:{action}": (
            "own_trajectory",
            expect(405, RECORDS),
            expect(400, EDITING),
        )
        for action in ("phase-start", "phase-complete", "stop", "outcome", "undo")
    },
    "trajectories:outcome#other": (
        "other_trajectory",
        {**expect(405, RECORDS), ANALYST: 403},
        {**expect(400, [EDITOR, ADMIN], denied=404), ANALYST: 403, FINANCE: 403},
    ),
    "trajectories:import": (
        None,
        expect(200, [EDITOR, ADMIN, PROVIDER, PROVINCIAL]),
        expect(200, [EDITOR, ADMIN, PROVIDER, PROVINCIAL]),
    ),
    # An import made by the editor: someone else's import is "not found" (administrators see
    # all). Applying an empty, refused file changes nothing and leads back to it.
    "trajectories:import-detail": (
        "import_batch",
        expect(200, [EDITOR, ADMIN], denied=404) | {ANALYST: 403, FINANCE: 403},
        expect(302, [EDITOR, ADMIN], denied=404) | {ANALYST: 403, FINANCE: 403},
    ),
    # A job's progress (JSON), seen by whoever sees its work's result; cancelled only by whoever
    # started it (the editor), everyone else's is "not found".
    "job-status": (
        "job",
        expect(200, [EDITOR, ADMIN, ANALYST, FINANCE], denied=404),
        expect(405, WITH_ROLE),
    ),
    "job-cancel": ("job", expect(405, WITH_ROLE), expect(302, [EDITOR], denied=404)),
    # The file a job wrote holds what its export showed whoever asked: only they see it.
    "job-file": ("export_job", expect(200, [EDITOR], denied=404), expect(405, WITH_ROLE)),
    "job-file-download": (
        "export_job",
        expect(200, [EDITOR], denied=404),
        expect(405, WITH_ROLE),
    ),
    "trajectories:deadlines": (None, expect(200, RECORDS), expect(405, RECORDS)),
    "trajectories:hours": (None, expect(200, WITH_ROLE), expect(405, WITH_ROLE)),
    "trajectories:health-index": (None, expect(200, WITH_ROLE), expect(405, WITH_ROLE)),
    "questions:list": (None, expect(200, WIDE), expect(405, WIDE)),
    "questions:detail": ("question", expect(200, WIDE), expect(405, WIDE)),
    "questions:pack-generate": ("question", expect(405, WITH_ROLE), expect(302, WIDE)),
    "questions:pack-detail": ("pack", expect(200, WIDE), expect(200, WIDE)),
    "questions:pack-download": ("pack", expect(200, WIDE), expect(200, WIDE)),
    "questions:pack-html": ("pack", expect(200, WIDE), expect(200, WIDE)),
    "exports": (None, expect(200, WITH_ROLE), expect(200, WITH_ROLE)),
    "export-download": ("export_mandates", expect(200, WITH_ROLE), expect(405, WITH_ROLE)),
    "export-download#personal": (
        "export_trajectories",
        expect(200, RECORDS),
        expect(405, WITH_ROLE),
    ),
    # An internal document's exact figures: not for the analyst, who sees what may be published.
    "export-download#internal": (
        "export_provider_statement",
        expect(200, RECORDS),
        expect(405, WITH_ROLE),
    ),
    **PAYMENTS,
    # Every role has its own notifications and choices; another user's is "not found".
    "notifications:list": (None, expect(200, WITH_ROLE), expect(405, WITH_ROLE)),
    "notifications:preferences": (None, expect(200, WITH_ROLE), expect(200, WITH_ROLE)),
    "notifications:mark-all-read": (None, expect(405, WITH_ROLE), expect(302, WITH_ROLE)),
    "notifications:mark-read": (
        "notification",
        expect(405, WITH_ROLE),
        expect(302, [EDITOR], denied=404),
    ),
}


def url_patterns(patterns=None, prefix="", namespace=None):
    """(name, pattern) of every URL of the project, admin included."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            yield from url_patterns(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield name, prefix + str(pattern.pattern)


ADMIN_MODEL_VIEWS = ("changelist", "add", "change", "delete", "history", "autocomplete")
# Admin URLs that are not a model's, with their GET status for staff and for the others.
ADMIN_SITE = {
    "admin:index": (200, 302),
    "admin:login": (302, 200),  # staff are sent on to the index; others see the form
    "admin:logout": (405, 302),
    "admin:password_change": (200, 302),
    "admin:password_change_done": (200, 302),
    "admin:jsi18n": (200, 302),
    "admin:autocomplete": (403, 302),  # without its parameters: refused, never listed
    "admin:view_on_site": (None, None),  # a redirect helper; checked by the guard only
    "admin:app_list": (None, None),
    "admin:auth_user_password_change": (None, None),  # tested with the users below
    None: (None, None),  # the admin's catch-all (final_catch_all_view)
}


def test_every_url_is_covered_by_the_matrix():
    model_urls = {
        f"admin:{m._meta.app_label}_{m._meta.model_name}_{view}"
        for m in admin.site._registry
        for view in ADMIN_MODEL_VIEWS
    }
    covered = {name.split("#")[0] for name in APP} | model_urls | set(ADMIN_SITE)
    missing = sorted(
        f"{name} ({pattern})" for name, pattern in url_patterns() if name not in covered
    )
    assert missing == [], f"URLs without an access rule: {missing}"


@pytest.fixture
def world(seed, make_user):
    emino = Organisation.objects.get(name="EMINO")
    limburg = Province.objects.get(name="Limburg")

    def trajectory(number):
        return trajectory_start(
            worker=worker_create(first_name="Jan", last_name="Peeters"),
            mandate=Mandate.objects.get(project_number=number),
            origin_employer=OrganisationFactory(),
            start_date=dt.date(2024, 3, 4),
        )

    users = {
        ANON: None,
        NONE: make_user("geen-rol", None),
        ANALYST: make_user("analist", Role.ANALYST),
        PROVIDER: make_user("emino", Role.PROVIDER, organisation=emino),
        PROVINCIAL: make_user("limburg", Role.PROVINCIAL, province=limburg, is_staff=True),
        EDITOR: make_user("redactie", Role.EDITOR, is_staff=True),
        ADMIN: make_user("beheer", None, is_staff=True, is_superuser=True),
        FINANCE: make_user("financien", Role.FINANCE, is_staff=True),
    }
    question = ParliamentaryQuestion.objects.get(number=35)
    objects = {
        "mandate": {"project_number": 6441},
        "own_mandate": {"project_number": 7887},  # EMINO's, in Limburg
        "pilot": {"pk": Pilot.objects.first().pk},
        "own_trajectory": {"pk": trajectory(7887).pk},
        "other_trajectory": {"pk": trajectory(6454).pk},
        "question": {"pk": question.pk},
        "pack": {"pk": answer_pack_generate(question=question, user=users[EDITOR]).pk},
        "import_batch": {"pk": _import_batch(users[EDITOR]).pk},
        "job": {"pk": Job.objects.create(kind="import-check", created_by=users[EDITOR]).pk},
        "export_job": {"pk": written_export(users[EDITOR]).pk},
        "export_mandates": {"name": "mandates"},
        "export_trajectories": {"name": "trajectories"},
        "export_provider_statement": {"name": "provider-statement"},
        **_payments(users),
        "notification": {"pk": _notification(users[EDITOR]).pk},
    }
    return users, objects


def _notification(user):
    from notifications.models import Delivery, Kind, Notification

    return Notification.objects.create(
        user=user,
        kind=Kind.QUESTION_DEADLINE,
        key="question:1:near",
        params={"stage": "near", "number": 35, "deadline": "2026-03-02"},
        delivery=Delivery.IMMEDIATELY,
    )


def _payments(users) -> dict:
    """A rejected claim of 7887 with its evidence, a draft of 6454, an empty confirmation file,
    a discarded correction run and a budget (for the admin's pages)."""
    from payments import imports, services
    from payments.models import EvidenceDocument, MandateBudget
    from payments.states import CheckResult
    from tests.factories.payments import completed_trajectory, documented

    limburg, gent = (Mandate.objects.get(project_number=n) for n in (7887, 6454))
    period = {"period_start": dt.date(2024, 1, 1), "period_end": dt.date(2024, 12, 31)}
    completed_trajectory(limburg)
    completed_trajectory(gent, phases=1)
    claim = services.claim_create(user=users[PROVIDER], mandate=limburg, **period)
    documented(claim, users[PROVIDER])
    services.claim_submit(user=users[PROVIDER], claim=claim)
    services.claim_review_start(user=users[EDITOR], claim=claim)
    sample = claim.lines.filter(in_sample=True)
    results = {line.pk: (CheckResult.OK, "") for line in sample}
    services.claim_check_record(user=users[EDITOR], claim=claim, results=results)
    services.claim_reject(user=users[FINANCE], claim=claim, reason="Niet conform.")
    other = services.claim_create(user=users[ADMIN], mandate=gent, **period)
    run = services.correction_run_create(user=users[EDITOR], reason="Index verbeterd.")
    services.correction_run_discard(user=users[EDITOR], run=run)
    MandateBudget.objects.create(mandate=limburg, amount=100_000, max_trajectories=40)
    evidence = EvidenceDocument.objects.filter(claim_line__claim=claim).first()
    return {
        "claim": {"pk": claim.pk},
        "other_claim": {"pk": other.pk},
        "phase": {"pk": evidence.phase_id},
        "evidence": {"pk": evidence.pk},
        "payment_import": {
            "pk": imports.payment_import_check(user=users[FINANCE], data=b"", file_name="x.csv").pk
        },
        "correction": {"pk": run.pk},
    }


def _import_batch(user):
    from trajectories.imports import import_batch_check

    return import_batch_check(user=user, data=b"", file_name="leeg.csv")


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def table_fingerprint() -> dict[str, int]:
    """Row counts of the data tables, to show a refused request changed nothing."""
    counts = {}
    with connection.cursor() as cursor:
        for table in (
            "mandates_mandate",
            "trajectories_trajectory",
            "trajectories_phaserecord",
            "trajectories_worker",
            "pilots_pilot",
            "mandates_organisation",
            "payments_claim",
            "payments_claimline",
            "payments_payment",
            "payments_evidencedocument",
            "payments_correctionrun",
            "payments_mandatebudget",
        ):
            cursor.execute(f"SELECT count(*), coalesce(sum(hashtext(t::text)), 0) FROM {table} t")
            counts[table] = cursor.fetchone()
    return counts


def test_application_urls_for_every_role_and_method(world):
    users, objects = world
    failures = []
    for key, (object_key, get_expected, post_expected) in APP.items():
        name = key.split("#")[0]
        url = reverse(name, kwargs=objects[object_key] if object_key else None)
        for role in ROLES:
            for method, expected in (("get", get_expected), ("post", post_expected)):
                before = table_fingerprint()
                response = getattr(client_for(users[role]), method)(url)
                got, wanted = response.status_code, expected[role]
                if got != wanted:
                    failures.append(f"{method.upper()} {url} as {role}: {got}, expected {wanted}")
                if response.status_code in (403, 404, 405) and table_fingerprint() != before:
                    failures.append(
                        f"{method.upper()} {url} as {role} was refused but changed data"
                    )
    assert failures == [], "\n".join(failures)


def allowed(role: str, model_admin, action: str) -> bool:
    """What the roles' permissions grant, within what the ModelAdmin allows anyone at all
    (a read-only admin, such as the answer packs, allows no one to add or change)."""
    from doorstroom.roles import granted

    anyone = getattr(model_admin, f"has_{action}_permission")(ADMIN_REQUEST)
    if role == ADMIN or not anyone:
        return anyone
    opts = model_admin.model._meta
    group = {PROVINCIAL: Role.PROVINCIAL, EDITOR: Role.EDITOR, FINANCE: Role.FINANCE}[role]
    return granted(group, opts.app_label, opts.model_name, action)


def test_admin_urls_for_every_role(world):
    global ADMIN_REQUEST
    users, _ = world
    ADMIN_REQUEST = _request_for(users[ADMIN])
    failures = []
    for model, model_admin in admin.site._registry.items():
        obj = model_admin.get_queryset(ADMIN_REQUEST).first()
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        for role in ROLES:
            client = client_for(users[role])
            staff = role in STAFF
            if not staff:
                expected_all = 302  # the admin sends everyone else to its login page
            visible = (
                obj is not None
                and staff
                and model_admin.get_queryset(_request_for(users[role])).filter(pk=obj.pk).exists()
            )
            may_view = staff and (
                allowed(role, model_admin, "view") or allowed(role, model_admin, "change")
            )
            seen = 200 if visible else 302  # out of scope: "does not exist", back to the index
            cases = [
                (f"{prefix}_changelist", None, 200 if may_view else 403),
                (
                    f"{prefix}_add",
                    None,
                    200 if staff and allowed(role, model_admin, "add") else 403,
                ),
            ]
            if obj is not None:
                may_delete = staff and allowed(role, model_admin, "delete")
                cases += [
                    (f"{prefix}_change", [obj.pk], seen if may_view else 403),
                    # The audit history answers "not found" for a record out of scope.
                    (f"{prefix}_history", [obj.pk], (200 if visible else 404) if may_view else 403),
                    (f"{prefix}_delete", [obj.pk], seen if may_delete else 403),
                ]
            for name, args, staff_status in cases:
                expected = staff_status if staff else expected_all
                response = client.get(reverse(name, args=args))
                if response.status_code != expected:
                    failures.append(
                        f"GET {name} as {role}: {response.status_code}, expected {expected}"
                    )
            if obj is not None:
                # An empty POST to the change form: refused without a change where not allowed.
                before = table_fingerprint()
                response = client.post(reverse(f"{prefix}_change", args=[obj.pk]), {})
                may_change = staff and visible and allowed(role, model_admin, "change")
                if not may_change and table_fingerprint() != before:
                    failures.append(f"POST {prefix}_change as {role} changed data")
                if not staff and response.status_code != 302:
                    failures.append(f"POST {prefix}_change as {role}: {response.status_code}")
    password_url = reverse("admin:auth_user_password_change", args=[users[EDITOR].pk])
    for role in ROLES:
        expected = {ADMIN: 200, EDITOR: 403, PROVINCIAL: 403, FINANCE: 403}.get(role, 302)
        response = client_for(users[role]).get(password_url)
        if response.status_code != expected:
            failures.append(f"GET {password_url} as {role}: {response.status_code}")
    for name, (staff_status, other_status) in ADMIN_SITE.items():
        if staff_status is None:
            continue
        for role in ROLES:
            expected = staff_status if role in STAFF else other_status
            response = client_for(users[role]).get(reverse(name))
            if response.status_code != expected:
                failures.append(
                    f"GET {name} as {role}: {response.status_code}, expected {expected}"
                )
    assert failures == [], "\n".join(failures)


ADMIN_REQUEST = None


def _request_for(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    request.resolver_match = resolve(reverse("admin:index"))
    return request
