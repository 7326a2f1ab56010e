"""A person's linkage page: their records and the scores behind them, unmerge and merge."""

import pytest
from django.urls import reverse

from safeguarding.access.models import AuditAction, AuditEvent
from safeguarding.linkage.models import LinkDecision, LinkDecisionKind, LinkDecisionOrigin
from safeguarding.people.models import Person
from tests.linkage.conftest import stored_pair

pytestmark = pytest.mark.django_db


def person_url(person_id: int) -> str:
    return reverse("linkage:person", args=[person_id])


def open_person(client, person_id: int):
    url = person_url(person_id)
    client.post(reverse("access:purpose"), {"purpose": "casework", "next": url})
    return client.get(url)


def test_the_person_page_asks_the_purpose_first(client_for, scored):
    response = client_for("analyst").get(person_url(scored.police.person_id))
    assert response.status_code == 302
    assert response.url.startswith(reverse("access:purpose"))


def test_the_page_shows_each_record_with_its_strongest_weight_and_the_pairs_among_them(
    client_for, scored
):
    person = scored.police.person_id
    response = open_person(client_for("analyst"), person)
    assert response.status_code == 200
    linkage = response.context["linkage"]
    assert {r.pk for r in linkage.records} == {scored.police.pk, scored.health.pk}
    pair = stored_pair(scored.police, scored.health)
    assert linkage.pairs == [pair]
    assert [r.match_weight for r in linkage.records] == pytest.approx([pair.match_weight] * 2)
    page = response.content.decode()
    assert "county-test" in page and f"{pair.match_weight:+.2f}" in page
    assert f'href="{reverse("linkage:pair", args=[pair.record_a_id, pair.record_b_id])}"' in page
    assert "E-5150" not in page  # the school's record belongs to someone else
    event = AuditEvent.objects.get(action=AuditAction.VIEW)
    assert (event.object_type, event.object_id, event.purpose, event.detail) == (
        "person",
        str(person),
        "Casework with this young person",
        {"page": "linkage"},
    )


def test_a_restricted_person_opens_only_for_the_named_and_the_refusal_is_audited(
    client_for, scored, cast
):
    person = Person.objects.get(pk=scored.police.person_id)
    person.restricted = True
    person.save()
    client = client_for("analyst")
    assert open_person(client, person.pk).status_code == 403
    refusal = AuditEvent.objects.get(action=AuditAction.REFUSED)
    assert (refusal.object_type, refusal.object_id) == ("person", str(person.pk))
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW).exists()
    person.allowed_users.add(cast["analyst"])
    assert open_person(client, person.pk).status_code == 200


def test_an_unknown_person_is_not_found(client_for, scored):
    assert open_person(client_for("analyst"), 999_999).status_code == 404


def test_records_split_off_become_a_new_person_and_stay_apart(client_for, scored, cast):
    person = scored.police.person_id
    client = client_for("analyst")
    open_person(client, person)
    response = client.post(
        person_url(person),
        {"action": "unmerge", "unmerge-records": [scored.health.pk], "unmerge-reason": "Sister"},
    )
    records = scored.refreshed()
    assert records.health.person_id not in (records.police.person_id, records.school.person_id)
    assert response.status_code == 302 and response.url == person_url(records.police.person_id)
    decision = LinkDecision.objects.get()
    assert (decision.kind, decision.origin, decision.reason, decision.decided_by) == (
        LinkDecisionKind.NOT_SAME_PERSON,
        LinkDecisionOrigin.UNMERGE,
        "Sister",
        cast["analyst"],
    )
    assert {decision.record_a_id, decision.record_b_id} == {scored.police.pk, scored.health.pk}
    page = client.get(response.url).content.decode()
    assert f"1 record split off into Hub id {records.health.person_id}." in page
    event = AuditEvent.objects.get(action=AuditAction.CHANGE, object_type="person")
    assert event.detail["unmerged_into"] == records.health.person_id


@pytest.mark.parametrize(
    "chosen,reason,message",
    [
        ("none", "Sister", "Choose the records to split off"),
        ("health", " ", "Enter the reason for splitting these records off"),
        ("both", "All wrong", "Leave at least one record with this person."),
        ("school", "Wrong", "Choose only this person&#x27;s records"),
    ],
)
def test_an_unmerge_that_cannot_be_done_says_why(client_for, scored, chosen, reason, message):
    person = scored.police.person_id
    ids = {
        "none": [],
        "health": [scored.health.pk],
        "both": [scored.health.pk, scored.police.pk],
        "school": [scored.school.pk],
    }[chosen]
    client = client_for("analyst")
    open_person(client, person)
    response = client.post(
        person_url(person),
        {"action": "unmerge", "unmerge-records": ids, "unmerge-reason": reason},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page and message in page
    assert not LinkDecision.objects.exists()
    assert scored.refreshed().health.person_id == person


def test_merging_with_another_person_makes_one_person_of_every_record(client_for, scored):
    person, other = scored.police.person_id, scored.school.person_id
    client = client_for("analyst")
    open_person(client, person)
    response = client.post(
        person_url(person),
        {"action": "merge", "merge-other_person": other, "merge-reason": "Same child, new name"},
    )
    records = scored.refreshed()
    survivor = records.police.person_id
    assert records.school.person_id == records.health.person_id == survivor
    assert response.status_code == 302 and response.url == person_url(survivor)
    assert Person.objects.filter(pk__in=[person, other]).count() == 1
    decision = LinkDecision.objects.get()
    assert (decision.kind, decision.origin) == (
        LinkDecisionKind.SAME_PERSON,
        LinkDecisionOrigin.MERGE,
    )
    assert f"Merged: Hub id {survivor} now holds the records of both." in (
        client.get(response.url).content.decode()
    )
    event = AuditEvent.objects.get(action=AuditAction.CHANGE, object_type="person")
    assert event.detail == {"merged": sorted([person, other])}


@pytest.mark.parametrize(
    "other,reason,message",
    [
        ("", "Same", "Enter the Hub id of the person to merge with"),
        ("abc", "Same", "Enter the Hub id as a number, like 1234"),
        ("school", "", "Enter the reason for merging"),
        ("self", "Same", "Choose a different person to merge with"),
        ("999999", "Same", "There is no person with Hub id 999999"),
    ],
)
def test_a_merge_that_cannot_be_done_says_why(client_for, scored, other, reason, message):
    person = scored.police.person_id
    other = {"school": scored.school.person_id, "self": person}.get(other, other)
    client = client_for("analyst")
    open_person(client, person)
    response = client.post(
        person_url(person),
        {"action": "merge", "merge-other_person": other, "merge-reason": reason},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page and message in page
    assert 'href="#id_merge-' in page
    assert not LinkDecision.objects.exists()
    assert scored.refreshed().school.person_id != person


def test_merging_with_a_restricted_person_one_may_not_open_is_refused(client_for, scored):
    Person.objects.filter(pk=scored.school.person_id).update(restricted=True)
    person = scored.police.person_id
    client = client_for("analyst")
    open_person(client, person)
    response = client.post(
        person_url(person),
        {"action": "merge", "merge-other_person": scored.school.person_id, "merge-reason": "Same"},
    )
    assert response.status_code == 200
    assert f"You may not open Hub id {scored.school.person_id}" in response.content.decode()
    assert not LinkDecision.objects.exists()
    refusal = AuditEvent.objects.get(action=AuditAction.REFUSED)
    assert refusal.object_id == str(scored.school.person_id)
    assert scored.refreshed().school.person_id != person
