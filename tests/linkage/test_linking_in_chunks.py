"""A link run written in chunks (SQLite) still lands whole or not at all."""

import datetime

import pytest
from django.db import connection

from safeguarding.linkage.models import LinkModelVersion, LinkPair
from safeguarding.linkage.pipeline import link_all
from safeguarding.people import services
from safeguarding.people.models import Involvement, Person, SourceRecord
from safeguarding.sources import chunked_writing
from safeguarding.sources.chunked_writing import batch_stage_turn
from safeguarding.sources.models import UndoEntry
from tests.factories import InvolvementFactory
from tests.linkage.conftest import unlinked_record
from tests.sources.test_chunked_writing import crash_on_call

pytestmark = pytest.mark.django_db

PEOPLE = [
    ("Jade", "Walsh", datetime.date(2009, 4, 3), "SN15 1AA"),
    ("Tobi", "Okafor", datetime.date(2008, 12, 11), "SN15 1AC"),
    ("Leah", "Brown", datetime.date(2010, 6, 5), "SN15 1AB"),
    ("Amelia", "Jones", datetime.date(2010, 2, 28), "SN15 1AD"),
]


def records(agency, feed: str, prefix: str) -> list[SourceRecord]:
    return [
        unlinked_record(
            agency,
            feed,
            source_record_id=f"{prefix}{n}",
            given_names=given,
            family_name=family,
            date_of_birth=born,
            postcode=postcode,
        )
        for n, (given, family, born, postcode) in enumerate(PEOPLE)
    ]


def jade_at_school(agencies) -> SourceRecord:
    """A new school record of the first young person, linked to no one yet."""
    given, family, born, postcode = PEOPLE[0]
    return unlinked_record(
        agencies["education"],
        "education-pupils",
        source_record_id="E1",
        given_names=given,
        family_name=family,
        date_of_birth=born,
        postcode=postcode,
    )


@pytest.fixture
def linked(agencies, tiny_chunks):
    """Four young people, each known to the police and to health, linked (by rules: too few
    records to train a model, so each link run re-links everyone)."""
    police = records(agencies["wiltshire-police"], "police-nominals", "WP")
    health = records(agencies["health"], "health-patients", "H")
    link_all()
    assert SourceRecord.objects.values("person").distinct().count() == 4
    return police, health


def linked_state() -> dict:
    """Every row a link run writes, as it is stored."""
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (LinkPair, LinkModelVersion, Person, SourceRecord, Involvement)
    }


@pytest.mark.parametrize("crashing", ["assign_records", "describe_people"])
def test_a_link_run_that_fails_after_some_chunks_leaves_the_people_as_they_were(
    linked, agencies, monkeypatch, crashing
):
    police, _ = linked
    jade_at_school(agencies)
    before = linked_state()
    # By then the run removed the old pairs, stored the new ones and a new model, and (when
    # describing people fails) gave every record its person.
    real = getattr(services, crashing)
    monkeypatch.setattr(services, crashing, crash_on_call(1, real))
    with pytest.raises(RuntimeError):
        link_all()

    assert linked_state() == before
    assert not UndoEntry.objects.exists()
    monkeypatch.setattr(services, crashing, real)
    link_all()
    school = SourceRecord.objects.get(source_record_id="E1")
    assert school.person_id == SourceRecord.objects.get(pk=police[0].pk).person_id
    assert not UndoEntry.objects.exists()


def test_a_link_run_whose_process_died_is_undone_by_the_next_batch_stage(
    linked, agencies, monkeypatch
):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL undoes a link run with its one transaction")
    before = linked_state()
    monkeypatch.setattr(chunked_writing, "_abandon", lambda journal, error: None)
    monkeypatch.setattr(services, "assign_records", crash_on_call(1, services.assign_records))
    with pytest.raises(RuntimeError):
        link_all()
    assert linked_state() != before  # killed mid-run: its first chunks stay until the next stage
    monkeypatch.undo()

    with batch_stage_turn():
        pass

    assert linked_state() == before
    assert not UndoEntry.objects.exists()


def test_involvements_follow_their_records_without_a_journal_entry_each_and_are_undone(
    linked, agencies, monkeypatch
):
    """An involvement's person is its record's (chunked_writing.DERIVED): a link that moves
    records journals the records, not each involvement, and undoing it sets the involvements
    again from the records as they were."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL undoes a link run with its one transaction")
    police, _ = linked
    school = jade_at_school(agencies)
    jade = SourceRecord.objects.get(pk=police[0].pk).person_id
    moving = InvolvementFactory(source_record=school)
    staying = InvolvementFactory(source_record=SourceRecord.objects.get(pk=police[0].pk))
    assert moving.person_id is None and staying.person_id == jade is not None
    before = linked_state()
    # Killed after the involvements followed their records, before the people were described.
    monkeypatch.setattr(chunked_writing, "_abandon", lambda journal, error: None)
    monkeypatch.setattr(services, "describe_people", crash_on_call(1, services.describe_people))
    with pytest.raises(RuntimeError):
        link_all()
    assert SourceRecord.objects.get(pk=school.pk).person_id == jade
    assert Involvement.objects.get(pk=moving.pk).person_id == jade
    assert (
        not UndoEntry.objects.filter(table=Involvement._meta.db_table)
        .exclude(old_values=None)
        .exists()
    )
    monkeypatch.undo()

    with batch_stage_turn():
        pass

    assert linked_state() == before
    assert Involvement.objects.get(pk=moving.pk).person_id is None
