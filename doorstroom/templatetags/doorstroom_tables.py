"""The links of a django-tables2 table paginated by EstimatedCountPaginator, as template tags
(doorstroom/table_keyed.html); see doorstroom.rendering.table_links."""

from django import template

from doorstroom.rendering.table_links import page_href, sort_href

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_query(context, table, column):
    return sort_href(context["request"], table, column)


@register.simple_tag(takes_context=True)
def page_query(context, table, number):
    return page_href(context["request"], table, number)
