import datetime as dt

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import DetailView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from doorstroom.access import WideRoleRequiredMixin, require_wide_role
from doorstroom.exports import ExportError
from doorstroom.jobs.models import Job
from questions.filters import QuestionFilter
from questions.models import AnswerPack, AnswerTable, ParliamentaryQuestion, SubQuestion
from questions.services import (
    answer_pack_archive,
    answer_pack_compare,
    answer_pack_html,
)
from questions.tables import QuestionTable
from questions.tasks import answer_pack_queue, pack_jobs


class QuestionListView(WideRoleRequiredMixin, SingleTableMixin, FilterView):
    queryset = ParliamentaryQuestion.objects.for_listing()
    filterset_class = QuestionFilter
    table_class = QuestionTable
    paginate_by = 25
    template_name = "questions/question_list.html"


class QuestionDetailView(WideRoleRequiredMixin, DetailView):
    template_name = "questions/question_detail.html"
    queryset = ParliamentaryQuestion.objects.prefetch_related(
        Prefetch(
            "subquestions",
            queryset=SubQuestion.objects.prefetch_related(
                Prefetch("tables", queryset=AnswerTable.objects.order_by("position", "pk"))
            ),
        ),
        Prefetch("packs", queryset=AnswerPack.objects.select_related("generated_by")),
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["pack_job"] = _pack_job_to_show(self.object)
        return context


def _pack_job_to_show(question: ParliamentaryQuestion) -> Job | None:
    """The latest pack job while it runs, and for an hour after it ended (the page says the
    pack is ready, with its link, or why there is none)."""
    job = pack_jobs(question).first()
    if job is None or job.is_active:
        return job
    if job.finished_at and timezone.now() - job.finished_at < dt.timedelta(hours=1):
        return job
    return None


@require_POST
def pack_generate(request, pk: int):
    """Queue the pack; the question's page shows its progress, then the pack."""
    require_wide_role(request.user)
    question = get_object_or_404(ParliamentaryQuestion, pk=pk)
    try:
        answer_pack_queue(question=question, user=request.user)
    except ExportError as error:
        messages.error(request, str(error))
    return redirect(question)


def _pack(request, pk: int) -> AnswerPack:
    require_wide_role(request.user)
    return get_object_or_404(
        AnswerPack.objects.select_related("question", "generated_by").prefetch_related("tables"),
        pk=pk,
    )


def pack_download(request, pk: int):
    pack = _pack(request, pk)
    response = HttpResponse(answer_pack_archive(pack=pack), content_type="application/zip")
    stamp = pack.generated_at.strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = (
        f'attachment; filename="antwoord-vraag-{pack.question.number}-{stamp}.zip"'
    )
    return response


def pack_html(request, pk: int):
    return HttpResponse(
        answer_pack_html(
            pack=_pack(request, pk),
            stylesheet_url=static("questions/answer_pack.css"),
            back_url=reverse("questions:pack-detail", args=[pk]),
        )
    )


def pack_detail(request, pk: int):
    pack = _pack(request, pk)
    comparisons = answer_pack_compare(pack=pack) if request.GET.get("compare") else None
    if comparisons is not None and all(c.identical for c in comparisons):
        messages.success(request, _("Every table is still identical to what was sent."))
    return render(
        request,
        "questions/pack_detail.html",
        {"pack": pack, "comparisons": comparisons},
    )
