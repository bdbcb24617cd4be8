"""Evidence: uploading a document for a claim's line or for a phase, and serving it back only to
those who may see its claim (never as a static or media URL)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import DetailView, View

from doorstroom import roles
from doorstroom.access import PersonalDataMixin
from payments import services
from payments.forms import EvidenceForm
from payments.models import EvidenceDocument, EvidenceRequirement
from payments.views.claims import ClaimDetailView, _add_errors
from payments.views.common import require_role
from trajectories.models import PhaseRecord


def _upload(request, form: EvidenceForm, *, phase, claim_line=None) -> EvidenceDocument:
    # The uploaded name is not passed on: it is no one's business but the uploader's.
    upload = form.cleaned_data["file"]
    # One byte past the limit is enough to say the file is too big, without reading it all.
    data = upload.read(settings.EVIDENCE_MAX_BYTES + 1)
    return services.evidence_upload(
        user=request.user,
        phase=phase,
        kind=form.cleaned_data["kind"],
        data=data,
        claim_line=claim_line,
    )


class ClaimEvidenceView(ClaimDetailView):
    """POST-only: a document for one line of the claim (by its number)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.object = claim = self.get_object()
        require_role(roles.may_claim, request.user)
        form = EvidenceForm(request.POST, request.FILES, with_line=True, prefix="evidence")
        if form.is_valid():
            line = (
                claim.lines.select_related("phase")
                .filter(position=form.cleaned_data["line"])
                .first()
            )
            try:
                if line is None:
                    raise ValidationError(
                        {
                            "line": _("Line %(line)s is not on this claim.")
                            % {"line": form.cleaned_data["line"]}
                        }
                    )
                document = _upload(request, form, phase=line.phase, claim_line=line)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request,
                    _("%(kind)s added to line %(line)s.")
                    % {"kind": document.kind, "line": line.position},
                )
                return redirect(claim)
        context = self.get_context_data(object=claim, bound={"evidence": form})
        return self.render_to_response(context, status=400)


class PhaseEvidenceView(PersonalDataMixin, DetailView):
    """The documents of one phase, the kinds it needs, and (for its provider) an upload."""

    template_name = "payments/phase_evidence.html"
    context_object_name = "phase"

    def get_queryset(self):
        return PhaseRecord.objects.visible_to(self.request.user).select_related(
            "trajectory__worker", "trajectory__mandate"
        )

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        phase = self.object
        context["documents"] = (
            EvidenceDocument.objects.visible_to(self.request.user)
            .filter(phase=phase)
            .select_related("kind", "uploaded_by", "claim_line__claim")
        )
        context["required"] = EvidenceRequirement.objects.filter(phase=phase.phase).select_related(
            "kind"
        )
        context["claim_lines"] = phase.claim_lines.select_related("claim").order_by("claim_id")
        if roles.may_claim(self.request.user):
            context["form"] = form or EvidenceForm()
        return context

    def post(self, request, *args, **kwargs):
        self.object = phase = self.get_object()
        require_role(roles.may_claim, request.user)
        form = EvidenceForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                document = _upload(request, form, phase=phase)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("%(kind)s added.") % {"kind": document.kind})
                return redirect("payments:phase-evidence", pk=phase.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class EvidenceDownloadView(PersonalDataMixin, View):
    """A document, to those who may see its phase's claim; as a download, never shown inline,
    with the type read from its content."""

    def get(self, request, pk: int):
        document = get_object_or_404(EvidenceDocument.objects.visible_to(request.user), pk=pk)
        try:
            handle = document.file.open("rb")
        except FileNotFoundError:
            raise Http404(_("The file of this document is missing from the storage.")) from None
        return FileResponse(
            handle,
            as_attachment=True,
            filename=document.original_name,
            content_type=document.content_type,
        )
