"""The agenda that builds itself: each rule, merging, restricted records, the series' kind."""

import datetime

import pytest

from safeguarding.contexts.models import Context, ContextKind, Stage
from safeguarding.panel import services
from safeguarding.panel.agenda import (
    BuildSummary,
    build_agenda,
    escalate_overdue,
    newly_high_or_rising,
    overdue_actions,
    overrides_due,
)
from safeguarding.panel.models import Action, AgendaItem, DecisionKind, ItemRule, Meeting
from safeguarding.panel.queries import carried_forward, escalated_to
from safeguarding.risk.models import Override
from tests.panel.conftest import TODAY, scoring_run

pytestmark = pytest.mark.django_db

LAST_MEETING = TODAY - datetime.timedelta(days=14)


@pytest.fixture
def two_runs(people):
    """Scored before the last meeting and since: Amy stays high, Ben becomes high, Cal rises to
    medium, Dee stays low."""
    amy, ben, cal, dee = people.values()
    scoring_run(
        LAST_MEETING - datetime.timedelta(days=3),
        {amy: ("high", 80, "steady"), ben: ("medium", 40, "steady"), cal: ("low", 10, "new")},
    )
    scoring_run(
        TODAY - datetime.timedelta(days=1),
        {
            amy: ("high", 82, "steady"),
            ben: ("high", 75, "rising", ",missing-service,wiltshire-police,"),
            cal: ("medium", 35, "rising"),
            dee: ("low", 5, "steady"),
        },
    )
    return people


def held(series, on):
    return Meeting.objects.create(series=series, title=series.name, held_on=on, chair=series.chair)


def test_newly_high_and_rising_are_judged_against_the_run_in_force_at_the_last_meeting(two_runs):
    result = newly_high_or_rising(since=LAST_MEETING, today=TODAY)
    rules = {p.person_id: p.rule for p in result.proposals}
    assert rules == {
        two_runs["Ben"].pk: ItemRule.NEWLY_HIGH,
        two_runs["Cal"].pk: ItemRule.RISING,
    }
    ben = next(p for p in result.proposals if p.person_id == two_runs["Ben"].pk)
    assert ben.lead_agency_code == "missing-service"  # before the police in the preference
    assert "score 75" in ben.reason


def test_nothing_scored_since_the_last_meeting_proposes_no_one_from_the_tracker(two_runs):
    assert newly_high_or_rising(since=TODAY, today=TODAY).proposals == []


def test_restricted_records_are_left_out_and_counted(two_runs):
    ben = two_runs["Ben"]
    ben.restricted = True
    ben.save()
    result = newly_high_or_rising(since=LAST_MEETING, today=TODAY)
    assert [p.person_id for p in result.proposals] == [two_runs["Cal"].pk]
    assert result.restricted == 1


def test_overrides_come_back_when_their_review_is_due(people, cast):
    due = Override.objects.create(
        person=people["Amy"],
        level="high",
        reason="r",
        set_by=cast["panel_chair"],
        review_by=TODAY - datetime.timedelta(days=1),
    )
    Override.objects.create(
        person=people["Ben"],
        level="high",
        reason="r",
        set_by=cast["panel_chair"],
        review_by=TODAY + datetime.timedelta(days=10),
    )
    Override.objects.create(
        person=people["Cal"],
        level="high",
        reason="r",
        set_by=cast["panel_chair"],
        review_by=TODAY - datetime.timedelta(days=1),
        active=False,
    )
    result = overrides_due(today=TODAY)
    assert [p.person_id for p in result.proposals] == [due.person_id]
    assert "review due" in result.proposals[0].reason


def _action_on(meeting, person, *, due_on, owner):
    item = services.add_item(meeting=meeting, person=person, reason="By hand")
    decision = services.record_decision(
        item=item, kind=DecisionKind.KEEP_ON_TRACKER, reason="Keep", decided_by=meeting.chair
    )
    return services.add_action(
        decision=decision,
        description="Visit",
        owner=owner,
        owner_agency=owner.agency,
        due_on=due_on,
    )


def test_overdue_actions_escalate_once_and_carry_forward_to_the_next_agenda(series, people, cast):
    last = held(series, LAST_MEETING)
    police = cast["police_panel_member"]
    overdue = _action_on(
        last,
        people["Amy"],
        due_on=TODAY - datetime.timedelta(days=2),
        owner=police,
    )
    _action_on(
        last,
        people["Ben"],
        due_on=TODAY + datetime.timedelta(days=5),
        owner=police,
    )

    result = overdue_actions(today=TODAY)
    assert [p.person_id for p in result.proposals] == [people["Amy"].pk]
    assert result.proposals[0].reason.startswith("1 panel action overdue")

    assert escalate_overdue(today=TODAY) == 1
    assert escalate_overdue(today=TODAY) == 0  # once
    overdue.refresh_from_db()
    assert overdue.escalated_at is not None
    assert escalated_to(user=cast["panel_chair"]) == [overdue]
    assert escalated_to(user=police) == []  # not a chair

    following = held(series, TODAY)
    summary = build_agenda(meeting=following, today=TODAY)
    item = following.agenda_items.get(person=people["Amy"])
    assert item.rule == ItemRule.OVERDUE_ACTIONS
    assert item.lead_agency.code == "wiltshire-police"
    assert summary.by_rule == {ItemRule.OVERDUE_ACTIONS: 1}
    # Both open actions carry forward to the meeting; a closed one no longer does.
    assert {a.pk for a in carried_forward(meeting=following)} == set(
        Action.objects.values_list("pk", flat=True)
    )
    services.close_action(action=overdue, outcome="Visited; safe at home", closed_by=police)
    assert overdue not in carried_forward(meeting=following)


def test_a_young_person_meeting_two_rules_is_one_item_with_both_reasons(series, two_runs, cast):
    Override.objects.create(
        person=two_runs["Ben"],
        level="high",
        reason="r",
        set_by=cast["panel_chair"],
        review_by=TODAY,
    )
    held(series, LAST_MEETING)
    meeting = held(series, TODAY)
    build_agenda(meeting=meeting, today=TODAY)
    ben = meeting.agenda_items.get(person=two_runs["Ben"])
    assert ben.rule == ItemRule.NEWLY_HIGH
    assert "High on the tracker" in ben.reason and "review due" in ben.reason
    assert ben.minutes_allotted == 15
    assert not ben.voluntary_sector_invited  # the chair invites the voluntary sector by hand
    assert meeting.agenda_items.count() == 2  # Ben and Cal


def test_building_again_adds_only_what_is_new_after_the_items_already_there(series, two_runs):
    held(series, LAST_MEETING)
    meeting = held(series, TODAY)
    services.add_item(meeting=meeting, person=two_runs["Cal"], reason="Chair's own reason")
    first = build_agenda(meeting=meeting, today=TODAY)
    assert first.added == 1  # Ben: Cal is already on the agenda
    assert build_agenda(meeting=meeting, today=TODAY).added == 0
    items = list(meeting.agenda_items.order_by("order"))
    assert [(i.person.display_name, i.rule) for i in items] == [
        ("Cal", ItemRule.BY_HAND),
        ("Ben", ItemRule.NEWLY_HIGH),
    ]


def test_a_contexts_series_takes_contexts_due_for_review_and_proposals_not_young_people(
    cast, two_runs
):
    from safeguarding.panel.models import MeetingSeries, SeriesKind

    places = MeetingSeries.objects.create(
        name="Contexts panel", kind=SeriesKind.CONTEXTS, chair=cast["panel_chair"]
    )
    due = Context.objects.create(
        kind=ContextKind.LOCATION,
        name="The park",
        stage=Stage.PLAN,
        review_due=TODAY - datetime.timedelta(days=1),
    )
    Context.objects.create(
        kind=ContextKind.LOCATION,
        name="Later",
        stage=Stage.PLAN,
        review_due=TODAY + datetime.timedelta(days=30),
    )
    Context.objects.create(
        kind=ContextKind.SCHOOL,
        name="Closed",
        stage=Stage.CLOSED,
        review_due=TODAY - datetime.timedelta(days=1),
    )
    proposed = Context.objects.create(
        kind=ContextKind.LOCATION,
        name="New hot spot",
        stage=Stage.PROPOSED,
        proposed_from="hotspot:missing_found:500m-1-2",
        evidence="New hot spot: 9 events.",
    )
    meeting = held(places, TODAY)
    build_agenda(meeting=meeting, today=TODAY)
    items = {i.context_id: i.rule for i in AgendaItem.objects.filter(meeting=meeting)}
    assert items == {due.pk: ItemRule.CONTEXT_REVIEW, proposed.pk: ItemRule.EMERGING_HOTSPOT}


def test_the_chair_is_told_what_building_the_agenda_added_left_out_and_escalated():
    assert BuildSummary(added=1).message() == "1 item added from the tracker and the evidence."
    assert BuildSummary(
        added=3, left_out={"newly_high": 2, "rising": 1}, restricted=1, escalated=2
    ).message() == (
        "3 items added from the tracker and the evidence. 3 more met a rule but were left out"
        " (the highest first); add them by hand if needed. 1 restricted record met a rule and"
        " not added: ask the data protection officer. 2 overdue actions escalated."
    )
