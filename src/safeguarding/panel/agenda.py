"""The agenda that builds itself: each rule is a plain function giving proposed items, with the
reason in words; `build_agenda` merges them (one item per young person or context, reasons
joined), leaves out what is already on the agenda, and writes them for the chair to edit.

Rules (docs/panel.md): young people newly high or rising on the tracker since the last meeting,
level overrides due for review, young people and contexts with overdue panel actions, contexts
due for review, new emerging hotspots and other contexts proposed from the evidence.
Restricted records are never put on an agenda by a rule: the tracker hides them from those not
named on them, and so does the agenda (the chair is told how many were left out).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from safeguarding.access.models import Agency
from safeguarding.contexts.models import Context
from safeguarding.contexts.proposals import propose_contexts, proposed_since
from safeguarding.contexts.queries import contexts_due_for_review
from safeguarding.panel.models import (
    Action,
    ActionStatus,
    AgendaItem,
    ItemRule,
    Meeting,
    SeriesKind,
)
from safeguarding.risk.models import Level, Override, RiskAssessment, ScoringRun, Trajectory
from safeguarding.risk.tracker import latest_run as latest_scoring_run

MAX_PER_RULE = 15  # the highest-scoring first; the chair adds more by hand
MINUTES: dict[str, int] = {
    ItemRule.NEWLY_HIGH: 15,
    ItemRule.RISING: 10,
    ItemRule.OVERRIDE_DUE: 5,
    ItemRule.OVERDUE_ACTIONS: 5,
    ItemRule.CONTEXT_REVIEW: 15,
    ItemRule.EMERGING_HOTSPOT: 10,
    ItemRule.PROPOSED_CONTEXT: 10,
}
# The lead agency suggested for a young person: the first of these involved with them.
LEAD_PREFERENCE = (
    "childrens-social-care",
    "missing-service",
    "youth-justice",
    "wiltshire-police",
    "education",
    "health",
)
PERSON_RULES = {ItemRule.NEWLY_HIGH, ItemRule.RISING, ItemRule.OVERRIDE_DUE}
CONTEXT_RULES = {ItemRule.CONTEXT_REVIEW, ItemRule.EMERGING_HOTSPOT, ItemRule.PROPOSED_CONTEXT}


@dataclass(frozen=True)
class Proposal:
    rule: str
    reason: str
    person_id: int | None = None
    context_id: int | None = None
    lead_agency_code: str = ""
    weight: float = 0.0  # orders proposals within a rule (the score, days overdue)

    @property
    def key(self) -> tuple[str, int]:
        return ("person", self.person_id) if self.person_id else ("context", self.context_id or 0)


@dataclass
class RuleResult:
    proposals: list[Proposal]
    left_out: int = 0  # beyond MAX_PER_RULE
    restricted: int = 0  # restricted records the rule found and did not propose


@dataclass
class BuildSummary:
    added: int = 0
    by_rule: dict[str, int] = field(default_factory=dict)
    left_out: dict[str, int] = field(default_factory=dict)  # by rule
    restricted: int = 0
    escalated: int = 0

    def message(self) -> str:
        """What the chair reads after building the agenda."""

        def count(n: int, word: str) -> str:
            return f"{n} {word}{'s' if n != 1 else ''}"

        text = f"{count(self.added, 'item')} added from the tracker and the evidence."
        if self.left_out:
            text += (
                f" {sum(self.left_out.values())} more met a rule but were left out (the "
                "highest first); add them by hand if needed."
            )
        if self.restricted:
            text += (
                f" {count(self.restricted, 'restricted record')} met a rule and not added: "
                "ask the data protection officer."
            )
        if self.escalated:
            text += f" {count(self.escalated, 'overdue action')} escalated."
        return text


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """The meeting before this one in its series (any meeting, when it has no series)."""
    earlier = Meeting.objects.filter(held_on__lt=meeting.held_on).exclude(pk=meeting.pk)
    if meeting.series_id:
        earlier = earlier.filter(series_id=meeting.series_id)
    return earlier.order_by("-held_on", "-pk").first()


def _run_on(day: datetime.date | None) -> ScoringRun | None:
    return latest_scoring_run(as_of=day)


def _capped(proposals: list[Proposal], restricted: int = 0) -> RuleResult:
    proposals.sort(key=lambda p: -p.weight)
    return RuleResult(
        proposals=proposals[:MAX_PER_RULE],
        left_out=max(0, len(proposals) - MAX_PER_RULE),
        restricted=restricted,
    )


def _lead(agencies: str) -> str:
    return next((code for code in LEAD_PREFERENCE if f",{code}," in agencies), "")


def newly_high_or_rising(*, since: datetime.date | None, today: datetime.date) -> RuleResult:
    """Young people high on the latest run who were not high on the run in force at the last
    meeting (newly high), and those rising to medium or high (rising)."""
    current = _run_on(today)
    if current is None:
        return RuleResult([])
    before = _run_on(since) if since else None
    if before is not None and before.pk == current.pk:
        return RuleResult([])  # nothing scored since the last meeting
    rows = RiskAssessment.objects.filter(run=current).filter(
        Q(level=Level.HIGH) | Q(level=Level.MEDIUM, trajectory=Trajectory.RISING)
    )
    was_high: set[int] = set()
    if before is not None:
        was_high = set(
            RiskAssessment.objects.filter(run=before, level=Level.HIGH).values_list(
                "person_id", flat=True
            )
        )
    proposals, restricted = [], 0
    for person_id, level, trajectory, score, previous, agencies, hidden in rows.values_list(
        "person_id",
        "level",
        "trajectory",
        "score",
        "previous_score",
        "agencies",
        "person__restricted",
    ):
        if level == Level.HIGH and person_id not in was_high:
            rule = ItemRule.NEWLY_HIGH
            reason = f"High on the tracker as of {current.as_of:%d %B %Y} (score {score:.0f})"
            if trajectory == Trajectory.NEW:
                reason += ", newly identified"
        elif trajectory == Trajectory.RISING and (before is None or person_id not in was_high):
            rule = ItemRule.RISING
            reason = (
                f"Rising to {Level(level).label.lower()} (score {previous or 0:.0f} → {score:.0f})"
            )
        else:
            continue
        if hidden:
            restricted += 1
            continue
        proposals.append(
            Proposal(
                rule=rule,
                reason=reason,
                person_id=person_id,
                lead_agency_code=_lead(agencies),
                weight=score,
            )
        )
    high = _capped([p for p in proposals if p.rule == ItemRule.NEWLY_HIGH])
    rising = _capped([p for p in proposals if p.rule == ItemRule.RISING])
    return RuleResult(
        proposals=high.proposals + rising.proposals,
        left_out=high.left_out + rising.left_out,
        restricted=restricted,
    )


def overrides_due(*, today: datetime.date) -> RuleResult:
    """Level overrides in force whose review date has come."""
    rows = Override.objects.filter(active=True, review_by__isnull=False, review_by__lte=today)
    proposals, restricted = [], 0
    for person_id, level, review_by, hidden in rows.values_list(
        "person_id", "level", "review_by", "person__restricted"
    ):
        if hidden:
            restricted += 1
            continue
        proposals.append(
            Proposal(
                rule=ItemRule.OVERRIDE_DUE,
                reason=f"Level set by hand to {Level(level).label.lower()}; "
                f"review due {review_by:%d %B %Y}",
                person_id=person_id,
                weight=(today - review_by).days if review_by else 0,
            )
        )
    return _capped(proposals, restricted)


def overdue_actions(*, today: datetime.date) -> RuleResult:
    """Young people and contexts with panel actions still open after their due date."""
    rows = (
        Action.objects.filter(status=ActionStatus.OPEN, due_on__lt=today)
        .values(
            "decision__agenda_item__person_id",
            "decision__agenda_item__context_id",
            "decision__agenda_item__person__restricted",
        )
        .annotate(count=Count("pk"), oldest=Min("due_on"), agency=Max("owner_agency__code"))
    )
    proposals, restricted = [], 0
    for row in rows:
        if row["decision__agenda_item__person__restricted"]:
            restricted += 1
            continue
        count = row["count"]
        proposals.append(
            Proposal(
                rule=ItemRule.OVERDUE_ACTIONS,
                reason=f"{count} panel action{'s' if count != 1 else ''} overdue "
                f"(due {row['oldest']:%d %B %Y})",
                person_id=row["decision__agenda_item__person_id"],
                context_id=row["decision__agenda_item__context_id"],
                lead_agency_code=row["agency"] or "",
                weight=(today - row["oldest"]).days,
            )
        )
    return _capped(proposals, restricted)


def contexts_for_review(*, today: datetime.date) -> RuleResult:
    return _capped(
        [
            Proposal(
                rule=ItemRule.CONTEXT_REVIEW,
                reason=f"{context.get_kind_display()} at “{context.get_stage_display()}”; "
                f"review due {context.review_due:%d %B %Y}",
                context_id=context.pk,
                weight=(today - context.review_due).days,
            )
            for context in contexts_due_for_review(on=today)
            if context.review_due is not None
        ]
    )


def proposed_contexts(*, since: datetime.date | None) -> RuleResult:
    """Contexts proposed from the evidence since the last meeting: emerging hotspots first."""
    proposals = []
    for context in Context.objects.filter(proposed_since(since)).order_by("pk"):
        hotspot = context.proposed_from.startswith("hotspot:")
        proposals.append(
            Proposal(
                rule=ItemRule.EMERGING_HOTSPOT if hotspot else ItemRule.PROPOSED_CONTEXT,
                reason=context.evidence or "Proposed from the evidence",
                context_id=context.pk,
                weight=2 if hotspot else 1,
            )
        )
    return _capped(proposals)


def proposals_for(meeting: Meeting, *, today: datetime.date) -> list[RuleResult]:
    """Every rule's proposals for the meeting (only the rules for its series' kind)."""
    last = previous_meeting(meeting)
    since = last.held_on if last else None
    kind = meeting.series.kind if meeting.series is not None else None
    results = []
    if kind != SeriesKind.CONTEXTS:
        results += [newly_high_or_rising(since=since, today=today), overrides_due(today=today)]
    results.append(overdue_actions(today=today))
    if kind != SeriesKind.CHILDREN:
        results += [contexts_for_review(today=today), proposed_contexts(since=since)]
    if kind is not None:
        allowed = CONTEXT_RULES if kind == SeriesKind.CONTEXTS else PERSON_RULES
        allowed = allowed | {ItemRule.OVERDUE_ACTIONS}
        for result in results:
            result.proposals = [
                p
                for p in result.proposals
                if p.rule in allowed
                and (p.person_id if kind == SeriesKind.CHILDREN else p.context_id)
            ]
    return results


def escalate_overdue(*, today: datetime.date) -> int:
    """Mark open actions past their due date as escalated (once): the chair sees them, and
    they go on every agenda until they close."""
    return Action.objects.filter(
        status=ActionStatus.OPEN, due_on__lt=today, escalated_at__isnull=True
    ).update(escalated_at=timezone.now())


def build_agenda(*, meeting: Meeting, today: datetime.date | None = None) -> BuildSummary:
    """Add the rules' items to the meeting's agenda after those already on it."""
    today = today or timezone.localdate()
    summary = BuildSummary(escalated=escalate_overdue(today=today))
    if meeting.series is None or meeting.series.kind != SeriesKind.CHILDREN:
        propose_contexts(on=today)
    results = proposals_for(meeting, today=today)
    merged: dict[tuple[str, int], list[Proposal]] = defaultdict(list)
    for result in results:
        summary.restricted += result.restricted
        for proposal in result.proposals:
            merged[proposal.key].append(proposal)
        for proposal in result.proposals[:1]:
            if result.left_out:
                summary.left_out[proposal.rule] = (
                    summary.left_out.get(proposal.rule, 0) + result.left_out
                )
    existing = meeting.agenda_items.values_list("person_id", "context_id")
    already = {("person", p) if p else ("context", c) for p, c in existing}
    agencies = dict(Agency.objects.values_list("code", "pk"))
    order = (meeting.agenda_items.aggregate(last=Max("order"))["last"] or 0) + 1
    items = []
    for key, proposals in merged.items():
        if key in already:
            continue
        first = proposals[0]
        lead = next((p.lead_agency_code for p in proposals if p.lead_agency_code), "")
        items.append(
            AgendaItem(
                meeting=meeting,
                order=order,
                person_id=first.person_id,
                context_id=None if first.person_id else first.context_id,
                rule=first.rule,
                reason="; ".join(p.reason for p in proposals),
                lead_agency_id=agencies.get(lead),
                minutes_allotted=max(MINUTES[p.rule] for p in proposals),
                voluntary_sector_invited=False,
            )
        )
        order += 1
        summary.by_rule[first.rule] = summary.by_rule.get(first.rule, 0) + 1
    with transaction.atomic():
        AgendaItem.objects.bulk_create(items)
        meeting.agenda_built_at = timezone.now()
        meeting.save(update_fields=["agenda_built_at"])
    summary.added = len(items)
    return summary
