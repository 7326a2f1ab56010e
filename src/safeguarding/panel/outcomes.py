"""What happened next for a young person taken to panel: their level when first discussed and
now, and incidents, missing episodes and crises in the same length of time before and after.
The partnership reads these to see whether panel intervention helps (the board's reports
gather them later)."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Min, Q
from django.utils import timezone

from safeguarding.panel.models import AgendaItem
from safeguarding.people.enumerations import EventType
from safeguarding.people.models import Event
from safeguarding.risk.models import Level, RiskAssessment

OUTCOME_KINDS = {
    "incidents": (EventType.INCIDENT, EventType.ARREST),
    "missing_episodes": (EventType.MISSING_EPISODE,),
    "crises": (EventType.ED_ATTENDANCE,),
}


@dataclass(frozen=True)
class Outcome:
    first_discussed: datetime.date
    level_then: str
    level_now: str
    days_since: int
    before: dict[str, int]
    after: dict[str, int]

    @property
    def rows(self) -> list[tuple[str, int, int]]:
        labels = {
            "incidents": "Police incidents and arrests",
            "missing_episodes": "Missing episodes",
            "crises": "Emergency department attendances",
        }
        return [(labels[k], self.before[k], self.after[k]) for k in OUTCOME_KINDS]


def outcome_for_person(*, person, today: datetime.date | None = None) -> Outcome | None:
    """None when the young person has not yet been discussed at a meeting that has been held."""
    today = today or timezone.localdate()
    first = AgendaItem.objects.filter(person=person, meeting__held_on__lte=today).aggregate(
        first=Min("meeting__held_on")
    )["first"]
    if first is None:
        return None
    days = max((today - first).days, 1)
    levels = RiskAssessment.objects.filter(person=person).order_by("run__as_of", "run__pk")
    then = levels.filter(run__as_of__lte=first).last()
    now = levels.last()
    start = datetime.datetime.combine(first, datetime.time(), tzinfo=datetime.UTC)
    window = datetime.timedelta(days=days)
    counts = {}
    for name, kinds in OUTCOME_KINDS.items():
        counts[f"{name}_before"] = Count(
            "pk",
            distinct=True,
            filter=Q(event_type__in=kinds, occurred_at__gte=start - window, occurred_at__lt=start),
        )
        counts[f"{name}_after"] = Count(
            "pk", distinct=True, filter=Q(event_type__in=kinds, occurred_at__gte=start)
        )
    totals = Event.objects.filter(involvements__person=person).aggregate(**counts)
    return Outcome(
        first_discussed=first,
        level_then=Level(then.level).label if then else "Not scored",
        level_now=Level(now.level).label if now else "Not scored",
        days_since=days,
        before={k: totals[f"{k}_before"] for k in OUTCOME_KINDS},
        after={k: totals[f"{k}_after"] for k in OUTCOME_KINDS},
    )
