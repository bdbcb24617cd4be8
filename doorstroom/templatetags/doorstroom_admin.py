from django import template
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import paginator_number
from django.contrib.admin.views.main import PAGE_VAR
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from doorstroom.pagination import position_for

register = template.Library()


@register.simple_tag
def keyed_paginator_number(cl, i):
    """The admin's paginator_number, whose link to a page around the one shown carries the
    position to read it from (EstimatedCountPaginator: deep pages as fast as the first)."""
    page = getattr(cl.paginator, "shown_page", None)
    if page is None or i == cl.paginator.ELLIPSIS or i == cl.page_num:
        return paginator_number(cl, i)
    return format_html(
        '<a href="{}"{}>{}</a> ',
        cl.get_query_string({PAGE_VAR: i, **position_for(page, i)}),
        mark_safe(' class="end"' if i == cl.paginator.num_pages else ""),
        i,
    )


@register.simple_tag(takes_context=True)
def admin_lets_in(context, target) -> bool:
    """Whether the admin page of `target` opens for this user, asked as the admin asks it: a
    record's change page (read-only when they may only view it; within their scope), or, given
    "app_label.model", the add page. A link to the admin is shown only then, never to a page
    that answers "no access"."""
    request = context["request"]
    site = admin.site
    if not site.has_permission(request):
        return False
    if isinstance(target, str):
        model_admin = site._registry.get(apps.get_model(target))
        return model_admin is not None and model_admin.has_add_permission(request)
    model_admin = site._registry.get(type(target))
    return model_admin is not None and model_admin.has_view_or_change_permission(request, target)
