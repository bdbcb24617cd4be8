"""The filter forms, rendered once per process and version of their choices
(doorstroom.filter_forms): served again without their choice queries, and rendered anew as
soon as the database says a table their choices come from changed, whatever wrote it."""

from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from doorstroom.roles import Role
from mandates.models import Mandate, Organisation
from tests.factories.mandates import MandateFactory

LISTING = "/trajecten/"


def form_of(html: str) -> str:
    start = html.index('<form method="get" class="filters"')
    return html[start : html.index("</form>", start)]


def choice_queries(captured) -> list[str]:
    return [q["sql"] for q in captured if 'FROM "mandates_' in q["sql"]]


def test_a_second_page_reads_the_version_not_the_choices(seed, logged_in_client):
    with CaptureQueriesContext(connection) as first:
        html = logged_in_client.get(LISTING).content.decode()
    with CaptureQueriesContext(connection) as second:
        again = logged_in_client.get(LISTING).content.decode()
    assert len(choice_queries(first)) == 3  # calls, mandates, provinces
    assert choice_queries(second) == []
    # The version instead of the three choice queries.
    assert [q["sql"] for q in second if "doorstroom_choicesversion" in q["sql"]] == [
        "SELECT version FROM doorstroom_choicesversion WHERE id = 1"
    ]
    assert form_of(html) == form_of(again)
    assert 'value="6441"' in html


def test_a_change_to_the_choices_shows_at_the_next_page_whatever_wrote_it(seed, logged_in_client):
    logged_in_client.get(LISTING)
    MandateFactory(project_number=77001, name="Nieuw mandaat")  # through the ORM
    assert 'value="77001"' in logged_in_client.get(LISTING).content.decode()
    Mandate.objects.filter(project_number=77001).update(project_number=77002)  # one UPDATE
    html = logged_in_client.get(LISTING).content.decode()
    assert 'value="77002"' in html and 'value="77001"' not in html
    with connection.cursor() as cursor:  # raw SQL
        cursor.execute(
            "UPDATE mandates_mandate SET project_number = 77003 WHERE project_number = 77002"
        )
    assert 'value="77003"' in logged_in_client.get(LISTING).content.decode()


def test_each_user_and_language_has_their_own_form(seed, client, make_user):
    promoter = Organisation.objects.get(pk=Mandate.objects.get(project_number=6441).promoter_id)
    provider = make_user("aanbieder", Role.PROVIDER, organisation=promoter)
    editor = make_user("redacteur", Role.EDITOR)
    client.force_login(editor)
    everything = client.get(LISTING).content.decode()
    client.force_login(provider)
    own = client.get(LISTING).content.decode()
    others = Mandate.objects.exclude(pk__in=Mandate.objects.visible_to(provider)).first()
    assert f'value="{others.project_number}"' in everything
    assert f'value="{others.project_number}"' not in own
    client.cookies["django_language"] = "en"
    english = client.get(LISTING).content.decode()
    assert "Current phase" in english and "Current phase" not in own


def test_the_filter_values_are_part_of_the_key(seed, logged_in_client):
    logged_in_client.get(LISTING)
    html = logged_in_client.get(LISTING, {"mandate": "6441"}).content.decode()
    assert '<option value="6441" selected>' in html


def test_every_table_the_choices_come_from_bumps_the_version(db):
    """Every table of the apps whose rows are choices (mandates, pilots) and the users' scopes
    and roles: a table added to them later needs the trigger too (a migration)."""
    expected = {"doorstroom_userscope", "auth_user_groups", "auth_group", "auth_user"}
    for label in ("mandates", "pilots"):
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            expected.add(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = 'choices_version_bump'"
        )
        installed = {row[0] for row in cursor.fetchall()}
    assert expected <= installed


def test_the_key_names_the_fields_of_every_filter_form(rf, seed, staff_user):
    """The store's key reads the filter values of the form's fields from the URL without
    building the form: the names it takes are those of the built form, for every listing's
    filters (a custom form's own fields included)."""
    from doorstroom.filter_forms import field_names
    from mandates.filters import MandateFilter
    from payments.filters import ClaimFilter, LedgerFilter
    from pilots.filters import PilotFilter
    from questions.filters import QuestionFilter
    from trajectories.filters import DeadlineFilter, HoursFilter, TrajectoryFilter

    request = rf.get("/")
    request.user = staff_user
    filtersets = (
        MandateFilter, ClaimFilter, LedgerFilter, PilotFilter, QuestionFilter,
        DeadlineFilter, HoursFilter, TrajectoryFilter,
    )  # fmt: skip
    for filterset_class in filtersets:
        filterset = filterset_class(None, request=request)
        assert sorted(field_names(filterset)) == sorted(filterset.form.fields), filterset_class
