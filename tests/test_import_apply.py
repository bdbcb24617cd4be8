"""Import of phase progress: preview, apply, idempotence, scoping, audit context, queries."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from doorstroom.roles import Role
from tests.factories.import_files import START, csv_file, started, xlsx_file
from tests.factories.mandates import MandateFactory, OrganisationFactory
from tests.job_worker import run_queued_jobs
from tests.queries import count_queries
from trajectories import imports, services
from trajectories.exports import ImportTemplateExport, TrajectoriesExport, TrajectoryPhasesExport
from trajectories.imports import applying, import_batch_apply, import_batch_check, import_run
from trajectories.models import ImportBatch, ImportStatus, Phase, PhaseRecord, TrajectoryStatus
from trajectories.phase_file import names_in_every_language

END1 = dt.date(2019, 3, 29)  # within the month of Voortraject
START2 = dt.date(2019, 4, 1)


def snapshot():
    return sorted(
        PhaseRecord.objects.values_list(
            "trajectory_id", "phase", "start_date", "end_date", "hours", "fee_amount"
        )
    )


def progress_rows(trajectory):
    """Complete Voortraject, start and complete Job matching, start Stage."""
    ref, number = trajectory.worker.reference, trajectory.mandate.project_number
    return [
        [ref, number, "Voortraject", START, END1, Decimal("12.5")],
        [ref, number, "Job matching", START2, dt.date(2019, 6, 28), Decimal("40")],
        [ref, number, "Stage", dt.date(2019, 7, 1), None, Decimal("3")],
    ]


def test_preview_shows_what_would_happen_and_changes_nothing(seed, editor):
    trajectory = started()
    before = snapshot()
    report = import_run(
        data=csv_file(progress_rows(trajectory)), file_name="f.csv", user=editor, apply=False
    )
    assert report.ok, report.as_json()
    assert [r.action for r in report.rows] == ["changed", "created", "created"]
    assert report.counts == {"created": 2, "changed": 1, "unchanged": 0, "error": 0}
    assert "Voortraject afgerond op 29/03/2019" in report.rows[0].detail
    assert snapshot() == before


def test_apply_writes_all_rows_with_fees_and_the_same_file_twice_changes_nothing(seed, editor):
    trajectory = started()
    data = csv_file(progress_rows(trajectory))
    batch = import_batch_check(user=editor, data=data, file_name="voortgang.csv")
    assert batch.status == ImportStatus.CHECKED
    assert (batch.created_count, batch.changed_count) == (2, 1)
    batch = import_batch_apply(batch=batch, user=editor)
    assert batch.status == ImportStatus.APPLIED and batch.applied_at is not None
    phases = list(trajectory.phases.order_by("phase"))
    assert [p.phase for p in phases] == [1, 2, 3]
    assert phases[0].end_date == END1 and phases[0].hours == Decimal("12.50")
    assert phases[0].fee_amount is not None and phases[1].fee_amount is not None
    assert phases[2].end_date is None and phases[2].hours == Decimal("3.00")
    after_first = snapshot()

    again = import_batch_check(user=editor, data=data, file_name="voortgang.csv")
    assert (again.created_count, again.changed_count, again.unchanged_count) == (0, 0, 3)
    again = import_batch_apply(batch=again, user=editor)
    assert again.status == ImportStatus.APPLIED
    assert snapshot() == after_first
    assert list(imports.previous_applications(again)) == [batch]


def test_xlsx_and_rfc4180_give_the_same_result_as_excel_csv(seed, editor):
    trajectory = started()
    rows = progress_rows(trajectory)
    expected = ["changed", "created", "created"]
    for data, name in (
        (xlsx_file(rows), "f.xlsx"),
        (csv_file(rows, dialect="rfc4180"), "f.csv"),
    ):
        report = import_run(data=data, file_name=name, user=editor, apply=False)
        assert [r.action for r in report.rows] == expected, report.as_json()
        assert report.rows[0].hours == Decimal("12.50")


def test_completing_the_nazorg_completes_the_trajectory(seed, editor):
    trajectory = started()
    ref, number = trajectory.worker.reference, trajectory.mandate.project_number
    rows = [
        *progress_rows(trajectory)[:2],
        [ref, number, "Stage", dt.date(2019, 7, 1), dt.date(2019, 9, 30), 1],
        [ref, number, "Nazorg", dt.date(2019, 10, 1), dt.date(2019, 12, 20), 1],
    ]
    report = import_run(data=csv_file(rows), file_name="f.csv", user=editor, apply=True)
    assert report.applied, report.as_json()
    trajectory.refresh_from_db()
    assert trajectory.status == TrajectoryStatus.COMPLETED
    assert trajectory.end_date == dt.date(2019, 12, 20)


def test_one_bad_row_means_nothing_is_applied(seed, editor):
    good, bad = started(), started()
    rows = [
        *progress_rows(good),
        [bad.worker.reference, bad.mandate.project_number, "Voortraject", START, START, -1],
    ]
    before = snapshot()
    batch = import_batch_check(user=editor, data=csv_file(rows), file_name="f.csv")
    assert batch.status == ImportStatus.REJECTED and batch.error_count == 1
    # Even forced, applying a rejected file writes nothing.
    batch.status = ImportStatus.CHECKED
    batch = import_batch_apply(batch=batch, user=editor)
    assert batch.status == ImportStatus.REJECTED
    assert snapshot() == before


def test_provider_touches_only_their_own_trajectories(seed, make_user):
    own_org, other_org = OrganisationFactory(), OrganisationFactory()
    own = started(mandate=MandateFactory(promoter=own_org))
    other = started(mandate=MandateFactory(promoter=other_org))
    provider = make_user("aanbieder", Role.PROVIDER, organisation=own_org)
    rows = [
        [own.worker.reference, own.mandate.project_number, "Voortraject", START, END1, 2],
        [other.worker.reference, other.mandate.project_number, "Voortraject", START, END1, 2],
        # another provider's worker under my own mandate: unknown, never created
        [other.worker.reference, own.mandate.project_number, "Voortraject", START, END1, 2],
    ]
    before = snapshot()
    report = import_run(data=csv_file(rows), file_name="f.csv", user=provider, apply=True)
    assert not report.applied
    assert report.rows[0].action == "changed"
    assert report.rows[1].errors[0].column == "Projectnummer"
    assert "bestaat niet of u hebt er geen toegang toe" in report.rows[1].errors[0].message
    assert report.rows[2].errors[0].column == "Referentie werknemer"
    assert "Een import maakt geen nieuwe werknemers of trajecten aan" in (
        report.rows[2].errors[0].message
    )
    assert snapshot() == before
    # Only the own row: applied.
    report = import_run(data=csv_file(rows[:1]), file_name="f.csv", user=provider, apply=True)
    assert report.applied
    assert own.phases.get(phase=1).end_date == END1
    assert other.phases.get(phase=1).end_date is None


def test_analyst_may_not_import(seed, make_user, client):
    analyst = make_user("analist", Role.ANALYST)
    with pytest.raises(PermissionError):
        import_batch_check(user=analyst, data=b"x", file_name="f.csv")
    client.force_login(analyst)
    assert client.get(reverse("trajectories:import")).status_code == 403


def test_apply_carries_the_import_and_user_in_the_audit_context(seed, editor, monkeypatch):
    """Every statement of the apply runs with pghistory's context naming the import."""
    trajectory = started()
    seen = []
    original = services.phase_complete_checked

    def spy(**kwargs):
        record = original(**kwargs)
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('pghistory.context_metadata', true)")
            seen.append(cursor.fetchone()[0])
        return record

    monkeypatch.setattr(services, "phase_complete_checked", spy)
    batch = import_batch_check(
        user=editor, data=csv_file(progress_rows(trajectory)[:1]), file_name="f.csv"
    )
    seen.clear()  # the preview runs outside the import's context
    import_batch_apply(batch=batch, user=editor)
    assert seen and all(f'"import_batch": {batch.pk}' in s for s in seen), seen
    assert all(f'"user": {editor.pk}' in s for s in seen)


def test_events_of_tracked_phases_name_the_import(seed, editor):
    from pghistory.models import Events

    trajectory = started()
    batch = import_batch_check(
        user=editor, data=csv_file(progress_rows(trajectory)), file_name="f.csv"
    )
    import_batch_apply(batch=batch, user=editor)
    mine = Events.objects.filter(
        pgh_model="trajectories.PhaseRecordEvent", pgh_context__import_batch=batch.pk
    )
    # The completed phase and the one started after it, each recorded with the import.
    assert mine.count() >= 2
    assert {str(e.pgh_context["user"]) for e in mine} == {str(editor.pk)}


def test_validation_does_not_query_per_row(seed, editor):
    """Rows that change nothing are checked with the same queries for 2 rows as for 40."""

    def file_of(trajectories):
        return csv_file(
            [
                [t.worker.reference, t.mandate.project_number, "Voortraject", START, None, 0]
                for t in trajectories
            ]
        )

    mandate = MandateFactory()
    few = [started(mandate=mandate) for _ in range(2)]
    many = few + [started(mandate=mandate) for _ in range(38)]

    def count(data):
        with CaptureQueriesContext(connection) as captured:
            report = import_run(data=data, file_name="f.csv", user=editor, apply=False)
        assert report.ok and report.counts["unchanged"] == len(report.rows)
        return len(captured)

    count(file_of(few))
    assert count(file_of(few)) == count(file_of(many))


# --- views --------------------------------------------------------------------------------------


def test_upload_preview_and_apply_through_the_pages(seed, editor, client):
    trajectory = started()
    client.force_login(editor)
    page = client.get(reverse("trajectories:import"))
    assert page.status_code == 200
    assert "trajectory-import-template" in page.content.decode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("voortgang.csv", csv_file(progress_rows(trajectory)))
    response = client.post(reverse("trajectories:import"), {"file": upload})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response.url == batch.get_absolute_url()
    # Until a worker has checked it, the page shows the job's progress bar.
    waiting = client.get(batch.get_absolute_url()).content.decode()
    assert batch.status == ImportStatus.CHECKING and "data-job-status-url" in waiting
    assert "Toepassen" not in waiting
    assert run_queued_jobs() == 1
    preview = client.get(batch.get_absolute_url())
    text = preview.content.decode()
    assert "Job matching gestart op 01/04/2019" in text and "data-job-status-url" not in text
    assert PhaseRecord.objects.filter(trajectory=trajectory).count() == 1
    response = client.post(batch.get_absolute_url())
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportStatus.CHECKED and batch.job.kind == "import-apply"
    assert PhaseRecord.objects.filter(trajectory=trajectory).count() == 1
    # A second click while the job waits queues nothing more.
    client.post(batch.get_absolute_url())
    assert run_queued_jobs() == 1
    batch.refresh_from_db()
    assert batch.status == ImportStatus.APPLIED
    assert PhaseRecord.objects.filter(trajectory=trajectory).count() == 3


def test_someone_elses_import_is_404(seed, editor, make_user, client):
    org = OrganisationFactory()
    provider = make_user("aanbieder", Role.PROVIDER, organisation=org)
    batch = import_batch_check(user=editor, data=b"leeg", file_name="f.csv")
    client.force_login(provider)
    assert client.get(batch.get_absolute_url()).status_code == 404
    assert client.post(batch.get_absolute_url()).status_code == 404


def test_an_upload_page_shows_a_broken_file_as_an_error_not_a_server_error(seed, editor, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(editor)
    upload = SimpleUploadedFile("kapot.xlsx", b"\x00\x01 dit is geen zip")
    response = client.post(reverse("trajectories:import"), {"file": upload}, follow=True)
    assert response.status_code == 200
    run_queued_jobs()
    response = client.get(ImportBatch.objects.get().get_absolute_url())
    assert "is geen Excel-bestand" in response.content.decode()


# --- template ------------------------------------------------------------------------------------


def test_template_and_export_share_the_column_names(seed, editor):
    template = ImportTemplateExport(user=editor).header()
    listing = TrajectoriesExport(user=editor).header()
    for column in ("Referentie werknemer", "Projectnummer", "Startdatum", "Einddatum", "Uren"):
        assert column in template and column in listing
    # Every column of the listing export is either imported or known as information, in Dutch
    # and in English.
    for language in ("nl-be", "en"):
        with translation.override(language):
            names = {str(c).casefold() for c in TrajectoriesExport(user=editor).header()}
        known = set(names_in_every_language(imports.IMPORTED_COLUMNS))
        assert names <= known | imports.informative_columns()
    assert ImportTemplateExport.contains_personal_data


@pytest.mark.parametrize("file_format", ["excel-nl", "rfc4180", "xlsx"])
def test_an_exported_file_imports_back_unchanged(seed, editor, file_format):
    from doorstroom.exports import export_bytes

    trajectory = started()
    import_run(data=csv_file(progress_rows(trajectory)), file_name="f.csv", user=editor, apply=True)
    export = TrajectoryPhasesExport(user=editor)
    if file_format == "xlsx":
        data, name = export_bytes(export, "xlsx"), "fasen.xlsx"
    else:
        data, name = export_bytes(export, "csv", file_format), "fasen.csv"
    report = import_run(data=data, file_name=name, user=editor, apply=False)
    assert report.ok, report.as_json()
    assert [r.action for r in report.rows] == ["unchanged"] * 3
    assert {r.phase for r in report.rows} == {Phase.VOORTRAJECT, Phase.JOB_MATCHING, Phase.STAGE}


def test_phases_export_is_scoped_to_the_provider(seed, make_user):
    own_org = OrganisationFactory()
    own = started(mandate=MandateFactory(promoter=own_org))
    other = started()
    provider = make_user("aanbieder", Role.PROVIDER, organisation=own_org)
    references = {row[0] for row in TrajectoryPhasesExport(user=provider).rows()}
    assert references == {own.worker.reference}
    assert other.worker.reference not in references


def test_a_rule_only_the_database_knows_rolls_everything_back(seed, editor, monkeypatch):
    from django.db import IntegrityError

    trajectory = started()
    original = applying._Writes.write

    def write_then_refuse(self):
        original(self)
        raise IntegrityError("Fase 2 begint terwijl fase 1 nog loopt.")

    monkeypatch.setattr(applying._Writes, "write", write_then_refuse)
    before = snapshot()
    report = import_run(
        data=csv_file(progress_rows(trajectory)), file_name="f.csv", user=editor, apply=True
    )
    assert not report.applied
    assert report.file_errors == [
        "De database weigerde een wijziging; er is niets opgeslagen. Melding: Fase 2 begint "
        "terwijl fase 1 nog loopt."
    ]
    assert snapshot() == before


def test_import_pages_and_phase_export_do_not_grow_in_queries(seed, editor, client):
    client.force_login(editor)
    trajectory = started()
    data = csv_file(progress_rows(trajectory))
    first = import_batch_check(user=editor, data=data, file_name="f.csv")
    export_url = reverse("export-download", args=["trajectory-phases"]) + "?format=csv"
    urls = [reverse("trajectories:import"), first.get_absolute_url(), export_url]
    for url in urls:
        count_queries(client, url)  # warm up per-process caches
    small = [count_queries(client, url) for url in urls]

    mandate = MandateFactory()
    for _ in range(15):
        started(mandate=mandate)
    for _ in range(25):
        import_batch_check(user=editor, data=data, file_name="f.csv")
    assert [count_queries(client, url) for url in urls] == small


def test_changed_hours_of_a_running_phase_are_shown_in_belgian_format(seed, editor):
    trajectory = started()
    row = [trajectory.worker.reference, trajectory.mandate.project_number, "1", START, None, 7.5]
    report = import_run(data=csv_file([row]), file_name="f.csv", user=editor, apply=True)
    assert report.applied and report.rows[0].action == "changed"
    assert report.rows[0].detail == "uren van Voortraject: 0,00 → 7,50"
    assert trajectory.phases.get().hours == Decimal("7.50")
