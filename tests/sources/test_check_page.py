import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from safeguarding.access.models import AuditAction, AuditEvent, AuditObject
from safeguarding.people.models import SourceRecord
from safeguarding.sources import holding
from safeguarding.sources.models import ImportBatch, ImportStatus
from tests.conftest import state_purpose
from tests.sources.test_import_pages import NOMINALS, run_waiting_tasks, runs_the_worker

pytestmark = pytest.mark.django_db


def check(client, text=NOMINALS, name="police_nominals_2026-11.csv"):
    return client.post(
        reverse("sources:check"),
        {"feed": "police-nominals", "file": SimpleUploadedFile(name, text.encode())},
    )


def test_checking_asks_the_purpose_first_as_the_report_quotes_rows(client_for):
    response = check(client_for("analyst"))
    assert response.status_code == 302 and "/purpose/" in response.url
    assert not holding.held_root().exists() or not any(holding.held_root().iterdir())


@pytest.mark.parametrize("persona", ["police_panel_member", "outsider", "auditor", "manager"])
def test_only_those_who_may_import_may_check(client_for, persona):
    client = client_for(persona)
    state_purpose(client)
    assert check(client).status_code == 403
    assert not ImportBatch.objects.exists()


def test_the_check_shows_the_report_stores_nothing_and_is_audited(client_for):
    client = client_for("analyst")
    state_purpose(client)
    response = check(client)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'Would import</dt><dd class="govuk-summary-list__value">1<' in page
    assert "DOB &#x27;…&#x27; is not a real date in the form dd/mm/yyyy" in page
    assert "Row 2: NominalID=WP2" in page
    assert "Import it" in page
    assert not ImportBatch.objects.exists() and not SourceRecord.objects.exists()
    viewed = AuditEvent.objects.get(action=AuditAction.VIEW)
    assert viewed.object_type == AuditObject.IMPORT_BATCH and viewed.purpose
    assert viewed.detail == {"feed": "police-nominals", "checked_rows": 2}


@runs_the_worker
def test_import_it_queues_the_very_file_checked(client_for, cast):
    # Another analyst's session does not hold the file: a token alone imports nothing.
    other = Client()
    other.force_login(cast["analyst"])
    state_purpose(other)
    check(other)
    token = other.session[holding.SESSION_KEY]["token"]
    client = client_for("analyst")
    state_purpose(client)
    assert client.post(reverse("sources:check"), {"import": token}).url == reverse("sources:check")
    assert not ImportBatch.objects.exists()

    client = client_for("analyst")
    state_purpose(client)
    check(client)
    token = client.session[holding.SESSION_KEY]["token"]
    response = client.post(reverse("sources:check"), {"import": token})
    batch = ImportBatch.objects.get()
    assert response.url == reverse("sources:batch", args=[batch.pk])
    assert batch.status == ImportStatus.QUEUED and batch.file_name == "police_nominals_2026-11.csv"
    assert not (holding.held_root() / token).exists()
    run_waiting_tasks()
    batch.refresh_from_db()
    assert (batch.rows_imported, batch.rows_quarantined) == (1, 1)
    assert AuditEvent.objects.filter(action=AuditAction.IMPORT, object_id=str(batch.pk)).exists()
