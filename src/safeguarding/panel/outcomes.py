"""What happened next for a young person or a context taken to panel: levels when first
discussed and now, and incidents, missing episodes and crises in the same length of time before
and after (for a context: its events, at its place and involving its young people).
The partnership reads these to see whether panel intervention helps (the board's reports
gather them later)."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Min, Q
from django.utils import timezone

from safeguarding.contexts.queries import context_events
from safeguarding.panel.models import AgendaItem
from safeguarding.people.enumerations import EventType
from safeguarding.people.models import Event, Person
from safeguarding.risk.models import Level, RiskAssessment

OUTCOME_KINDS = {
    "incidents": (EventType.INCIDENT, EventType.ARREST),
    "missing_episodes": (EventType.MISSING_EPISODE,),
    "crises": (EventType.ED_ATTENDANCE,),
}
NOT_SCORED = "Not scored"
LEVEL_LABELS = [Level.HIGH.label, Level.MEDIUM.label, Level.LOW.label, Level.NONE.label, NOT_SCORED]
ROW_LABELS = {
    "incidents": "Police incidents and arrests",
    "missing_episodes": "Missing episodes",
    "crises": "Emergency department attendances",
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
        return [(ROW_LABELS[k], self.before[k], self.after[k]) for k in OUTCOME_KINDS]


def outcome_for_person(*, person, today: datetime.date | None = None) -> Outcome | None:
    """None when the young person has not yet been discussed at a meeting that has been held."""
    window = _since_first_panel(AgendaItem.objects.filter(person=person), today=today)
    if window is None:
        return None
    levels = RiskAssessment.objects.filter(person=person).order_by("run__as_of", "run__pk")
    then = levels.filter(run__as_of__lte=window.first).last()
    now = levels.last()
    conditions = {name: Q(event_type__in=kinds) for name, kinds in OUTCOME_KINDS.items()}
    totals = Event.objects.filter(involvements__person=person).aggregate(
        **window.counts(conditions)
    )
    return Outcome(
        first_discussed=window.first,
        level_then=Level(then.level).label if then else NOT_SCORED,
        level_now=Level(now.level).label if now else NOT_SCORED,
        days_since=window.days,
        before={k: totals[f"{k}_before"] for k in OUTCOME_KINDS},
        after={k: totals[f"{k}_after"] for k in OUTCOME_KINDS},
    )


@dataclass(frozen=True)
class _Window:
    """The first held panel, and as long a time before it as has passed since."""

    first: datetime.date
    days: int
    before: Q
    after: Q

    def counts(self, conditions: dict[str, Q]) -> dict[str, Count]:
        """For aggregate(): each condition's distinct events before (`NAME_before`) and since
        (`NAME_after`) the first panel."""
        counts = {}
        for name, condition in conditions.items():
            counts[f"{name}_before"] = Count("pk", distinct=True, filter=condition & self.before)
            counts[f"{name}_after"] = Count("pk", distinct=True, filter=condition & self.after)
        return counts


def _since_first_panel(items, *, today: datetime.date | None) -> _Window | None:
    today = today or timezone.localdate()
    first = items.filter(meeting__held_on__lte=today).aggregate(first=Min("meeting__held_on"))[
        "first"
    ]
    if first is None:
        return None
    days = max((today - first).days, 1)
    start = datetime.datetime.combine(first, datetime.time(), tzinfo=datetime.UTC)
    return _Window(
        first=first,
        days=days,
        before=Q(occurred_at__gte=start - datetime.timedelta(days=days), occurred_at__lt=start),
        after=Q(occurred_at__gte=start),
    )


@dataclass(frozen=True)
class MemberLevels:
    person_id: int
    name: str
    level_then: str
    level_now: str


@dataclass(frozen=True)
class ContextOutcome:
    """For a context: its events (at its place, involving its young people) in the same length
    of time before and after its first panel, and its young people's levels then and now."""

    first_discussed: datetime.date
    days_since: int
    rows: list[tuple[str, int, int]]
    members: list[MemberLevels]

    @property
    def levels(self) -> list[tuple[str, int, int]]:
        """How many of the young people were at each level then and now."""
        return [
            (
                label,
                sum(1 for m in self.members if m.level_then == label),
                sum(1 for m in self.members if m.level_now == label),
            )
            for label in LEVEL_LABELS
        ]


def outcome_for_context(
    *, context, people: set[int], today: datetime.date | None = None
) -> ContextOutcome | None:
    """None until the context has been discussed at a meeting that has been held. `people` are
    its young people the reader may see: events and levels are theirs (and the place's)."""
    window = _since_first_panel(AgendaItem.objects.filter(context=context), today=today)
    if window is None:
        return None
    kinds: dict[str, tuple[str, Q]] = {"all": ("Events here or involving its young people", Q())}
    if context.location_id:
        kinds["here"] = ("At the place itself", Q(location_id=context.location_id))
    for name, types in OUTCOME_KINDS.items():
        kinds[name] = (ROW_LABELS[name], Q(event_type__in=types))
    totals = context_events(context=context, people=people).aggregate(
        **window.counts({name: condition for name, (_, condition) in kinds.items()})
    )
    return ContextOutcome(
        first_discussed=window.first,
        days_since=window.days,
        rows=[
            (label, totals[f"{name}_before"], totals[f"{name}_after"])
            for name, (label, _) in kinds.items()
        ],
        members=_member_levels(people=people, first=window.first),
    )


def _member_levels(*, people: set[int], first: datetime.date) -> list[MemberLevels]:
    """Each young person's level on the run in force at the first panel and on the latest."""
    assessments = (
        RiskAssessment.objects.filter(person_id__in=people)
        .select_related("person")
        .order_by("person_id", "run__as_of", "run__pk")
        .values_list("person_id", "person__display_name", "run__as_of", "level")
    )
    then: dict[int, str] = {}
    now: dict[int, str] = {}
    names: dict[int, str] = {}
    for person_id, name, as_of, level in assessments:
        names[person_id] = name or f"Young person {person_id}"
        if as_of <= first:
            then[person_id] = Level(level).label
        now[person_id] = Level(level).label
    for person_id, name in Person.objects.filter(pk__in=set(people) - set(names)).values_list(
        "pk", "display_name"
    ):
        names[person_id] = name or f"Young person {person_id}"
    return [
        MemberLevels(
            person_id=person_id,
            name=names[person_id],
            level_then=then.get(person_id, NOT_SCORED),
            level_now=now.get(person_id, NOT_SCORED),
        )
        for person_id in sorted(names, key=lambda p: (names[p], p))
    ]
