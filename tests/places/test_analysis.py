"""`safeguarding analyse` on a small synthetic county: every event set's hotspots and emerging
hotspots stored with their parameters, counts that add up to the events, the export."""

import csv

import pandas as pd
import pytest
from django.core.management import call_command

from safeguarding.pipeline import Inputs, run_pipeline
from safeguarding.places.analysis import AnalysisSettings, study_region
from safeguarding.places.events import event_points, missing_episodes
from safeguarding.places.models import AnalysisKind, EventSet, HotspotCell, HotspotRun, Unit
from safeguarding.places.recent import flagged_count, recent_places
from safeguarding.runs.models import StageRun, StageStatus
from safeguarding.synth.county import build_county

pytestmark = pytest.mark.django_db

QUICK = AnalysisSettings(permutations=99, months=12)


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    folder = tmp_path_factory.mktemp("places-county")
    build_county(out_dir=folder, seed=3, scale="small")
    return folder


@pytest.fixture
def linked_county(county, agencies):
    run_pipeline(
        inputs=Inputs(geography=county / "geography", extracts=county / "extracts"),
        started_by="the tests",
        stages=["geography", "import", "link"],
    )
    return county


def test_analyse_stores_each_event_sets_results_with_its_parameters(linked_county, tmp_path):
    (stage,) = run_pipeline(
        inputs=Inputs(analysis=QUICK), started_by="the tests", stages=["analyse"]
    )
    assert stage.status == StageStatus.SUCCEEDED
    runs = HotspotRun.objects.all()
    assert stage.counts["runs"] == runs.count() > 0
    grid = runs.filter(kind=AnalysisKind.HOTSPOTS, unit=Unit.GRID)
    assert {r.event_set for r in grid} >= {EventSet.MISSING_FOUND, EventSet.STOP_AND_SEARCH}
    missing = grid.get(event_set=EventSet.MISSING_FOUND)
    assert (missing.cell_size, missing.permutations) == (1000, 99)
    assert missing.parameters["fdr"] is True and missing.parameters["months"] == 12
    # Every in-area episode with a found place is counted once, in one cell.
    points = event_points(event_set=EventSet.MISSING_FOUND)
    in_area = points[points["in_area"]]
    assert missing.events == len(in_area) > 0
    cells = HotspotCell.objects.filter(run=missing, period__isnull=True)
    assert sum(c.count for c in cells) == len(in_area)
    assert all(-3 <= c.gi_bin <= 3 and 0 < c.p <= 1 for c in cells)
    assert all(c.cell.startswith("1000m-") for c in cells)
    # The emerging cube: a category for every cell with an event, months for the slider.
    emerging = runs.get(kind=AnalysisKind.EMERGING, event_set=EventSet.MISSING_FOUND)
    summary = HotspotCell.objects.filter(run=emerging, period__isnull=True)
    assert summary.exists() and all(c.category for c in summary)
    months = HotspotCell.objects.filter(run=emerging, period__isnull=False)
    assert months.values("period").distinct().count() <= 12
    assert sum(c.count for c in months) == sum(c.count for c in summary)
    # Small areas: every area with its count.
    areas = runs.get(kind=AnalysisKind.HOTSPOTS, unit=Unit.SMALL_AREA, event_set="missing_found")
    assert sum(c.count for c in areas.cells.all()) == in_area["small_area"].ne("").sum()

    # Nothing changed since: the pipeline skips the stage; the command always analyses.
    (again,) = run_pipeline(inputs=Inputs(analysis=QUICK), started_by="again", stages=["analyse"])
    assert again.status == StageStatus.SKIPPED

    out = tmp_path / "hotspots.csv"
    call_command("export", "hotspots", str(out))
    rows = list(csv.DictReader(out.open()))
    assert list(rows[0]) == [
        "area_code or cell",
        "lat",
        "lon",
        "period",
        "category",
        "count",
        "z",
        "p",
    ]
    latest = HotspotCell.objects.filter(run__in=HotspotRun.objects.all()).count()
    assert len(rows) == latest
    assert {r["category"].split("/")[0] for r in rows} >= {"missing_found", "stop_and_search"}
    assert all(r["category"].split("/")[1] for r in rows)
    whole = [r for r in rows if "/" in r["period"] and r["p"]]
    assert whole and all(float(r["p"]) <= 1 for r in whole)
    assert any(r["category"] == "missing_found/look_next" for r in rows)


def test_analyse_stores_the_recent_places_score_and_rank_of_each_cell(linked_county):
    run_pipeline(inputs=Inputs(analysis=QUICK), started_by="the tests", stages=["analyse"])
    region = study_region(cell_size=QUICK.cell_size)
    every_set = {}
    for name in EventSet.values:
        points = event_points(event_set=name)
        every_set[name] = points[points["in_area"]]
    top = flagged_count(len(region.cells.frame))
    for event_set in (EventSet.MISSING_FOUND, EventSet.STOP_AND_SEARCH):
        run = HotspotRun.objects.get(kind=AnalysisKind.RECENT, event_set=event_set)
        points = every_set[event_set]
        assert run.unit == Unit.GRID and run.events == len(points)
        cut = points["occurred_at"].max().to_period("M")
        expected = recent_places(region.cells, event_set=event_set, every_set=every_set, cut=cut)
        stored = pd.DataFrame(
            list(HotspotCell.objects.filter(run=run).values("cell", "score", "rank", "category"))
        ).set_index("cell")
        # The same rule as the benchmark's: every cell with a score, stored with it and its rank.
        by_cell = pd.Series(expected, index=region.cells.frame["cell"])
        assert len(stored) == (expected > 0).sum()
        assert stored["score"].to_numpy() == pytest.approx(by_cell[stored.index].to_numpy())
        assert sorted(stored["rank"]) == list(range(1, len(stored) + 1))
        flagged = stored[stored["category"] == "look_next"]
        assert len(flagged) == min(top, len(stored))
        others = stored.loc[stored["category"] == "", "score"]
        assert others.empty or flagged["score"].min() >= others.max()
        assert set(flagged["rank"]) == set(range(1, len(flagged) + 1))


def test_the_command_records_a_run_and_reports_progress(linked_county, capsys):
    call_command(
        "analyse", "--permutations", "0", "--months", "6", "--event-set", "stop_and_search"
    )
    out = capsys.readouterr().out
    assert "[1/1] Stop and search:" in out and "analyse: Succeeded" in out
    assert StageRun.objects.filter(stage="analyse", status=StageStatus.SUCCEEDED).count() == 1
    assert set(HotspotRun.objects.values_list("event_set", flat=True)) == {"stop_and_search"}


def test_missing_episodes_follow_the_one_rule(linked_county):
    episodes = missing_episodes()
    assert len(episodes) > 0
    assert (
        episodes.groupby("person_id")["episode"]
        .apply(lambda e: list(e) == list(range(1, len(e) + 1)))
        .all()
    )
    # every missing report is in exactly one episode; two agencies' reports share some
    reports = [i for ids in episodes["event_ids"] for i in ids]
    people = episodes["person_id"].repeat(episodes["reports"])
    assert len(reports) == len(set(zip(people, reports, strict=True)))
    assert (episodes["reports"] > 1).any()
    assert (episodes["agencies"].map(len) == episodes["reports"]).all()
    assert pd.api.types.is_float_dtype(episodes["hours"])
