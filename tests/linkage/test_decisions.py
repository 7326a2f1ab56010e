"""People's decisions on links: applied at once, kept in the history, winning over the model."""

import pytest

from safeguarding.access.models import AuditEvent
from safeguarding.linkage.decisions import (
    DecisionError,
    decide,
    merge_people,
    review_queue,
    unmerge_records,
)
from safeguarding.linkage.model import DEFAULT_THRESHOLD
from safeguarding.linkage.models import LinkDecision, LinkDecisionKind, LinkPair
from safeguarding.linkage.relink import relink
from safeguarding.people.models import Person, SourceRecord
from safeguarding.risk.models import Level, Override
from tests.factories import IdentifierFactory, PersonFactory, SourceRecordFactory, UserFactory

pytestmark = pytest.mark.django_db


def pair(a, b, probability: float) -> LinkPair:
    a, b = sorted((a.pk, b.pk))
    return LinkPair.objects.create(
        record_a_id=a,
        record_b_id=b,
        match_probability=probability,
        match_weight=10.0 if probability > 0.99 else 3.0,
        model_version="test",
    )


def person_of(record) -> int:
    return SourceRecord.objects.get(pk=record.pk).person_id


@pytest.fixture
def analyst():
    return UserFactory(roles=["analyst"])


@pytest.fixture
def jade():
    """Three records the model links in a chain: police ─ strong ─ school ─ weak ─ health."""
    person = PersonFactory()
    police, school, health = (SourceRecordFactory(person=person) for _ in range(3))
    pair(police, school, 0.999)
    pair(school, health, 0.96)
    return police, school, health


def test_a_pair_held_for_review_waits_in_the_queue_however_high_it_scores(analyst):
    twin, other_twin = SourceRecordFactory(), SourceRecordFactory()
    held = pair(twin, other_twin, 0.9999)
    LinkPair.objects.filter(pk=held.pk).update(held_for_review=True)
    relink([twin.pk, other_twin.pk], threshold=DEFAULT_THRESHOLD)
    assert person_of(twin) != person_of(other_twin)
    assert list(review_queue()) == [held]
    decide(
        user=analyst,
        record_a=twin.pk,
        record_b=other_twin.pk,
        kind=LinkDecisionKind.SAME_PERSON,
        reason="Same child: the school records her middle name",
    )
    assert person_of(twin) == person_of(other_twin)
    assert not review_queue().exists()


def test_people_whose_nhs_numbers_differ_are_joined_by_a_strong_link_or_a_person_only(analyst):
    # Two namesakes living apart: a record of each with an NHS number, and a police record
    # (none) that the model links strongly to the first and just above the threshold to the
    # second.
    first, police, second = SourceRecordFactory(), SourceRecordFactory(), SourceRecordFactory()
    IdentifierFactory(source_record=first, kind="nhs_number", value="9434765919")
    IdentifierFactory(source_record=second, kind="nhs_number", value="9434765870")
    pair(first, police, 0.9995)
    weak = pair(police, second, 0.97)
    records = [first.pk, police.pk, second.pk]
    relink(records, threshold=DEFAULT_THRESHOLD)
    assert person_of(first) == person_of(police) != person_of(second)
    assert list(review_queue()) == [weak]
    LinkPair.objects.filter(pk=weak.pk).update(match_probability=0.995, match_weight=7.6)
    relink(records, threshold=DEFAULT_THRESHOLD)
    assert person_of(first) == person_of(second)
    LinkPair.objects.filter(pk=weak.pk).update(match_probability=0.97, match_weight=5.0)
    relink(records, threshold=DEFAULT_THRESHOLD)
    assert person_of(police) != person_of(second)
    decide(
        user=analyst,
        record_a=weak.record_a_id,
        record_b=weak.record_b_id,
        kind=LinkDecisionKind.SAME_PERSON,
        reason="Same child: health holds a duplicate NHS number for her",
    )
    assert person_of(first) == person_of(second)


def test_the_queue_holds_uncertain_pairs_until_someone_decides(jade, analyst):
    police, school, health = jade
    assert [(p.record_a_id, p.record_b_id) for p in review_queue()] == [(school.pk, health.pk)]
    decide(
        user=analyst,
        record_a=school.pk,
        record_b=health.pk,
        kind=LinkDecisionKind.NOT_SURE,
        reason="Cannot tell from what we hold",
    )
    assert not review_queue().exists()
    assert person_of(health) == person_of(school)  # "not sure" leaves the model's link


def test_not_the_same_splits_the_weakest_link_and_survives_relinking(jade, analyst):
    police, school, health = jade
    decision = decide(
        user=analyst,
        record_a=health.pk,
        record_b=police.pk,
        kind=LinkDecisionKind.NOT_SAME_PERSON,
        reason="Different GP practice and NHS number",
    )
    assert person_of(police) == person_of(school) != person_of(health)
    assert decision.match_weight is None  # the model never scored police against health
    relink(
        list(SourceRecord.objects.values_list("pk", flat=True)),
        threshold=DEFAULT_THRESHOLD,
        everyone=True,
    )
    assert person_of(police) == person_of(school) != person_of(health)
    event = AuditEvent.objects.get(object_type="link_decision")
    assert event.username == analyst.username and event.object_id == str(decision.pk)


def test_a_later_decision_on_the_same_records_supersedes_the_earlier(jade, analyst):
    _, school, health = jade
    for kind in (LinkDecisionKind.NOT_SAME_PERSON, LinkDecisionKind.SAME_PERSON):
        decide(user=analyst, record_a=school.pk, record_b=health.pk, kind=kind, reason="Checked")
    in_force = LinkDecision.objects.filter(superseded_at__isnull=True)
    assert list(in_force.values_list("kind", flat=True)) == [LinkDecisionKind.SAME_PERSON]
    assert LinkDecision.objects.count() == 2
    assert person_of(school) == person_of(health)


def test_a_decision_needs_a_reason(jade, analyst):
    _, school, health = jade
    with pytest.raises(DecisionError, match="reason"):
        decide(user=analyst, record_a=school.pk, record_b=health.pk, kind="same_person", reason=" ")
    assert not LinkDecision.objects.exists()


def test_merge_hands_on_overrides_and_restriction_and_unmerge_splits_again(jade, analyst):
    police, school, health = jade
    other = PersonFactory(restricted=True)
    other.allowed_users.add(analyst)
    stray = SourceRecordFactory(person=other)
    override = Override.objects.create(
        person=other, level=Level.HIGH, reason="Known to CSE team", set_by=analyst
    )
    survivor = merge_people(
        user=analyst, person=police.person, other=other, reason="Same child: confirmed by school"
    )
    assert {person_of(r) for r in (police, school, health, stray)} == {survivor.pk}
    assert not Person.objects.filter(pk=other.pk).exists()
    override.refresh_from_db()
    assert override.person_id == survivor.pk
    survivor.refresh_from_db()
    assert survivor.restricted and analyst in survivor.allowed_users.all()

    split_off = unmerge_records(
        user=analyst, person=survivor, record_ids=[stray.pk], reason="Merged in error"
    )
    assert person_of(stray) == split_off.pk != person_of(police)
    assert person_of(police) == person_of(school) == person_of(health)
    # A merge after an unmerge supersedes it: the latest word wins.
    merge_people(user=analyst, person=split_off, other=survivor, reason="Confirmed after all")
    assert person_of(stray) == person_of(police)


def test_unmerge_refuses_to_empty_a_person(jade, analyst):
    police, school, health = jade
    with pytest.raises(DecisionError, match="at least one"):
        unmerge_records(
            user=analyst,
            person=police.person,
            record_ids=[police.pk, school.pk, health.pk],
            reason="All wrong",
        )
