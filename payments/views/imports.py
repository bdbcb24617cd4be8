"""The import of payment confirmations: upload, preview, apply (finance only)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, FormView

from doorstroom import roles
from doorstroom.languages import in_reader_language
from payments import imports
from payments.exports import CONFIRMATION_COLUMNS
from payments.forms import PaymentImportForm
from payments.models import PaymentImportBatch, PaymentImportStatus
from payments.views.common import RoleRequiredMixin


class PaymentImportView(RoleRequiredMixin, FormView):
    """Upload the financial system's confirmations; checked at once, shown before applied."""

    allowed = staticmethod(roles.may_decide_claims)
    template_name = "payments/import.html"
    form_class = PaymentImportForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["batches"] = (
            PaymentImportBatch.objects.visible_to(self.request.user)
            .defer("content", "report")
            .select_related("created_by")[:20]
        )
        context["columns"] = list(CONFIRMATION_COLUMNS.values())
        return context

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        data = upload.read(settings.IMPORT_MAX_BYTES + 1)
        batch = imports.payment_import_check(
            user=self.request.user, data=data, file_name=upload.name or "bestand"
        )
        return redirect(batch)


@method_decorator(never_cache, name="dispatch")
class PaymentImportDetailView(RoleRequiredMixin, DetailView):
    """The preview of a confirmation file (or what applying it did), and the button to apply."""

    allowed = staticmethod(roles.may_decide_claims)
    template_name = "payments/import_detail.html"
    context_object_name = "batch"

    def get_queryset(self):
        return (
            PaymentImportBatch.objects.visible_to(self.request.user)
            .select_related("created_by")
            .defer("content")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.object.report or {}
        rows = report.get("rows", [])
        # Stored in every language (payments.imports): shown in the reader's.
        context["file_errors"] = [in_reader_language(e) for e in report.get("file_errors", [])]
        for row in rows:
            # Stored as ISO date and plain decimal: shown as the reader's language writes them.
            row["paid_on"] = dt.date.fromisoformat(row["paid_on"]) if row.get("paid_on") else None
            row["amount"] = Decimal(row["amount"]) if row.get("amount") else None
            row.setdefault("as_written", {})
            for error in row["errors"]:
                error["column"] = in_reader_language(error["column"])
                error["message"] = in_reader_language(error["message"])
        context["rows"] = sorted(rows, key=lambda row: (row["action"] != "error", row["row"]))
        context["can_apply"] = self.object.status == PaymentImportStatus.CHECKED
        return context

    def post(self, request, *args, **kwargs):
        batch = imports.payment_import_apply(batch=self.get_object(), user=request.user)
        if batch.status == PaymentImportStatus.APPLIED:
            messages.success(request, _("The payments of the file are recorded."))
        else:
            messages.error(request, _("Nothing has been changed: the file has errors."))
        return redirect(batch)
