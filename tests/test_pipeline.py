"""The batch stages run through one pipeline, in the flow's order, each run recorded and shown
to analysts; an upload runs the import stage, then link and score."""

import pytest
from django.conf import settings
from django.db.models import Sum

from safeguarding.people.models import Location
from safeguarding.pipeline import STAGE_NAMES, Inputs, PipelineError, import_upload, run_pipeline
from safeguarding.places.geography import GeographyError
from safeguarding.places.models import Postcode
from safeguarding.runs.models import StageRun, StageStatus
from safeguarding.sources.background import queue_upload
from safeguarding.sources.drop_folder import plan_folder_import
from safeguarding.sources.feeds import load_feeds
from safeguarding.sources.models import ImportBatch, ImportStatus
from safeguarding.synth.county import build_county

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pipeline-county")
    build_county(out_dir=folder, seed=3, scale="small")
    return folder


def test_the_stages_are_the_flows_order():
    assert STAGE_NAMES == ("geography", "import", "link", "network", "score", "analyse")


def test_each_stage_run_is_recorded_in_the_flows_order_with_its_counts(county, agencies):
    runs = run_pipeline(
        inputs=Inputs(geography=county / "geography", extracts=county / "extracts"),
        started_by="the tests",
        stages=["analyse", "import", "geography"],  # run in the flow's order, whatever asked
    )
    assert [r.stage for r in runs] == ["geography", "import", "analyse"]
    stored = list(StageRun.objects.order_by("pk"))
    assert [(r.stage, r.status, r.started_by) for r in stored] == [
        ("geography", StageStatus.SUCCEEDED, "the tests"),
        ("import", StageStatus.SUCCEEDED, "the tests"),
        ("analyse", StageStatus.SUCCEEDED, "the tests"),
    ]
    assert all(r.finished_at >= r.started_at for r in stored)
    geography, imported, _ = stored
    assert geography.counts["postcodes"] == Postcode.objects.count() > 0
    batches = ImportBatch.objects.filter(status=ImportStatus.SUCCEEDED)
    assert imported.counts["files"] == batches.count() > 5
    assert imported.counts["rows_read"] == batches.aggregate(n=Sum("rows_read"))["n"] > 1000
    assert imported.counts["failed"] == imported.counts["already_imported"] == 0
    # Locations are placed once, at import (the geography was loaded first): none known to the
    # geography is left unplaced, with nothing left for scoring to do.
    known = Location.objects.filter(postcode__in=Postcode.objects.values("postcode"))
    assert known.exists() and not known.filter(in_area__isnull=True).exists()
    assert not known.filter(latitude__isnull=True).exists()

    again = run_pipeline(
        inputs=Inputs(extracts=county / "extracts"), started_by="again", stages=["import"]
    )
    assert again[0].counts["already_imported"] == imported.counts["files"]
    assert ImportBatch.objects.count() == batches.count()


def test_a_failing_stage_is_recorded_as_failed_and_stops_the_rest(tmp_path, county, agencies):
    with pytest.raises(GeographyError):
        run_pipeline(
            inputs=Inputs(geography=tmp_path, extracts=county / "extracts"),
            started_by="the tests",
        )
    failed = StageRun.objects.get()
    assert (failed.stage, failed.status, failed.error) == (
        "geography",
        StageStatus.FAILED,
        "GeographyError",
    )
    assert failed.finished_at is not None
    assert not ImportBatch.objects.exists()


def test_an_unknown_stage_is_refused_before_anything_runs():
    with pytest.raises(PipelineError, match="No stage hotspots"):
        run_pipeline(inputs=Inputs(), started_by="the tests", stages=["hotspots"])
    assert not StageRun.objects.exists()


def test_an_upload_is_the_import_stage_for_its_file(county, cast):
    feeds = load_feeds(settings.FEEDS_DIR)
    feed, path = next(
        (feed, path)
        for feed, path in plan_folder_import(county / "extracts", feeds).work
        if not feed.depends_on
    )
    queued = queue_upload(feed=feed, path=path, user=cast["analyst"]).batch
    assert not StageRun.objects.exists()

    assert import_upload.call(queued.pk) == ImportStatus.SUCCEEDED
    # Then its records are linked and scored (tests/linkage/test_uploads_are_linked.py; here,
    # with no saved model, one agency's file cannot train one, and the failure is recorded).
    assert list(StageRun.objects.order_by("pk").values_list("stage", flat=True))[:2] == [
        "import",
        "link",
    ]
    run = StageRun.objects.get(stage="import")
    queued.refresh_from_db()
    assert (run.stage, run.status, run.user, run.started_by) == (
        "import",
        StageStatus.SUCCEEDED,
        cast["analyst"],
        "upload on the Imports page",
    )
    assert run.counts["rows_read"] == queued.rows_read > 0


def test_analysts_see_the_recent_runs_and_others_are_refused(client_for, agencies):
    run_pipeline(inputs=Inputs(), started_by="safeguarding demo", stages=["analyse"])
    page = client_for("analyst").get("/pipeline/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Pipeline runs" in html and "safeguarding demo" in html and "Skipped" in html
    assert 'href="/pipeline/"' in client_for("analyst").get("/imports/").content.decode()
    assert client_for("police_panel_member").get("/pipeline/").status_code == 403
