"""Every filter form filters only what was chosen: submitted untouched it gives the unfiltered
page, and a field set through the form gives the rows of the same URL parameter.

The pages are found from the URL conf (every page without URL arguments that renders a filter
form), so a new page with a filter form is held to this without being listed here."""

import io

import pytest
from django import forms as django_forms
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.html_forms import filter_form, table_rows

# Not pages: the login, logout and language switch, the health check, the downloads (a file per
# request), and the admin (its filters are links).
NOT_PAGES = {"login", "logout", "set_language", "health", "export-download", "job-status"}


def pages_without_arguments(patterns=None, namespace="") -> list[str]:
    names = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names += pages_without_arguments(pattern.url_patterns, inner)
        elif (
            isinstance(pattern, URLPattern)
            and pattern.name not in (None, *NOT_PAGES)
            and not pattern.pattern.converters
        ):
            names.append(f"{namespace}{pattern.name}")
    return names


def sample_value(name: str, field: django_forms.Field) -> str:
    """A value a person could type into a text field of this kind; a period is whole months
    (published figures refuse any other), so an end date is a month's last day."""
    if isinstance(field, django_forms.DateField):
        return "2022-01-31" if name.endswith(("_to", "_until")) else "2022-01-01"
    if isinstance(field, django_forms.IntegerField | django_forms.DecimalField):
        return "2018"
    return "1"


def page_form(response):
    context = response.context
    if context.get("filter") is not None:
        return context["filter"].form
    return context["form"]


@pytest.fixture
def demo(seed):
    call_command(
        "generate_demo_trajectories", "--count", "300", "--seed", "5", stdout=io.StringIO()
    )


def test_every_filter_page_is_found_from_the_url_conf(db):
    names = pages_without_arguments()
    for name in ("home", "mandates:list", "trajectories:list", "trajectories:deadlines"):
        assert name in names


def test_every_filter_form_filters_only_what_was_chosen(demo, logged_in_client):
    client = logged_in_client
    tested = []
    for name in pages_without_arguments():
        url = reverse(name)
        unfiltered = client.get(url)
        if unfiltered.status_code != 200:
            continue
        form = filter_form(unfiltered)
        if form is None:
            continue
        tested.append(name)
        rows = table_rows(unfiltered)
        assert rows, f"{url}: the demo data should give the unfiltered page rows"

        # Every select starts with the same "all" option, selected when nothing is filtered.
        for select in form.selects:
            assert select.options[0] == ("", "Alle"), (url, select.name, select.options[:2])
            assert select.value() == "", (url, select.name)

        untouched = client.get(url, form.data())
        assert untouched.status_code == 200
        assert table_rows(untouched) == rows, f"{url} submitted untouched: {form.data()}"

        fields = page_form(unfiltered).fields
        for field_name in form.field_names():
            if field_name in {s.name for s in form.selects}:
                choices = [value for value, _ in form.select(field_name).options if value]
                values = [choices[0], choices[-1]] if choices else []
            elif form.input(field_name).get("type") == "checkbox":
                values = [form.input(field_name).get("value", "on")]
            else:
                values = [sample_value(field_name, fields[field_name])]
            for value in values:
                through_form = client.get(url, {**form.data(), field_name: value})
                by_parameter = client.get(url, {field_name: value})
                assert through_form.status_code == by_parameter.status_code == 200
                assert table_rows(through_form) == table_rows(by_parameter), (
                    f"{url}: {field_name}={value} through the form"
                )
    assert {"mandates:list", "trajectories:list", "trajectories:deadlines"} <= set(tested)
    assert {"trajectories:hours", "pilots:list", "questions:list", "home"} <= set(tested)


def test_only_limburg_through_the_trajectory_form_shows_every_limburg_trajectory(
    demo, logged_in_client
):
    """The example of the issue: Provincie = Limburg alone, through the form, forced phase=1."""
    url = reverse("trajectories:list")
    for page_url in (url, reverse("trajectories:deadlines")):
        form = filter_form(logged_in_client.get(page_url))
        assert "phase" not in {k for k, v in form.data().items() if v}, page_url
    form = filter_form(logged_in_client.get(url))
    response = logged_in_client.get(url, {**form.data(), "province": "Limburg"})
    expected = response.context["filter"].queryset.filter(mandate__provinces__name="Limburg")
    assert response.context["filter"].qs.count() == expected.count() > 5
