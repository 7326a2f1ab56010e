"""The demo's panel: a fortnightly VACS panel for young people and a monthly one for contexts,
the last meeting held a fortnight ago with its minutes agreed and actions open (one overdue),
the next meeting planned for today with its agenda built, and a place taken through the
Contextual Safeguarding workflow to a plan. Made once: a second run changes nothing."""

import datetime
from dataclasses import dataclass

from django.db import transaction

from safeguarding.access.models import User
from safeguarding.contexts import services as contexts
from safeguarding.contexts.models import Context, ContextKind, Partner, StepKind
from safeguarding.panel import services
from safeguarding.panel.agenda import build_agenda
from safeguarding.panel.models import Attendance, DecisionKind, MeetingSeries, SeriesKind

SERIES = "VACS panel"
CONTEXTS_SERIES = "Contexts panel"


@dataclass(frozen=True)
class DemoPanel:
    created: bool
    last_meeting: int | None = None
    next_meeting: int | None = None
    items_last: int = 0
    items_next: int = 0
    open_actions: int = 0


def plan_demo_panel(*, today: datetime.date) -> DemoPanel:
    if MeetingSeries.objects.filter(name=SERIES).exists():
        return DemoPanel(created=False)
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["chair", "police", "health", "voluntary"])
    }
    if len(users) < 4:
        return DemoPanel(created=False)
    chair, police, health, voluntary = (
        users[n] for n in ("chair", "police", "health", "voluntary")
    )
    with transaction.atomic():
        series = MeetingSeries.objects.create(
            name=SERIES, kind=SeriesKind.CHILDREN, every_days=14, chair=chair
        )
        series.members.set([police, health, voluntary])
        places = MeetingSeries.objects.create(
            name=CONTEXTS_SERIES,
            kind=SeriesKind.CONTEXTS,
            every_days=28,
            chair=chair,
            co_chair=police,
        )
        places.members.set([police, voluntary])
        held = today - datetime.timedelta(days=14)
        last = services.plan_meeting(series=series, held_on=held)
        build_agenda(meeting=last, today=held)
        services.record_attendance(
            meeting=last,
            attendance={
                chair.pk: Attendance.PRESENT,
                police.pk: Attendance.PRESENT,
                health.pk: Attendance.APOLOGIES,
                voluntary.pk: Attendance.PRESENT,
            },
        )
        items = list(last.agenda_items.filter(person__isnull=False).order_by("order")[:3])
        plans = [
            (
                DecisionKind.STRATEGY_MEETING,
                "Missing three times this month, found with older males; escalated.",
                [
                    (
                        police,
                        "Share intelligence on the address where found with the missing team",
                        -3,
                    ),
                    (chair, "Convene a strategy meeting with police and school", 7),
                ],
            ),
            (
                DecisionKind.KEEP_ON_TRACKER,
                "Concerns rising but engaging with youth work; review next panel.",
                [(voluntary, "Offer weekly detached youth work sessions", 10)],
            ),
            (
                DecisionKind.REFER_TO_NRM,
                "Indicators of criminal exploitation (county lines); NRM referral agreed.",
                [(police, "Submit the NRM referral", -1)],
            ),
        ]
        for item, (kind, reason, actions) in zip(items, plans, strict=False):
            services.record_discussion(item=item, notes=f"Partners shared updates. {reason}")
            if kind == DecisionKind.KEEP_ON_TRACKER:
                item.voluntary_sector_invited = True
                item.save(update_fields=["voluntary_sector_invited"])
            decision = services.record_decision(
                item=item, kind=kind, reason=reason, decided_by=chair
            )
            for owner, description, days in actions:
                services.add_action(
                    decision=decision,
                    description=description,
                    owner=owner,
                    owner_agency=owner.agency,
                    due_on=today + datetime.timedelta(days=days),
                )
        services.close_meeting(
            meeting=last, summary="Three young people discussed in depth; others noted."
        )
        services.agree_minutes(meeting=last, agreed_by=chair)
        context = _demo_context(chair=chair, police=police, today=today)
        following = services.plan_meeting(series=series, held_on=today)
        build_agenda(meeting=following, today=today)
        place_meeting = services.plan_meeting(
            series=places, held_on=today + datetime.timedelta(days=7)
        )
        build_agenda(meeting=place_meeting, today=today + datetime.timedelta(days=7))
        if not place_meeting.agenda_items.filter(context=context).exists():
            services.add_item(meeting=place_meeting, context=context, reason="Plan review")
    return DemoPanel(
        created=True,
        last_meeting=last.pk,
        next_meeting=following.pk,
        items_last=last.agenda_items.count(),
        items_next=following.agenda_items.count(),
        open_actions=sum(
            1
            for item in last.agenda_items.all()
            for d in item.decisions.all()
            for a in d.actions.all()
            if a.status == "open"
        ),
    )


def _demo_context(*, chair, police, today: datetime.date) -> Context:
    """A park referred by the police, through screening, assessment and a conference, to a plan."""
    started = today - datetime.timedelta(days=60)
    context = contexts.refer_context(
        kind=ContextKind.LOCATION,
        name="Riverside park and the skate park",
        referred_by=police,
        reason="Young people reported missing are repeatedly found here late at night.",
        occurred_on=started,
    )
    steps = [
        (
            StepKind.SCREENING,
            7,
            "Meets the threshold: several young people on the tracker, adults seen.",
            {},
        ),
        (
            StepKind.ASSESSMENT,
            21,
            "Neighbourhood assessment completed with youth work and the council's parks team.",
            {
                "triangle": {
                    "harm": {
                        "rating": "significant",
                        "notes": "Drug supply to under-16s after dark.",
                    },
                    "guardianship": {
                        "rating": "some",
                        "notes": "Café staff willing to act as guardians.",
                    },
                    "environment": {
                        "rating": "significant",
                        "notes": "No lighting by the skate park.",
                    },
                }
            },
        ),
        (StepKind.CONFERENCE, 35, "Context conference: partners agree a plan for the park.", {}),
    ]
    for kind, day, summary, details in steps:
        contexts.record_step(
            context=context,
            kind=kind,
            author=chair,
            summary=summary,
            occurred_on=started + datetime.timedelta(days=day),
            details=details,
        )
    contexts.record_step(
        context=context,
        kind=StepKind.PLAN,
        author=chair,
        summary="Safety plan: guardianship, lighting, patrols and detached youth work.",
        occurred_on=started + datetime.timedelta(days=40),
        review_due=today + datetime.timedelta(days=7),
    )
    for partner, text, days in (
        (Partner.POLICE, "Evening patrols Thursday to Saturday", 14),
        (Partner.YOUTH_WORK, "Detached youth work at the skate park twice a week", 30),
        (Partner.COMMUNITY_SAFETY, "Ask the council to light the skate park path", 45),
    ):
        contexts.add_plan_action(
            context=context,
            description=text,
            partner=partner,
            due_on=today + datetime.timedelta(days=days),
        )
    return context
