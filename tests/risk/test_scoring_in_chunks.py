"""A scoring run written in chunks (SQLite) still lands whole or not at all."""

import pytest
from django.db import connection

from safeguarding.risk import services
from safeguarding.risk.models import IndicatorHit, RiskAssessment, ScoringRun
from safeguarding.risk.services import score_everyone
from safeguarding.risk.tracker import latest_run
from safeguarding.sources import chunked_writing
from safeguarding.sources.chunked_writing import batch_stage_turn
from safeguarding.sources.models import UndoEntry
from tests.risk.conftest import AS_OF
from tests.sources.test_chunked_writing import crash_on_call


@pytest.fixture
def scored_county(county):
    """Five young people with a referral each, scored once as of AS_OF."""
    for _ in range(5):
        child = county.person()
        county.event(
            child,
            agency="childrens-social-care",
            event_type="referral",
            days_before=10,
            details={"factor_codes": ["24A"]},
        )
    score_everyone(as_of=AS_OF)
    return county


def stored_runs() -> dict:
    """Every row a scoring run writes, as it is stored."""
    return {
        name: list(model.objects.order_by("pk").values())
        for name, model in (
            ("runs", ScoringRun),
            ("assessments", RiskAssessment),
            ("hits", IndicatorHit),
            ("evidence", IndicatorHit.evidence.through),
        )
    }


@pytest.mark.django_db
@pytest.mark.parametrize("crashing", ["insert_rows", "_delete_run"])
def test_a_scoring_run_that_fails_after_some_chunks_leaves_the_runs_as_they_were(
    scored_county, tiny_chunks, monkeypatch, crashing
):
    before = stored_runs()
    assert len(before["assessments"]) == 5 and len(before["evidence"]) == 10  # two hits each
    # insert_rows: the third chunk of the new run's assessments fails; _delete_run: the new
    # run is complete and shown, and removing the one it replaces fails.
    real = getattr(services, crashing)
    monkeypatch.setattr(
        services, crashing, crash_on_call(3 if crashing == "insert_rows" else 1, real)
    )
    with pytest.raises(RuntimeError):
        score_everyone(as_of=AS_OF)

    assert stored_runs() == before
    assert not UndoEntry.objects.exists()
    monkeypatch.setattr(services, crashing, real)
    summary = score_everyone(as_of=AS_OF)
    assert list(ScoringRun.objects.values_list("pk", flat=True)) == [summary.run.pk]
    assert RiskAssessment.objects.filter(run=summary.run).count() == 5
    assert not UndoEntry.objects.exists()


@pytest.mark.django_db
def test_a_scoring_run_whose_process_died_is_undone_by_the_next_batch_stage(
    scored_county, tiny_chunks, monkeypatch
):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL undoes a run with its one transaction")
    before = stored_runs()
    monkeypatch.setattr(chunked_writing, "_abandon", lambda journal, error: None)
    monkeypatch.setattr(services, "insert_rows", crash_on_call(4, services.insert_rows))
    with pytest.raises(RuntimeError):
        score_everyone(as_of=AS_OF)
    # Killed mid-run: its first chunks stay, hidden from the pages, until the next stage.
    assert ScoringRun.objects.count() == 2
    assert latest_run().pk == before["runs"][0]["id"]
    monkeypatch.undo()

    with batch_stage_turn():
        pass

    assert stored_runs() == before
    assert not UndoEntry.objects.exists()


@pytest.mark.django_db
def test_a_rescored_run_replaces_the_one_of_the_same_date(scored_county, tiny_chunks):
    first = latest_run()
    summary = score_everyone(as_of=AS_OF)
    assert latest_run() == summary.run != first
    assert summary.run.computed_at > first.computed_at
    assert list(ScoringRun.objects.all()) == [summary.run]
    assert IndicatorHit.evidence.through.objects.count() == 10  # the first run's went
    assert not UndoEntry.objects.exists()
