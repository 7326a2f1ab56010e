"""A young person known to several agencies, and helpers to open their page as a persona."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguarding.panel.models import AgendaItem, Meeting
from tests.factories import FeedFactory, InvolvementFactory, PersonFactory, SourceRecordFactory

FEEDS = {
    # agency code: feed name
    "wiltshire-police": "police-nominals",
    "health": "health-patients",
    "childrens-social-care": "csc-children",
    "education": "education-pupils",
    "youth-justice": "youth-justice-outcomes",
    "missing-service": "missing-episodes",
}


@pytest.fixture
def feeds(agencies):
    return {code: FeedFactory(name=name, agency=agencies[code]) for code, name in FEEDS.items()}


def record_for(person, feed, **fields):
    return SourceRecordFactory(person=person, feed=feed, import_batch__feed=feed, **fields)


def event_for(record, event_type, *, role="subject", days_ago=30, **event_fields):
    """An event the record's agency recorded, with the record in it in a role."""
    return InvolvementFactory(
        source_record=record,
        person=record.person,
        role=role,
        event__feed=record.feed,
        event__import_batch=record.import_batch,
        event__event_type=event_type,
        event__occurred_at=timezone.now() - datetime.timedelta(days=days_ago),
        **{f"event__{key}": value for key, value in event_fields.items()},
    ).event


@pytest.fixture
def person(feeds):
    """Jade Example: a police nominal and a health patient, linked."""
    person = PersonFactory(display_name="Jade Example")
    record_for(person, feeds["wiltshire-police"], source_record_id="WP000123")
    record_for(person, feeds["health"], source_record_id="H-77", given_names="Jayde")
    return person


def records_of(person) -> dict[str, object]:
    return {r.feed.agency.code: r for r in person.source_records.select_related("feed__agency")}


def open_person(client, person, purpose="casework", **filters):
    url = reverse("people:detail", args=[person.pk])
    client.post(reverse("access:purpose"), {"purpose": purpose, "next": url})
    return client.get(url, filters)


def put_on_agenda(person, *, chair, held_on=None):
    meeting = Meeting.objects.create(
        title="VACS panel", held_on=held_on or timezone.localdate(), chair=chair
    )
    return AgendaItem.objects.create(meeting=meeting, order=1, person=person, reason="Missing")
