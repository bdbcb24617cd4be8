"""What every step of a claim does the same way: who may, which claim, which state next."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

import pghistory
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from payments.models import Claim, ClaimStep
from payments.states import TRANSITIONS, ClaimStatus


def require(allowed: Callable[[AbstractBaseUser], bool], user, message: str) -> None:
    """The role's permission (doorstroom.roles.may_*), refused with the reason."""
    if not allowed(user):
        raise PermissionDenied(message)


def claim_locked(*, claim: Claim, user) -> Claim:
    """The claim locked until the transaction ends, if the user may see it at all (a claim of
    another provider or province is not theirs to change: refused as if it were not there)."""
    found = (
        Claim.objects.visible_to(user)
        .select_for_update(of=("self",))
        .select_related("mandate")
        .filter(pk=claim.pk)
        .first()
    )
    if found is None:
        raise PermissionDenied(_("This claim is not in your scope."))
    return found


def status_label(status: str) -> str:
    return str(ClaimStatus(status).label)


def move(*, claim: Claim, to: str, user, note: str = "") -> None:
    """Record the step to `to` (the caller saves the claim), if the claim's life allows it."""
    if to not in TRANSITIONS[claim.status]:
        raise ValidationError(
            _("The claim is %(status)s: it cannot become %(to)s.")
            % {"status": status_label(claim.status), "to": status_label(to)}
        )
    ClaimStep.objects.create(
        claim=claim, from_status=claim.status, to_status=to, by=user, note=note.strip()
    )
    claim.status = to


def refuse_same_person(*, claim: Claim, user, deciding: bool) -> None:
    """Four eyes: the checker did not submit the claim; the one who decides neither submitted
    nor checked it. The database holds to it too (claim_four_eyes_*)."""
    if claim.submitted_by_id == user.pk:
        raise ValidationError(
            _("You submitted this claim: someone else checks and decides it (four eyes).")
        )
    if deciding and claim.checked_by_id == user.pk:
        raise ValidationError(
            _("You checked this claim: someone else approves or rejects it (four eyes).")
        )


@contextlib.contextmanager
def recorded(step: str, user) -> Iterator[None]:
    """The audit trail's events of a step name it and its user, also outside a request."""
    with pghistory.context(claim_step=step, user=user.pk):
        yield


def required_text(field: str, text: str, message: str) -> str:
    if not text.strip():
        raise ValidationError({field: message})
    return text.strip()
