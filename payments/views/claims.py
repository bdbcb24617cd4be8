"""The claims: their list, making one, its page with the steps a user may take, its print."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView
from django_tables2 import RequestConfig, SingleTableMixin

from doorstroom import roles
from doorstroom.access import InternalFiguresRequiredMixin, PersonalDataMixin
from doorstroom.concurrency import SEEN_VERSION, refuse_stale
from doorstroom.formatting import format_amount
from payments import services
from payments.actions import claim_actions
from payments.filters import ClaimFilter
from payments.forms import (
    ApproveForm,
    CheckForm,
    ClaimProposalForm,
    DeductionFormSet,
    DiscardForm,
    PaymentFailForm,
    PaymentForm,
    ReissueForm,
    RejectForm,
    ReviewStartForm,
    SubmitForm,
)
from payments.models import Claim, EvidenceDocument
from payments.states import ClaimStatus
from payments.tables import ClaimLineTable, ClaimTable
from payments.views.common import RoleRequiredMixin, require_role


class ClaimListView(InternalFiguresRequiredMixin, SingleTableMixin, FilterView):
    filterset_class = ClaimFilter
    table_class = ClaimTable
    table_pagination = {"per_page": 25}
    template_name = "payments/claim_list.html"

    def get_queryset(self):
        return Claim.objects.for_listing().visible_to(self.request.user)


class ClaimNewView(RoleRequiredMixin, TemplateView):
    """Choose a mandate and a period: the page shows what the claim would take and what
    stands in its way (the budget, the cap) before it is made."""

    allowed = staticmethod(roles.may_claim)
    template_name = "payments/claim_new.html"

    def get(self, request, *args, **kwargs):
        # A link may name the mandate alone (the mandate's page): the form then starts from it.
        complete = all(request.GET.get(name) for name in ClaimProposalForm.base_fields)
        form = ClaimProposalForm(
            request.GET if complete else None, user=request.user, initial=request.GET.dict()
        )
        proposal = None
        if form.is_bound and form.is_valid():
            try:
                proposal = services.claim_proposal(user=request.user, **form.cleaned_data)
            except ValidationError as error:
                _add_errors(form, error)
        return self.render_to_response({"form": form, "proposal": proposal})

    def post(self, request, *args, **kwargs):
        form = ClaimProposalForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                claim = services.claim_create(user=request.user, **form.cleaned_data)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Claim %(claim)s made: %(count)s lines, %(amount)s.")
                    % {
                        "claim": claim.number,
                        "count": claim.line_count,
                        "amount": format_amount(claim.claimed_amount),
                    },
                )
                return redirect(claim)
        return self.render_to_response({"form": form, "proposal": None}, status=400)


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class ClaimDetailView(PersonalDataMixin, DetailView):
    """The claim, its lines (by pseudonymous reference), its steps and the forms of the steps
    the user may take now."""

    template_name = "payments/claim_detail.html"
    lines_per_page = 50

    def get_queryset(self):
        return Claim.objects.visible_to(self.request.user).select_related(
            "mandate__call",
            "created_by",
            "submitted_by",
            "review_started_by",
            "checked_by",
            "decided_by",
            "payment",
        )

    def get_context_data(self, bound=None, **kwargs):
        context = super().get_context_data(**kwargs)
        claim = self.object
        documents = (
            EvidenceDocument.objects.filter(phase=OuterRef("phase_id"))
            .order_by()
            .values("phase")
            .annotate(n=Count("pk"))
            .values("n")
        )
        lines = (
            claim.lines.select_related("trajectory__worker", "deduction_reason")
            .annotate(documents=Coalesce(Subquery(documents), 0))
            .order_by("position")
        )
        table = ClaimLineTable(lines)
        RequestConfig(self.request, paginate={"per_page": self.lines_per_page}).configure(table)
        context["table"] = table
        context["steps"] = claim.steps.select_related("by")
        context["actions"] = claim_actions(user=self.request.user, claim=claim, bound=bound)
        if claim.status == ClaimStatus.DRAFT:
            context["missing"] = services.missing_evidence(claim=claim)[:20]
        context["payment"] = getattr(claim, "payment", None)
        return context


class ClaimPrintView(ClaimDetailView):
    """The claim as a statement to print (Ctrl+P): every line, no forms."""

    template_name = "payments/claim_print.html"

    def get_context_data(self, **kwargs):
        context = DetailView.get_context_data(self, **kwargs)
        claim = self.object
        context["lines"] = claim.lines.select_related("trajectory__worker", "deduction_reason")
        context["payment"] = getattr(claim, "payment", None)
        return context


# --- the steps ---------------------------------------------------------------------------------


class ClaimActionView(ClaimDetailView):
    """POST-only: one step on a claim, then back to its page (PRG). A refused step shows the
    page again with the form and its errors (400); a role that may not take it is 403."""

    http_method_names = ["post"]
    form_class: type
    allowed = staticmethod(lambda user: False)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        require_role(type(self).allowed, request.user)
        form = self.make_form(request.POST)
        extra = self.extra_forms(request.POST)
        if form.is_valid() and all(f.is_valid() for f in extra.values()):
            try:
                with transaction.atomic():
                    seen = form.cleaned_data.get(SEEN_VERSION)
                    if seen is not None:
                        refuse_stale(model=Claim, pk=self.object.pk, seen_version=seen)
                    message = self.perform(form, extra)
            except ValidationError as error:
                form.add_service_error(error)
            else:
                messages.success(request, message)
                return redirect(self.success_url())
        context = self.get_context_data(object=self.object, bound={form.prefix: form, **extra})
        return self.render_to_response(context, status=400)

    def make_form(self, data):
        return self.form_class(data, prefix=self.form_class.prefix)

    def extra_forms(self, data) -> dict:
        return {}

    def perform(self, form, extra) -> str:
        raise NotImplementedError

    def success_url(self) -> str:
        return self.object.get_absolute_url()


class ClaimSubmitView(ClaimActionView):
    form_class = SubmitForm
    allowed = staticmethod(roles.may_claim)

    def perform(self, form, extra) -> str:
        claim = services.claim_submit(user=self.request.user, claim=self.object)
        return _("Claim %(claim)s submitted.") % {"claim": claim.number}


class ClaimDiscardView(ClaimActionView):
    form_class = DiscardForm
    allowed = staticmethod(roles.may_claim)

    def perform(self, form, extra) -> str:
        number = self.object.number
        services.claim_discard(user=self.request.user, claim=self.object)
        return _("Draft %(claim)s thrown away; its phases can be claimed again.") % {
            "claim": number
        }

    def success_url(self) -> str:
        return reverse("payments:claims")


class ClaimReviewStartView(ClaimActionView):
    form_class = ReviewStartForm
    allowed = staticmethod(roles.may_check_claims)

    def perform(self, form, extra) -> str:
        claim = services.claim_review_start(user=self.request.user, claim=self.object)
        return _("Claim %(claim)s is in review; %(count)s lines are drawn for the check.") % {
            "claim": claim.number,
            "count": claim.sample_size,
        }


class ClaimCheckView(ClaimActionView):
    form_class = CheckForm
    allowed = staticmethod(roles.may_check_claims)

    def make_form(self, data):
        sample = self.object.lines.filter(in_sample=True).select_related("trajectory__worker")
        return CheckForm(data, prefix="check", lines=sample.order_by("position"))

    def perform(self, form, extra) -> str:
        services.claim_check_record(
            user=self.request.user,
            claim=self.object,
            results=form.results(),
            note=form.cleaned_data["note"],
        )
        return _("The check of the sample is recorded.")


class ClaimApproveView(ClaimActionView):
    form_class = ApproveForm
    allowed = staticmethod(roles.may_decide_claims)

    def extra_forms(self, data) -> dict:
        return {"deductions": DeductionFormSet(data, prefix="deductions")}

    def perform(self, form, extra) -> str:
        rows = [row for row in extra["deductions"].cleaned_data if row.get("line")]
        positions = {row["line"] for row in rows}
        lines = dict(self.object.lines.filter(position__in=positions).values_list("position", "pk"))
        unknown = sorted(positions - set(lines))
        if unknown:
            raise ValidationError(_("Line %(line)s is not on this claim.") % {"line": unknown[0]})
        deductions = {
            lines[row["line"]]: services.Deduction(
                amount=row["amount"], reason=row["reason"], note=row["note"]
            )
            for row in rows
        }
        claim = services.claim_approve(
            user=self.request.user,
            claim=self.object,
            deductions=deductions,
            note=form.cleaned_data["note"],
        )
        return _("Claim %(claim)s %(status)s: %(amount)s.") % {
            "claim": claim.number,
            "status": claim.get_status_display(),
            "amount": format_amount(claim.approved_amount),
        }


class ClaimRejectView(ClaimActionView):
    form_class = RejectForm
    allowed = staticmethod(roles.may_decide_claims)

    def perform(self, form, extra) -> str:
        claim = services.claim_reject(
            user=self.request.user, claim=self.object, reason=form.cleaned_data["reason"]
        )
        return _("Claim %(claim)s rejected; its phases can be claimed again.") % {
            "claim": claim.number
        }


class ClaimPayView(ClaimActionView):
    form_class = PaymentForm
    allowed = staticmethod(roles.may_decide_claims)

    def perform(self, form, extra) -> str:
        payment = services.payment_record(
            user=self.request.user,
            claim=self.object,
            **_fields(form, "reference", "paid_on", "amount"),
        )
        return _("Payment %(reference)s of %(amount)s recorded.") % {
            "reference": payment.reference,
            "amount": format_amount(payment.amount),
        }


class ClaimPaymentFailedView(ClaimActionView):
    form_class = PaymentFailForm
    allowed = staticmethod(roles.may_decide_claims)

    def perform(self, form, extra) -> str:
        services.payment_fail(
            user=self.request.user, claim=self.object, reason=form.cleaned_data["reason"]
        )
        return _("The failed payment is recorded; issue it again when the cause is solved.")


class ClaimReissueView(ClaimActionView):
    form_class = ReissueForm
    allowed = staticmethod(roles.may_decide_claims)

    def perform(self, form, extra) -> str:
        claim = services.claim_reissue(
            user=self.request.user, claim=self.object, note=form.cleaned_data["note"]
        )
        return _("Issued again under reference %(reference)s.") % {
            "reference": claim.payment_reference
        }


def _fields(form, *names) -> dict:
    return {name: form.cleaned_data[name] for name in names}
