"""A small world for the network pages: a child, an adult found with two children, and a
restricted child missing with the first."""

import datetime

import pytest
from django.utils import timezone

from safeguarding.network.services import build_network
from safeguarding.people.enumerations import EventType
from safeguarding.people.models import Person
from tests.factories import InvolvementFactory, PersonFactory
from tests.people.conftest import feeds, put_on_agenda, record_for  # noqa: F401 (fixture)

DAY = datetime.timedelta(days=1)


def together(feed, event_type, days_ago, *people_and_roles):
    """One event the feed's agency recorded, with each (record, role) in it."""
    first, *rest = people_and_roles
    event = InvolvementFactory(
        source_record=first[0],
        role=first[1],
        event__feed=feed,
        event__import_batch=first[0].import_batch,
        event__event_type=event_type,
        event__occurred_at=timezone.now() - days_ago * DAY,
    ).event
    for record, role in rest:
        InvolvementFactory(event=event, source_record=record, role=role)
    return event


@pytest.fixture
def world(feeds, cast):  # noqa: F811
    return build_world(feeds, cast)


def build_world(feeds, cast) -> dict:  # noqa: F811
    police = feeds["wiltshire-police"]
    jade = PersonFactory(display_name="Jade Example", date_of_birth=datetime.date(2010, 5, 1))
    kai = PersonFactory(display_name="Kai Example", date_of_birth=datetime.date(2011, 2, 1))
    mark = PersonFactory(display_name="Mark Adult", date_of_birth=datetime.date(1985, 1, 1))
    rosa = PersonFactory(
        display_name="Rosa Restricted", date_of_birth=datetime.date(2010, 9, 1), restricted=True
    )
    rosa.allowed_users.add(cast["named_user"])
    records = {
        p.display_name.split()[0].lower(): record_for(p, police) for p in (jade, kai, mark, rosa)
    }
    together(
        police,
        EventType.INCIDENT,
        30,
        (records["jade"], "missing_person"),
        (records["mark"], "found_with"),
    )
    together(
        police,
        EventType.INCIDENT,
        60,
        (records["kai"], "missing_person"),
        (records["mark"], "found_with"),
    )
    together(
        police,
        EventType.MISSING_EPISODE,
        20,
        (records["jade"], "missing_person"),
        (records["rosa"], "missing_person"),
    )
    put_on_agenda(jade, chair=cast["panel_chair"])
    run = build_network().run
    return {"run": run, "jade": jade, "kai": kai, "mark": mark, "rosa": rosa}


def node_of(world, name: str) -> int:
    from safeguarding.network.models import Node

    person: Person = world[name]
    return Node.objects.get(run=world["run"], person=person).index
