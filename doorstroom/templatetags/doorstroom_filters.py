from django import template
from django.utils.safestring import mark_safe

from doorstroom.filter_forms import rendered_filter_form

register = template.Library()


@register.simple_tag(takes_context=True)
def filter_form(context, filterset):
    """A listing's filter form, rendered once per version of its choices (filter_forms)."""
    return mark_safe(rendered_filter_form(filterset, context["request"]))
