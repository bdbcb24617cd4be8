"""The demo generator: marked as demo, deterministic for a seed, never duplicated."""

import datetime as dt
import io
from decimal import Decimal

from django.core.management import call_command
from django.db.models import Count, Sum

from trajectories.models import (
    PhaseRecord,
    Trajectory,
    TrajectoryStatus,
    Worker,
)


def generate(*args: str) -> str:
    out = io.StringIO()
    call_command("generate_demo_trajectories", *args, "--verbosity", "0", stdout=out)
    return out.getvalue()


def snapshot() -> list[tuple]:
    """The generated data without the database ids and references, which a sequence gives."""
    trajectories = Trajectory.objects.order_by("pk").values_list(
        "mandate__project_number",
        "origin_employer__name",
        "host_employer__name",
        "start_date",
        "end_date",
        "status",
        "outcome",
        "worker__first_name",
        "worker__last_name",
    )
    phases = PhaseRecord.objects.order_by("trajectory_id", "phase").values_list(
        "phase", "start_date", "end_date", "hours", "fee_amount", "index_reference_month"
    )
    return [*trajectories, *phases]


def test_demo_data_is_marked_realistic_and_follows_the_rules(seed):
    output = generate("--count", "300", "--seed", "5")
    assert "300 demotrajecten" in output
    assert Trajectory.objects.filter(is_demo=True).count() == 300
    assert Worker.objects.filter(is_demo=True, insz__isnull=True).count() == 300
    statuses = dict(Trajectory.objects.values_list("status").annotate(n=Count("id")))
    assert set(statuses) == set(TrajectoryStatus.values)
    assert Trajectory.objects.values("mandate").distinct().count() > 30
    years = {d.year for d in Trajectory.objects.values_list("start_date", flat=True)}
    assert years == set(range(2018, 2027))
    assert PhaseRecord.objects.values("phase").distinct().count() == 4
    # Fees within the indexed cap, every completed trajectory with its four phases paid.
    for trajectory in Trajectory.objects.filter(status=TrajectoryStatus.COMPLETED).annotate(
        paid=Sum("phases__fee_amount"), n=Count("phases__fee_amount")
    )[:50]:
        assert trajectory.n == 4
        # The cap indexed at the highest index in the series: 4200 x 140 / 106.05 = 5544.55.
        assert trajectory.paid <= Decimal("5544.55")


def test_same_seed_gives_the_same_data_and_running_twice_adds_nothing(seed):
    generate("--count", "120", "--seed", "9")
    first = snapshot()
    assert "niets toegevoegd" in generate("--count", "120", "--seed", "9")
    assert Trajectory.objects.count() == 120
    generate("--count", "120", "--seed", "9", "--replace")
    assert snapshot() == first
    assert Worker.objects.count() == 120  # the replaced demo workers are gone
    generate("--count", "120", "--seed", "10", "--replace")
    assert snapshot() != first


def test_replace_keeps_real_trajectories(seed):
    from tests.factories.trajectories import PhaseRecordFactory

    real = PhaseRecordFactory(trajectory__start_date=dt.date(2020, 1, 6))
    generate("--count", "10")
    generate("--count", "5", "--replace")
    assert Trajectory.objects.filter(is_demo=True).count() == 5
    assert Trajectory.objects.filter(pk=real.trajectory_id).exists()
