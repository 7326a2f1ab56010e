"""The tracker's list: what a scoring run fixes is read once per run and cached; what can change
between two clicks (the levels professionals set, who may see whom) is read live for each
request and applied after the cache, in memory.

A run's assessments do not change once it is stored (a re-score makes a new run, with a new
`computed_at`), so their scores, levels, ages, areas, agencies and indicator hits are the same
for every user. They are kept in Django's cache (shared by the server's processes, see
settings CACHES) under the run's key, and in each process's memory beside it so a request does
not unpickle thousands of rows. Then, per request: the people this user may not open
(`people.access_rules.visibility_for`) are left out, the overrides in force replace the
computed level, and the filters, the sort and the counts are applied. The need to know is never
cached: a warm cache filled by one user's request holds nothing a second user may not see until
their own filter has run.
"""

import datetime
import threading
import uuid
from dataclasses import dataclass

from django.core.cache import cache

from safeguarding.people.access_rules import visibility_for
from safeguarding.risk.models import IndicatorHit, Level, Override, RiskAssessment, ScoringRun
from safeguarding.risk.models import Trajectory as T

# How long what is the same for every user of a run (its list; the filters' choices and school
# names in risk.queries) is kept: a new run has its own keys at once; this bounds how long a
# person's changed display name (or a record merged away by relinking), or an added agency or
# school, takes to show.
RUN_CACHE_SECONDS = 300
FLAGGED = (Level.MEDIUM, Level.HIGH)
# The ranks the sorts use (the page's SQL once computed them with CASE).
LEVEL_RANK: dict[str, int] = {Level.HIGH: 3, Level.MEDIUM: 2, Level.LOW: 1}
TREND_RANK: dict[str, int] = {T.RISING: 4, T.NEW: 3, T.STEADY: 2, T.FALLING: 1}
NEW_FIRST_RANK: dict[str, int] = {T.NEW: 4, T.RISING: 3, T.STEADY: 2, T.FALLING: 1}
AGE_BANDS = {  # the filter's bands: label, youngest, oldest
    "under-10": ("Under 10", 0, 9),
    "10-12": ("10 to 12", 10, 12),
    "13-15": ("13 to 15", 13, 15),
    "16-17": ("16 to 17", 16, 17),
}


@dataclass(frozen=True, slots=True)
class Entry:
    """One assessment of a run, as the run stored it (the computed level, not the one in
    force)."""

    person_id: int
    name: str
    score: float
    level: str
    rules_applied: str
    trajectory: str
    previous_score: float | None
    age: int | None
    community_area: str
    school_urn: str
    agencies: str  # ",code,code,"
    exploitation_types: str  # ",cce,cse,"
    hits: tuple[tuple[str, str], ...]  # (indicator id, recency), highest weight first

    @property
    def trend(self) -> str:
        return str(T(self.trajectory).label)


@dataclass(frozen=True)
class TrackerList:
    """The run's entries this user may see, filtered and sorted, with the levels in force."""

    entries: list[Entry]
    overrides: dict[int, str]  # person id: the level a professional set, in force now
    counts: dict[str, int]
    restricted_flagged: int  # restricted people hidden from this user, at medium or high

    def level_of(self, entry: Entry) -> str:
        return self.overrides.get(entry.person_id, entry.level)


def tracker_list(*, run: ScoringRun, filters, user) -> TrackerList:
    """The tracker for this user: the cached run, then their need to know, the overrides in
    force, the filters and the sort (three queries at most, however many people the run
    holds). `user` None is the operator's command line, which sees everyone."""
    entries = run_entries(run)
    overrides = dict(Override.objects.filter(active=True).values_list("person_id", "level"))
    if user is None:
        listed, restricted_flagged = list(entries), 0
    else:
        visibility = visibility_for(user=user)
        restricted_flagged = sum(
            1 for e in entries if e.level in FLAGGED and e.person_id in visibility.restricted_hidden
        )
        listed = [e for e in entries if visibility.may_open(e.person_id)]
    listed = _filtered(listed, filters=filters, run=run, overrides=overrides)
    listed = _sorted(listed, sort=filters.sort, overrides=overrides)
    counts = {"total": len(listed), "high": 0, "medium": 0, "rising": 0}
    for entry in listed:
        level = overrides.get(entry.person_id, entry.level)
        if level in (Level.HIGH, Level.MEDIUM):
            counts[level] += 1
        if entry.trajectory == T.RISING:
            counts["rising"] += 1
    return TrackerList(listed, overrides, counts, restricted_flagged)


def _filtered(entries: list[Entry], *, filters, run, overrides) -> list[Entry]:
    if filters.area:
        entries = [e for e in entries if e.community_area == filters.area]
    if filters.school:
        entries = [e for e in entries if e.school_urn == filters.school]
    if filters.level:
        entries = [e for e in entries if overrides.get(e.person_id, e.level) == filters.level]
    if filters.exploitation_type:
        wanted = f",{filters.exploitation_type},"
        entries = [e for e in entries if wanted in e.exploitation_types]
    if filters.agency:
        wanted = f",{filters.agency},"
        entries = [e for e in entries if wanted in e.agencies]
    if filters.age_band in AGE_BANDS:
        _, youngest, oldest = AGE_BANDS[filters.age_band]
        entries = [e for e in entries if e.age is not None and youngest <= e.age <= oldest]
    elif filters.age_band == "unknown":
        entries = [e for e in entries if e.age is None]
    if filters.new_since is not None:
        entries = [e for e in entries if overrides.get(e.person_id, e.level) in FLAGGED]
        reference = latest_run(as_of=filters.new_since)
        if reference is not None and reference.pk != run.pk:
            known = {e.person_id for e in run_entries(reference) if e.level in FLAGGED}
            entries = [e for e in entries if e.person_id not in known]
    return entries


def latest_run(*, as_of: datetime.date | None = None) -> ScoringRun | None:
    """The run in force on a date (the latest run when no date is given)."""
    runs = ScoringRun.objects.filter(complete=True)
    if as_of is not None:
        runs = runs.filter(as_of__lte=as_of)
    return runs.order_by("-as_of", "-computed_at").first()


def _sorted(entries: list[Entry], *, sort: str, overrides: dict[int, str]) -> list[Entry]:
    """The entries arrive highest score first (ties by person): each sort below is stable, so
    that order breaks its ties, as the page's SQL once did with `-score, person_id`."""
    if sort == "level":
        return sorted(
            entries, key=lambda e: -LEVEL_RANK.get(overrides.get(e.person_id, e.level), 0)
        )
    if sort == "trend":
        return sorted(entries, key=lambda e: -TREND_RANK.get(e.trajectory, 0))
    if sort == "new":
        return sorted(entries, key=lambda e: -NEW_FIRST_RANK.get(e.trajectory, 0))
    if sort == "age":  # unknown ages last
        return sorted(entries, key=lambda e: (e.age is None, e.age or 0))
    if sort == "area":
        return sorted(entries, key=lambda e: e.community_area)
    if sort == "name":
        return sorted(entries, key=lambda e: (e.name, e.person_id))
    return entries


# -- the cache ------------------------------------------------------------------------------

# Each process keeps the entries it last read beside the shared cache's token for them: while
# the shared cache still holds that token, the process's copy is the cached one (a request then
# reads a few bytes from the cache, not thousands of rows). When the shared entry goes (its time
# is up, or the cache is cleared) every process reads again.
_in_process: dict[str, tuple[str, tuple[Entry, ...]]] = {}
_reading = threading.Lock()
# The latest run and a few a user may pick with "As of": a few megabytes each for a county.
RUNS_KEPT_IN_PROCESS = 4


def _run_key(run: ScoringRun) -> str:
    # The run's id and when it was computed: a re-scored run, or an id reused after a database
    # was restored, never meets another's entries.
    return f"risk:tracker-entries:{run.pk}:{run.computed_at.isoformat()}"


def run_entries(run: ScoringRun) -> tuple[Entry, ...]:
    """Every assessment of the run, highest score first: from this process's memory, the
    shared cache, or the database (two queries), in that order."""
    key = _run_key(run)
    token = cache.get(f"{key}:token")
    kept = _in_process.get(key)
    if token is not None and kept is not None and kept[0] == token:
        return kept[1]
    with _reading:  # one thread of a process reads; the others wait and take its copy
        token = cache.get(f"{key}:token")
        kept = _in_process.get(key)
        if token is not None and kept is not None and kept[0] == token:
            return kept[1]
        stored = cache.get(key) if token is not None else None
        if stored is None or stored[0] != token:
            token, entries = uuid.uuid4().hex, _read_entries(run)
            cache.set(key, (token, entries), RUN_CACHE_SECONDS)
            cache.set(f"{key}:token", token, RUN_CACHE_SECONDS)
        else:
            entries = stored[1]
        _in_process.pop(key, None)
        while len(_in_process) >= RUNS_KEPT_IN_PROCESS:  # the run read longest ago goes
            del _in_process[next(iter(_in_process))]
        _in_process[key] = (token, entries)
        return entries


def _read_entries(run: ScoringRun) -> tuple[Entry, ...]:
    hits: dict[int, list[tuple[str, str]]] = {}
    for assessment_id, indicator_id, recency in (
        IndicatorHit.objects.filter(assessment__run=run)
        .order_by("assessment_id", "-weight", "indicator_id")
        .values_list("assessment_id", "indicator_id", "recency")
    ):
        hits.setdefault(assessment_id, []).append((indicator_id, recency))
    entries = tuple(
        Entry(
            person_id=row[1],
            name=row[2],
            score=row[3],
            level=row[4],
            rules_applied=row[5],
            trajectory=row[6],
            previous_score=row[7],
            age=row[8],
            community_area=row[9],
            school_urn=row[10],
            agencies=row[11],
            exploitation_types=row[12],
            hits=tuple(hits.get(row[0], ())),
        )
        for row in RiskAssessment.objects.filter(run=run)
        .order_by("-score", "person_id")
        .values_list(
            "pk",
            "person_id",
            "person__display_name",
            "score",
            "level",
            "rules_applied",
            "trajectory",
            "previous_score",
            "age",
            "community_area",
            "school_urn",
            "agencies",
            "exploitation_types",
        )
    )
    return entries
