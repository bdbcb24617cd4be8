"""The form renderer writes the plain widget templates in Python: the same HTML as Django's."""

import datetime as dt

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.test import RequestFactory

from doorstroom.renderers import PlainWidgetRenderer
from trajectories.filters import TrajectoryFilter
from trajectories.models import Trajectory

DJANGO = DjangoTemplates()
PLAIN = PlainWidgetRenderer()

CHOICES = [("", "---------"), (1, "Eén & twee"), ("b", '"quoted" <b>')]
GROUPED = [("Groep <1>", [(1, "a"), (2, "b")]), ("Los", [(3, "c")]), (4, "vier")]


@pytest.mark.parametrize(
    ("widget", "value"),
    [
        (forms.TextInput(), None),
        (forms.TextInput(), ""),
        (forms.TextInput(attrs={"placeholder": 'a "b" <c>', "required": True}), "x&y"),
        (forms.TextInput(attrs={"disabled": False, "data-x": 0}), 'say "hi"'),
        (forms.NumberInput(attrs={"step": "0.01"}), 12.5),
        (forms.DateInput(), dt.date(2024, 2, 29)),
        (forms.DateInput(format="%d/%m/%Y"), dt.date(2024, 2, 29)),
        (forms.EmailInput(), "a@b.be"),
        (forms.Select(choices=CHOICES), None),
        (forms.Select(choices=CHOICES, attrs={"aria-describedby": "help"}), "b"),
        (forms.Select(choices=CHOICES), 1),
        (forms.Select(choices=GROUPED), 2),
        (forms.NullBooleanSelect(), None),
        (forms.NullBooleanSelect(), True),
        (forms.NullBooleanSelect(), "false"),
    ],
)
def test_each_plain_widget_renders_as_django_does(widget, value):
    attrs = {"id": "id_field"}
    expected = widget.render("field", value, attrs=attrs, renderer=DJANGO)
    assert widget.render("field", value, attrs=attrs, renderer=PLAIN) == expected


def test_other_widgets_render_as_with_django():
    """A multiple select shares the select template; a checkbox and radio buttons are not
    covered and go to Django's templates."""
    for widget, value in [
        (forms.SelectMultiple(choices=CHOICES), ["b"]),
        (forms.CheckboxInput(), True),
        (forms.RadioSelect(choices=CHOICES), "b"),
    ]:
        assert widget.render("f", value, renderer=PLAIN) == widget.render(
            "f", value, renderer=DJANGO
        )


@pytest.mark.django_db
def test_the_trajectory_filters_render_as_with_django(seed, staff_user):
    request = RequestFactory().get("/trajecten/", {"call": "380", "phase": "2", "q": "<x>"})
    request.user = staff_user
    form = TrajectoryFilter(request.GET, queryset=Trajectory.objects.all(), request=request).form
    assert isinstance(form.renderer, PlainWidgetRenderer)
    fields = [form[name] for name in form.fields]
    plain = [field.as_widget() for field in fields]
    form.renderer = DJANGO
    assert plain == [field.as_widget() for field in fields]
    assert 'value="380" selected' in "".join(plain)
