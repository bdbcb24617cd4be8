"""Across every registered export: no personal data where it does not belong, and counts of
worker records always through disclosure control."""

import datetime as dt
from decimal import Decimal

import pytest

from doorstroom.exports import all_exports
from mandates.models import Mandate
from tests.factories import OrganisationFactory
from trajectories.services import phase_complete, trajectory_start, worker_create

INSZ = "85073003328"


@pytest.fixture
def one_trajectory(seed):
    """A single worker with a name and INSZ, one completed phase: every count of workers is 1."""
    worker = worker_create(first_name="Griet", last_name="Vandermeulen", insz=INSZ)
    trajectory = trajectory_start(
        worker=worker,
        mandate=Mandate.objects.get(project_number=7887),
        origin_employer=OrganisationFactory(),
        start_date=dt.date(2024, 3, 4),
    )
    phase_complete(trajectory=trajectory, end_date=dt.date(2024, 3, 29), hours=Decimal("14"))
    return worker


def all_rows(export_class) -> list:
    export = export_class({})
    return [list(export.header()), *[list(row) for row in export.rows()]]


def test_only_exports_that_say_so_carry_personal_data(one_trajectory):
    checked = 0
    for export_class in all_exports():
        text = repr(all_rows(export_class))
        assert INSZ not in text, export_class.name
        assert "Griet" not in text and "Vandermeulen" not in text, export_class.name
        if not export_class.contains_personal_data:
            assert one_trajectory.reference not in text, export_class.name
            checked += 1
    assert checked >= 5


def test_every_export_counting_workers_suppresses_small_counts(one_trajectory):
    counting = [e for e in all_exports() if e.counts_workers]
    assert counting, "no export declares that it counts workers"
    for export_class in counting:
        rows = all_rows(export_class)[1:]
        cells = [cell for row in rows for cell in row]
        assert "<5" in cells, export_class.name
        small = [c for c in cells if isinstance(c, int) and not isinstance(c, bool) and 0 < c < 5]
        assert small == [], f"{export_class.name} publishes small counts {small}"


def test_answer_packs_take_only_publishable_exports():
    from questions.models import validate_export_name

    for export_class in all_exports():
        if export_class.may_be_published():
            validate_export_name(export_class.name)
        else:
            refused = r"personal data|internal document|persoonsgegevens|intern document"
            with pytest.raises(Exception, match=refused):
                validate_export_name(export_class.name)
