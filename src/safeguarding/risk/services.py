"""Writing risk: storing a scoring run, and professionals' overrides."""

import datetime
import logging
import time
from dataclasses import dataclass

import pandas as pd
from django.db import connection, transaction
from django.utils import timezone

from safeguarding.access import audit
from safeguarding.access.models import AuditAction, AuditObject
from safeguarding.common.bulk import insert_rows
from safeguarding.people.models import Person
from safeguarding.risk.catalogue import Catalogue, load_catalogue
from safeguarding.risk.facts import load_facts
from safeguarding.risk.models import (
    LEVEL_RANK,
    IndicatorHit,
    Level,
    Override,
    RiskAssessment,
    ScoringRun,
    Trajectory,
    Validation,
)
from safeguarding.risk.scoring import Scorer, Scores
from safeguarding.sources.chunked_writing import SCORE, Chunks, batch_stage_turn, chunked_stage

logger = logging.getLogger(__name__)

# A score must move by at least this much, at the same level, to count as rising or falling.
TRAJECTORY_MARGIN = 1.0


@dataclass(frozen=True)
class RunSummary:
    run: ScoringRun
    by_level: dict[str, int]
    hits: int


def score_everyone(
    *, as_of: datetime.date, catalogue: Catalogue | None = None, scorer: Scorer | None = None
) -> RunSummary:
    """Score every young person as of the date and store the run (replacing one for the same
    date and catalogue version)."""
    started = time.monotonic()
    catalogue = catalogue or load_catalogue()
    # On SQLite an import commits in chunks: scoring waits for it, so it never reads half a
    # batch; and it writes its run in chunks itself, all or nothing, after computing it outside
    # any transaction (sources/chunked_writing.py).
    with batch_stage_turn():
        if scorer is None:
            scorer = Scorer(load_facts(), catalogue)
        scores = scorer.score(as_of)
        with chunked_stage(SCORE) as chunks:
            run = _store(
                scores,
                seconds=time.monotonic() - started,
                weighting=catalogue.weighting,
                chunks=chunks,
            )
    by_level = scores.assessments["level"].value_counts().to_dict()
    logger.info("Scored %s people as of %s", len(scores.assessments), as_of)
    return RunSummary(run=run, by_level=by_level, hits=len(scores.hits))


def score_dates(*, dates: list[datetime.date]) -> list[RunSummary]:
    """Score everyone as of each date, oldest first, so each run's trajectory compares with
    the one before it; the facts are read once."""
    catalogue = load_catalogue()
    with batch_stage_turn():
        scorer = Scorer(load_facts(), catalogue)
        return [
            score_everyone(as_of=day, catalogue=catalogue, scorer=scorer) for day in sorted(dates)
        ]


def _trajectories(assessments: pd.DataFrame, previous: pd.DataFrame | None) -> pd.DataFrame:
    if previous is None:
        return assessments.assign(trajectory=Trajectory.NEW.value, previous_score=None)
    before = previous.set_index("person_id")
    frame = assessments.assign(
        previous_score=assessments["person_id"].map(before["score"]),
        previous_level=assessments["person_id"].map(before["level"]).fillna(Level.NONE),
    )
    rank_now = frame["level"].map(LEVEL_RANK)
    rank_before = frame["previous_level"].map(LEVEL_RANK)
    change = frame["score"] - frame["previous_score"].fillna(0)
    frame["trajectory"] = Trajectory.STEADY.value
    frame.loc[
        (rank_now > rank_before) | ((rank_now == rank_before) & (change >= TRAJECTORY_MARGIN)),
        "trajectory",
    ] = Trajectory.RISING.value
    frame.loc[
        (rank_now < rank_before) | ((rank_now == rank_before) & (change <= -TRAJECTORY_MARGIN)),
        "trajectory",
    ] = Trajectory.FALLING.value
    frame.loc[rank_before == 0, "trajectory"] = Trajectory.NEW.value
    return frame.drop(columns=["previous_level"])


def _previous_assessments(scores: Scores) -> pd.DataFrame | None:
    earlier = (
        ScoringRun.objects.filter(
            as_of__lt=scores.as_of, catalogue_version=scores.catalogue_version
        )
        .filter(complete=True)
        .order_by("-as_of")
        .first()
    )
    if earlier is None:
        return None
    return pd.DataFrame.from_records(
        earlier.assessments.values("person_id", "score", "level"),
        columns=["person_id", "score", "level"],
    )


def _marked(values) -> str:
    """`("a", "b")` → `,a,b,`: a list the tracker can filter with one LIKE on either database."""
    return "," + ",".join(values) + "," if len(values) else ""


def _numbers(values: pd.Series, *, kind=float) -> list:
    return [None if pd.isna(value) else kind(value) for value in values]


def _store(
    scores: Scores, *, seconds: float, weighting: str = "expert", chunks: Chunks
) -> ScoringRun:
    """Write the run, then remove the run it replaces (the same date and catalogue version),
    each in chunks. The pages show complete runs only (ScoringRun.complete): the new run from
    the chunk that completes it, which also takes the one it replaces from view."""
    replaced = list(
        ScoringRun.objects.filter(
            as_of=scores.as_of, catalogue_version=scores.catalogue_version
        ).values_list("pk", flat=True)
    )
    frame = _trajectories(scores.assessments, _previous_assessments(scores))
    with chunks():
        run = ScoringRun.objects.create(
            as_of=scores.as_of,
            catalogue_version=scores.catalogue_version,
            computed_at=timezone.now(),
            complete=False,
            people_assessed=len(scores.assessments),
            seconds=seconds,
            weighting=weighting,
        )
    _insert_in_chunks(
        chunks,
        RiskAssessment,
        {
            "run": [run.pk] * len(frame),
            "person": frame["person_id"].astype(int).tolist(),
            "score": frame["score"].astype(float).tolist(),
            "vulnerability_score": frame["vulnerability_score"].astype(float).tolist(),
            "level": frame["level"].tolist(),
            "computed_level": frame["computed_level"].tolist(),
            "rules_applied": frame["rules_applied"].tolist(),
            "trajectory": frame["trajectory"].tolist(),
            "previous_score": _numbers(frame["previous_score"]),
            "current_indicators": frame["current_indicators"].astype(int).tolist(),
            "age": _numbers(frame["age"], kind=int),
            "community_area": frame["community_area"].tolist(),
            "school_urn": frame["school_urn"].tolist(),
            "agencies": [_marked(codes) for codes in frame["agencies"]],
            "exploitation_types": [_marked(types) for types in frame["types"]],
        },
    )
    assessment_of = dict(run.assessments.values_list("person_id", "pk"))
    hits = scores.hits
    _insert_in_chunks(
        chunks,
        IndicatorHit,
        {
            "assessment": [assessment_of[int(p)] for p in hits["person_id"]],
            "indicator_id": hits["indicator_id"].tolist(),
            "recency": hits["recency"].tolist(),
            "weight": hits["weight"].astype(float).tolist(),
            "count": hits["count"].astype(int).tolist(),
            "latest": [
                connection.ops.adapt_datetimefield_value(
                    timezone.make_aware(moment.to_pydatetime(), datetime.UTC)
                )
                for moment in hits["latest"]
            ],
        },
    )
    hit_of = {
        (assessment, indicator): pk
        for pk, assessment, indicator in IndicatorHit.objects.filter(
            assessment__run=run
        ).values_list("pk", "assessment_id", "indicator_id")
    }
    evidence = [
        (hit_of[(assessment_of[int(person)], indicator)], int(event))
        for person, indicator, events in zip(
            hits["person_id"], hits["indicator_id"], hits["evidence"], strict=True
        )
        for event in events
    ]
    _insert_in_chunks(
        chunks,
        IndicatorHit.evidence.through,
        {"indicatorhit": [h for h, _ in evidence], "event": [e for _, e in evidence]},
    )
    with chunks():
        ScoringRun.objects.filter(pk__in=replaced).update(complete=False)
        # Computed now: the tracker's cache is keyed by the run's id and computed_at, so what
        # a page may have cached of the run before it was complete is never read.
        run.complete, run.computed_at = True, timezone.now()
        run.save(update_fields=["complete", "computed_at"])
    for old in replaced:
        _delete_run(old, chunks)
    return run


def _insert_in_chunks(chunks: Chunks, model, columns: dict[str, list]) -> None:
    total = len(next(iter(columns.values())))
    chunks.each(
        total, lambda part: insert_rows(model, {name: v[part] for name, v in columns.items()})
    )


def _delete_run(run_id: int, chunks: Chunks) -> None:
    """Remove a run, its evidence, indicators and assessments, a range of rows per chunk."""
    evidence = IndicatorHit.evidence.through.objects.filter(indicatorhit__assessment__run=run_id)
    hits = IndicatorHit.objects.filter(assessment__run=run_id)
    for rows in (evidence, hits, RiskAssessment.objects.filter(run=run_id)):
        ids = list(rows.order_by("pk").values_list("pk", flat=True))

        def delete(part: slice, rows=rows, ids=ids) -> None:
            rows.filter(pk__gte=ids[part][0], pk__lte=ids[part][-1]).delete()

        chunks.each(len(ids), delete)
    with chunks():
        ScoringRun.objects.filter(pk=run_id).delete()


def set_override(
    *,
    person: Person,
    level: str,
    reason: str,
    user,
    review_by: datetime.date | None = None,
    request=None,
) -> Override:
    """A professional's level for a young person, replacing any earlier override, audited."""
    reason = reason.strip()
    if not reason:
        raise ValueError("An override needs a reason.")
    if level not in Level.values:
        raise ValueError(f"No level {level!r}.")
    latest = (
        RiskAssessment.objects.filter(person=person).order_by("-run__as_of").only("level").first()
    )
    with transaction.atomic():
        Override.objects.filter(person=person, active=True).update(
            active=False, ended_at=timezone.now(), ended_by=user, end_reason="Replaced"
        )
        override = Override.objects.create(
            person=person,
            level=level,
            computed_level=latest.level if latest else "",
            reason=reason,
            set_by=user,
            review_by=review_by,
        )
        audit.record(
            action=AuditAction.CHANGE,
            user=user,
            request=request,
            object_type=AuditObject.RISK_OVERRIDE,
            object_id=override.pk,
            detail={"person": person.pk, "level": level},
        )
    return override


def end_override(*, override: Override, reason: str, user, request=None) -> None:
    reason = reason.strip()
    if not reason:
        raise ValueError("Say why the override ends.")
    with transaction.atomic():
        Override.objects.filter(pk=override.pk, active=True).update(
            active=False, ended_at=timezone.now(), ended_by=user, end_reason=reason
        )
        audit.record(
            action=AuditAction.CHANGE,
            user=user,
            request=request,
            object_type=AuditObject.RISK_OVERRIDE,
            object_id=override.pk,
            detail={"person": override.person_id, "ended": True},
        )


def record_validation(*, validation, catalogue: Catalogue, label: str) -> Validation:
    """Store a validation (risk.evaluation.Validation) so the validation page and the tracker's
    fairness warning can show it; the tracker's own rows (expert or fitted) decide the warning."""
    rows = validation.rows
    tracker_rows = [row for row in rows if row["method"].startswith("tracker")]
    in_use = next(
        (
            row
            for row in tracker_rows
            if ("fitted" in row["method"]) == (catalogue.weighting == "fitted")
        ),
        tracker_rows[0] if tracker_rows else None,
    )
    worst, between = None, ""
    if in_use is not None:
        for key, found in in_use["fairness"].items():
            if found["ratio"] is not None and (worst is None or found["ratio"] > worst):
                worst = found["ratio"]
                between = (
                    f"{key.split(':')[0]}: {found['high']} / {found['low']} ({key.split(':')[1]})"
                )
    return Validation.objects.create(
        computed_at=timezone.now(),
        catalogue_version=catalogue.version,
        weighting=catalogue.weighting,
        label=label[:200],
        worst_ratio=None if worst is None or worst == float("inf") else worst,
        worst_ratio_between=between[:100],
        fairness_limit=catalogue.fairness_limit,
        measures={
            "rows": _json_safe(rows),
            "text": validation.text,
            "fitted": validation.fitted_note,
            "bounds": _json_safe(validation.bounds),
        },
    )


def _json_safe(value):
    """NaN and infinity as None: JSON has neither."""
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return None
    return value
