"""The form renderer: Django's, with its simplest widget templates done in Python.

A filter form of eleven fields spends most of its time in the template engine, which renders
every `<option>` of a select through two included templates (the trajectory listing's filters
took about 7 ms of a 24 ms page). `PlainWidgetRenderer` writes the same HTML for the plain
input and select templates directly (by template name, see PLAIN_TEMPLATES), and hands every
other template (admin widgets, whole forms, radio buttons, ...) to Django's renderer. A test
renders each covered widget both ways and compares the strings.

Overriding one of the PLAIN_TEMPLATES in a project template folder would have no effect: take
it out of PLAIN_TEMPLATES too. Option labels are written as text (`str`), as they are by the
choice fields here; a date or number label would not be localised as in a template.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html"""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {conditional_escape(name)}")
        if value is not True:
            parts.append(f'="{conditional_escape(str(value))}"')
    return "".join(parts)


def _input(widget: dict) -> str:
    """django/forms/widgets/input.html (and text.html, date.html, ... which only include it)."""
    value = widget["value"]
    shown = "" if value is None else f' value="{conditional_escape(str(value))}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'
    )


def _option(option: dict) -> str:
    """django/forms/widgets/select_option.html"""
    return (
        f'<option value="{conditional_escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
        f"{conditional_escape(option['label'])}</option>"
    )


def _select(widget: dict) -> str:
    """django/forms/widgets/select.html"""
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            if option["template_name"] != "django/forms/widgets/select_option.html":
                return None
            parts.append(f"\n  {_option(option)}\n")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


PLAIN_TEMPLATES = {
    "django/forms/widgets/input.html": _input,
    "django/forms/widgets/text.html": _input,
    "django/forms/widgets/number.html": _input,
    "django/forms/widgets/date.html": _input,
    "django/forms/widgets/email.html": _input,
    "django/forms/widgets/search.html": _input,
    "django/forms/widgets/select.html": _select,
}


class PlainWidgetRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        plain = PLAIN_TEMPLATES.get(template_name)
        widget = context.get("widget") if plain else None
        if widget is not None:
            html = plain(widget)
            if html is not None:
                return html
        return super().render(template_name, context, request)
