from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET
from django.views.i18n import set_language as django_set_language

from doorstroom.access import personal_data_access_log, require_export_access
from doorstroom.dashboard import dashboard_page
from doorstroom.exports import (
    DEFAULT_DIALECT,
    DIALECTS,
    FORMATS,
    ExportError,
    all_exports,
    format_unknown,
    get_dialect,
    get_export,
    write_xlsx,
)
from doorstroom.jobs.workers import worker_report
from doorstroom.models import PersonalDataAccess
from doorstroom.sql import (
    iter_csv_bytes,
)
from doorstroom.tasks import export_xlsx_is_long, export_xlsx_queue


@login_not_required
@require_GET
def health(request):
    """For load balancers and monitoring: the application answers (the first line, "ok"), and
    whether a worker runs the background jobs (the second line: "worker: ok, ..." or when no
    worker's heartbeat is younger than JOBS_STALLED_SECONDS, "worker: not seen for ... s").
    The status is 200 either way: a load balancer must not take web servers out for a worker."""
    try:
        _alive, line = worker_report(silent_after=settings.JOBS_STALLED_SECONDS)
    except DatabaseError:
        line = "worker: unknown, the database does not answer"
    return HttpResponse(f"ok\n{line}\n", content_type="text/plain")


@require_GET
def home(request):
    """The landing page after login is the dashboard."""
    return dashboard_page(request)


# The language switch is also on the login page, before anyone is logged in.
set_language = login_not_required(django_set_language)


def export_list(request):
    """Every export with its filters as a form to fill in, and the file formats to choose."""
    # Only what the user may download: a listed export that answers 403 is a dead end.
    exports = [
        (export, export.filter_form(user=request.user))
        for export in all_exports()
        if export.may_be_downloaded_by(request.user)
    ]
    return render(
        request,
        "doorstroom/export_list.html",
        {"exports": exports, "dialects": DIALECTS.values()},
    )


@require_GET
def export_download(request, name: str):
    """Download any registered export, in the user's language; the query string carries its
    filters."""
    try:
        export_class = get_export(name)
    except ExportError as error:
        raise Http404(str(error)) from error
    params = request.GET.copy()
    file_format = params.pop("format", ["csv"])[-1]
    dialect = params.pop("dialect", [DEFAULT_DIALECT])[-1]
    for ignored in ("page", "sort"):
        params.pop(ignored, None)
    require_export_access(request.user, export_class)
    if export_class.contains_personal_data:
        personal_data_access_log(
            user=request.user,
            action=PersonalDataAccess.Action.EXPORT,
            subject=request.get_full_path(),
        )
    try:
        if file_format not in FORMATS:
            raise format_unknown(file_format)
        get_dialect(dialect)
        export = export_class(params.dict(), user=request.user)
    except ExportError as error:
        return render(
            request, "doorstroom/export_error.html", {"error": str(error), "name": name}, status=400
        )
    if file_format == "xlsx" and export_xlsx_is_long(export):
        # A workbook is written whole before its first byte: a worker writes a long one, and
        # the job's page shows how far it is, then offers the file.
        return redirect("job-file", pk=export_xlsx_queue(export=export, user=request.user).pk)
    filename = export.filename(file_format)
    if file_format == "xlsx":
        response = HttpResponse(
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        write_xlsx(export, response)
    else:
        # Streamed, so a long export neither waits for its last row nor holds it all in memory.
        response = StreamingHttpResponse(
            iter_csv_bytes(export, dialect),
            content_type="text/csv; charset=utf-8",
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if export_class.contains_personal_data:
        add_never_cache_headers(response)  # no copy of the file in the browser's cache
    return response
