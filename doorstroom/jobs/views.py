"""A job's progress for the page that waits on it (polled by doorstroom/static/doorstroom/jobs.js),
and its cancellation."""

from __future__ import annotations

from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from doorstroom.jobs.models import Job
from doorstroom.jobs.services import job_cancel


@never_cache
@require_GET
def job_status(request, pk: int):
    job = get_object_or_404(Job.objects.visible_to(request.user), pk=pk)
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
