from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, FormView, TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from doorstroom import roles
from doorstroom.access import EditRoleRequiredMixin, PersonalDataMixin, require_edit_role
from doorstroom.admin_site import database_message
from doorstroom.concurrency import SEEN_VERSION, refuse_stale
from doorstroom.disclosure.publishing import notes_for
from doorstroom.formatting import format_amount
from doorstroom.languages import in_reader_language
from doorstroom.pagination import EstimatedCountPaginator, KeyedPageMixin
from trajectories import aggregates, imports, tasks
from trajectories.corrections import Step, trajectory_last_step_undo
from trajectories.filters import DeadlineFilter, HoursFilter, TrajectoryFilter
from trajectories.forms import (
    ActionForm,
    ImportForm,
    LastStepUndoForm,
    OutcomeForm,
    PhaseCompleteForm,
    PhaseStartForm,
    TrajectoryStopForm,
)
from trajectories.indexation import HealthIndex, MissingIndexError
from trajectories.models import (
    NEAR_DEADLINE_DAYS,
    NORM_HOURS_PER_TRAJECTORY,
    FeeSchedule,
    HealthIndexMonth,
    ImportBatch,
    ImportStatus,
    Phase,
    PhaseRecord,
    Trajectory,
)
from trajectories.phase_file import OPTIONAL_COLUMNS, REQUIRED_COLUMNS, labels
from trajectories.services import (
    phase_complete,
    phase_start,
    trajectory_outcome_record,
    trajectory_stop,
)
from trajectories.statistics import hours_rows_published
from trajectories.tables import DeadlineTable, HoursTable, TrajectoryTable


class TrajectoryListView(PersonalDataMixin, KeyedPageMixin, SingleTableMixin, FilterView):
    filterset_class = TrajectoryFilter
    table_class = TrajectoryTable
    # The table paginates; the view's own paginate_by would count all rows a second time.
    table_pagination = {"per_page": 25, "paginator_class": EstimatedCountPaginator}
    template_name = "trajectories/trajectory_list.html"

    def get_queryset(self):
        # "Overdue" depends on today, so the queryset is built per request.
        listing = Trajectory.objects.for_listing(timezone.localdate())
        return TrajectoryTable.loading_only_what_it_shows(listing).visible_to(self.request.user)


class TrajectoryDetailView(PersonalDataMixin, DetailView):
    template_name = "trajectories/trajectory_detail.html"
    queryset = Trajectory.objects.select_related(
        "worker", "mandate__call", "mandate__promoter", "origin_employer", "host_employer"
    ).prefetch_related(
        Prefetch(
            "phases",
            queryset=PhaseRecord.objects.select_related(
                "fee_schedule", "over_maximum_approved_by"
            ).order_by("phase"),
        )
    )

    def get_queryset(self):
        # Out of scope is "not found", as for a trajectory that does not exist.
        return super().get_queryset().visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        phases = list(self.object.phases.all())
        done = {record.phase for record in phases}
        context["phases"] = phases
        context["phases_to_come"] = [phase for phase in Phase if phase not in done]
        context["today"] = timezone.localdate()
        context["fees_total"] = sum(r.fee_amount for r in phases if r.fee_amount is not None)
        context["hours_total"] = sum(r.hours for r in phases)
        context["norm_hours"] = NORM_HOURS_PER_TRAJECTORY
        context["exact_figures"] = roles.may_see_internal_figures(self.request.user)
        return context


class DeadlineListView(PersonalDataMixin, KeyedPageMixin, SingleTableMixin, FilterView):
    """Running phases near (within two weeks) or past their maximum duration."""

    filterset_class = DeadlineFilter
    table_class = DeadlineTable
    table_pagination = {"per_page": 50, "paginator_class": EstimatedCountPaginator}
    template_name = "trajectories/deadline_list.html"

    def get_queryset(self):
        return (
            PhaseRecord.objects.near_or_past_deadline(timezone.localdate())
            .for_deadlines()
            .visible_to(self.request.user)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["near_days"] = NEAR_DEADLINE_DAYS
        return context


class HoursView(SingleTableMixin, FilterView):
    filterset_class = HoursFilter
    table_class = HoursTable
    table_pagination = {"per_page": 50}
    template_name = "trajectories/hours.html"

    def get_queryset(self):
        return Trajectory.objects.visible_to(self.request.user)

    def get_table_data(self):
        # Counts of trajectories, and hours summed over them: through disclosure control.
        filters = self.filterset.form.cleaned_data if self.filterset.is_valid() else {}
        filters = {
            "call": filters.get("call"),
            "date_from": filters.get("started_from"),
            "date_to": filters.get("started_to"),
        }
        # Staff who see the trajectories themselves see the exact figures, as in the listing.
        exact = roles.may_see_internal_figures(self.request.user)
        return hours_rows_published(self.hours_per_mandate(filters), filters, exact=exact)

    def hours_per_mandate(self, filters: dict) -> list[dict]:
        """From the summary per month and mandate for a valid form (whole months), else (an
        invalid form shows no trajectory) from the trajectories."""
        valid = self.filterset.is_valid() or not self.filterset.is_bound  # no filters: all
        if not (valid and aggregates.summed_period(filters)):
            return self.object_list.hours_per_mandate()
        mandates = aggregates.visible_mandates(self.request.user)
        if filters["call"]:
            mandates = mandates.filter(call=filters["call"])
        if mandate := getattr(self.filterset.form, "cleaned_data", {}).get("mandate"):
            mandates = mandates.filter(pk=mandate.pk)
        return aggregates.hours_per_mandate(mandates, filters["date_from"], filters["date_to"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["norm_hours"] = NORM_HOURS_PER_TRAJECTORY
        context["exact_figures"] = roles.may_see_internal_figures(self.request.user)
        context["disclosure_notes"] = notes_for(row.values() for row in context["table"].data)
        return context


class HealthIndexView(TemplateView):
    """The index months with their smoothed value and whether two sources confirm them."""

    template_name = "trajectories/health_index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        months = list(HealthIndexMonth.objects.order_by("-month"))
        index = HealthIndex({m.month: m.value for m in months})
        for month in months:
            try:
                month.smoothed = index.smoothed(month.month)
            except MissingIndexError:
                month.smoothed = None
        context["months"] = months
        context["schedules"] = FeeSchedule.objects.prefetch_related("phases").order_by(
            "-valid_from"
        )
        return context


# --- recording progress (phase start/complete, stop, outcome) -----------------------------------


class TrajectoryActionView(TrajectoryDetailView):
    """POST-only: run one service on a trajectory, then redirect back to it (PRG).

    A refused action renders the detail page again with the form and its errors (status 400), so
    what was typed is not lost. Out of the user's scope is 404; a role that may not edit is 403.
    """

    http_method_names = ["post"]
    form_class: type[ActionForm]

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        require_edit_role(request.user)
        form = self.form_class(request.POST, prefix=self.form_class.prefix)
        if form.is_valid():
            try:
                with transaction.atomic():
                    self.refuse_stale(form.cleaned_data[SEEN_VERSION])
                    message = self.perform(form.cleaned_data)
            except ValidationError as error:
                form.add_service_error(error)
            except IntegrityError as error:
                # A rule the database keeps (e.g. a claimed phase stays as it was: payments).
                form.add_error(None, database_message(error))
            else:
                messages.success(request, message)
                return redirect(self.object)
        context = self.get_context_data(object=self.object, action_forms={form.prefix: form})
        return self.render_to_response(context, status=400)

    def refuse_stale(self, seen_version: int | None) -> None:
        # A form on the page carries the trajectory's version it was shown with; a request
        # without one (a script) is held to the services' rules alone.
        if seen_version is not None:
            refuse_stale(model=Trajectory, pk=self.object.pk, seen_version=seen_version)

    def perform(self, data: dict) -> str:
        raise NotImplementedError

    def exception_approver(self, data: dict):
        # Whoever records a longer phase with its reason is the one who approves it.
        return self.request.user if data.get("exception_reason", "").strip() else None


class PhaseStartView(TrajectoryActionView):
    form_class = PhaseStartForm

    def perform(self, data: dict) -> str:
        record = phase_start(trajectory=self.object, start_date=data["start_date"])
        return _("Phase %(phase)s started on %(date)s.") % {
            "phase": record.get_phase_display(),
            "date": date_format(record.start_date, "SHORT_DATE_FORMAT"),
        }


class PhaseCompleteView(TrajectoryActionView):
    form_class = PhaseCompleteForm

    def perform(self, data: dict) -> str:
        record = phase_complete(
            trajectory=self.object,
            end_date=data["end_date"],
            hours=data["hours"],
            exception_reason=data["exception_reason"],
            approved_by=self.exception_approver(data),
            outcome=data["outcome"] or None,
        )
        return _("Phase %(phase)s completed on %(date)s; fee %(fee)s.") % {
            "phase": record.get_phase_display(),
            "date": date_format(record.end_date, "SHORT_DATE_FORMAT"),
            "fee": format_amount(record.fee_amount),
        }


class TrajectoryStopView(TrajectoryActionView):
    form_class = TrajectoryStopForm

    def perform(self, data: dict) -> str:
        trajectory = trajectory_stop(
            trajectory=self.object,
            end_date=data["end_date"],
            reason=data["reason"],
            outcome=data["outcome"],
            exception_reason=data["exception_reason"],
            approved_by=self.exception_approver(data),
        )
        return _("Trajectory stopped on %(date)s.") % {
            "date": date_format(trajectory.end_date, "SHORT_DATE_FORMAT")
        }


class OutcomeRecordView(TrajectoryActionView):
    form_class = OutcomeForm

    def perform(self, data: dict) -> str:
        trajectory = trajectory_outcome_record(trajectory=self.object, outcome=data["outcome"])
        return _("Outcome recorded: %(outcome)s.") % {"outcome": trajectory.get_outcome_display()}


class LastStepUndoView(TrajectoryActionView):
    form_class = LastStepUndoForm

    def perform(self, data: dict) -> str:
        undone = trajectory_last_step_undo(
            trajectory=self.object, reason=data["reason"], user=self.request.user
        )
        message = {
            Step.START: _("The start of phase %(phase)s is undone."),
            Step.COMPLETE: _("The completion of phase %(phase)s is undone; it runs again."),
            Step.STOP: _("The stop is undone; the trajectory runs again."),
        }[undone.step]
        return message % {"phase": Phase(undone.phase).label}


# --- import of phase progress ---------------------------------------------------------


# Only roles that may edit import; others get 403 (they have no import to look for).
class ImportView(EditRoleRequiredMixin, FormView):
    """Upload a file; a job checks it (a dry run), shown before anything changes."""

    template_name = "trajectories/import.html"
    form_class = ImportForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["batches"] = ImportBatch.objects.visible_to(self.request.user).for_listing()[:20]
        context["required_columns"] = labels(REQUIRED_COLUMNS)
        context["optional_columns"] = labels(OPTIONAL_COLUMNS)
        return context

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        # One byte past the limit is enough to say the file is too big, without reading it all.
        data = upload.read(settings.IMPORT_MAX_BYTES + 1)
        batch = tasks.import_batch_queue_check(
            user=self.request.user, data=data, file_name=upload.name or "bestand"
        )
        return redirect(batch)


# Its rows name workers (by reference): the browser keeps no copy, as of PersonalDataMixin's pages.
@method_decorator(never_cache, name="dispatch")
class ImportBatchDetailView(EditRoleRequiredMixin, DetailView):
    """The preview of an upload (or the result of applying it), and the button to apply it."""

    template_name = "trajectories/import_detail.html"
    context_object_name = "batch"
    shown_rows = 1000

    def get_queryset(self):
        # The file itself (up to 5 MB) is not shown; applying it reads it again, locked.
        return (
            ImportBatch.objects.visible_to(self.request.user)
            .select_related("created_by", "job")
            .defer("content")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.object.report or {}
        rows = report.get("rows", [])
        # Errors first: they are what the user has to act on.
        ordered = sorted(rows, key=lambda r: (r["action"] != "error", r["row"]))
        # The messages were stored in every language: each reader sees them in theirs.
        context["file_errors"] = [in_reader_language(e) for e in report.get("file_errors", [])]
        shown = ordered[: self.shown_rows]
        names = {p.value: p.label for p in Phase}
        for row in shown:
            row["phase_name"] = names.get(row.get("phase"), "")
            row["detail"] = in_reader_language(row.get("detail"))
            for error in row.get("errors", []):
                error["column"] = in_reader_language(error["column"])
                error["message"] = in_reader_language(error["message"])
        context["rows"] = shown
        context["rows_hidden"] = max(len(ordered) - self.shown_rows, 0)
        context["previous"] = list(imports.previous_applications(self.object)[:5])
        job = self.object.job
        context["job"] = job
        context["working"] = job is not None and job.is_active
        context["can_apply"] = self.object.status == ImportStatus.CHECKED and not context["working"]
        return context

    def post(self, request, *args, **kwargs):
        batch = self.get_object()
        tasks.import_batch_queue_apply(batch=batch, user=request.user)
        return redirect(batch)
