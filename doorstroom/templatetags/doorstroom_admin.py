from django import template
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
