"""A job's progress for the page that waits on it (polled by doorstroom/static/doorstroom/jobs.js),
and its cancellation."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from doorstroom.exports import ExportError, get_export
from doorstroom.jobs.models import Job
from doorstroom.jobs.services import job_cancel


@never_cache
@require_GET
def job_status(request, pk: int):
    job = get_object_or_404(Job.objects.visible_to(request.user).defer("result"), pk=pk)
    return JsonResponse(
        {
            "status": job.status,
            "label": str(job.get_status_display()),
            "active": job.is_active,
            "done": job.done,
            "total": job.total,
            "percent": job.percent,
        }
    )


@require_POST
def job_cancel_view(request, pk: int):
    """Only whoever started a job cancels it (others see it, as they see its result)."""
    job = get_object_or_404(Job.objects.filter(created_by=request.user), pk=pk)
    job_cancel(job=job)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    return HttpResponseRedirect(target)


def _own_file_job(request, pk: int) -> Job:
    """A job that writes a file: only whoever started it sees it (the file holds what the
    export showed them, scoped to them)."""
    return get_object_or_404(
        Job.objects.filter(created_by=request.user)
        .exclude(parameters__export=None)
        .defer("result"),
        pk=pk,
    )


@require_GET
def job_file_page(request, pk: int):
    """How far a file is, then the file to download (or why there is none)."""
    job = _own_file_job(request, pk)
    try:
        title = get_export(job.parameters["export"]).title
    except ExportError:
        title = job.parameters["export"]
    response = render(
        request,
        "doorstroom/job_file.html",
        {"job": job, "title": title, "days": settings.JOBS_RESULT_DAYS},
    )
    add_never_cache_headers(response)
    return response


@require_GET
def job_file_download(request, pk: int):
    job = _own_file_job(request, pk)
    content = Job.objects.filter(pk=job.pk).values_list("result", flat=True).get()
    if content is None:
        raise Http404("This file is no longer kept.")
    response = HttpResponse(
        bytes(content),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{job.result_name}"'
    add_never_cache_headers(response)  # no copy of the file in the browser's cache
    return response
