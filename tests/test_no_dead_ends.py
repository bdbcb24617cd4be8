"""No dead ends: a mandate's page leads to its trajectories, hours and fees; the exports page
offers each export's filters as a form to fill in."""

import csv
import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from doorstroom.exports import all_exports
from doorstroom.roles import Role
from mandates.models import Mandate
from tests.html_forms import forms, parse, table_rows
from trajectories.models import PhaseRecord, Trajectory


@pytest.fixture
def demo(seed):
    call_command("generate_demo_trajectories", "--count", "80", "--seed", "2", stdout=io.StringIO())


def links(response) -> dict[str, str]:
    html = response.content.decode()
    return {
        re.sub(r"<[^>]+>", "", text).strip(): href.replace("&amp;", "&")
        for href, text in re.findall(r'<a href="([^"]+)">(.*?)</a>', html)
    }


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_a_mandates_page_links_to_its_trajectories_hours_and_fees(demo, logged_in_client):
    mandate = Mandate.objects.filter(trajectories__isnull=False).first()
    page = logged_in_client.get(reverse("mandates:detail", args=[mandate.project_number]))
    found = links(page)

    trajectories = logged_in_client.get(found["De trajecten van dit mandaat"])
    expected = Trajectory.objects.filter(mandate=mandate).count()
    assert trajectories.context["filter"].qs.count() == expected > 0

    hours = logged_in_client.get(found["De uren van dit mandaat tegenover de norm"])
    rows = table_rows(hours)
    assert [row[0] for row in rows] == [str(mandate.project_number)]
    # The exact count: an editor sees the trajectories themselves (an analyst would see the
    # published figure, "<5" for 1 to 4: tests/test_disclosure_audit.py).
    assert rows[0][3] == str(expected)

    statement = logged_in_client.get(found["XLSX"])
    assert statement.status_code == 200
    sheet = load_workbook(io.BytesIO(statement.content)).worksheets[0]
    numbers = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]}
    completed = PhaseRecord.objects.filter(trajectory__mandate=mandate, fee_amount__isnull=False)
    assert completed.exists() and str(mandate.project_number) in {str(n) for n in numbers}


def test_a_mandates_page_offers_trajectories_only_to_who_may_see_them(demo, client, make_user):
    mandate = Mandate.objects.filter(trajectories__isnull=False).first()
    client.force_login(make_user("analist", Role.ANALYST))
    found = links(client.get(reverse("mandates:detail", args=[mandate.project_number])))
    assert "De trajecten van dit mandaat" not in found
    assert "De uren van dit mandaat tegenover de norm" in found


def test_the_exports_page_offers_each_exports_filters_as_its_own_form(demo, logged_in_client):
    page = logged_in_client.get(reverse("exports"))
    by_action = {form.attrs["action"]: form for form in forms(page)}
    for export_class in all_exports():
        url = reverse("export-download", args=[export_class.name])
        form = by_action[url]
        names = set(form.field_names())
        assert names == {*export_class.filter_names(), "format", "dialect"}, export_class.name
        own = export_class.filter_form()
        for select in form.selects:
            if select.name in own.fields:
                choices = [str(value) for value, _ in own.fields[select.name].widget.choices]
                assert [value for value, _ in select.options] == choices
                assert select.options[0] == ("", "Alle")
        # Submitted untouched, the form downloads the whole export.
        untouched = logged_in_client.get(url, form.data())
        assert untouched.status_code == 200, (export_class.name, form.data())
        whole = logged_in_client.get(url)
        assert body(untouched) == body(whole), export_class.name


def test_a_filter_chosen_on_the_exports_page_filters_the_download(demo, logged_in_client):
    page = logged_in_client.get(reverse("exports"))
    url = reverse("export-download", args=["mandates"])
    form = next(f for f in forms(page) if f.attrs["action"] == url)
    assert ("380", "380 Doorstroom BW/SW") in form.select("call").options
    response = logged_in_client.get(url, {**form.data(), "call": "380", "dialect": "rfc4180"})
    rows = list(csv.reader(io.StringIO(body(response).decode())))
    assert {row[0] for row in rows[1:]} == {"380"} and len(rows) == 17


def test_the_exports_page_names_only_the_mandates_a_provider_may_see(demo, client, make_user):
    own = Mandate.objects.first()
    provider = make_user("dienstverlener", Role.PROVIDER, organisation=own.promoter)
    client.force_login(provider)
    page = parse(client.get(reverse("exports")).content)
    url = reverse("export-download", args=["provider-statement"])
    form = next(f for f in page.forms if f.attrs["action"] == url)
    offered = {value for value, _ in form.select("mandate").options if value}
    visible = Mandate.objects.visible_to(provider).values_list("project_number", flat=True)
    assert offered == {str(n) for n in visible}
    assert 0 < len(offered) < Mandate.objects.count()


# Every role, each account on the staff (the demo's are: that is when the admin's links show).
from tests.test_access_matrix import (  # noqa: E402
    ANON,
    NONE,
    client_for,
    world,  # noqa: F401
)

HREF = re.compile(r'<a\b[^>]*\bhref="(/[^"#]*)')


def _walked_pages(objects) -> list[str]:
    """The pages whose links lead nowhere for some role: the menu, the trajectories' sub-menu
    (on the hours page, which every role opens), the questions, a pilot, a mandate, a
    trajectory and a claim."""
    from pilots.models import Pilot

    return [
        reverse("home"),
        reverse("trajectories:hours"),
        reverse("trajectories:deadlines"),
        reverse("questions:list"),
        reverse("pilots:detail", args=[Pilot.objects.first().pk]),
        reverse("mandates:detail", args=[objects["own_mandate"]["project_number"]]),
        reverse("trajectories:detail", args=[objects["own_trajectory"]["pk"]]),
        reverse("payments:claim-detail", args=[objects["claim"]["pk"]]),
    ]


@pytest.mark.parametrize(
    "role", ["analyst", "provider", "provincial", "editor", "administrator", "finance"]
)
def test_no_link_leads_a_role_to_no_access(world, role):  # noqa: F811
    users, objects = world
    assert role not in (ANON, NONE)
    user = users[role]
    user.is_staff = True
    user.save()
    client = client_for(user)
    followed, dead = set(), []
    opened = 0
    for page in _walked_pages(objects):
        response = client.get(page)
        if response.status_code != 200:
            continue  # a page this role may not open has no links to follow
        opened += 1
        for href in HREF.findall(response.content.decode()):
            url = href.replace("&amp;", "&")
            path = url.split("?")[0]
            if path in followed or path.startswith("/static/"):
                continue
            followed.add(path)
            if client.get(url).status_code == 403:
                dead.append(f"{page} -> {url}")
    assert opened >= 2 and len(followed) > 10
    assert dead == []
