"""The Proeftuinen pages: listing and filters, detail, overview counts, care page, query counts."""

import pytest
from django.urls import reverse

from mandates.models import Organisation
from pilots.models import (
    CareEngagement,
    Pilot,
    PilotParticipant,
    ReportedResult,
)
from tests.queries import count_queries


def listed(response) -> list[str]:
    return [row.record.participation for row in response.context["table"].paginated_rows]


def test_listing_shows_the_27_pilots_in_source_order_in_dutch(logged_in_client, seed):
    response = logged_in_client.get(reverse("pilots:list"))
    assert response.status_code == 200
    rows = listed(response)
    assert len(rows) == 27
    assert rows[0] == "Ryhove \u2013 WZC Helianthus"
    assert rows[-1] == "Robovision (REC) en Weerwerk (SEC)"
    body = response.content.decode()
    assert "<h1>Proeftuinen</h1>" in body
    assert "onbekend" in body
    assert "stage gerealiseerd" in body


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"sector": "Retail"}, 5),
        ({"provider": "Deloitte"}, 13),
        ({"provider": "Mentor"}, 10),
        ({"provider": "BDO"}, 4),
        ({"outcome": "engagement"}, 14),
        ({"sector": "Groen", "provider": "BDO"}, 0),
    ],
)
def test_filters_on_sector_provider_and_outcome(logged_in_client, seed, params, expected):
    response = logged_in_client.get(reverse("pilots:list"), params)
    assert response.context["table"].paginator.count == expected
    for row in response.context["table"].paginated_rows:
        pilot = row.record
        if "sector" in params:
            assert pilot.sector.name == params["sector"]
        if "provider" in params:
            assert pilot.assignment.provider.name == params["provider"]
        if "outcome" in params:
            assert pilot.outcome == params["outcome"]


def test_filter_on_outcome_internship(logged_in_client, seed):
    response = logged_in_client.get(reverse("pilots:list"), {"outcome": "internship"})
    assert listed(response) == ["Ateljee & Wibra", "Manus & Bpost"]


def test_filter_on_organisation_lists_each_pilot_once_with_its_full_count(logged_in_client, seed):
    sprong = Organisation.objects.get(name="De Sprong")
    response = logged_in_client.get(reverse("pilots:list"), {"organisation": sprong.pk})
    assert listed(response) == ["De Sprong & Maxi Zoo", "De Sprong & Ariel", "De Sprong & IOK"]
    # The filter must not narrow the participants counted per pilot.
    assert {row.record.organisation_count for row in response.context["table"].rows} == {2}


def test_invalid_filter_value_explains_instead_of_failing(logged_in_client, seed):
    response = logged_in_client.get(reverse("pilots:list"), {"sector": "Ruimtevaart"})
    assert response.status_code == 200
    assert response.context["filter"].errors
    assert listed(response) == []


def test_download_links_carry_the_filters(logged_in_client, seed):
    body = logged_in_client.get(reverse("pilots:list"), {"sector": "Retail"}).content.decode()
    assert "/exports/pilots/?format=csv&amp;dialect=rfc4180&amp;sector=Retail" in body
    assert "/exports/pilot-outcomes/?format=xlsx&amp;sector=Retail" in body


def test_detail_page_shows_participants_and_sides(logged_in_client, seed):
    pilot = Pilot.objects.get(participation="Robovision (REC) en Weerwerk (SEC)")
    response = logged_in_client.get(reverse("pilots:detail", args=[pilot.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Robovision" in body and "Weerwerk" in body
    assert "reguliere economie" in body and "sociale economie" in body
    assert "BDO" in body and "ICT" in body
    assert "enkel engagement" in body
    assert logged_in_client.get(reverse("pilots:detail", args=[999999])).status_code == 404


def test_detail_page_shows_unknown_workers_and_groups(logged_in_client, seed):
    pilot = Pilot.objects.get(participation="Tuinaannemers (REC)")
    body = logged_in_client.get(reverse("pilots:detail", args=[pilot.pk])).content.decode()
    assert "groep, niet bij naam genoemd in de bron" in body
    assert "onbekend" in body


def test_overview_counts_per_sector_and_provider(logged_in_client, seed):
    response = logged_in_client.get(reverse("pilots:overview"))
    assert response.status_code == 200
    rows = {row["sector"]: row for row in response.context["rows"]}
    assert [row["sector"] for row in response.context["rows"]] == [
        "Zorg",
        "Retail",
        "Logistiek",
        "Industrie",
        "Onderwijs",
        "Groen",
        "Centrummanagement",
        "Voeding",
        "ICT",
    ]
    assert {s: r["pilots"] for s, r in rows.items()} == {
        "Zorg": 4,
        "Retail": 5,
        "Logistiek": 4,
        "Industrie": 2,
        "Onderwijs": 3,
        "Groen": 5,
        "Centrummanagement": 1,
        "Voeding": 2,
        "ICT": 1,
    }
    # Zeeman takes part twice in Retail but is one organisation.
    assert rows["Retail"]["organisations"] == 9
    assert rows["Logistiek"]["organisations"] == 5  # De Sprong, Ariel, Manus, IOK, Bpost
    assert rows["Industrie"]["organisations"] == 3  # Fabricom, IMSIR, Vlotter
    assert rows["Groen"]["organisations"] == 4
    assert rows["Groen"]["organisations_at_least"] is True
    assert rows["Retail"]["organisations_at_least"] is False
    assert rows["Retail"]["provider"] == "Deloitte"
    assert all(row["workers"] is None for row in rows.values())
    body = response.content.decode()
    assert "minstens 4" in body
    assert "polyvalent medewerker" in body


def test_overview_tells_unknown_from_zero(logged_in_client, seed):
    Pilot.objects.filter(sector__name="ICT").update(workers_involved=0)
    Pilot.objects.filter(sector__name="Logistiek").update(workers_involved=2)
    Pilot.objects.filter(participation="Westvlees").update(workers_involved=5)
    response = logged_in_client.get(reverse("pilots:overview"))
    rows = {row["sector"]: row for row in response.context["rows"]}
    assert rows["ICT"]["workers"] == 0
    assert rows["Logistiek"]["workers"] == 8
    # Westvlees is known, Optima T is not: no total for Voeding.
    assert rows["Voeding"]["workers"] is None
    body = response.content.decode()
    ict_row = body[body.index("?sector=ICT") :].split("</tr>")[0]
    voeding_row = body[body.index("?sector=Voeding") :].split("</tr>")[0]
    assert '<td class="num">0</td>' in ict_row
    assert "onbekend" not in ict_row
    assert "onbekend" in voeding_row


def test_care_page_shows_engagements_and_more_than_200(logged_in_client, seed):
    response = logged_in_client.get(reverse("pilots:care"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "meer dan 200" in body
    assert "streefdoel 7" in body
    for name in ("Armonea", "Senior Living Group", "Vulpia", "OCMW", "VERSO", "VIVO"):
        assert name in body
    assert "01/10/2018" in body
    assert len(response.context["engagements"]) == 9


def test_admin_pages_open(admin_client_, seed):
    pilot = Pilot.objects.get(participation="Ryhove & Zeeman")
    for url in (
        "/beheer/pilots/pilot/",
        f"/beheer/pilots/pilot/{pilot.pk}/change/",
        "/beheer/pilots/assignment/",
        "/beheer/pilots/careengagement/",
        "/beheer/pilots/reportedresult/",
        "/beheer/pilots/sector/",
    ):
        assert admin_client_.get(url).status_code == 200, url
    response = admin_client_.get("/beheer/pilots/pilot/", {"q": "Zeeman"})
    assert response.context["cl"].result_count == 2
    change = admin_client_.get(f"/beheer/pilots/pilot/{pilot.pk}/change/").content.decode()
    assert "participants-TOTAL_FORMS" in change  # participants inline
    response = admin_client_.get(
        "/beheer/autocomplete/",
        {
            "app_label": "pilots",
            "model_name": "pilotparticipant",
            "field_name": "organisation",
            "term": "zee",
        },
    )
    assert [r["text"] for r in response.json()["results"]] == ["Zeeman"]


@pytest.mark.parametrize(
    "url",
    ["/proeftuinen/overzicht/", "/proeftuinen/doorstroom-met-zorg/", "/exports/pilots/"],
)
def test_pages_require_login(client, seed, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def grow_to(count: int) -> None:
    """Add generated pilots, each with two participants, and more care data."""
    first = Pilot.objects.get(source_order=1)
    missing = count - Pilot.objects.count()
    organisations = Organisation.objects.bulk_create(
        [Organisation(name=f"Gegenereerd bedrijf {i}") for i in range(missing + 1)]
    )
    pilots = Pilot.objects.bulk_create(
        [
            Pilot(
                assignment=first.assignment,
                sector=first.sector,
                participation=f"Gegenereerde proeftuin {i}",
                source_order=1000 + i,
                workers_involved=i % 3 or None,
            )
            for i in range(missing)
        ]
    )
    PilotParticipant.objects.bulk_create(
        [
            PilotParticipant(pilot=pilot, organisation=org, name_as_written=org.name, side=side)
            for i, pilot in enumerate(pilots)
            for org, side in ((organisations[i], "SEC"), (organisations[i + 1], "REC"))
        ]
        # The detail page's own pilot grows too.
        + [
            PilotParticipant(pilot=first, organisation=org, name_as_written=org.name)
            for org in organisations[:200]
        ]
    )
    care = CareEngagement.objects.first()
    CareEngagement.objects.bulk_create(
        [
            CareEngagement(
                assignment=care.assignment,
                organisation=org,
                name_as_written=f"Engagement {org.name}",
                role="group",
                phase="engaged",
                position=100,
            )
            for org in organisations[:300]
        ]
    )
    result = ReportedResult.objects.first()
    ReportedResult.objects.bulk_create(
        [
            ReportedResult(
                assignment=result.assignment,
                host_organisation=org,
                outcome="cooperation",
                description=f"Resultaat {i}",
                position=100 + i,
            )
            for i, org in enumerate(organisations[:300])
        ]
    )


@pytest.mark.parametrize(
    "url",
    [
        "/proeftuinen/",
        "/proeftuinen/?sector=Zorg&provider=Deloitte&outcome=cooperation",
        "/proeftuinen/?organisation={ryhove}",
        "/proeftuinen/{first}/",
        "/proeftuinen/overzicht/",
        "/proeftuinen/doorstroom-met-zorg/",
        "/exports/pilots/?format=csv",
        "/exports/pilots/?format=csv&dialect=rfc4180&sector=Zorg",
        "/exports/pilot-outcomes/?format=xlsx",
        "/exports/pilot-results/?format=csv",
        "/exports/care-engagements/?format=xlsx",
        "/beheer/pilots/pilot/",
        "/beheer/pilots/careengagement/",
    ],
)
def test_query_count_does_not_grow_with_the_data(admin_client_, seed, url):
    url = url.format(
        first=Pilot.objects.get(source_order=1).pk,
        ryhove=Organisation.objects.get(name="Ryhove").pk,
    )

    count_queries(admin_client_, url)  # warm up per-process caches (content types, sessions)
    small = count_queries(admin_client_, url)
    grow_to(600)
    assert Pilot.objects.count() == 600
    # New pilots are new choices of the filter form: it is rendered again once (filter_forms).
    count_queries(admin_client_, url)
    assert count_queries(admin_client_, url) == small


def test_listing_shows_unknown_organisations_for_unnamed_groups(logged_in_client, seed):
    response = logged_in_client.get(reverse("pilots:list"), {"sector": "Groen"})
    rows = {row.record.participation: row for row in response.context["table"].rows}
    assert rows["Tuinaannemers (REC)"].get_cell("organisation_count") == "onbekend"
    assert rows["Groenfederaties (Groen Groeien & AVBS)"].get_cell("organisation_count") == 2


def test_care_follow_up_shows_a_dash_for_federations_and_the_count_for_care_homes(
    logged_in_client, seed
):
    html = logged_in_client.get("/proeftuinen/doorstroom-met-zorg/").content.decode()
    verso = html[html.index("<td>VERSO") :].split("</tr>")[0]
    assert '<td class="num">—</td>' in verso
    total = html[html.index("Woon- en zorgcentra in totaal") :].split("</tr>")[0]
    assert '<td class="num">meer dan 200</td>' in total
