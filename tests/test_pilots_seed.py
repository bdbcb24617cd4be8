"""The seed holds the table of answer 2b verbatim, the outcomes of 2c and the engagements of 3."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from doorstroom.seeds import FIXTURES_DIR, load_all
from mandates.models import Mandate, Organisation
from mandates.services import organisation_find
from pilots.models import (
    Assignment,
    CareEngagement,
    CountQualifier,
    Pilot,
    PilotOutcome,
    PilotParticipant,
    ReportedResult,
    Sector,
)
from pilots.services import SeedError, pilots_seed_load

SOURCE = Path(settings.BASE_DIR).parent / "shared" / "seeds" / "000_48d9695bdbe61c69.txt"

LINES_PER_SECTOR = {
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
PROVIDER_OF_SECTOR = {
    "Zorg": "Deloitte",
    "Retail": "Deloitte",
    "Logistiek": "Deloitte",
    "Industrie": "Mentor",
    "Onderwijs": "Mentor",
    "Groen": "Mentor",
    "Centrummanagement": "BDO",
    "Voeding": "BDO",
    "ICT": "BDO",
}


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture
def source_table() -> str:
    """The raw text of the table in answer 2b, from its header to answer 2c."""
    if not SOURCE.exists():
        pytest.skip(f"source document not found at {SOURCE}")
    text = SOURCE.read_text(encoding="utf-8")
    header = "Sector Dienstverlener Proeftuinen \u2013 Deelnemende organisaties"
    start = text.index(header) + len(header)
    return text[start : text.index("c) Voor de proeftuinen")]


def test_seed_has_27_pilots_under_their_sectors_and_providers(seed):
    assert Pilot.objects.count() == 27
    assert sum(LINES_PER_SECTOR.values()) == 27
    assert list(Sector.objects.values_list("name", flat=True)) == list(LINES_PER_SECTOR)
    for sector, count in LINES_PER_SECTOR.items():
        pilots = Pilot.objects.filter(sector__name=sector)
        assert pilots.count() == count, sector
        providers = set(pilots.values_list("assignment__provider__name", flat=True))
        assert providers == {PROVIDER_OF_SECTOR[sector]}, sector


def test_the_table_of_answer_2b_reads_back_verbatim_in_the_source_order(seed, source_table):
    """Sector, provider and lines, joined in source order, are the table's text word for word."""
    parts = []
    for sector in Sector.objects.all():
        # The PDF breaks this one sector name over two lines.
        parts.append("Centrum management" if sector.name == "Centrummanagement" else sector.name)
        pilots = list(Pilot.objects.filter(sector=sector).order_by("source_order"))
        parts.append(pilots[0].assignment.provider.name)
        parts.extend(pilot.participation for pilot in pilots)
    assert " ".join(parts) == normalise(source_table)

    # And every participation is a whole line of the source (so lines are split as written).
    source_lines = [normalise(line) for line in source_table.splitlines() if line.strip()]
    for pilot in Pilot.objects.select_related("sector", "assignment__provider"):
        provider = pilot.assignment.provider.name
        written_as = {
            pilot.participation,
            f"{pilot.sector.name} {provider} {pilot.participation}",
            # "Centrum / management" wraps, leaving the provider at the start of the line.
            f"{provider} {pilot.participation}",
        }
        assert written_as & set(source_lines), pilot.participation
    orders = list(Pilot.objects.order_by("source_order").values_list("source_order", flat=True))
    assert orders == list(range(1, 28))


@pytest.mark.parametrize(
    "line",
    [
        "Ryhove & Zeeman",
        "Robovision (REC) en Weerwerk (SEC)",
        "Stad Geraardsbergen",
        "Proeftuin \u2019t Veer Melle",
        "Loca Consult met AZ Sint-Lucas",
        "Groenfederaties (Groen Groeien & AVBS)",
    ],
)
def test_participation_lines_keep_the_source_spelling(seed, line):
    assert Pilot.objects.filter(participation=line).count() == 1


@pytest.mark.parametrize(
    ("name", "lines"),
    [
        ("Zeeman", {"Ryhove & Zeeman", "Spoor 2 & Zeeman"}),
        ("Ariel", {"De Sprong & Ariel", "Manus & Ariel"}),
        ("De Sprong", {"De Sprong & Maxi Zoo", "De Sprong & Ariel", "De Sprong & IOK"}),
        ("Manus", {"Manus & Ariel", "Manus & Bpost"}),
        ("Ryhove", {"Ryhove \u2013 WZC Helianthus", "Ryhove & Zeeman"}),
    ],
)
def test_a_company_in_several_pilots_is_one_organisation(seed, name, lines):
    organisation = Organisation.objects.get(name=name)
    assert Organisation.objects.filter(name__iexact=name).count() == 1
    assert (
        set(
            Pilot.objects.filter(participants__organisation=organisation).values_list(
                "participation", flat=True
            )
        )
        == lines
    )


def test_sides_follow_the_source(seed):
    robovision = PilotParticipant.objects.get(name_as_written="Robovision")
    weerwerk = PilotParticipant.objects.get(name_as_written="Weerwerk")
    assert (robovision.side, weerwerk.side) == ("REC", "SEC")
    assert PilotParticipant.objects.get(name_as_written="Tuinaannemers").side == "REC"
    assert PilotParticipant.objects.get(name_as_written="Groenbedrijven").side == "SEC"
    assert PilotParticipant.objects.get(name_as_written="Stad Geraardsbergen").side == "other"
    # Groups the source does not name are not turned into invented organisations.
    assert PilotParticipant.objects.filter(organisation__isnull=True).count() == 2
    # Where the source gives no clue, the side stays unknown rather than guessed.
    assert PilotParticipant.objects.get(name_as_written="Optima T").side == ""


def test_mentor_the_provider_is_not_merged_with_mentor_vzw_the_promoter(seed):
    mentor = Assignment.objects.get(pilots__sector__name="Industrie", pilots__source_order=14)
    mentor = mentor.provider
    assert mentor.name == "Mentor"
    assert mentor.kind == "consultancy"
    promoter = Mandate.objects.get(project_number=6545).promoter
    assert promoter.name == "MENTOR VZW"
    assert promoter != mentor
    assert not promoter.pilot_assignments.exists()


def test_de_kringwinkel_of_the_pilot_is_not_the_antwerp_one(seed):
    participant = PilotParticipant.objects.get(
        pilot__participation="De Kringwinkel & Casa", side="SEC"
    )
    antwerp = Mandate.objects.get(project_number=7888).promoter
    assert participant.organisation.name == "De Kringwinkel"
    assert participant.organisation != antwerp


def test_staff_link_a_pilot_name_to_a_known_organisation_by_adding_a_spelling(db):
    """Once staff confirm two names are one organisation, the seed reuses that record."""
    from mandates.services import mandates_seed_load

    mandates_seed_load(path=FIXTURES_DIR / "mandates.json")
    promoter = Mandate.objects.get(project_number=6545).promoter
    promoter.aliases.create(name="Mentor")
    pilots_seed_load(path=FIXTURES_DIR / "pilots.json")
    assert not Organisation.objects.filter(name="Mentor").exists()
    assert set(promoter.pilot_assignments.values_list("pilots__sector__name", flat=True)) == {
        "Industrie",
        "Onderwijs",
        "Groen",
    }


def test_outcomes_of_answer_2c(seed):
    by_line = {p.participation: p for p in Pilot.objects.all()}
    assert by_line["Ateljee & Wibra"].outcome == PilotOutcome.INTERNSHIP
    assert by_line["Manus & Bpost"].outcome == PilotOutcome.INTERNSHIP
    assert by_line["Manus & Bpost"].workers_involved == 1
    deloitte = Pilot.objects.filter(assignment__provider__name="Deloitte")
    assert set(deloitte.values_list("outcome", flat=True)) == {"cooperation", "internship"}
    others = Pilot.objects.exclude(assignment__provider__name="Deloitte")
    assert others.count() == 14
    assert set(others.values_list("outcome", flat=True)) == {PilotOutcome.ENGAGEMENT_ONLY}
    # Worker counts only where the source gives a number: one pilot, the rest unknown.
    assert Pilot.objects.filter(workers_involved__isnull=False).count() == 1
    assert Pilot.objects.filter(companies_involved__isnull=False).count() == 0


def test_reported_results_keep_2c_at_the_level_the_source_gives(seed):
    results = list(ReportedResult.objects.for_listing())
    hosts = [r.host_organisation.name if r.host_organisation else None for r in results]
    assert hosts == ["Zeeman", "Wibra", None, "Ariel", "Bpost", None, None]
    care = results[2]
    assert (care.sector.name, care.workers, care.job) == ("Zorg", 2, "polyvalent medewerker")
    assert results[0].workers is None  # "doelgroepmedewerkers", no number
    assert results[3].job == "magazijnmedewerker"
    assert {r.assignment.provider.name for r in results[5:]} == {"Mentor", "BDO"}
    assert all(r.outcome == PilotOutcome.ENGAGEMENT_ONLY for r in results[5:])
    # "Ariël" in answer 2c and "Ariel" in the table are one organisation.
    assert organisation_find(name="Ariël") == results[3].host_organisation


def test_care_follow_up_and_its_engagements(seed):
    assignment = Assignment.objects.get(is_care_follow_up=True)
    assert assignment.title == "Doorstroom met Zorg"
    assert assignment.start_date.isoformat() == "2018-10-01"
    assert assignment.provider is None
    engagements = {e.name_as_written: e for e in CareEngagement.objects.for_listing()}
    total = engagements["Woon- en zorgcentra in totaal"]
    assert (total.care_homes, total.care_homes_qualifier) == (200, CountQualifier.MORE_THAN)
    assert total.care_homes_label == "meer dan 200"
    slg = engagements["7 rusthuizen van Senior Living Group"]
    assert (slg.care_homes, slg.care_homes_qualifier) == (7, CountQualifier.TARGET)
    groups = {e.organisation.name for e in engagements.values() if e.role == "group"}
    assert groups == {"Armonea", "Senior Living Group", "Vulpia"}
    federations = {e.organisation.name for e in engagements.values() if e.role == "federation"}
    assert federations == {"VERSO", "VIVO"}
    ocmw = engagements["De woon- en zorgcentra in het beheer van het OCMW van Brugge"]
    assert ocmw.care_homes is None and ocmw.care_homes_label == "onbekend"
    assert any(e.role == "umbrella" for e in engagements.values())


def test_loading_twice_changes_nothing_and_keeps_staff_edits(seed):
    pilot = Pilot.objects.get(participation="Waak")
    pilot.workers_involved = 3
    pilot.outcome_notes = "Aangevuld door medewerker"
    pilot.save()
    counts = {
        model: model.objects.count()
        for model in (Sector, Assignment, Pilot, PilotParticipant, ReportedResult, CareEngagement)
    }
    organisations = Organisation.objects.count()
    results = load_all()
    assert all(not sum(counter.values()) for _, counter in results)
    assert {model: model.objects.count() for model in counts} == counts
    assert Organisation.objects.count() == organisations
    pilot.refresh_from_db()
    assert (pilot.workers_involved, pilot.outcome_notes) == (3, "Aangevuld door medewerker")


def test_a_broken_seed_file_loads_nothing(db, tmp_path):
    load_all()
    Pilot.objects.all().delete()
    ReportedResult.objects.all().delete()
    text = (FIXTURES_DIR / "pilots.json").read_text(encoding="utf-8")
    broken = tmp_path / "pilots.json"
    broken.write_text(text.replace('"sector": "ICT"', '"sector": "Ruimtevaart"'), "utf-8")
    with pytest.raises(SeedError, match="Ruimtevaart"):
        pilots_seed_load(path=broken)
    assert Pilot.objects.count() == 0
