"""A notification in words, in the language active when it is shown or e-mailed: it is stored as
its kind and parameters (pseudonymous references, dates, counts), never as a sentence."""

from __future__ import annotations

import datetime as dt

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from notifications.models import Kind, Notification

# How many workers' references a retention notice names; the rest are in the administration.
REFERENCES_SHOWN = 50


def _date(value: str) -> str:
    return formats.date_format(dt.date.fromisoformat(value), "SHORT_DATE_FORMAT")


def _phase(p: dict) -> str:
    values = {
        "phase": p["phase"],
        "trajectory": p["trajectory"],
        "worker": p["worker"],
        "mandate": p["mandate"],
        "deadline": _date(p["deadline"]),
    }
    if p["stage"] == "past":
        return (
            _(
                "Phase %(phase)s of trajectory %(trajectory)s (worker %(worker)s, mandate "
                "%(mandate)s) passed its maximum duration on %(deadline)s."
            )
            % values
        )
    return (
        _(
            "Phase %(phase)s of trajectory %(trajectory)s (worker %(worker)s, mandate "
            "%(mandate)s) reaches its maximum duration on %(deadline)s."
        )
        % values
    )


def _question(p: dict) -> str:
    values = {"number": p["number"], "deadline": _date(p["deadline"])}
    if p["stage"] == "past":
        return _("Parliamentary question %(number)s was due on %(deadline)s.") % values
    return _("Parliamentary question %(number)s is due on %(deadline)s.") % values


def _claim(p: dict) -> str:
    return _(
        "Claim %(claim)s of mandate %(mandate)s has been waiting for review since %(since)s."
    ) % {"claim": p["claim"], "mandate": p["mandate"], "since": _date(p["since"])}


def _retention(p: dict) -> str:
    if p["stage"] == "run":
        return _(
            "Retention run: %(noticed)s worker(s) newly listed, the personal data of "
            "%(erased)s worker(s) erased; every figure kept."
        ) % {"noticed": p["noticed"], "erased": p["erased"]}
    references = ", ".join(p["references"][:REFERENCES_SHOWN])
    if p["count"] > REFERENCES_SHOWN:
        references += " …"
    return ngettext(
        "%(count)s worker's personal data will be erased after %(due)s: %(references)s.",
        "%(count)s workers' personal data will be erased after %(due)s: %(references)s.",
        p["count"],
    ) % {"count": p["count"], "due": _date(p["due_on"]), "references": references}


TEXTS = {
    Kind.PHASE_DEADLINE: _phase,
    Kind.QUESTION_DEADLINE: _question,
    Kind.CLAIM_WAITING: _claim,
    Kind.RETENTION: _retention,
}


def notification_text(notification: Notification) -> str:
    return TEXTS[Kind(notification.kind)](notification.params)
