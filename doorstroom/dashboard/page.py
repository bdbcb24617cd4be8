"""The dashboard's view."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from doorstroom.dashboard.sections import FILTER_SOURCE, dashboard_sections
from doorstroom.dashboard.tiles import headline_tiles
from doorstroom.dashboard.todo import todo_groups
from doorstroom.dashboard.trends import dashboard_trends
from doorstroom.exports import get_export


def dashboard_page(request: HttpRequest) -> HttpResponse:
    form_class = get_export(FILTER_SOURCE).filter_form_class
    form = form_class(request.GET or None)
    params = {
        name: request.GET[name] for name in form_class.base_fields if request.GET.get(name, "")
    }
    invalid = form.is_bound and not form.is_valid()
    cleaned = form.cleaned_data if form.is_bound and not invalid else None
    sections = [] if invalid else dashboard_sections(params, request.user, cleaned)
    by_name = {section.name: section for section in sections}
    todo = todo_groups(request.user, {} if invalid else params)
    context = {
        "form": form,
        "sections": sections,
        "filtered": bool(params),
        "tiles": [] if invalid else headline_tiles(request.user, params, by_name),
        "todo": todo,
        "todo_count": sum(group.count for group in todo),
        "trends": dashboard_trends(by_name, (cleaned or {}).get("date_to")),
    }
    return render(request, "doorstroom/dashboard.html", context, status=400 if invalid else 200)
