"""The Mandaten page, its filters, counts and detail pages, and their query counts."""

import pytest
from django.urls import reverse

from mandates.models import Mandate, Province
from tests.factories.mandates import CallFactory, OrganisationFactory
from tests.queries import count_queries


def listed_numbers(response) -> list[int]:
    return [row.record.project_number for row in response.context["table"].paginated_rows]


def test_listing_shows_all_43_mandates_with_counts(logged_in_client, seed):
    response = logged_in_client.get(reverse("mandates:list"))
    assert response.status_code == 200
    assert response.context["total"] == 43
    assert response.context["table"].paginator.count == 43
    per_call = {row["call__number"]: row["count"] for row in response.context["counts_per_call"]}
    assert per_call == {366: 13, 390: 1, 380: 16, 432: 13}
    assert [row["call__number"] for row in response.context["counts_per_call"]] == [
        366,
        390,
        380,
        432,
    ]
    per_province = {
        row["province"]: row["count"] for row in response.context["counts_per_province"]
    }
    assert per_province[None] == 15
    assert sum(per_province.values()) == 43
    assert "Doorstroom LDE Oost-Vl consortium W&amp;D" in response.content.decode()


def test_filter_on_call_380_shows_16(logged_in_client, seed):
    response = logged_in_client.get(reverse("mandates:list"), {"call": 380, "per_page": 50})
    assert response.context["total"] == 16
    assert response.context["table"].paginator.count == 16
    assert {row.record.call.number for row in response.context["table"].rows} == {380}


def test_filter_on_unknown_province(logged_in_client, seed):
    response = logged_in_client.get(reverse("mandates:list"), {"province": "onbekend"})
    assert response.context["table"].paginator.count == 15
    assert 6441 in listed_numbers(response)
    assert 6453 not in listed_numbers(response)


def test_filter_on_province_and_call(logged_in_client, seed):
    response = logged_in_client.get(
        reverse("mandates:list"), {"province": "Limburg", "call": "432"}
    )
    assert sorted(listed_numbers(response)) == [7874, 7887]


def test_filter_on_promoter_and_free_text(logged_in_client, seed):
    promoter = Mandate.objects.get(project_number=6454).promoter
    response = logged_in_client.get(reverse("mandates:list"), {"promoter": promoter.pk})
    assert sorted(listed_numbers(response)) == [6454, 6630, 7738]
    response = logged_in_client.get(reverse("mandates:list"), {"q": "meetjesland"})
    assert listed_numbers(response) == [7883]
    response = logged_in_client.get(reverse("mandates:list"), {"q": "6729"})
    assert listed_numbers(response) == [6729]


def test_invalid_filter_value_explains_instead_of_failing(logged_in_client, seed):
    response = logged_in_client.get(reverse("mandates:list"), {"call": "999"})
    assert response.status_code == 200
    assert response.context["filter"].errors
    assert response.context["total"] == 0


def test_listing_sorts_by_column(logged_in_client, seed):
    response = logged_in_client.get(reverse("mandates:list"), {"sort": "-project_number"})
    assert listed_numbers(response)[0] == 7889


def test_detail_page_shows_mandate_and_unknown_province(logged_in_client, seed):
    response = logged_in_client.get(reverse("mandates:detail", args=[6441]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "BUURTSERVICE vzw" in body
    assert "onbekend" in body
    assert logged_in_client.get(reverse("mandates:detail", args=[1])).status_code == 404


def test_interface_is_dutch_by_default_with_english_available(logged_in_client, seed):
    body = logged_in_client.get(reverse("mandates:list")).content.decode()
    assert "<h1>Mandaten</h1>" in body
    assert "Proeftuinen" in body
    logged_in_client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = logged_in_client.get(reverse("mandates:list")).content.decode()
    assert "<h1>Mandates</h1>" in body
    assert "Pilots" in body


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/mandaten/",
        "/mandaten/6441/",
        "/proeftuinen/",
        "/trajecten/",
        "/exports/",
        "/exports/mandates/",
        "/beheer/",
        "/beheer/mandates/mandate/",
    ],
)
def test_every_page_requires_login(client, seed, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_login_page_is_open_and_logs_in(client, user):
    assert client.get(reverse("login")).status_code == 200
    response = client.post(
        reverse("login"), {"username": "redacteur", "password": "een-lang-wachtwoord-2026"}
    )
    assert response.status_code == 302
    assert client.get(reverse("mandates:list")).status_code == 200


def grow_to(count: int) -> None:
    """Add generated mandates (some with provinces) until there are `count` in all."""
    limburg = Province.objects.get(name="Limburg")
    call = CallFactory()
    promoter = OrganisationFactory()
    missing = count - Mandate.objects.count()
    created = Mandate.objects.bulk_create(
        [
            Mandate(
                project_number=100000 + i,
                name=f"Gegenereerd project {i}",
                call=call,
                promoter=promoter,
                promoter_as_written=promoter.name,
            )
            for i in range(missing)
        ]
    )
    Mandate.provinces.through.objects.bulk_create(
        [Mandate.provinces.through(mandate=m, province=limburg) for m in created[::3]]
    )


@pytest.mark.parametrize(
    "url",
    [
        "/mandaten/",
        "/mandaten/?province=Limburg&q=doorstroom",
        "/mandaten/6441/",
        "/exports/mandates/?format=csv",
        "/exports/mandates/?format=xlsx&province=onbekend",
        "/beheer/mandates/mandate/",
        "/beheer/mandates/organisation/",
    ],
)
def test_query_count_does_not_grow_with_the_data(admin_client_, seed, url):
    count_queries(admin_client_, url)  # warm up per-process caches (content types, sessions)
    small = count_queries(admin_client_, url)
    grow_to(2000)
    assert Mandate.objects.count() == 2000
    # New mandates are new choices: the first page renders the filter form again (its choice
    # queries, doorstroom.filter_forms); the next is counted.
    count_queries(admin_client_, url)
    assert count_queries(admin_client_, url) == small
