from django import template

from doorstroom.formatting import format_amount, format_count

register = template.Library()


@register.filter
def amount(value):
    """{{ fee|amount }} -> € 1.260,00 (doorstroom.formatting.format_amount)"""
    return format_amount(value)


@register.filter
def number(value, decimals=0):
    """{{ count|number }} -> 1.260; text such as "<5" and empty values pass through."""
    return format_count(None if value == "" else value, int(decimals))
