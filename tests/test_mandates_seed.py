"""The seed holds answer 1a-b of the source document exactly, and loads idempotently."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from doorstroom.seeds import load_all
from mandates.models import Mandate, Organisation, Province

SOURCE = Path(settings.BASE_DIR).parent / "shared" / "seeds" / "000_48d9695bdbe61c69.txt"

EXPECTED_PROJECTS = {
    366: [6441, 6453, 6454, 6478, 6479, 6480, 6493, 6501, 6511, 6518, 6519, 6545, 6554],
    390: [6729],
    380: [
        6607,
        6628,
        6630,
        6654,
        6701,
        6703,
        6705,
        6706,
        6707,
        6708,
        6709,
        6710,
        6711,
        6712,
        6713,
        6714,
    ],
    432: [7738, 7874, 7875, 7876, 7877, 7878, 7880, 7881, 7882, 7883, 7887, 7888, 7889],
}


def normalise(text: str) -> str:
    """Undo the PDF extraction: runs of white space become one, line-wrapped hyphens close."""
    text = re.sub(r"\s+", " ", text)
    return re.sub(r"(\S)- (?=\S)", r"\1-", text)


@pytest.fixture
def source_text():
    if not SOURCE.exists():
        pytest.skip(f"source document not found at {SOURCE}")
    return normalise(SOURCE.read_text(encoding="utf-8"))


def test_seed_has_the_43_projects_under_their_calls(seed):
    for call_number, numbers in EXPECTED_PROJECTS.items():
        found = list(
            Mandate.objects.filter(call__number=call_number)
            .order_by("project_number")
            .values_list("project_number", flat=True)
        )
        assert found == numbers
    assert Mandate.objects.count() == 43


def test_every_project_row_reads_as_in_the_source(seed, source_text):
    answer = source_text[source_text.index("ANTWOORD") :]
    numbers = [n for call in EXPECTED_PROJECTS.values() for n in call]
    for mandate in Mandate.objects.all():
        start = answer.index(f" {mandate.project_number} ")
        following = [answer.find(f" {n} ", start + 1) for n in numbers]
        end = min([pos for pos in following if pos > start] + [answer.index(" c) ")])
        segment = answer[start:end].strip()
        expected = normalise(
            f"{mandate.project_number} {mandate.name} {mandate.promoter_as_written}"
        )
        assert segment.startswith(expected), (segment, expected)


def test_hard_to_read_rows_are_split_correctly(seed):
    mandate = Mandate.objects.get(project_number=6478)
    assert mandate.name == "Doorstroom LDE Oost-Vl consortium W&D"
    assert mandate.promoter_as_written == "Jobs & Milieu"
    mandate = Mandate.objects.get(project_number=7878)
    assert mandate.name == "Doorstroom SE & LDE Oost-VL Waas & Dender"
    assert mandate.promoter_as_written == "Jobs & Milieu"
    assert mandate.promoter == Mandate.objects.get(project_number=6478).promoter


@pytest.mark.parametrize(
    "numbers",
    [
        (6479, 6703, 7877),  # JOB & CO, twice with its long name
        (6480, 6701, 6729, 7883),  # GROEP INTRO VZW and its regional branch
        (6545, 6628, 7880),  # MENTOR VZW and its long name
        (6519, 6712),  # Ter Engelen
        (6441, 7876),  # Buurtservice
    ],
)
def test_one_organisation_behind_several_spellings(seed, numbers):
    promoters = {Mandate.objects.get(project_number=n).promoter_id for n in numbers}
    assert len(promoters) == 1
    spellings = {Mandate.objects.get(project_number=n).promoter_as_written for n in numbers}
    organisation = Organisation.objects.get(pk=promoters.pop())
    known = {organisation.name.lower()} | {a.name.lower() for a in organisation.aliases.all()}
    assert {s.lower() for s in spellings} <= known


def test_provinces_only_where_the_source_states_them(seed):
    unknown = set(
        Mandate.objects.filter(provinces__isnull=True).values_list("project_number", flat=True)
    )
    assert unknown == {
        6441,
        6480,
        6501,
        6518,
        6519,
        6554,
        6654,
        6701,
        6706,
        6707,
        6709,
        6713,
        7875,
        7876,
        7881,
    }
    for mandate in Mandate.objects.exclude(project_number__in=unknown):
        quoted = re.search(r"'([^']+)'", mandate.province_basis).group(1)
        assert quoted in f"{mandate.name} {mandate.promoter_as_written}", mandate
    assert set(Province.objects.values_list("iso_code", flat=True)) == {
        "BE-VAN",
        "BE-VBR",
        "BE-VWV",
        "BE-VOV",
        "BE-VLI",
        "BE-BRU",
    }


def test_loading_twice_changes_nothing_and_keeps_staff_edits(seed):
    mandate = Mandate.objects.get(project_number=6441)
    mandate.provinces.set([Province.objects.get(name="Antwerpen")])
    mandate.name = "Buurtservice vzw (gecorrigeerd)"
    mandate.save()
    counts = (Mandate.objects.count(), Organisation.objects.count(), Province.objects.count())

    results = load_all()

    assert all(sum(created.values()) == 0 for _, created in results)
    assert (
        Mandate.objects.count(),
        Organisation.objects.count(),
        Province.objects.count(),
    ) == counts
    mandate.refresh_from_db()
    assert mandate.name == "Buurtservice vzw (gecorrigeerd)"
    assert [p.name for p in mandate.provinces.all()] == ["Antwerpen"]
