"""What happened next for a context taken to panel, on a small world built by hand: its events
(at the place, involving its young people) in the same number of days before and after its
first panel, and its young people's levels then and now."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguarding.contexts import services as contexts
from safeguarding.contexts.models import Context, ContextKind
from safeguarding.panel.models import AgendaItem, Meeting
from safeguarding.panel.outcomes import outcome_for_context
from safeguarding.people.enumerations import EventType
from safeguarding.people.models import Event
from safeguarding.risk.models import Level
from tests.conftest import state_purpose
from tests.factories import LocationFactory, PersonFactory
from tests.panel.conftest import scoring_run
from tests.people.conftest import event_for, feeds, record_for  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def park_world(feeds, cast):  # noqa: F811
    today = timezone.localdate()
    park = LocationFactory(name="Riverside park")
    amy, ben, cal = (PersonFactory(display_name=n) for n in ("Amy", "Ben", "Cal"))
    police, health = feeds["wiltshire-police"], feeds["health"]
    amy_police, ben_health, cal_police = (
        record_for(amy, police),
        record_for(ben, health),
        record_for(cal, police),
    )
    context = contexts.refer_context(
        kind=ContextKind.LOCATION,
        name="Riverside park",
        referred_by=cast["practitioner"],
        reason="r",
    )
    Context.objects.filter(pk=context.pk).update(location=park)
    context.refresh_from_db()
    contexts.add_member(context=context, person=amy, source="Police")
    contexts.add_member(context=context, person=ben, source="Health")

    def at_park(event):
        Event.objects.filter(pk=event.pk).update(location=park)
        return event

    # The first panel was 40 days ago: "before" is 80 to 40 days ago, "since" the last 40.
    at_park(event_for(cal_police, EventType.INCIDENT, days_ago=60))  # here, before
    at_park(event_for(cal_police, EventType.INCIDENT, days_ago=10))  # here, since
    event_for(amy_police, EventType.MISSING_EPISODE, days_ago=70)  # Amy, before
    event_for(amy_police, EventType.MISSING_EPISODE, days_ago=50)  # Amy, before
    event_for(amy_police, EventType.MISSING_EPISODE, days_ago=5)  # Amy, since
    event_for(ben_health, EventType.ED_ATTENDANCE, days_ago=20)  # Ben, since: a crisis
    at_park(event_for(amy_police, EventType.INCIDENT, days_ago=30))  # Amy at the park: once
    event_for(amy_police, EventType.INCIDENT, days_ago=100)  # before the window
    event_for(cal_police, EventType.INCIDENT, days_ago=10)  # Cal elsewhere: not the context's

    for days_ago in (40, 10, -5):  # the first panel, a later one, one not yet held
        meeting = Meeting.objects.create(
            title="Contexts panel", held_on=today - days_ago * DAY, chair=cast["panel_chair"]
        )
        AgendaItem.objects.create(meeting=meeting, order=1, context=context, reason="Park")
    scoring_run(today - 45 * DAY, {amy: (Level.HIGH, 60, "new"), ben: (Level.MEDIUM, 30, "new")})
    scoring_run(today - DAY, {amy: (Level.MEDIUM, 35, "falling"), ben: (Level.LOW, 10, "falling")})
    return {"context": context, "amy": amy, "ben": ben, "today": today}


def test_the_events_before_and_since_the_first_panel(park_world):
    people = {park_world["amy"].pk, park_world["ben"].pk}
    outcome = outcome_for_context(
        context=park_world["context"], people=people, today=park_world["today"]
    )
    assert outcome.first_discussed == park_world["today"] - 40 * DAY
    assert outcome.days_since == 40
    assert outcome.rows == [
        ("Events here or involving its young people", 3, 4),
        ("At the place itself", 1, 2),
        ("Police incidents and arrests", 1, 2),
        ("Missing episodes", 2, 1),
        ("Emergency department attendances", 0, 1),
    ]


def test_the_young_peoples_levels_then_and_now(park_world):
    people = {park_world["amy"].pk, park_world["ben"].pk}
    outcome = outcome_for_context(
        context=park_world["context"], people=people, today=park_world["today"]
    )
    assert [(m.name, m.level_then, m.level_now) for m in outcome.members] == [
        ("Amy", "High", "Medium"),
        ("Ben", "Medium", "Low"),
    ]
    assert outcome.levels == [
        ("High", 1, 0),
        ("Medium", 1, 1),
        ("Low", 0, 1),
        ("No current risk", 0, 0),
        ("Not scored", 0, 0),
    ]


def test_a_reader_who_may_not_see_a_young_person_counts_only_the_others(park_world):
    outcome = outcome_for_context(
        context=park_world["context"], people={park_world["amy"].pk}, today=park_world["today"]
    )
    assert outcome.rows[-1] == ("Emergency department attendances", 0, 0)
    assert [m.name for m in outcome.members] == ["Amy"]


def test_no_outcome_before_a_meeting_is_held(park_world):
    outcome = outcome_for_context(
        context=park_world["context"], people=set(), today=park_world["today"] - 41 * DAY
    )
    assert outcome is None


def test_the_items_page_shows_the_contexts_outcome(client_for, park_world):
    client = client_for("police_panel_member")
    state_purpose(client, "panel")
    item = AgendaItem.objects.filter(context=park_world["context"]).order_by("pk").first()
    page = client.get(reverse("panel:item", args=[item.pk])).content.decode()
    assert 'data-testid="context-outcome"' in page
    assert "Amy: high then, medium now" in page
