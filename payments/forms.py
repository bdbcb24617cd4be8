"""Forms of the claim's pages. They parse what a person types (Belgian dates, decimal commas,
a file); every refusal that depends on the claim comes from the services' ValidationError and
is shown on the form it came from."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from doorstroom.forms import AmountField, BelgianDateField
from mandates.models import Mandate
from payments.models import DeductionReason, DocumentKind
from payments.states import CheckResult
from trajectories.models import FeeSchedule


class ClaimProposalForm(forms.Form):
    """Which mandate and period a new claim is for (a GET form: the page shows what it takes)."""

    mandate = forms.ModelChoiceField(
        label=_("Mandate"),
        queryset=Mandate.objects.none(),
        to_field_name="project_number",
        help_text=_("The mandate whose completed phases are claimed."),
    )
    period_start = BelgianDateField(label=_("Completed from"))
    period_end = BelgianDateField(label=_("Completed until"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mandate"].queryset = Mandate.objects.visible_to(user).order_by(
            "project_number"
        )


class ClaimActionForm(forms.Form):
    """One step of a claim. Each has its own id prefix, so several fit on one page, and carries
    the claim's version it was shown with (doorstroom.concurrency)."""

    prefix: str
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def add_service_error(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, error)


class SubmitForm(ClaimActionForm):
    prefix = "submit"


class DiscardForm(ClaimActionForm):
    prefix = "discard"


class ReviewStartForm(ClaimActionForm):
    prefix = "review"


class CheckForm(ClaimActionForm):
    """The result of every line of the sample, and a note on the check as a whole."""

    prefix = "check"
    note = forms.CharField(
        label=_("Note on the check"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        for line in self.lines:
            self.fields[f"result_{line.pk}"] = forms.ChoiceField(
                label=_("Line %(line)s: result") % {"line": line.position},
                choices=[("", "—"), *CheckResult.choices[1:]],
                required=False,
                initial=line.check_result,
            )
            self.fields[f"note_{line.pk}"] = forms.CharField(
                label=_("Line %(line)s: what deviates") % {"line": line.position},
                required=False,
                initial=line.check_note,
            )

    def line_fields(self):
        """(line, its result field, its note field), for the template."""
        for line in self.lines:
            yield line, self[f"result_{line.pk}"], self[f"note_{line.pk}"]

    def results(self) -> dict[int, tuple[str, str]]:
        return {
            line.pk: (
                self.cleaned_data.get(f"result_{line.pk}") or "",
                self.cleaned_data.get(f"note_{line.pk}") or "",
            )
            for line in self.lines
        }


class ApproveForm(ClaimActionForm):
    prefix = "approve"
    note = forms.CharField(
        label=_("Note on the decision"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DeductionForm(forms.Form):
    """One deduction: a line of the claim, the amount not paid, a reason from the list and a
    note. An empty row is no deduction."""

    line = forms.IntegerField(label=_("Line"), min_value=1, required=False)
    amount = AmountField(
        label=_("Deduction (EUR)"), max_digits=10, required=False, example=Decimal("420")
    )
    reason = forms.ModelChoiceField(
        label=_("Reason"), queryset=DeductionReason.objects.filter(active=True), required=False
    )
    note = forms.CharField(label=_("Note"), required=False)

    def clean(self):
        cleaned = super().clean()
        fields = ("line", "amount", "reason")
        given = [name for name in fields if cleaned.get(name) is not None]
        # A field typed but not readable has its own error ("Enter a number"): it is not missing.
        missing = [name for name in fields if name not in given and name not in self.errors]
        if given and missing:
            raise ValidationError(_("A deduction needs its line, amount and reason."))
        return cleaned


DeductionFormSet = forms.formset_factory(DeductionForm, extra=3, max_num=50, absolute_max=50)


class RejectForm(ClaimActionForm):
    prefix = "reject"
    reason = forms.CharField(
        label=_("Why is it rejected?"), widget=forms.Textarea(attrs={"rows": 2})
    )


class PaymentForm(ClaimActionForm):
    prefix = "pay"
    reference = forms.CharField(label=_("Payment reference"), max_length=40)
    paid_on = BelgianDateField(label=_("Paid on"))
    amount = AmountField(label=_("Amount paid (EUR)"))


class PaymentFailForm(ClaimActionForm):
    prefix = "fail"
    reason = forms.CharField(
        label=_("Why did the payment fail?"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ReissueForm(ClaimActionForm):
    prefix = "reissue"
    note = forms.CharField(label=_("Note"), required=False)


class EvidenceForm(forms.Form):
    """A document for a phase; on a claim's page, for one of its lines (by number)."""

    kind = forms.ModelChoiceField(label=_("Kind of document"), queryset=DocumentKind.objects.all())
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, image (PNG, JPEG, TIFF) or office document; at most 10 MB."),
    )

    def __init__(self, *args, with_line: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if with_line:
            self.fields = {
                "line": forms.IntegerField(label=_("Line"), min_value=1),
                **self.fields,
            }


class PaymentImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_("At most 5 MB: the confirmations of the financial system, one per row."),
    )


class CorrectionRunForm(forms.Form):
    reason = forms.CharField(
        label=_("What was corrected?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("E.g. the health index of March 2024, or the base month of the schedule."),
    )
    fee_schedule = forms.ModelChoiceField(
        label=_("Only phases under this fee schedule"),
        queryset=FeeSchedule.objects.all(),
        required=False,
    )
    completed_from = BelgianDateField(label=_("Completed from"), required=False)
    completed_to = BelgianDateField(label=_("Completed until"), required=False)


class CorrectionDecisionForm(forms.Form):
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
