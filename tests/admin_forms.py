"""What a browser sends back from an admin change page."""

from django.forms import MultiWidget


def change_form_data(response) -> dict:
    """The change page's form and inline forms as they were shown, unchanged."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            widget = form.fields[name].widget
            if isinstance(widget, MultiWidget):  # a date and a time: one value per part
                parts = widget.decompress(value)
                for suffix, part in zip(widget.widgets_names, parts, strict=True):
                    if part is not None:
                        data[form.add_prefix(name) + suffix] = part
                continue
            if value is True:
                data[form.add_prefix(name)] = "on"
            elif value is not None and value is not False:
                data[form.add_prefix(name)] = value
    return data
