"""Who may see and do what: the five roles and each user's scope.

Roles are Django groups (assignable in the admin); a user's province or organisation is their
`UserScope`. Every listing, detail page, filter choice, export and import asks the models'
`visible_to(user)` QuerySet methods, which ask this module, so no path can forget the rules.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMINISTRATOR = "Beheerder"
    EDITOR = "VDAB-redacteur"
    ANALYST = "Beleidsanalist"
    PROVINCIAL = "Provinciaal medewerker"
    PROVIDER = "Dienstverlener"
    # Approves providers' claims and records their payments (payments/): sees every record,
    # edits none of the trajectories.
    FINANCE = "Financieel medewerker"


# Strongest first: a user in two groups gets the wider of the two.
PRECEDENCE = [
    Role.ADMINISTRATOR,
    Role.EDITOR,
    Role.FINANCE,
    Role.ANALYST,
    Role.PROVINCIAL,
    Role.PROVIDER,
]


def role_of(user) -> Role | None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return Role.ADMINISTRATOR
    cached = getattr(user, "_doorstroom_role", "unset")
    if cached != "unset":
        return cached
    names = set(user.groups.values_list("name", flat=True))
    role = next((r for r in PRECEDENCE if r.value in names), None)
    user._doorstroom_role = role
    return role


def sees_everything(user) -> bool:
    """Administrators, editors, finance staff and analysts read every record (analysts without
    personal data)."""
    return role_of(user) in (Role.ADMINISTRATOR, Role.EDITOR, Role.FINANCE, Role.ANALYST)


def may_see_personal_data(user) -> bool:
    """Everyone with a role except the policy analyst, who works with aggregates only."""
    return role_of(user) in (
        Role.ADMINISTRATOR,
        Role.EDITOR,
        Role.FINANCE,
        Role.PROVINCIAL,
        Role.PROVIDER,
    )


def may_see_internal_figures(user) -> bool:
    """Exact counts and amounts of internal documents (a payment statement, today's overdue
    phases): the roles that work with records, not the analyst, who sees only what may be
    published."""
    return may_see_personal_data(user)


def may_edit(user) -> bool:
    return role_of(user) in (Role.ADMINISTRATOR, Role.EDITOR, Role.PROVINCIAL, Role.PROVIDER)


# Paying providers (payments/): who does which step of a claim. Four eyes on top of the roles:
# whoever checks a claim never approves it, nor does whoever submitted it (the services and the
# database hold to it, whatever the role).


def may_claim(user) -> bool:
    """Make, document and submit a claim for the fees owed: the provider (administrators too)."""
    return role_of(user) in (Role.ADMINISTRATOR, Role.PROVIDER)


def may_check_claims(user) -> bool:
    """Take a submitted claim in review and check its sample: VDAB and provincial staff."""
    return role_of(user) in (Role.ADMINISTRATOR, Role.EDITOR, Role.PROVINCIAL)


def may_decide_claims(user) -> bool:
    """Approve or reject a checked claim and record its payment: finance staff."""
    return role_of(user) in (Role.ADMINISTRATOR, Role.FINANCE)


def may_run_corrections(user) -> bool:
    """Compute a correction run after the index or a schedule changed (VDAB and finance); it
    is approved by finance, never by whoever computed it."""
    return role_of(user) in (Role.ADMINISTRATOR, Role.EDITOR, Role.FINANCE)


def scope_province_id(user) -> int | None:
    scope = getattr(user, "scope", None) if role_of(user) == Role.PROVINCIAL else None
    return scope.province_id if scope else None


def scope_organisation_id(user) -> int | None:
    scope = getattr(user, "scope", None) if role_of(user) == Role.PROVIDER else None
    return scope.organisation_id if scope else None


# Model permissions per role, for the admin (app label -> actions, or "model.action" codes).
# Analysts and provider users work in the application's own pages, not in the admin.
# The health index, fee schedules, calls, provinces and organisations are national reference
# data: every province's fees and every answer to parliament rest on them, so only
# administrators and VDAB editors write them; provincial staff view them.
ALL_ACTIONS = ("add", "change", "delete", "view")
ROLE_PERMISSIONS: dict[Role, dict[str, tuple[str, ...]]] = {
    Role.ADMINISTRATOR: {
        app: ALL_ACTIONS
        for app in (
            "mandates",
            "pilots",
            "trajectories",
            "questions",
            "payments",
            "notifications",
            "doorstroom",
            "auth",
        )
    }
    # The job queue (procrastinate's admin): queued, running and failed jobs, and their retry.
    | {"procrastinate": ("view",)},
    Role.EDITOR: {
        **{app: ALL_ACTIONS for app in ("mandates", "pilots", "trajectories", "questions")},
        # Which documents a phase needs is VDAB's rule; claims, payments, budgets and
        # deductions are finance's (claims move only through their pages, never the admin).
        "payments": (
            "view",
            *(
                f"{model}.{action}"
                for model in ("documentkind", "evidencerequirement")
                for action in ("add", "change", "delete")
            ),
        ),
    },
    Role.ANALYST: {app: ("view",) for app in ("mandates", "pilots", "questions")},
    Role.PROVINCIAL: {
        "mandates": (
            "view",
            "mandate.add",
            "mandate.change",
            "mandateprovince.add",
            "mandateprovince.change",
            "consortiumpartner.add",
            "consortiumpartner.change",
            "consortiumpartner.delete",
        ),
        "trajectories": (
            "view",
            # No worker.add: a worker is in a scope only through a trajectory there, so a new
            # one would be out of sight at once (the admin refuses that save anyway).
            "worker.change",
            "trajectory.add",
            "trajectory.change",
            "phaserecord.add",
            "phaserecord.change",
        ),
        "payments": ("view",),
    },
    Role.PROVIDER: {"trajectories": ("view",)},
    Role.FINANCE: {
        # The mandate's view, for the budget's choice of mandate (autocomplete).
        "mandates": ("view",),
        "payments": (
            "view",
            *(
                f"{model}.{action}"
                for model in ("mandatebudget", "deductionreason")
                for action in ("add", "change")
            ),
        ),
    },
}


def granted(role: Role, app_label: str, model_name: str, action: str) -> bool:
    """Whether the role's group holds the permission `action` on this model."""
    actions = ROLE_PERMISSIONS[role].get(app_label, ())
    return action in actions or f"{model_name}.{action}" in actions


def roles_sync(**kwargs) -> None:
    """Create the role groups and give them exactly their permissions (runs after every
    migrate, so a database migrated before a change of ROLE_PERMISSIONS loses what a role no
    longer holds at its next migrate)."""
    from django.contrib.auth.models import Group, Permission

    # Every permission once, with its app and model (not a content type query per permission).
    permissions = [
        (pk, app_label, model, codename.split("_", 1)[0])
        for pk, codename, app_label, model in Permission.objects.values_list(
            "pk", "codename", "content_type__app_label", "content_type__model"
        )
    ]
    for role in ROLE_PERMISSIONS:
        group, _ = Group.objects.get_or_create(name=role.value)
        group.permissions.set(
            [pk for pk, app, model, action in permissions if granted(role, app, model, action)]
        )
