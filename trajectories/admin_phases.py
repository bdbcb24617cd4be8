"""A phase changed in the administration goes through the same services as on the trajectory page
and in the import: a new phase is started by `phase_start_checked` (the next one, its maximum
duration from the schedule in force), an end date on a running phase completes it through
`phase_complete_checked` (its fee, the index used, the cap), and the dates of a recorded phase are
not edited here but undone on the trajectory's page. So no path through the administration gives
a phase that ended without its fee, or a fee typed by hand.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from doorstroom.concurrency import OptimisticLockForm
from trajectories import services
from trajectories.dates import NoFutureDatesMixin
from trajectories.models import PhaseRecord, Trajectory

# The fields a completion fixes on the phase (and the admin shows read-only).
COMPUTED = (
    "max_months",
    "fee_amount",
    "fee_schedule",
    "index_reference_month",
    "index_value",
    "index_base_value",
    "fee_note",
    "over_maximum",
    "over_maximum_approved_by",
    "over_maximum_approved_at",
)
RECORDED_DATES_FIXED = _(
    "The dates of a recorded phase are not changed here: undo the last step on the trajectory's "
    "page (with a reason) and record it again."
)


class PhaseRecordForm(NoFutureDatesMixin, OptimisticLockForm):
    # Who signs an exception to the maximum duration: set by the admin for its request.
    user = None

    class Meta:
        model = PhaseRecord
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        trajectory = cleaned.get("trajectory") or self._trajectory()
        if self.errors or trajectory is None or cleaned.get("DELETE"):
            return cleaned
        try:
            self._through_services(trajectory, cleaned)
        except ValidationError as error:
            self._add_service_error(error)
        return cleaned

    def _trajectory(self) -> Trajectory | None:
        if self.instance.trajectory_id is None:
            return None
        return Trajectory.objects.get(pk=self.instance.trajectory_id)

    def _through_services(self, trajectory: Trajectory, cleaned: dict) -> None:
        phases = list(trajectory.phases.order_by("phase"))
        if self.instance.pk is None:
            record = services.phase_start_checked(
                trajectory=trajectory,
                phases=phases,
                start_date=cleaned["start_date"],
                phase=cleaned.get("phase"),
                save=False,
            )
            phases.append(record)
        else:
            record = next(p for p in phases if p.pk == self.instance.pk)
            moved = cleaned["start_date"] != record.start_date or cleaned["phase"] != record.phase
            if moved or (record.end_date and cleaned.get("end_date") != record.end_date):
                raise ValidationError(RECORDED_DATES_FIXED)
        if cleaned.get("end_date") and record.end_date is None:
            services.phase_complete_checked(
                trajectory=trajectory,
                phases=phases,
                end_date=cleaned["end_date"],
                hours=cleaned.get("hours") or 0,
                exception_reason=cleaned.get("over_maximum_reason", ""),
                approved_by=self.user,
                save=False,
            )
            # Completing the Nazorg completes the trajectory: the admin saves it after the phase.
            self.trajectory_changed = trajectory if trajectory.end_date else None
        for name in COMPUTED:
            setattr(self.instance, name, getattr(record, name))
            if name in cleaned:
                cleaned[name] = getattr(record, name)

    def _add_service_error(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        else:
            self.add_error(None, error)


def save_trajectory_of(form: PhaseRecordForm) -> None:
    """The trajectory a completed Nazorg completed, saved after its phase."""
    trajectory = getattr(form, "trajectory_changed", None)
    if trajectory is not None:
        trajectory.save(update_fields=["status", "end_date", "outcome"])
