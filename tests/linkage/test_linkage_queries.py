"""What the linkage pages read, without HTTP: the queue as a user may see it, a pair's detail
and waterfall, a person's records and links."""

import pytest

from safeguarding.linkage import queries
from safeguarding.linkage.decisions import decide
from safeguarding.linkage.models import LinkDecisionKind, LinkModelVersion, LinkPair
from safeguarding.people.models import Person
from tests.linkage.conftest import queue_pairs, stored_pair

pytestmark = pytest.mark.django_db


def pairs_of(queryset) -> list[tuple[int, int]]:
    return sorted((p.record_a_id, p.record_b_id) for p in queryset)


def test_the_queue_leaves_out_pairs_with_a_person_the_user_may_not_open(scored, cast):
    analyst = cast["analyst"]
    assert pairs_of(queries.review_queue_for(user=analyst)) == queue_pairs()
    school = Person.objects.get(pk=scored.school.person_id)
    school.restricted = True
    school.save()
    assert pairs_of(queries.review_queue_for(user=analyst)) == []
    summary = queries.queue_summary(user=analyst)
    assert (summary.waiting, summary.withheld, summary.threshold) == (2, 2, 0.9)
    assert queries.next_pair(user=analyst) is None
    school.allowed_users.add(analyst)
    assert pairs_of(queries.review_queue_for(user=analyst)) == queue_pairs()


def test_the_next_pair_is_the_most_uncertain_one_not_yet_decided(scored, cast):
    analyst = cast["analyst"]
    first = queries.next_pair(user=analyst)
    decide(
        user=analyst,
        record_a=first.record_a_id,
        record_b=first.record_b_id,
        kind=LinkDecisionKind.NOT_SURE,
        reason="Ask the school",
    )
    second = queries.next_pair(user=analyst)
    assert second is not None and second.pk != first.pk
    assert [d.reason for d in queries.recent_decisions(user=analyst)] == ["Ask the school"]


def test_recent_decisions_leave_out_records_the_user_may_not_open(scored, cast):
    analyst = cast["analyst"]
    decide(
        user=analyst,
        record_a=scored.police.pk,
        record_b=scored.school.pk,
        kind=LinkDecisionKind.NOT_SAME_PERSON,
        reason="Twin sister",
    )
    Person.objects.filter(pk=scored.school.person_id).update(restricted=True)
    assert queries.recent_decisions(user=analyst) == []


def test_a_pair_lists_the_addresses_and_names_each_record_held_before(scored):
    scored.school.history = [
        {"postcode": "BA14 8AA", "address": "1 Old Road", "family_name": "Walsh"},
        {"postcode": "SN14 6QQ", "address": "", "given_names": "Jayde", "family_name": "Walsh"},
        {"postcode": "SN15 1ZZ", "address": "", "given_names": "Jade", "family_name": "Walsh"},
    ]
    scored.school.save()
    records = queries.pair_records(record_a=scored.school.pk, record_b=scored.police.pk)
    view = queries.pair_view(records=records)
    school = next(d for d in view.records if d.record.pk == scored.school.pk)
    # Latest first; the current address and name are not "earlier".
    assert [a.postcode for a in school.earlier_addresses] == ["SN14 6QQ", "BA14 8AA"]
    assert school.earlier_names == ["Jayde Walsh", "Walsh"]
    assert view.pair == stored_pair(scored.police, scored.school)
    assert view.decisions == [] and view.decision_in_force is None


def test_a_waterfall_that_cannot_be_drawn_says_why(scored, county_model, tmp_path):
    pair = stored_pair(scored.police, scored.school)
    assert queries.pair_waterfall(pair)[0] is not None

    pair.levels = {}
    assert "before the level of each comparison was kept" in queries.pair_waterfall(pair)[1]

    pair.refresh_from_db()
    county_model.path = str(tmp_path / "gone.json")
    county_model.save()
    assert queries.pair_waterfall(pair) == (
        None,
        "The file of linkage model county-test is not on this server.",
    )

    LinkModelVersion.objects.all().delete()
    assert queries.pair_waterfall(pair) == (
        None,
        "Linkage model county-test is no longer recorded.",
    )


def test_a_stored_weight_the_saved_model_no_longer_gives_is_flagged(scored):
    records = queries.pair_records(record_a=scored.police.pk, record_b=scored.school.pk)
    assert not queries.pair_view(records=records).weights_disagree
    LinkPair.objects.filter(pk=stored_pair(scored.police, scored.school).pk).update(
        match_weight=9.0
    )
    assert queries.pair_view(records=records).weights_disagree


def test_a_persons_linkage_has_their_records_and_the_pairs_among_them_weakest_first(scored, cast):
    decide(
        user=cast["analyst"],
        record_a=scored.police.pk,
        record_b=scored.school.pk,
        kind=LinkDecisionKind.SAME_PERSON,
        reason="Same UPN on the school's file",
    )
    person = Person.objects.get(pk=scored.refreshed().police.person_id)
    linkage = queries.person_linkage(person=person)
    assert {r.pk for r in linkage.records} == {scored.police.pk, scored.health.pk, scored.school.pk}
    weights = [p.match_weight for p in linkage.pairs]
    assert len(weights) == 3 and weights == sorted(weights)
    assert [d.reason for d in linkage.decisions] == ["Same UPN on the school's file"]
    assert queries.person_of_record(scored.school.pk) == person.pk
