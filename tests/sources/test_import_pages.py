import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from safeguarding.access.models import AuditAction, AuditEvent
from safeguarding.people.models import SourceRecord
from safeguarding.sources.models import ImportBatch

pytestmark = pytest.mark.django_db

NOMINALS = (
    "NominalID,Surname,Forenames,DOB,Sex,EthnicityCode,Postcode,Aliases,PhoneNumber\n"
    'WP1,SMITH,Jayden,03/04/2009,M,W1,SN15 1AA,=HYPERLINK("x"),\n'
    "WP2,JONES,Amelia,31/02/2010,F,W1,SN15 1AB,,\n"
)


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


def test_an_analyst_uploads_a_file_and_sees_its_quality_report(client_for):
    client = client_for("analyst")
    response = upload(client)
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("sources:batch", args=[batch.pk])
    assert (batch.rows_read, batch.rows_imported, batch.rows_quarantined) == (2, 1, 1)
    assert batch.imported_by.username == "analyst"
    assert SourceRecord.objects.get().source_record_id == "WP1"
    page = client.get(response.url).content.decode()
    assert "DOB &#x27;31/02/2010&#x27; is not a real date in the form dd/mm/yyyy" in page
    assert AuditEvent.objects.filter(action=AuditAction.IMPORT, object_id=str(batch.pk)).exists()


def test_quarantined_rows_download_safely_and_the_download_is_audited(client_for):
    client = client_for("analyst")
    upload(client, NOMINALS.replace("WP2,JONES", "WP2,=cmd|calc"))
    batch = ImportBatch.objects.get()
    response = client.get(reverse("sources:quarantine", args=[batch.pk]))
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/csv")
    assert "'=cmd|calc" in text and ",=cmd" not in text
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="quarantine").exists()


def test_a_file_missing_columns_is_refused_with_a_message(client_for):
    client = client_for("analyst")
    response = upload(client, "NominalID,Surname\nWP1,SMITH\n")
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "was not imported" in page and "no column(s)" in page
