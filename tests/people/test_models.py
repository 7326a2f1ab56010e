import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from safeguarding.panel.models import AgendaItem, Meeting
from safeguarding.people.models import Person
from safeguarding.risk.models import Override
from tests.factories import (
    InvolvementFactory,
    PersonFactory,
    SourceRecordFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_an_agency_id_is_unique_within_its_feed():
    record = SourceRecordFactory(source_record_id="WP1")
    SourceRecordFactory(source_record_id="WP1")  # another feed may use the same id
    with pytest.raises(IntegrityError), transaction.atomic():
        SourceRecordFactory(
            source_record_id="WP1", feed=record.feed, import_batch=record.import_batch
        )


def test_an_events_people_are_reached_through_involvements():
    involvement = InvolvementFactory()
    other = InvolvementFactory(event=involvement.event, role="found_with")
    people = Person.objects.filter(involvements__event=involvement.event).distinct()
    assert set(people) == {involvement.person, other.person}


def test_provenance_cannot_be_deleted_from_under_a_record():
    record = SourceRecordFactory()
    with pytest.raises(ProtectedError):
        record.import_batch.delete()


def test_an_override_needs_a_reason():
    with pytest.raises(IntegrityError), transaction.atomic():
        Override.objects.create(
            person=PersonFactory(), level="high", reason="", set_by=UserFactory()
        )


def test_an_agenda_item_is_a_person_or_a_context_not_both_nor_neither():
    meeting = Meeting.objects.create(title="VACS panel", held_on="2026-12-01", chair=UserFactory())
    AgendaItem.objects.create(meeting=meeting, order=1, person=PersonFactory())
    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaItem.objects.create(meeting=meeting, order=2)
