"""The order of the phases, one rule in two places that say the same: in Python for the
trajectory page and the import (`phase_order_check`, with the message a person reads), and in the
database for every other writer (`ORDER_CHECK`, the function behind the constraint trigger
`phase_record_order` that migration 0002 installed; a test compares the installed function with
this text, so a change here needs a migration that installs it).

The phases follow each other: a phase after Voortraject needs the previous phase of the same
trajectory, ended, and starts on or after the day it ended; all four done, there is no next one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from doorstroom.languages import lazy_join
from trajectories.models import Phase, PhaseRecord

ORDER_CHECK = r"""
CREATE FUNCTION trajectories_phase_record_order_check() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    previous_end date;
    previous_found boolean;
    next_start date;
    trajectory_start date;
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF EXISTS (SELECT 1 FROM trajectories_phaserecord
                   WHERE trajectory_id = OLD.trajectory_id AND phase > OLD.phase) THEN
            RAISE EXCEPTION 'Fase % kan niet weg zolang een latere fase bestaat.', OLD.phase
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
    END IF;

    -- The row may already be gone again (deleted later in the same statement or transaction).
    IF NOT EXISTS (SELECT 1 FROM trajectories_phaserecord WHERE id = NEW.id) THEN
        RETURN NULL;
    END IF;

    SELECT start_date INTO trajectory_start FROM trajectories_trajectory
        WHERE id = NEW.trajectory_id;
    IF NEW.start_date < trajectory_start THEN
        RAISE EXCEPTION 'Fase % begint (%) voor het traject (%).',
            NEW.phase, NEW.start_date, trajectory_start USING ERRCODE = 'check_violation';
    END IF;

    IF NEW.phase > 1 THEN
        SELECT true, end_date INTO previous_found, previous_end FROM trajectories_phaserecord
            WHERE trajectory_id = NEW.trajectory_id AND phase = NEW.phase - 1;
        IF previous_found IS NULL THEN
            RAISE EXCEPTION 'Fase % zonder fase % ervoor: de fasen volgen elkaar op.',
                NEW.phase, NEW.phase - 1 USING ERRCODE = 'check_violation';
        END IF;
        IF previous_end IS NULL THEN
            RAISE EXCEPTION 'Fase % begint terwijl fase % nog loopt.', NEW.phase, NEW.phase - 1
                USING ERRCODE = 'check_violation';
        END IF;
        IF NEW.start_date < previous_end THEN
            RAISE EXCEPTION 'Fase % begint (%) voor fase % eindigde (%).',
                NEW.phase, NEW.start_date, NEW.phase - 1, previous_end
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;

    SELECT start_date INTO next_start FROM trajectories_phaserecord
        WHERE trajectory_id = NEW.trajectory_id AND phase = NEW.phase + 1;
    IF next_start IS NOT NULL AND (NEW.end_date IS NULL OR NEW.end_date > next_start) THEN
        RAISE EXCEPTION 'Fase % moet geëindigd zijn voor fase % begint (%).',
            NEW.phase, NEW.phase + 1, next_start USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$;
"""


def phase_order_check(
    *, phases: Sequence[PhaseRecord], phase: int | None, start_date: dt.date
) -> int:
    """The phase that may start on `start_date` after `phases` (in order), `phase` when given
    (the import names it): raises a ValidationError saying why not."""
    last = phases[-1]
    following = last.phase + 1
    # A phase the import names out of turn says so first: it is what the row got wrong.
    if phase is not None and phase != following and last.phase != Phase.NAZORG:
        error = ValidationError(
            _(
                "%(phase)s cannot come yet: the last phase of this trajectory is %(last)s. "
                "The phases follow each other: %(order)s."
            ),
            params={
                "phase": Phase(phase).label,
                "last": Phase(last.phase).label,
                "order": lazy_join(p.label for p in Phase),
            },
        )
        raise ValidationError({"phase": error})
    if last.is_running:
        raise ValidationError(
            _("The phase %(phase)s is still running: complete it first."),
            params={"phase": Phase(last.phase).label},
        )
    if last.phase == Phase.NAZORG:
        raise ValidationError(_("All four phases have been done."))
    if start_date < last.end_date:
        raise ValidationError(
            _("A phase starts on or after the day the previous one ended (%(date)s)."),
            params={"date": date_format(last.end_date)},
        )
    return following
