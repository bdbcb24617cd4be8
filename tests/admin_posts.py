"""What a browser would post back from an admin add or change page, and a fingerprint of every
table the admin writes, to show that a refused POST wrote nothing."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db import connection


def form_fields(form) -> dict:
    """The form's fields as a browser submits them unchanged (an unticked box: absent)."""
    data = {}
    for bound in form:
        value, widget = bound.value(), bound.field.widget
        if isinstance(widget, forms.CheckboxInput):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(widget, forms.MultiWidget):
            parts = value if isinstance(value, list | tuple) else widget.decompress(value)
            for suffix, part in zip(widget.widgets_names, parts, strict=True):
                data[bound.html_name + suffix] = "" if part is None else str(part)
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [str(v) for v in value]
        else:
            data[bound.html_name] = "" if value is None else str(value)
    return data


def page_data(response) -> dict:
    """The POST data of an admin add or change page: its form and every inline formset."""
    data = form_fields(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        data.update(form_fields(inline.formset.management_form))
        for form in inline.formset.forms:
            data.update(form_fields(form))
    return data


def admin_tables() -> list[str]:
    """The tables of every model in the admin, of their inlines, and of their audit events."""
    models = set()
    for model, model_admin in admin.site._registry.items():
        models.add(model)
        models.update(inline.model for inline in model_admin.inlines)
    tables = {m._meta.db_table for m in models if not m._meta.proxy and m._meta.managed}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
            "AND tablename LIKE '%%event'"
        )
        tables.update(row[0] for row in cursor.fetchall())
    return sorted(tables)


def fingerprint(tables: list[str]) -> list[tuple]:
    """Row count and a hash of every row of each table, in one statement."""
    # Ordered: PostgreSQL may return the branches of a UNION ALL in any order (in parallel).
    sql = (
        " UNION ALL ".join(
            f"SELECT '{table}', count(*), coalesce(sum(hashtext(t::text)), 0) FROM {table} t"
            for table in tables
        )
        + " ORDER BY 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()
