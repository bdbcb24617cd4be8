"""The access log of personal data without a WAL flush of its own per page (issue 21,
throughput): one statement, its own transaction committed asynchronously, the session's
setting untouched; inside a transaction the row commits with it."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from doorstroom.access import personal_data_access_log
from doorstroom.models import PersonalDataAccess


@pytest.mark.django_db(transaction=True)
def test_a_page_logs_its_view_in_one_statement_that_does_not_wait_for_the_disk(
    seed, logged_in_client
):
    with CaptureQueriesContext(connection) as captured:
        assert logged_in_client.get("/trajecten/?status=lopend").status_code == 200
    inserts = [q["sql"] for q in captured if "doorstroom_personaldataaccess" in q["sql"]]
    assert len(inserts) == 1
    assert "set_config('synchronous_commit', 'off', true)" in inserts[0]
    logged = PersonalDataAccess.objects.get()
    assert logged.subject == "/trajecten/?status=lopend"
    assert logged.action == PersonalDataAccess.Action.VIEW
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"  # only that statement's transaction


@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_the_row_commits_with_it(seed, user):
    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        personal_data_access_log(user=user, action="export", subject="x" * 600)
        transaction.set_rollback(True)
    assert not any("synchronous_commit" in q["sql"] for q in captured)
    assert not PersonalDataAccess.objects.exists()  # rolled back with it
    personal_data_access_log(user=user, action="export", subject="x" * 600)
    assert PersonalDataAccess.objects.get().subject == "x" * 500
