import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from safeguarding.access.models import AuditAction, AuditEvent
from safeguarding.people.models import SourceRecord
from safeguarding.sources.background import ProgressFile
from safeguarding.sources.models import ImportBatch, ImportStatus
from tests.conftest import state_purpose

pytestmark = pytest.mark.django_db

NOMINALS = (
    "NominalID,Surname,Forenames,DOB,Sex,EthnicityCode,Postcode,Aliases,PhoneNumber\n"
    'WP1,SMITH,Jayden,03/04/2009,M,W1,SN15 1AA,=HYPERLINK("x"),\n'
    "WP2,JONES,Amelia,31/02/2010,F,W1,SN15 1AB,,\n"
)


def run_waiting_tasks() -> None:
    call_command("worker", burst=True, verbosity=0)


# The worker closes its database connection between tasks, as a request would, so tests that
# run it cannot hold the test's transaction open around it.
runs_the_worker = pytest.mark.django_db(transaction=True)


def upload(client, text=NOMINALS, name="police_nominals_2026-11.csv"):
    return client.post(
        reverse("sources:imports"),
        {"feed": "police-nominals", "file": SimpleUploadedFile(name, text.encode())},
    )


@pytest.mark.parametrize(
    "persona,status",
    [
        ("analyst", 200),
        ("police_panel_member", 403),
        ("voluntary_panel_member", 403),
        ("outsider", 403),
        ("auditor", 403),
    ],
)
def test_only_analysts_see_the_imports_page(client_for, persona, status):
    assert client_for(persona).get(reverse("sources:imports")).status_code == status


@pytest.mark.parametrize(
    "persona", ["police_panel_member", "voluntary_panel_member", "outsider", "auditor"]
)
def test_only_analysts_may_upload(client_for, persona):
    assert upload(client_for(persona)).status_code == 403
    assert not ImportBatch.objects.exists() and not DBTaskResult.objects.exists()


@runs_the_worker
def test_an_upload_is_queued_then_the_worker_imports_it_and_the_page_shows_its_report(
    client_for,
):
    client = client_for("analyst")
    state_purpose(client)
    response = upload(client)
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("sources:batch", args=[batch.pk])
    assert batch.status == ImportStatus.QUEUED and batch.imported_by.username == "analyst"
    assert DBTaskResult.objects.get().status == "READY"
    assert not SourceRecord.objects.exists()
    waiting = client.get(response.url).content.decode()
    assert "Waiting to start" in waiting and "data-updates-itself" in waiting
    assert 'data-testid="quality-report"' not in waiting
    assert AuditEvent.objects.filter(action=AuditAction.IMPORT, object_id=str(batch.pk)).exists()

    run_waiting_tasks()

    batch.refresh_from_db()
    assert batch.status == ImportStatus.SUCCEEDED
    assert (batch.rows_read, batch.rows_imported, batch.rows_quarantined) == (2, 1, 1)
    assert SourceRecord.objects.get().source_record_id == "WP1"
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    page = client.get(response.url).content.decode()
    assert "data-updates-itself" not in page
    assert "DOB &#x27;31/02/2010&#x27; is not a real date in the form dd/mm/yyyy" in page


def test_a_running_import_shows_its_progress(client_for, agencies):
    client = client_for("analyst")
    state_purpose(client)
    upload(client)
    batch = ImportBatch.objects.get()
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.RUNNING)
    progress = ProgressFile(batch.pk, rows_expected=150_000)
    progress(50_000)
    try:
        page = client.get(reverse("sources:batch", args=[batch.pk])).content.decode()
    finally:
        progress.remove()
    assert "Importing" in page and "50000 rows read of about 150000" in page
    assert '<progress value="50000" max="150000">' in page


@runs_the_worker
def test_uploading_a_file_already_imported_queues_nothing(client_for):
    client = client_for("analyst")
    state_purpose(client)
    upload(client)
    run_waiting_tasks()
    response = upload(client)
    assert ImportBatch.objects.count() == 1 and DBTaskResult.objects.count() == 1
    assert "already imported" in client.get(response.url).content.decode()


@runs_the_worker
def test_quarantined_rows_download_safely_and_the_download_is_audited(client_for):
    client = client_for("analyst")
    state_purpose(client)
    upload(client, NOMINALS.replace("WP2,JONES", "WP2,=cmd|calc"))
    run_waiting_tasks()
    batch = ImportBatch.objects.get()
    response = client.get(reverse("sources:quarantine", args=[batch.pk]))
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/csv")
    assert "'=cmd|calc" in text and ",=cmd" not in text
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="quarantine").exists()


@runs_the_worker
def test_a_file_missing_columns_fails_in_the_worker_and_the_page_says_why(client_for):
    client = client_for("analyst")
    state_purpose(client)
    response = upload(client, "NominalID,Surname\nWP1,SMITH\n")
    run_waiting_tasks()
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.FAILED and batch.rows_read == 0
    page = client.get(response.url).content.decode()
    assert "no column(s)" in page and "Failed" in page


@runs_the_worker
def test_a_worker_that_starts_marks_imports_its_predecessor_left_running_as_failed(
    client_for,
):
    upload(client_for("analyst"))
    ImportBatch.objects.update(status=ImportStatus.RUNNING)
    DBTaskResult.objects.update(status="RUNNING")
    call_command("worker", burst=True)
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.FAILED and "interrupted" in batch.error
    assert DBTaskResult.objects.get().status == "FAILED"
