from django import template

from doorstroom.formatting import format_amount, format_number

register = template.Library()


@register.filter
def amount(value):
    """{{ fee|amount }} -> EUR 1.260,00"""
    return format_amount(value)


@register.filter
def number(value, decimals=0):
    """{{ count|number }} -> 1.260; text such as "<5" and empty values pass through."""
    if value is None or value == "":
        return "onbekend"
    if isinstance(value, str):
        return value
    return format_number(value, int(decimals))
