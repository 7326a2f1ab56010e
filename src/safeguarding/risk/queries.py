"""What the risk pages read: the tracker, and one young person's risk with its evidence."""

import datetime
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Prefetch
from django.utils import timezone

from safeguarding.access.models import Agency, AgencyKind
from safeguarding.people.access_rules import (
    is_voluntary_sector,
    may_see_event_type,
    may_see_health_details,
)
from safeguarding.people.models import Event
from safeguarding.people.timeline import when
from safeguarding.places.models import School
from safeguarding.risk.catalogue import DOMAINS, EXPLOITATION_TYPES, Catalogue
from safeguarding.risk.models import (
    IndicatorHit,
    Level,
    Override,
    Recency,
    RiskAssessment,
    ScoringRun,
    Validation,
)
from safeguarding.risk.tracker import AGE_BANDS, RUN_CACHE_SECONDS, Entry, latest_run
from safeguarding.sources.models import Feed

SORTS = {  # the tracker's sorts (risk/tracker.py) and their labels
    "score": "Highest score",
    "level": "Highest level",
    "trend": "Rising first",
    "new": "Newly identified first",
    "age": "Youngest first",
    "area": "Area",
    "name": "Name",
}
LEVEL_TAGS: dict[str, str] = {
    Level.HIGH: "govuk-tag--red",
    Level.MEDIUM: "govuk-tag--orange",
    Level.LOW: "govuk-tag--yellow",
    Level.NONE: "govuk-tag--grey",
}
HEALTH_HIDDEN = "A health indicator (the detail is for health staff and the panel)"


@dataclass(frozen=True)
class TrackerFilters:
    area: str = ""
    school: str = ""
    level: str = ""
    exploitation_type: str = ""
    age_band: str = ""
    agency: str = ""
    new_since: datetime.date | None = None
    sort: str = "score"


def latest_validation() -> Validation | None:
    """The latest check of the tracker against outcomes (risk.evaluation), if any."""
    return Validation.objects.order_by("-computed_at").first()


def indicator_shared(indicator, *, user) -> bool:
    """The voluntary sector sees only indicators drawn wholly from what the panel shares with
    it (missing episodes, return interviews, partners' concerns)."""
    if indicator is None or user is None or not is_voluntary_sector(user):
        return True
    return bool(indicator.event_types) and all(
        may_see_event_type(user=user, event_type=event_type) for event_type in indicator.event_types
    )


def health_hidden(indicator, *, user) -> bool:
    return (
        indicator is not None
        and indicator.domain == "health"
        and user is not None
        and not may_see_health_details(user=user)
    )


def indicator_label(indicator, *, user) -> str:
    if indicator is None:
        return "An indicator no longer in the catalogue"
    if health_hidden(indicator, user=user):
        return HEALTH_HIDDEN
    return indicator.name


def tracker_rows(
    *, entries: Iterable[Entry], overrides: dict[int, str], run: ScoringRun, catalogue, user
) -> list[dict]:
    """Rows of the tracker as this user may see them, for the page and for its download (one
    function, so the two apply the same rules), from the run's cached entries
    (`risk.tracker`): no query however many rows. `user` None is the operator's command line,
    which sees everything. Each row holds plain values, ready to print: the page looks each one
    up once, where a model's attributes and display methods cost the template a fifth of the
    page's time."""
    schools = school_names(run=run)
    agency_kinds = _agency_kinds()
    # How this user is shown each indicator, decided once per indicator rather than once per
    # hit (a download of the whole list holds thousands of hits of a few dozen indicators).
    shown: dict[str, tuple[bool, str, str, bool]] = {}
    rows = []
    for entry in entries:
        indicators: list[dict] = []
        vulnerabilities: list[dict] = []
        unshared = 0
        for indicator_id, recency in entry.hits:
            if indicator_id not in shown:
                shown[indicator_id] = _how_shown(indicator_id, catalogue=catalogue, user=user)
            shared, shown_id, label, vulnerability = shown[indicator_id]
            if not shared:
                unshared += 1
                continue
            # Vulnerabilities are shown apart: they raise risk without being signs of harm.
            part = vulnerabilities if vulnerability else indicators
            part.append({"id": shown_id, "label": label, "current": recency == Recency.CURRENT})
        codes = [code for code in entry.agencies.strip(",").split(",") if code]
        override_level = overrides.get(entry.person_id)
        level = override_level or entry.level
        rows.append(
            {
                "person_id": entry.person_id,
                "name": entry.name,
                "score": entry.score,
                "score_text": _one_decimal(entry.score),
                "level": level,
                "level_tag": LEVEL_TAGS[level],
                "level_label": str(Level(level).label),
                "level_note": _level_note(
                    override_level=override_level, computed=entry.level, rule=entry.rules_applied
                ),
                "trend": entry.trend,
                "previous_score": None
                if entry.previous_score is None
                else _one_decimal(entry.previous_score),
                "age": "–" if entry.age is None else str(entry.age),
                "area": entry.community_area,
                "school": schools.get(entry.school_urn, entry.school_urn),
                # The kinds of service, short, for a compact row (each agency's full name is on
                # the young person's page).
                "known_to": ", ".join(
                    dict.fromkeys(agency_kinds.get(code, code) for code in codes)
                ),
                "indicators": indicators,
                "top_indicators": indicators[:TOP_INDICATORS],
                "more_indicators": indicators[TOP_INDICATORS:],
                "vulnerabilities": vulnerabilities,
                "unshared_indicators": unshared,
            }
        )
    return rows


def _how_shown(indicator_id: str, *, catalogue, user) -> tuple[bool, str, str, bool]:
    """Whether this user is shown the indicator, the id and label they are shown (the download
    names an indicator by id; a hidden one by its domain alone), and whether it is a
    vulnerability."""
    indicator = catalogue.by_id.get(indicator_id)
    hidden = health_hidden(indicator, user=user)
    return (
        indicator_shared(indicator, user=user),
        "health" if hidden else indicator_id,
        indicator_label(indicator, user=user),
        bool(indicator and indicator.is_vulnerability),
    )


# A tracker row lists this many indicators; the rest fold behind "and N more".
TOP_INDICATORS = 3
RULE_NOTES = {
    "under_age": "Raised by the under-13 rule",
    "learning_disability": "Raised by the learning disability rule",
}


def _one_decimal(value: float) -> str:
    """A score as the page prints it: one decimal place, none for a whole number."""
    text = f"{value:.1f}"
    return text.removesuffix(".0")


def _level_note(*, override_level: str | None, computed: str, rule: str) -> str:
    """Why the level in force is not simply the computed one, if it is not."""
    if override_level:
        return f"Set by a professional; computed {Level(computed).label.lower()}"
    if rule:
        return RULE_NOTES.get(rule, "Raised by a rule")
    return ""


def _cached[T](key: str, compute: Callable[[], T]) -> T:
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, RUN_CACHE_SECONDS)
    return value


def _agency_kinds() -> dict[str, str]:
    """Each agency's kind of service, as the tracker's rows name it ("Police", "Health")."""
    return _cached(
        "risk:agency-kinds",
        lambda: {
            code: str(AgencyKind(kind).label) if kind in AgencyKind.values else kind
            for code, kind in Agency.objects.values_list("code", "kind")
        },
    )


def _run_key(run: ScoringRun, what: str) -> str:
    # The run's id and when it was computed: a re-scored run, or an id reused after a
    # database was restored, never meets another's cached values.
    return f"risk:{what}:{run.pk}:{run.computed_at.isoformat()}"


def filter_options(*, run: ScoringRun) -> dict:
    """The choices the tracker's filters offer: only values this run holds. The same for every
    user (the values, not who they lead to), so cached for the run; the list of runs stays
    live."""
    options = _cached(_run_key(run, "filter-options"), lambda: _run_filter_options(run=run))
    return options | {
        "runs": list(
            ScoringRun.objects.filter(complete=True)
            .order_by("-as_of")
            .values_list("as_of", flat=True)[:24]
        )
    }


def school_names(*, run: ScoringRun) -> dict[str, str]:
    """The name of each school the run's young people attend, by URN (cached for the run)."""
    return _cached(_run_key(run, "schools"), lambda: _run_school_names(run=run))


def _run_school_names(*, run: ScoringRun) -> dict[str, str]:
    urns = set(
        RiskAssessment.objects.filter(run=run)
        .exclude(school_urn="")
        .values_list("school_urn", flat=True)
    )
    names = dict(School.objects.filter(urn__in=urns).values_list("urn", "name"))
    return {urn: names.get(urn, urn) for urn in urns}


def _run_filter_options(*, run: ScoringRun) -> dict:
    assessments = RiskAssessment.objects.filter(run=run)
    areas = sorted(
        set(assessments.exclude(community_area="").values_list("community_area", flat=True))
    )
    return {
        "areas": areas,
        "schools": sorted(school_names(run=run).items(), key=lambda s: s[1]),
        "levels": [(level.value, level.label) for level in (Level.HIGH, Level.MEDIUM, Level.LOW)],
        "types": list(EXPLOITATION_TYPES.items()),
        "age_bands": [(key, label) for key, (label, _, _) in AGE_BANDS.items()]
        + [("unknown", "Not known")],
        "agencies": list(Agency.objects.order_by("name").values_list("code", "name")),
        "sorts": list(SORTS.items()),
    }


EXPORT_HEADER = ["person_id", "score", "level", "indicators"]


def export_rows(*, rows: list[dict]) -> list[tuple]:
    """`person_id, score, level, indicators` from the tracker's rows, in their order (level: the
    one in force; indicators: as the page shows them, by id)."""
    return [
        (
            row["person_id"],
            round(row["score"], 2),
            row["level"],
            ";".join(indicator["id"] for indicator in row["indicators"]),
        )
        for row in rows
    ]


# -- one young person ---------------------------------------------------------------------


def latest_assessment(*, person) -> RiskAssessment | None:
    """The person's assessment in the latest run, if it holds one: the computed score and level
    a professional sees beside the level they set."""
    run = latest_run()
    if run is None:
        return None
    return RiskAssessment.objects.filter(run=run, person=person).select_related("run").first()


def person_risk(*, person, catalogue: Catalogue, user) -> dict | None:
    """The person's latest assessment with each indicator's evidence, their history and any
    override in force; None when they have never been assessed. What the latest run fixes
    (`person_run_assessments`) is the same for every reader and cached for the run; the
    override and this user's share of the indicators are read and applied for each request."""
    run = latest_run()
    history, hits_of_latest = (
        _person_run_assessments(person.pk, run.pk, run.computed_at) if run is not None else ([], [])
    )
    override = Override.objects.filter(person=person, active=True).select_related("set_by").first()
    if not history and override is None:
        return None
    latest = history[-1] if history else None
    current = latest is not None and run is not None and latest.run_id == run.pk
    hits, unshared = [], 0
    for hit, evidence, evidence_lines in hits_of_latest if current else []:
        indicator = catalogue.by_id.get(hit.indicator_id)
        if not indicator_shared(indicator, user=user):
            unshared += 1
            continue
        hidden = health_hidden(indicator, user=user)
        hits.append(
            {
                "hit": hit,
                "label": indicator_label(indicator, user=user),
                "domain": DOMAINS.get(indicator.domain, "") if indicator else "",
                "source": "" if hidden or indicator is None else indicator.source,
                "evidence": evidence,
                "evidence_lines": evidence_lines,
                "vulnerability": bool(indicator and indicator.is_vulnerability),
            }
        )
    return {
        "latest": latest if current else None,
        "hits": hits,
        "unshared_indicators": unshared,
        "override": override,
        "history": [{"as_of": a.run.as_of, "score": a.score, "level": a.level} for a in history],
        "chart": history_chart(history),
        "catalogue_version": catalogue.version,
    }


# Each process keeps the young people read most recently, by run: a new run has new keys at
# once. Kept in the process, not the shared cache (a folder capped at 1,000 files, which would
# evict the tracker's lists for thousands of people's small entries). An older date scored
# after the latest run joins a cached history as the entry ages out of this bound.
PEOPLE_KEPT_IN_PROCESS = 2000


@functools.lru_cache(maxsize=PEOPLE_KEPT_IN_PROCESS)
def _person_run_assessments(person_id: int, run_id: int, computed_at) -> tuple[list, list]:
    # The run's id and when it was computed: a re-scored run, or an id reused after a database
    # was restored, never meets another's cached values.
    return person_run_assessments(person_id=person_id, run_id=run_id)


def forget_people_read() -> None:
    """Empty this process's copy (tests; it is never wrong for a run otherwise)."""
    _person_run_assessments.cache_clear()


def person_run_assessments(*, person_id: int, run_id: int) -> tuple[list[RiskAssessment], list]:
    """The person's assessments (oldest first) and, if the run assessed them, its indicator
    hits (highest weight first), each with its evidence, oldest first: four queries however
    many hits. Nothing here depends on who reads it: the same for every user of a run."""
    history = list(
        RiskAssessment.objects.filter(person_id=person_id)
        .select_related("run")
        .order_by("run__as_of", "run__computed_at")
    )
    latest = history[-1] if history else None
    if latest is None or latest.run_id != run_id:
        return history, []
    hits = list(
        IndicatorHit.objects.filter(assessment=latest)
        .prefetch_related(Prefetch("evidence", queryset=Event.objects.order_by("occurred_at")))
        .order_by("-weight", "indicator_id")
    )
    # The feeds and their agencies once (a handful), not once per piece of evidence.
    feeds = Feed.objects.select_related("agency").in_bulk(
        {event.feed_id for hit in hits for event in hit.evidence.all()}
    )
    zone = timezone.get_default_timezone()
    hits_with_evidence = []
    for hit in hits:
        evidence = list(hit.evidence.all())
        for event in evidence:
            event.feed = feeds[event.feed_id]
        # As the page prints each piece, worked out once for the run rather than by the
        # template for every reader.
        lines = [
            f"{when(event.occurred_at, '%-d %b %Y', zone)}: {event.get_event_type_display()}, "
            f"{event.feed.agency.name} ({event.feed.name} row {event.row_number})"
            for event in evidence
        ]
        hits_with_evidence.append((hit, evidence, lines))
    return history, hits_with_evidence


def history_chart(history: list[RiskAssessment], *, width: int = 320, height: int = 80) -> dict:
    """Points for a small line chart of score over time, drawn as SVG by the template."""
    if len(history) < 2:
        return {}
    first, last = history[0].run.as_of, history[-1].run.as_of
    span = max((last - first).days, 1)
    top = max(a.score for a in history) or 1
    points = [
        (
            round(8 + (a.run.as_of - first).days / span * (width - 16), 1),
            round(height - 8 - a.score / top * (height - 16), 1),
        )
        for a in history
    ]
    return {
        "width": width,
        "height": height,
        "points": " ".join(f"{x},{y}" for x, y in points),
        "dots": points,
        "top": top,
    }
