"""Forms that record a trajectory's progress; the rules themselves live in services.py.

The forms only parse what a person types (Belgian dates, decimal commas); every refusal that
depends on the trajectory (order of phases, maximum duration, cap) comes from the service's
ValidationError and is shown on the form it came from.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from doorstroom.forms import BelgianDateField
from trajectories.dates import date_in_future_refuse
from trajectories.models import JobOutcome


class StepDateField(BelgianDateField):
    """The day a step happened: never in the future (the services hold to it too)."""

    default_validators = [date_in_future_refuse]


class ActionForm(forms.Form):
    """Each form gets its own id prefix, so four of them fit on one page with unique ids. Each
    carries the trajectory's version it was shown with (doorstroom.concurrency)."""

    prefix: str
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def add_service_error(self, error: ValidationError) -> None:
        # A service error names a field ("hours") or none; both show on this form.
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, error)


class PhaseStartForm(ActionForm):
    prefix = "start"
    start_date = StepDateField(label=_("Start date"))


class PhaseCompleteForm(ActionForm):
    prefix = "complete"
    end_date = StepDateField(label=_("End date"))
    hours = forms.DecimalField(
        label=_("Hours"),
        min_value=0,
        max_digits=6,
        decimal_places=2,
        localize=True,
        help_text=_("Hours of guidance in this phase, e.g. 40.5."),
    )
    exception_reason = forms.CharField(
        label=_("Reason for exceeding the maximum duration"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only when the phase lasted longer than its maximum; you approve it."),
    )
    outcome = forms.ChoiceField(
        label=_("Outcome (after the after-care)"),
        choices=[("", "—"), *JobOutcome.choices],
        required=False,
    )


class TrajectoryStopForm(ActionForm):
    prefix = "stop"
    end_date = StepDateField(label=_("Stop date"))
    reason = forms.CharField(
        label=_("Reason for stopping"), widget=forms.Textarea(attrs={"rows": 2})
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=JobOutcome.choices, initial=JobOutcome.UNKNOWN
    )
    exception_reason = forms.CharField(
        label=_("Reason for exceeding the maximum duration"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only when the running phase lasted longer than its maximum; you approve it."),
    )


class OutcomeForm(ActionForm):
    prefix = "outcome"
    outcome = forms.ChoiceField(label=_("Outcome"), choices=JobOutcome.choices)


class LastStepUndoForm(ActionForm):
    prefix = "undo"
    reason = forms.CharField(
        label=_("Why is it undone?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("E.g. recorded on the wrong trajectory, or with the wrong date."),
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_("At most 5 MB. The first line names the columns, as in the template."),
    )
