"""Writing the people back after clustering: the people a first link creates, what each record
and each involvement then names, and a re-link that moves one record to a new person."""

import datetime

import pytest

from safeguarding.linkage.model import DEFAULT_THRESHOLD
from safeguarding.linkage.models import LinkPair
from safeguarding.linkage.relink import HANDLED_HERE, RECOMPUTED, relink
from safeguarding.people.enumerations import Sex
from safeguarding.people.models import Involvement, MergedPerson, Person, SourceRecord
from safeguarding.people.queries import successor_of
from safeguarding.people.services import hand_on_person
from tests.factories import EventFactory, InvolvementFactory, PersonFactory, SourceRecordFactory

pytestmark = pytest.mark.django_db

JADE_BORN, KAI_BORN = datetime.date(2009, 4, 3), datetime.date(2010, 1, 21)


def pair(a, b, *, weight: float) -> None:
    a, b = sorted((a.pk, b.pk))
    LinkPair.objects.create(
        record_a_id=a,
        record_b_id=b,
        match_probability=0.999,
        match_weight=weight,
        model_version="m1",
    )


@pytest.fixture
def unlinked():
    """Jade as police, school and health hold her (police and health both scored against the
    school record), Kai as the school holds him, nobody linked yet; a missing episode
    involving Jade's police record, a school event involving her school record and Kai's."""
    jade = {
        agency: SourceRecordFactory(
            person=None, given_names=" Jade ", family_name="WALSH", date_of_birth=JADE_BORN
        )
        for agency in ("police", "school", "health")
    }
    kai = SourceRecordFactory(
        person=None, given_names="Kai", family_name="Smith", date_of_birth=KAI_BORN, sex=Sex.MALE
    )
    pair(jade["police"], jade["school"], weight=12.5)
    pair(jade["school"], jade["health"], weight=9.0)
    missing, school_event = EventFactory(), EventFactory()
    involvements = [
        InvolvementFactory(event=missing, source_record=jade["police"], person=None),
        InvolvementFactory(event=school_event, source_record=jade["school"], person=None),
        InvolvementFactory(event=school_event, source_record=kai, person=None),
    ]
    return jade, kai, involvements


def written(record) -> tuple[int, float | None, str]:
    record = SourceRecord.objects.get(pk=record.pk)
    return record.person_id, record.match_weight, record.link_model_version


def test_a_first_link_creates_each_person_described_and_points_records_and_events_at_them(
    unlinked,
):
    jade, kai, involvements = unlinked
    someone_else = PersonFactory()
    records = sorted(SourceRecord.objects.values_list("pk", flat=True))

    assert relink(records, threshold=DEFAULT_THRESHOLD, everyone=True) == 2

    jade_person = written(jade["police"])[0]
    kai_person = written(kai)[0]
    assert {written(record) for record in jade.values()} == {
        (jade_person, 12.5, "m1"),  # police and school: their strongest link is to each other
        (jade_person, 9.0, "m1"),  # health: its one link, to the school record
    }
    assert written(jade["school"]) == (jade_person, 12.5, "m1")
    assert written(kai) == (kai_person, None, "")
    assert jade_person != kai_person
    assert min(jade_person, kai_person) > someone_else.pk  # new people, not an existing one
    described = Person.objects.filter(pk__in=[jade_person, kai_person]).order_by("pk")
    assert list(
        described.values_list("pk", "display_name", "date_of_birth", "sex", "restricted")
    ) == sorted(
        [
            (jade_person, "Jade Walsh", JADE_BORN, Sex.FEMALE, False),
            (kai_person, "Kai Smith", KAI_BORN, Sex.MALE, False),
        ]
    )
    assert all(person.created_at and person.updated_at for person in described)
    assert set(Person.objects.values_list("pk", flat=True)) == {
        someone_else.pk,
        jade_person,
        kai_person,
    }
    assert {
        (involvement.pk, Involvement.objects.get(pk=involvement.pk).person_id)
        for involvement in involvements
    } == {
        (involvements[0].pk, jade_person),
        (involvements[1].pk, jade_person),
        (involvements[2].pk, kai_person),
    }


def test_a_re_link_moves_a_record_and_its_events_to_a_new_person_and_keeps_the_rest(unlinked):
    jade, kai, involvements = unlinked
    records = sorted(SourceRecord.objects.values_list("pk", flat=True))
    relink(records, threshold=DEFAULT_THRESHOLD, everyone=True)
    jade_person, kai_person = written(jade["police"])[0], written(kai)[0]
    LinkPair.objects.filter(record_a=min(jade["police"].pk, jade["school"].pk)).delete()

    assert relink(records, threshold=DEFAULT_THRESHOLD, everyone=True) == 3

    police_person = written(jade["police"])[0]
    assert police_person not in (jade_person, kai_person)
    assert written(jade["police"]) == (police_person, None, "")
    # School and health stay together under Jade's id; Kai keeps his.
    assert written(jade["school"])[0] == written(jade["health"])[0] == jade_person
    assert written(kai)[0] == kai_person
    assert Person.objects.get(pk=police_person).display_name == "Jade Walsh"
    assert [
        Involvement.objects.get(pk=involvement.pk).person_id for involvement in involvements
    ] == [police_person, jade_person, kai_person]


def test_a_person_merged_into_another_leads_to_the_survivor(unlinked):
    jade, kai, _ = unlinked
    records = sorted(SourceRecord.objects.values_list("pk", flat=True))
    police_school = LinkPair.objects.get(record_a=min(jade["police"].pk, jade["school"].pk))
    police_school.delete()
    relink(records, threshold=DEFAULT_THRESHOLD, everyone=True)
    alone, jade_person = written(jade["police"])[0], written(jade["school"])[0]
    assert alone != jade_person
    pair(jade["police"], jade["school"], weight=12.5)  # new evidence: the same girl

    relink(records, threshold=DEFAULT_THRESHOLD, everyone=True)

    # School and health hold the most records, so Jade keeps their id; the police record's
    # person goes, and their address leads to her.
    assert written(jade["police"])[0] == jade_person
    assert not Person.objects.filter(pk=alone).exists()
    assert list(MergedPerson.objects.values_list("old_person_id", "successor_id")) == [
        (alone, jade_person)
    ]
    assert successor_of(person_id=alone) == jade_person
    assert successor_of(person_id=written(kai)[0]) is None


def test_a_chain_of_merges_leads_to_the_last_survivor_and_goes_with_them():
    first, second, third = PersonFactory(), PersonFactory(), PersonFactory()
    first_id, second_id = first.pk, second.pk

    hand_on_person(old=first, successor=second, skip=RECOMPUTED | HANDLED_HERE)
    hand_on_person(old=second, successor=third, skip=RECOMPUTED | HANDLED_HERE)

    assert successor_of(person_id=first_id) == third.pk
    assert successor_of(person_id=second_id) == third.pk
    third.delete()  # e.g. erased at the end of retention: nothing of them stays
    assert not MergedPerson.objects.exists()
