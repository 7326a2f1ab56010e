"""What each role opens the service for, gathered for its home page: plain functions over
several stages' tables (so they live in web), each a few queries."""

import datetime

from django.db.models import Count, Q
from django.utils import timezone

from safeguarding.access.models import AuditAction, AuditEvent, AuditObject
from safeguarding.linkage.queries import queue_summary
from safeguarding.panel import queries as panel_queries
from safeguarding.people.access_rules import people_visible_to
from safeguarding.risk.models import Level, RiskAssessment, ScoringRun, Trajectory
from safeguarding.risk.queries import TrackerFilters
from safeguarding.risk.tracker import FLAGGED, Entry, latest_run, tracker_list
from safeguarding.sources.models import ImportBatch, ImportStatus

RECENT = datetime.timedelta(days=14)
# Outside these local hours a read of a young person's record is listed for the auditor.
WORKING_HOURS = (7, 19)
# A user who opens more records than this in a day is listed for the auditor.
MANY_VIEWS_A_DAY = 50


def new_high_and_rising(*, user, limit: int = 10) -> list[Entry]:
    """For the panel chair: the young people at high level (in force) who are newly identified
    or rising in the latest scoring, highest score first, as the user may see them (the
    tracker's own list and rules)."""
    run = latest_run()
    if run is None:
        return []
    listed = tracker_list(run=run, filters=TrackerFilters(level=Level.HIGH), user=user)
    rising = [e for e in listed.entries if e.trajectory in (Trajectory.NEW, Trajectory.RISING)]
    return rising[:limit]


def recently_viewed(*, user, limit: int = 10) -> list[dict]:
    """For the practitioner: the young people they opened lately, newest first, from the audit
    trail (whose records they may still open)."""
    seen: dict[str, datetime.datetime] = {}
    for object_id, occurred_at in (
        AuditEvent.objects.filter(
            username=user.username,
            action=AuditAction.VIEW,
            object_type=AuditObject.PERSON,
            occurred_at__gte=timezone.now() - datetime.timedelta(days=90),
        )
        .order_by("-sequence")
        .values_list("object_id", "occurred_at")[:500]
    ):
        if object_id.isdigit():
            seen.setdefault(object_id, occurred_at)
        if len(seen) >= limit:
            break
    people = people_visible_to(user=user).in_bulk([int(pk) for pk in seen])
    return [
        {"person": people[int(pk)], "viewed_at": when}
        for pk, when in seen.items()
        if int(pk) in people
    ]


def analyst_overview(*, user) -> dict:
    """For the analyst: imports that failed or quarantined rows lately, the linkage queue, the
    last scoring run."""
    since = timezone.now() - RECENT
    attention = (
        ImportBatch.objects.filter(started_at__gte=since)
        .annotate(quarantined=Count("quarantined_rows"))
        .filter(Q(status=ImportStatus.FAILED) | Q(quarantined__gt=0))
        .select_related("feed")
        .order_by("-started_at")[:10]
    )
    return {
        "imports": list(attention),
        "queue": queue_summary(user=user),
        "last_run": ScoringRun.objects.filter(complete=True).order_by("-computed_at").first(),
    }


def auditor_overview() -> dict:
    """For the auditor: how many refusals lately, and how much unusual access (break-glass
    grants, reads of records out of hours, anyone opening an unusual number of records in a
    day). Counts only, so the page names nobody and asks no purpose; each links to the audit
    log, which does."""
    since = timezone.now() - RECENT
    recent = AuditEvent.objects.filter(occurred_at__gte=since)
    start, end = WORKING_HOURS
    reads = recent.filter(object_type=AuditObject.PERSON, action=AuditAction.VIEW)
    out_of_hours = sum(
        1
        for moment in reads.values_list("occurred_at", flat=True)[:5000]
        if not start <= timezone.localtime(moment).hour < end
    )
    busy = (
        reads.values("username", "occurred_at__date")
        .annotate(views=Count("pk"))
        .filter(views__gt=MANY_VIEWS_A_DAY)
        .count()
    )
    return {
        "since": timezone.localdate(since),
        "refusals": recent.filter(action=AuditAction.REFUSED).count(),
        "break_glass": recent.filter(action=AuditAction.BREAK_GLASS).count(),
        "out_of_hours": out_of_hours,
        "busy": busy,
        "working_hours": WORKING_HOURS,
        "many_views": MANY_VIEWS_A_DAY,
    }


def county_overview() -> dict:
    """For the manager: how many young people are at each level in the latest scoring, against
    the scoring before it (counts only: nobody is named)."""
    runs = list(ScoringRun.objects.filter(complete=True).order_by("-as_of", "-computed_at")[:2])
    if not runs:
        return {}

    def counts(run: ScoringRun) -> dict:
        return RiskAssessment.objects.filter(run=run).aggregate(
            high=Count("pk", filter=Q(level=Level.HIGH)),
            medium=Count("pk", filter=Q(level=Level.MEDIUM)),
            rising=Count("pk", filter=Q(trajectory=Trajectory.RISING, level__in=FLAGGED)),
            new=Count("pk", filter=Q(trajectory=Trajectory.NEW, level__in=FLAGGED)),
        )

    now = counts(runs[0])
    before = counts(runs[1]) if len(runs) > 1 else {}
    rows = [
        {
            "label": label,
            "now": now[key],
            "before": before.get(key),
            "change": None if key not in before else now[key] - before[key],
        }
        for key, label in (
            ("high", "High"),
            ("medium", "Medium"),
            ("rising", "Medium or high and rising"),
            ("new", "Medium or high, newly identified"),
        )
    ]
    return {"run": runs[0], "previous": runs[1] if len(runs) > 1 else None, "rows": rows}


def panel_chair_overview(*, user) -> dict:
    return {
        "next_meeting": panel_queries.next_meeting(on_or_after=timezone.localdate()),
        "new_high": new_high_and_rising(user=user),
    }


def practitioner_overview(*, user) -> dict:
    return {
        "actions": panel_queries.open_actions_owned_by(user=user),
        "people": recently_viewed(user=user),
        "today": timezone.localdate(),
    }
