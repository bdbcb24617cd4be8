from django import template
from django.utils.translation import gettext as _

from doorstroom.concurrency import SEEN_VERSION
from doorstroom.roles import may_edit
from trajectories.corrections import Step, last_step
from trajectories.forms import (
    LastStepUndoForm,
    OutcomeForm,
    PhaseCompleteForm,
    PhaseStartForm,
    TrajectoryStopForm,
)
from trajectories.models import Phase, TrajectoryStatus

register = template.Library()


@register.simple_tag(takes_context=True)
def trajectory_actions(context, trajectory, phases) -> dict:
    """The forms a user may use on this trajectory now; a refused form comes back bound."""
    user = context["request"].user
    if not may_edit(user):
        return {}
    bound = context.get("action_forms") or {}
    running = trajectory.status == TrajectoryStatus.RUNNING
    last = phases[-1] if phases else None
    forms = {}
    if running and last is not None and last.is_running:
        forms["complete"] = PhaseCompleteForm
    elif running and last is not None and last.phase < Phase.NAZORG:
        forms["start"] = PhaseStartForm
    if running:
        forms["stop"] = TrajectoryStopForm
    forms["outcome"] = OutcomeForm
    undoable = last_step(trajectory, list(phases))
    if undoable is not None:
        forms["undo"] = LastStepUndoForm
    # A refused form is shown with its error even if the page would not offer it now.
    for prefix in bound:
        forms.setdefault(prefix, type(bound[prefix]))
    result = {}
    for prefix, form_class in forms.items():
        initial = {SEEN_VERSION: trajectory.version}
        if prefix == "outcome":
            initial["outcome"] = trajectory.outcome
        result[prefix] = bound.get(prefix) or form_class(prefix=prefix, initial=initial)
    if last is not None and "start" in result and last.phase < Phase.NAZORG:
        result["next_phase"] = Phase(last.phase + 1).label
    if last is not None and "complete" in result:
        result["running_phase"] = last.get_phase_display()
    if undoable is not None:
        result["undo_step"] = {
            Step.START: _("the start of %(phase)s"),
            Step.COMPLETE: _("the completion of %(phase)s"),
            Step.STOP: _("the stop of the trajectory"),
        }[undoable] % {"phase": last.get_phase_display()}
    return result
