"""Contexts proposed from the evidence: emerging hotspots, addresses and schools of several
tracked young people, young people seen together; each proposed once."""

import datetime

import pytest

from safeguarding.contexts.models import Context, ContextKind, ContextMember, Stage
from safeguarding.contexts.proposals import co_involved_groups, propose_contexts
from safeguarding.places.models import HotspotCell, HotspotRun, School
from tests.factories import EventFactory, InvolvementFactory, PersonFactory, SourceRecordFactory
from tests.panel.conftest import TODAY, scoring_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def tracked():
    people = [PersonFactory(display_name=f"Young person {n}") for n in range(5)]
    scoring_run(
        TODAY,
        {p: ("high" if n < 4 else "low", 50, "steady") for n, p in enumerate(people)},
    )
    return people


def test_new_and_intensifying_hot_spots_are_proposed_as_places_once(tracked):
    run = HotspotRun.objects.create(
        kind="emerging",
        event_set="missing_found",
        unit="grid",
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 11, 30),
    )
    for cell, category in (
        ("500m-1-1", "new_hot"),
        ("500m-2-2", "intensifying_hot"),
        ("500m-3-3", "persistent_cold"),
        ("500m-4-4", "historical_hot"),
    ):
        HotspotCell.objects.create(
            run=run, cell=cell, latitude=51.3, longitude=-1.9, count=12, category=category
        )
    created = propose_contexts(on=TODAY)
    assert sorted(c.proposed_from for c in created) == [
        "hotspot:missing_found:500m-1-1",
        "hotspot:missing_found:500m-2-2",
    ]
    assert all(c.stage == Stage.PROPOSED and c.kind == ContextKind.LOCATION for c in created)
    assert "12 events" in created[0].evidence
    assert propose_contexts(on=TODAY) == []  # the same evidence proposes once


def test_an_address_of_several_tracked_young_people_is_proposed_with_them(tracked):
    for person in tracked:  # four tracked and one low at the same address
        SourceRecordFactory(person=person, address="Flat 2, 10 Mill Road", postcode="SN15 1AA")
    created = propose_contexts(on=TODAY)
    [home] = [c for c in created if c.proposed_from.startswith("address:")]
    assert home.name == "Flat 2, 10 Mill Road, SN15 1AA"
    members = set(ContextMember.objects.filter(context=home).values_list("person_id", flat=True))
    assert members == {p.pk for p in tracked[:4]}
    assert ContextMember.objects.filter(context=home).first().reliability == "suspected"


def test_a_school_with_several_tracked_pupils_is_proposed(tracked):
    School.objects.create(urn="123456", name="Chippenham Academy")
    from safeguarding.risk.models import RiskAssessment

    RiskAssessment.objects.filter(person__in=tracked[:3]).update(school_urn="123456")
    [school] = [c for c in propose_contexts(on=TODAY) if c.kind == ContextKind.SCHOOL]
    assert school.name == "Chippenham Academy" and school.school.urn == "123456"
    assert school.members.count() == 3


def test_young_people_seen_together_again_and_again_are_proposed_as_a_peer_group(tracked):
    a, b, c, d, _ = tracked
    for pair in ((a, b), (a, b), (b, c), (b, c), (c, d)):  # d with c only once
        event = EventFactory()
        for person in pair:
            InvolvementFactory(
                event=event,
                source_record__person=person,
                person=person,
                feed=event.feed,
                import_batch=event.import_batch,
            )
    assert co_involved_groups(tracked={p.pk for p in tracked}) == [
        tuple(sorted((a.pk, b.pk, c.pk)))
    ]
    [group] = [x for x in propose_contexts(on=TODAY) if x.kind == ContextKind.PEER_GROUP]
    assert set(group.members.values_list("person_id", flat=True)) == {a.pk, b.pk, c.pk}
    # Once the group is a context, the same young people are not proposed again.
    Context.objects.filter(pk=group.pk).update(proposed_from="by hand")
    assert [x for x in propose_contexts(on=TODAY) if x.kind == ContextKind.PEER_GROUP] == []


def test_a_small_network_community_of_tracked_young_people_is_proposed_as_a_peer_group(tracked):
    from safeguarding.contexts.proposals import PEER_COMMUNITY_MAX, community_groups
    from safeguarding.network.models import NetworkRun, Node, NodeKind

    a, b, c, d, low = tracked
    run = NetworkRun.objects.create()

    def node(index, person, community, kind=NodeKind.CHILD):
        Node.objects.create(
            run=run, index=index, key=f"p{index}", kind=kind, person=person, community=community
        )

    # Community 1: three tracked children, an adult and an untracked child; community 2: one
    # tracked child only; community 3: tracked children in a community too large to be peers.
    node(0, a, 1)
    node(1, b, 1)
    node(2, c, 1)
    node(3, PersonFactory(), 1, kind=NodeKind.ADULT)
    node(4, low, 1)
    node(5, d, 2)
    big = [PersonFactory() for _ in range(PEER_COMMUNITY_MAX + 1)]
    for n, person in enumerate(big):
        node(10 + n, person, 3)
    tracked_ids = {p.pk for p in tracked[:4]} | {big[0].pk, big[1].pk, big[2].pk}
    assert community_groups(tracked=tracked_ids) == [tuple(sorted((a.pk, b.pk, c.pk)))]
    [group] = [x for x in propose_contexts(on=TODAY) if x.kind == ContextKind.PEER_GROUP]
    assert set(group.members.values_list("person_id", flat=True)) == {a.pk, b.pk, c.pk}
    assert "association graph" in group.evidence
