"""The batch work in the order of the flow, as data, each stage's run recorded.

    geography → import → link → network → score → analyse

Every way the batch work runs goes through here: `safeguarding demo`, `safeguarding pipeline`
(for a scheduler), an upload on the Imports page (the import stage for one file) and the tests.
Each stage's run is a row in `runs.StageRun` (start, end, counts, status, who or which command),
shown on the Pipeline runs page. Later stages (hotspots, the network) fill in `analyse`.

This module sits above every app (like web): it may import any of them; none imports it.
"""

import datetime
import logging
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd
from django.conf import settings
from django.db.models import Max
from django.tasks import task
from django.utils import timezone

from safeguarding.contexts.models import ContextMember
from safeguarding.linkage.models import LinkModelVersion
from safeguarding.linkage.pipeline import link_all
from safeguarding.network.models import NetworkRun
from safeguarding.network.services import build_network
from safeguarding.people.models import SourceRecord
from safeguarding.places.analysis import AnalysisSettings, run_analysis
from safeguarding.places.geography import load_geography
from safeguarding.places.models import HotspotRun, Postcode
from safeguarding.risk.catalogue import load_catalogue
from safeguarding.risk.models import ScoringRun
from safeguarding.risk.services import score_dates
from safeguarding.runs.models import StageRun
from safeguarding.runs.recording import Outcome, recorded
from safeguarding.sources.background import import_queued_batch
from safeguarding.sources.drop_folder import plan_folder_import
from safeguarding.sources.feeds import load_feeds
from safeguarding.sources.importing import ImportFailed, import_audited
from safeguarding.sources.models import ImportBatch, ImportStatus
from safeguarding.sources.reporting import describe_batch

logger = logging.getLogger(__name__)


class PipelineError(RuntimeError):
    pass


@dataclass(frozen=True)
class Inputs:
    """What the stages work on. A stage with nothing to work on is recorded as skipped."""

    geography: Path | None = None  # a geography folder to (re)load
    extracts: Path | None = None  # a folder of agency extracts, each file claimed by a feed
    score_dates: tuple[datetime.date, ...] = ()  # empty: today
    full_link: bool = False  # train a new linkage model and re-link everyone
    analysis: AnalysisSettings = AnalysisSettings()  # hotspots' cell size, permutations...
    reanalyse: bool = False  # analyse even when nothing changed since the last analysis
    say: Callable[[str], None] = field(default=lambda line: None)  # progress, for a command


def _geography(inputs: Inputs, outcome: Outcome) -> None:
    if inputs.geography is None:
        outcome.skipped = True
        return
    summary = load_geography(inputs.geography)
    outcome.counts = asdict(summary)
    inputs.say(
        f"Loaded {summary.postcodes} postcodes, {summary.small_areas} small areas in "
        f"{summary.community_areas} community areas and {summary.schools} schools; "
        f"placed {summary.locations_placed} locations."
    )


def _import(inputs: Inputs, outcome: Outcome) -> None:
    """Every file a feed claims in the folder; files already imported are recognised by their
    checksum and skipped. New locations are placed as each file is imported."""
    if inputs.extracts is None:
        outcome.skipped = True
        return
    plan = plan_folder_import(inputs.extracts, load_feeds(settings.FEEDS_DIR))
    for unclaimed in plan.unclaimed:
        inputs.say(f"No feed claims {unclaimed.name}: it was not imported.")
    counts = dict.fromkeys(["files", "already_imported", "failed", "rows_read"], 0)
    counts |= {"rows_quarantined": 0, "records_created": 0, "unclaimed": len(plan.unclaimed)}
    outcome.counts = counts
    for feed, path in plan.work:
        counts["files"] += 1
        try:
            result = import_audited(feed=feed, path=path, username="command line")
        except ImportFailed as failure:
            counts["failed"] += 1
            inputs.say(f"{feed.name}: {path.name} was not imported. {failure}")
            continue
        inputs.say(describe_batch(result.batch, already_imported=result.already_imported))
        if result.already_imported:
            counts["already_imported"] += 1
            continue
        counts["rows_read"] += result.batch.rows_read
        counts["rows_quarantined"] += result.batch.rows_quarantined
        counts["records_created"] += result.batch.records_created
    if counts["failed"]:
        raise PipelineError(f"{counts['failed']} file(s) were not imported.")


def _link(inputs: Inputs, outcome: Outcome) -> None:
    """New records with the saved model (a first run, or full_link, trains one)."""
    if (
        not inputs.full_link
        and LinkModelVersion.objects.exists()
        and not SourceRecord.objects.filter(person__isnull=True).exists()
    ):
        outcome.skipped = True
        return
    summary = link_all(full=inputs.full_link, progress=lambda step: inputs.say(f"  {step}"))
    outcome.counts = {
        "records": summary.records,
        "new_records": summary.new_records,
        "people": summary.people,
        "candidate_pairs": summary.candidate_pairs,
    }
    inputs.say(
        f"Linked {summary.new_records} new source records with model {summary.model_version}; "
        f"{summary.records} records in {summary.people} people."
    )


def _network(inputs: Inputs, outcome: Outcome) -> None:
    """The association graph, its measures and concerns, rebuilt from everyone's records and
    the contexts' members; skipped when nothing was imported or linked since the last build.
    Before scoring: the tracker reads who is linked to an adult, address or phone of concern."""
    latest = NetworkRun.objects.aggregate(last=Max("computed_at"))["last"]
    changes = [
        ImportBatch.objects.aggregate(last=Max("finished_at"))["last"],
        LinkModelVersion.objects.aggregate(last=Max("trained_at"))["last"],
    ]
    if latest is not None and all(c is None or c < latest for c in changes):
        outcome.skipped = True
        return
    members = pd.DataFrame(
        list(
            ContextMember.objects.values_list(
                "person_id", "context_id", "context__name", "source", "reliability"
            )
        ),
        columns=["person_id", "group", "name", "source", "reliability"],
    )
    summary = build_network(memberships=members)
    outcome.counts = {
        "nodes": summary.run.nodes,
        "edges": summary.run.edges,
        "communities": summary.run.communities,
        "adults_of_concern": summary.adults,
        "addresses_of_concern": summary.addresses,
        "phones_of_concern": summary.phones,
    }
    inputs.say(
        f"Built the association graph: {summary.run.nodes} nodes, {summary.run.edges} edges, "
        f"{summary.run.communities} communities; {summary.adults} adults, {summary.addresses} "
        f"addresses and {summary.phones} phones of concern ({summary.run.seconds:.1f} s)."
    )


def _score(inputs: Inputs, outcome: Outcome) -> None:
    """Risk as of each date, oldest first; skipped when the latest date is already scored with
    this catalogue and nothing was imported or linked since."""
    dates = sorted(inputs.score_dates or (timezone.localdate(),))
    latest = ScoringRun.objects.filter(
        as_of=dates[-1], catalogue_version=load_catalogue().version, complete=True
    ).first()
    changes = [
        ImportBatch.objects.aggregate(last=Max("finished_at"))["last"],
        LinkModelVersion.objects.aggregate(last=Max("trained_at"))["last"],
    ]
    if latest is not None and all(c is None or c < latest.computed_at for c in changes):
        outcome.skipped = True
        return
    summaries = score_dates(dates=dates)
    outcome.counts = {
        "dates": len(summaries),
        "people_assessed": summaries[-1].run.people_assessed,
        "high": summaries[-1].by_level.get("high", 0),
    }
    for summary in summaries:
        inputs.say(
            f"Scored risk as of {summary.run.as_of}: {summary.run.people_assessed} young "
            f"people with indicators ({summary.by_level.get('high', 0)} high)."
        )


def _analyse(inputs: Inputs, outcome: Outcome) -> None:
    """Hotspots and emerging hotspots of each event set (places); skipped when nothing was
    imported, linked or loaded since the last analysis, unless asked to reanalyse, and when
    there is no geography to analyse on."""
    if not Postcode.objects.filter(in_area=True).exists():
        outcome.skipped = True
        return
    latest = HotspotRun.objects.aggregate(last=Max("computed_at"))["last"]
    changes = [
        ImportBatch.objects.aggregate(last=Max("finished_at"))["last"],
        LinkModelVersion.objects.aggregate(last=Max("trained_at"))["last"],
        StageRun.objects.filter(stage="geography").aggregate(last=Max("finished_at"))["last"],
    ]
    if (
        not inputs.reanalyse
        and latest is not None
        and all(c is None or c < latest for c in changes)
    ):
        outcome.skipped = True
        return
    summary = run_analysis(settings=inputs.analysis, say=inputs.say)
    outcome.counts = {
        "runs": len(summary.runs),
        "hot_cells": sum(summary.hot_cells.values()),
    }


@dataclass(frozen=True)
class Stage:
    name: str
    does: str
    run: Callable[[Inputs, Outcome], None]


STAGES: tuple[Stage, ...] = (
    Stage("geography", "Load postcodes, areas and schools; place every location", _geography),
    Stage("import", "Import agency extracts through their feeds; place new locations", _import),
    Stage("link", "Link new source records into people", _link),
    Stage(
        "network",
        "Build and measure the association graph; adults, addresses, phones of concern",
        _network,
    ),
    Stage("score", "Score everyone's risk as of each date", _score),
    Stage("analyse", "Hotspots and emerging hotspots of each event set", _analyse),
)
STAGE_NAMES = tuple(stage.name for stage in STAGES)


def run_pipeline(
    *, inputs: Inputs, started_by: str, user=None, stages: Sequence[str] = STAGE_NAMES
) -> list[StageRun]:
    """Run the named stages (all by default) in the flow's order, whatever order they are
    named in, each recorded; a failing stage is recorded as failed and stops the rest."""
    unknown = set(stages) - set(STAGE_NAMES)
    if unknown:
        raise PipelineError(
            f"No stage {', '.join(sorted(unknown))}; the stages are {', '.join(STAGE_NAMES)}."
        )
    runs = []
    for stage in STAGES:
        if stage.name in stages:
            with recorded(stage=stage.name, started_by=started_by, user=user) as outcome:
                stage.run(inputs, outcome)
            runs.append(outcome.run)
    return runs


UPLOAD_STARTED_BY = "upload on the Imports page"
# What an upload runs after its import, so that its young people can be found and are on the
# tracker without anyone running `link` and `score` by hand.
UPLOAD_FOLLOW_UP = ("link", "network", "score")


@task
def import_upload(batch_id: int) -> str:
    """The worker's side of an upload on the Imports page: the import stage for that one file
    (queued by sources.background.queue_upload through settings.UPLOAD_TASK), then, when it
    imported rows, the link and score stages, each recorded as the pipeline records them."""
    batch = ImportBatch.objects.select_related("imported_by").filter(pk=batch_id).first()
    user = batch.imported_by if batch is not None else None
    with recorded(stage="import", started_by=UPLOAD_STARTED_BY, user=user) as outcome:
        status = import_queued_batch(batch_id)
        batch = ImportBatch.objects.filter(pk=batch_id).first()
        outcome.counts = {
            "files": 1,
            "failed": int(status == "failed"),
            "rows_read": batch.rows_read if batch else 0,
            "rows_quarantined": batch.rows_quarantined if batch else 0,
            "records_created": batch.records_created if batch else 0,
        }
        outcome.skipped = status == "not queued"
    if status == ImportStatus.SUCCEEDED and batch is not None and batch.rows_imported:
        try:
            run_pipeline(
                inputs=Inputs(), started_by=UPLOAD_STARTED_BY, user=user, stages=UPLOAD_FOLLOW_UP
            )
        except Exception:
            # The import stands (it was its own transaction); the failed stage is recorded
            # as a run, which the batch page and Pipeline runs show.
            logger.exception("Linking or scoring after upload batch %s failed", batch_id)
    return status
