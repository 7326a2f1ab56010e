"""Scoring the small synthetic county end to end through the command line."""

import csv

import pytest
from django.core.management import call_command

from safeguarding.access.models import AuditAction, AuditEvent
from safeguarding.pipeline import Inputs, run_pipeline
from safeguarding.risk.models import IndicatorHit, RiskAssessment, ScoringRun, Validation
from safeguarding.synth.county import build_county
from safeguarding.synth.parameters import REFERENCE_END

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def linked_county(tmp_path, agencies):
    county = tmp_path / "county"
    build_county(out_dir=county, seed=7, scale=2000, window_end=REFERENCE_END)
    run_pipeline(
        inputs=Inputs(geography=county / "geography", extracts=county / "extracts"),
        started_by="the tests",
        stages=["geography", "import", "link"],
    )
    return county


def test_score_export_and_evaluate_the_county(linked_county, tmp_path, capsys):
    call_command("score", "--as-of", "2026-10-31")
    run = ScoringRun.objects.get()
    assert run.people_assessed == RiskAssessment.objects.count() > 20
    assert RiskAssessment.objects.filter(level__in=["medium", "high"]).exists()
    assert IndicatorHit.objects.filter(indicator_id="missing-episode").exists()
    assert capsys.readouterr().out.startswith("Scored risk as of 2026-10-31")

    out = tmp_path / "tracker.csv"
    call_command("export", "tracker", str(out), "--as-of", "2026-10-31")
    with out.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["person_id", "score", "level", "indicators"]
    assert len(rows) == run.people_assessed
    scores = [float(row["score"]) for row in rows]
    assert scores == sorted(scores, reverse=True)
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="tracker").exists()

    # An export as of another date scores that date first: only what was known then.
    call_command("export", "tracker", str(out), "--as-of", "2025-10-31")
    assert ScoringRun.objects.count() == 2

    capsys.readouterr()
    person_dates = tmp_path / "person_dates.csv"
    call_command(
        "score", "--evaluate", str(linked_county / "truth"), "--person-dates", str(person_dates)
    )
    report = capsys.readouterr().out
    assert "tracker (all agencies)" in report
    assert "rule: 3+ missing in 90 days" in report
    assert "wiltshire-police alone" in report
    lines = report.splitlines()
    header = next(line for line in lines if line.startswith("method"))[30:].split()
    tracker_line = next(line for line in lines if line.startswith("tracker"))
    auc = float(tracker_line[30:].split()[header.index("AUC")])
    assert auc > 0.8
    # The bounds beside it: the tracker's own row agrees with the table, and ranking those at
    # risk with a sign first, or fitting the weights on the truth, can only rank better.
    start = next(i for i, line in enumerate(lines) if line.startswith("How far")) + 2
    bounds = {
        line[:36].strip(): [float(value) for value in line.split()[-3:]]
        for line in lines[start : start + 4]
    }
    assert bounds["tracker (expert weights)"][0] == pytest.approx(auc, abs=0.0005)
    assert bounds["those at risk with a sign first"][0] >= auc
    assert bounds["both"][0] >= bounds["weights fitted on the truth"][0] > 0.5
    # The same bounds stored for the validation page.
    stored = Validation.objects.latest("computed_at").measures["bounds"]
    assert [row["method"] for row in stored] == list(bounds)
    assert [round(row["roc_auc"], 3) for row in stored] == [values[0] for values in bounds.values()]

    # The person-dates the fairness figures come from, for pooling over counties.
    with person_dates.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == [
        "method",
        "as_of",
        "true_id",
        "ethnicity",
        "sex",
        "positive",
        "flagged",
        "top",
        "score",
    ]
    assert {row["method"] for row in rows} == {"tracker (all agencies)"}
    dates = {row["as_of"] for row in rows}
    assert len(dates) > 1
    for day in dates:  # the top 100 on each date
        assert sum(row["top"] == "True" for row in rows if row["as_of"] == day) == 100
    assert any(row["positive"] == "True" for row in rows)
