"""An upload is linked and scored once imported: its young people can be found at once.

A site links uploads with its saved model (trained on its first full extracts): here the
synthetic county's."""

from django.urls import reverse

from safeguarding.people.models import SourceRecord
from safeguarding.risk.models import ScoringRun
from safeguarding.runs.models import StageRun, StageStatus
from safeguarding.sources.models import ImportBatch
from tests.conftest import state_purpose
from tests.sources.test_import_pages import run_waiting_tasks, runs_the_worker, upload

NOMINALS = (
    "NominalID,Surname,Forenames,DOB,Sex,EthnicityCode,Postcode,Aliases,PhoneNumber\n"
    "WP1,SMITH,Jayden,03/04/2009,M,W1,SN15 1AA,,\n"
    "WP2,JONES,Amelia,05/06/2010,F,W1,SN15 1AB,,\n"
    "WP3,OKAFOR,Tobi,11/12/2008,M,B2,SN15 1AC,,\n"
)


@runs_the_worker
def test_an_uploaded_young_person_is_found_by_search_without_running_link(client_for, county_model):
    client = client_for("analyst")
    state_purpose(client)
    upload(client, text=NOMINALS)
    batch = ImportBatch.objects.get()
    before = client.get(reverse("sources:batch", args=[batch.pk])).content.decode()
    assert "People updated" not in before  # nothing imported yet

    run_waiting_tasks()

    runs = {run.stage: run for run in StageRun.objects.all()}
    assert set(runs) == {"import", "link", "network", "score"}
    assert all(run.status == StageStatus.SUCCEEDED for run in runs.values())
    assert {run.started_by for run in runs.values()} == {"upload on the Imports page"}
    assert runs["link"].user.username == "analyst"
    assert not SourceRecord.objects.filter(person__isnull=True).exists()
    assert ScoringRun.objects.exists()

    found = client.get(reverse("people:search"), {"q": "Jayden Smith"}).content.decode()
    jayden = SourceRecord.objects.get(source_record_id="WP1").person
    assert reverse("people:detail", args=[jayden.pk]) in found

    page = client.get(reverse("sources:batch", args=[batch.pk])).content.decode()
    linked_at = runs["link"].finished_at.astimezone().strftime("%-d %b %Y %H:%M")
    assert f'data-testid="people-updated">{linked_at}' in page
    assert 'data-testid="tracker-updated">' in page and "Not yet" not in page
    assert "data-updates-itself" not in page


@runs_the_worker
def test_an_upload_that_imports_nothing_is_not_linked(client_for):
    client = client_for("analyst")
    state_purpose(client)
    upload(client, text=NOMINALS.splitlines()[0] + "\n,SMITH,Jayden,03/04/2009,M,W1,,,\n")
    run_waiting_tasks()
    assert list(StageRun.objects.values_list("stage", flat=True)) == ["import"]
    batch = ImportBatch.objects.get()
    assert (
        "People updated"
        not in client.get(reverse("sources:batch", args=[batch.pk])).content.decode()
    )


@runs_the_worker
def test_a_first_upload_on_a_new_site_is_linked_by_the_rule_based_linker(client_for):
    # No saved model, and too few records to train one: the rule-based linker links instead.
    client = client_for("analyst")
    state_purpose(client)
    upload(client, text=NOMINALS)
    run_waiting_tasks()
    assert SourceRecord.objects.count() == 3
    assert not SourceRecord.objects.filter(person__isnull=True).exists()
    runs = dict(StageRun.objects.values_list("stage", "status"))
    assert runs == {
        "import": "succeeded",
        "link": "succeeded",
        "network": "succeeded",
        "score": "succeeded",
    }


@runs_the_worker
def test_when_linking_fails_the_import_stands_and_the_batch_page_says_so(
    client_for, settings, tmp_path
):
    # A linkage settings file with a mistake: linking refuses to run; the import stands.
    broken = tmp_path / "settings.toml"
    broken.write_text('[blocking]\nsurnme = "x"\n', encoding="utf-8")
    settings.LINKAGE_SETTINGS = broken
    client = client_for("analyst")
    state_purpose(client)
    upload(client, text=NOMINALS)
    run_waiting_tasks()
    batch = ImportBatch.objects.get()
    assert batch.rows_imported == 3 and SourceRecord.objects.count() == 3
    link = StageRun.objects.get(stage="link")
    assert link.status == StageStatus.FAILED and link.error == "LinkageSettingsError"
    assert not StageRun.objects.filter(stage="score").exists()
    page = client.get(reverse("sources:batch", args=[batch.pk])).content.decode()
    assert "Failed</strong> at" in page and "data-updates-itself" not in page
