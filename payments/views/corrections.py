"""Correction runs: compute one (a preview), look at it, approve or discard it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView
from django_tables2 import RequestConfig

from doorstroom import roles
from doorstroom.concurrency import SEEN_VERSION, refuse_stale
from doorstroom.formatting import format_amount
from payments import services
from payments.forms import CorrectionDecisionForm, CorrectionRunForm
from payments.models import CorrectionRun
from payments.tables import CorrectionItemTable
from payments.views.claims import _add_errors
from payments.views.common import RoleRequiredMixin, require_role


class CorrectionRunListView(RoleRequiredMixin, ListView):
    """The runs made so far, and the form that computes a new one."""

    allowed = staticmethod(roles.may_run_corrections)
    template_name = "payments/correction_list.html"
    context_object_name = "runs"
    paginate_by = 25

    def get_queryset(self):
        return CorrectionRun.objects.visible_to(self.request.user).select_related(
            "created_by", "approved_by", "fee_schedule"
        )

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = form or CorrectionRunForm()
        return context

    def post(self, request, *args, **kwargs):
        form = CorrectionRunForm(request.POST)
        if form.is_valid():
            try:
                run = services.correction_run_create(user=request.user, **form.cleaned_data)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request,
                    _("%(count)s differences found; look at them before the run is approved.")
                    % {"count": run.item_count},
                )
                return redirect(run)
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data(form=form), status=400)


class CorrectionRunDetailView(RoleRequiredMixin, DetailView):
    allowed = staticmethod(roles.may_run_corrections)
    template_name = "payments/correction_detail.html"
    context_object_name = "run"

    def get_queryset(self):
        return CorrectionRun.objects.visible_to(self.request.user).select_related(
            "created_by", "approved_by", "fee_schedule"
        )

    def get_context_data(self, error=None, **kwargs):
        context = super().get_context_data(**kwargs)
        run = self.object
        items = run.items.select_related("mandate", "trajectory__worker").order_by(
            "mandate__project_number", "completed_on", "pk"
        )
        table = CorrectionItemTable(items)
        RequestConfig(self.request, paginate={"per_page": 50}).configure(table)
        context["table"] = table
        user = self.request.user
        preview = run.status == "voorbeeld"
        context["may_approve"] = (
            preview and roles.may_decide_claims(user) and run.created_by_id != user.pk
        )
        context["may_discard"] = preview
        context["four_eyes"] = preview and run.created_by_id == user.pk
        context["error"] = error
        return context


class CorrectionDecisionView(CorrectionRunDetailView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.object = run = self.get_object()
        form = CorrectionDecisionForm(request.POST)
        form.is_valid()
        try:
            with transaction.atomic():
                seen = form.cleaned_data.get(SEEN_VERSION)
                if seen is not None:
                    refuse_stale(model=CorrectionRun, pk=run.pk, seen_version=seen)
                message = self.decide(run)
        except ValidationError as error:
            context = self.get_context_data(object=run, error=" ".join(error.messages))
            return self.render_to_response(context, status=400)
        messages.success(request, message)
        return redirect(run)


class CorrectionApproveView(CorrectionDecisionView):
    def decide(self, run) -> str:
        require_role(roles.may_decide_claims, self.request.user)
        run = services.correction_run_approve(user=self.request.user, run=run)
        return _("Run approved: %(total)s waits for the providers' next claims.") % {
            "total": format_amount(run.total_difference)
        }


class CorrectionDiscardView(CorrectionDecisionView):
    def decide(self, run) -> str:
        services.correction_run_discard(user=self.request.user, run=run)
        return _("Run discarded.")
