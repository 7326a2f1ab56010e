"""The review queue and the pair page: who may open them, what they show, and decisions made
through them, on records the county's model scored."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safeguarding.access.models import AuditAction, AuditEvent
from safeguarding.linkage import views
from safeguarding.linkage.model import DEFAULT_THRESHOLD
from safeguarding.linkage.models import LinkDecision, LinkDecisionKind, LinkPair
from safeguarding.linkage.pipeline import link_all
from safeguarding.linkage.relink import relink
from safeguarding.people.models import Person
from safeguarding.web.navigation import visible_sections
from tests.factories import IdentifierFactory, SourceRecordFactory
from tests.linkage.conftest import BORN, queue_pairs, stored_pair, unlinked_record

pytestmark = pytest.mark.django_db

NOT_ANALYSTS = ["police_panel_member", "voluntary_panel_member", "outsider", "auditor"]


def with_purpose(client, url: str):
    client.post(reverse("access:purpose"), {"purpose": "analysis", "next": url})
    return client


def pair_url(a, b) -> str:
    low, high = sorted((a.pk, b.pk))
    return reverse("linkage:pair", args=[low, high])


def open_queue(client, query: str = ""):
    url = reverse("linkage:review")
    return with_purpose(client, url).get(url + query)


def open_pair(client, a, b):
    return with_purpose(client, pair_url(a, b)).get(pair_url(a, b))


def test_the_queue_asks_the_purpose_first(client_for, scored):
    response = client_for("analyst").get(reverse("linkage:review"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("access:purpose"))
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW).exists()


def test_an_analyst_sees_the_pairs_waiting_with_both_records_and_their_scores(client_for, scored):
    response = open_queue(client_for("analyst"))
    assert response.status_code == 200
    assert response.context["summary"].waiting == 2
    listed = [(p.record_a_id, p.record_b_id) for p in response.context["page"]]
    assert sorted(listed) == queue_pairs()
    page = response.content.decode()
    pair = stored_pair(scored.police, scored.school)
    assert f"{pair.match_probability:.2%}" in page and f"{pair.match_weight:+.2f}" in page
    assert "Jade Walsh" in page and "E-5150" in page and "3 April 2009" in page
    assert f'href="{pair_url(scored.police, scored.school)}"' in page
    table = page.split('data-testid="review-queue"')[1].split("</table>")[0]
    assert table.count("Two people") == 2 and "One person" not in table
    event = AuditEvent.objects.get(action=AuditAction.VIEW)
    assert (event.object_type, event.purpose) == (
        "link_review_queue",
        "Analysis for the partnership",
    )
    assert sorted(map(tuple, event.detail["pairs"])) == queue_pairs()


def test_the_queue_reads_a_fixed_number_of_queries_however_many_pairs_wait(
    client_for, scored, agencies
):
    client = client_for("analyst")
    open_queue(client)

    def queries_for_queue() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("linkage:review"))
        return len(captured), len(response.context["page"])

    few, listed = queries_for_queue()
    unlinked_record(
        agencies["education"],
        "education-pupils",
        source_record_id="E-5151",
        given_names="Jade",
        family_name="Walsh",
        date_of_birth=BORN,
        postcode="SN15 1ZZ",
    )
    link_all()
    many, more_listed = queries_for_queue()
    assert more_listed > listed
    assert many == few


def test_the_queue_is_paged(client_for, scored, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    client = client_for("analyst")
    first = open_queue(client).context["page"]
    second = client.get(reverse("linkage:review") + "?page=2").context["page"]
    assert first.paginator.num_pages == 2
    listed = [(p.record_a_id, p.record_b_id) for p in [*first, *second]]
    assert sorted(listed) == queue_pairs()
    assert b'rel="next"' in open_queue(client).content


def test_the_queue_shows_recent_decisions(client_for, scored):
    client = client_for("analyst")
    with_purpose(client, pair_url(scored.police, scored.school)).post(
        pair_url(scored.police, scored.school),
        {"kind": "not_same_person", "reason": "Different school years"},
    )
    response = open_queue(client)
    decisions = response.context["decisions"]
    assert [(d.kind, d.reason) for d in decisions] == [
        (LinkDecisionKind.NOT_SAME_PERSON, "Different school years")
    ]
    table = response.content.decode().split('data-testid="recent-decisions"')[1]
    assert (
        "Analyst" in table and "Not the same person" in table and "Different school years" in table
    )


@pytest.mark.parametrize("persona", NOT_ANALYSTS)
def test_only_analysts_may_open_or_post_to_the_linkage_pages(client_for, scored, persona):
    client = client_for(persona)
    with_purpose(client, reverse("linkage:review"))
    person = scored.police.person_id
    for url in (
        reverse("linkage:review"),
        pair_url(scored.police, scored.school),
        reverse("linkage:person", args=[person]),
    ):
        assert client.get(url).status_code == 403, url
    posted = client.post(
        pair_url(scored.police, scored.school), {"kind": "same_person", "reason": "Same child"}
    )
    assert posted.status_code == 403
    merged = client.post(
        reverse("linkage:person", args=[person]),
        {"action": "merge", "merge-other_person": scored.school.person_id, "merge-reason": "Same"},
    )
    assert merged.status_code == 403
    assert not LinkDecision.objects.exists()
    assert scored.refreshed().school.person_id == scored.school.person_id != person
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW).exists()


@pytest.mark.parametrize(
    "persona,sees_it", [("analyst", True), *((p, False) for p in NOT_ANALYSTS)]
)
def test_only_analysts_have_linkage_in_the_navigation(cast, persona, sees_it):
    sections = visible_sections(user=cast[persona], current_path=reverse("linkage:review"))
    linkage = [s for s in sections if s["text"] == "Linkage"]
    assert bool(linkage) is sees_it
    if sees_it:
        assert linkage[0] == {"text": "Linkage", "href": reverse("linkage:review"), "current": True}


def test_records_of_a_restricted_person_are_withheld_from_the_queue_and_refused(
    client_for, scored, cast
):
    Person.objects.filter(pk=scored.school.person_id).update(restricted=True)
    client = client_for("analyst")
    response = open_queue(client)
    assert list(response.context["page"]) == []
    assert response.context["summary"].waiting == 2
    assert response.context["summary"].withheld == 2
    assert "Walsh" not in response.content.decode()

    assert open_pair(client, scored.police, scored.school).status_code == 403
    refusal = AuditEvent.objects.get(action=AuditAction.REFUSED)
    assert (refusal.object_type, refusal.object_id) == ("person", str(scored.school.person_id))

    Person.objects.get(pk=scored.school.person_id).allowed_users.add(cast["analyst"])
    assert open_pair(client, scored.police, scored.school).status_code == 200


def test_the_pair_page_shows_both_records_and_the_models_arithmetic(client_for, scored):
    response = open_pair(client_for("analyst"), scored.school, scored.police)
    assert response.status_code == 200
    view = response.context["view"]
    assert [d.record.pk for d in view.records] == sorted((scored.police.pk, scored.school.pk))
    pair = stored_pair(scored.police, scored.school)
    assert view.pair == pair
    assert view.waterfall.match_weight == pytest.approx(pair.match_weight, abs=1e-6)
    assert not view.weights_disagree
    page = response.content.decode()
    for shown in ("WP000123", "E-5150", "Jade Exemple", "SN15 1ZZ", "Education", "Walsh"):
        assert shown in page
    assert 'data-testid="waterfall"' in page and "<svg" in page
    assert "Same sector" in page and "Exact match on first_name" in page
    assert f'href="{reverse("linkage:person", args=[scored.school.person_id])}"' in page
    event = AuditEvent.objects.get(action=AuditAction.VIEW, object_type="link_pair")
    assert event.detail["records"] == sorted((scored.police.pk, scored.school.pk))
    assert event.purpose == "Analysis for the partnership"


def test_the_pair_page_lists_earlier_addresses_and_names(client_for, scored):
    scored.school.history = [
        {
            "postcode": "BA14 8AA",
            "address": "1 Old Road",
            "given_names": "Jade",
            "family_name": "Example",
        }
    ]
    scored.school.save()
    detail = open_pair(client_for("analyst"), scored.police, scored.school).context["view"]
    school = (
        detail.records[1] if detail.records[1].record.pk == scored.school.pk else detail.records[0]
    )
    assert [(a.postcode, a.address) for a in school.earlier_addresses] == [
        ("BA14 8AA", "1 Old Road")
    ]
    assert school.earlier_names == ["Jade Example"]


def test_the_pair_url_puts_the_lower_record_first_and_needs_two_records(client_for, scored):
    client = client_for("analyst")
    low, high = sorted((scored.police.pk, scored.school.pk))
    response = with_purpose(client, "/").get(reverse("linkage:pair", args=[high, low]))
    assert response.status_code == 302 and response.url == reverse("linkage:pair", args=[low, high])
    assert client.get(reverse("linkage:pair", args=[low, low])).status_code == 404
    assert client.get(reverse("linkage:pair", args=[low, high + 1000])).status_code == 404


def test_not_the_same_person_is_recorded_and_the_next_pair_follows(client_for, scored, cast):
    client = client_for("analyst")
    url = pair_url(scored.police, scored.school)
    with_purpose(client, url)
    response = client.post(url, {"kind": "not_same_person", "reason": "Another child: twin"})
    other = pair_url(scored.health, scored.school)
    assert response.status_code == 302 and response.url == other
    decision = LinkDecision.objects.get()
    assert (decision.kind, decision.reason, decision.decided_by) == (
        LinkDecisionKind.NOT_SAME_PERSON,
        "Another child: twin",
        cast["analyst"],
    )
    assert decision.match_weight == stored_pair(scored.police, scored.school).match_weight
    assert queue_pairs() == [tuple(sorted((scored.health.pk, scored.school.pk)))]
    banner = client.get(other).content.decode()
    assert "Decision recorded: Not the same person. Here is the next pair." in banner
    event = AuditEvent.objects.get(action=AuditAction.CHANGE, object_type="link_decision")
    assert event.object_id == str(decision.pk) and event.username == "analyst"


def test_the_same_person_joins_the_records_at_once_and_the_last_decision_empties_the_queue(
    client_for, scored
):
    client = client_for("analyst")
    with_purpose(client, "/")
    client.post(
        pair_url(scored.police, scored.school), {"kind": "same_person", "reason": "Same UPN"}
    )
    records = scored.refreshed()
    assert records.school.person_id == records.police.person_id == records.health.person_id
    response = client.post(
        pair_url(scored.health, scored.school), {"kind": "not_sure", "reason": "Cannot tell"}
    )
    assert response.status_code == 302 and response.url == reverse("linkage:review")
    assert queue_pairs() == []
    page = client.get(response.url).content.decode()
    assert "Decision recorded: Not sure. No more pairs are waiting." in page
    assert "No pair is waiting for a decision." in page


def test_a_decision_needs_a_choice_and_a_reason(client_for, scored):
    client = client_for("analyst")
    url = pair_url(scored.police, scored.school)
    with_purpose(client, url)
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert 'href="#id_kind_0">Choose whether these records are the same young person' in page
    assert 'href="#id_reason">Enter the reason for your decision' in page
    assert page.count("govuk-form-group--error") == 2
    assert not LinkDecision.objects.exists()
    assert queue_pairs() != []


def test_earlier_decisions_on_the_pair_are_listed(client_for, scored):
    client = client_for("analyst")
    url = pair_url(scored.police, scored.school)
    with_purpose(client, url)
    client.post(url, {"kind": "not_sure", "reason": "Ask the school"})
    client.post(url, {"kind": "same_person", "reason": "School confirmed"})
    response = client.get(url)
    decisions = response.context["view"].decisions
    assert [(d.kind, d.superseded_at is None) for d in decisions] == [
        (LinkDecisionKind.SAME_PERSON, True),
        (LinkDecisionKind.NOT_SURE, False),
    ]
    table = response.content.decode().split('data-testid="pair-decisions"')[1]
    assert "School confirmed" in table and "Ask the school" in table and "Replaced on" in table
    assert "decided <strong>same person</strong>" in response.content.decode()


def test_records_the_model_never_scored_together_can_still_be_decided(client_for, scored):
    stranger = SourceRecordFactory(
        feed=scored.police.feed, import_batch__feed=scored.police.feed, given_names="Rio"
    )
    client = client_for("analyst")
    response = open_pair(client, scored.police, stranger)
    assert response.status_code == 200
    assert response.context["view"].pair is None
    assert 'data-testid="not-scored"' in response.content.decode()
    client.post(
        pair_url(scored.police, stranger), {"kind": "not_same_person", "reason": "Different child"}
    )
    decision = LinkDecision.objects.get()
    assert decision.match_weight is None
    assert {decision.record_a_id, decision.record_b_id} == {scored.police.pk, stranger.pk}


def test_twins_wait_in_the_queue_marked_held_however_high_they_score(
    client_for, agencies, county_model
):
    twins = [
        unlinked_record(
            agencies["education"],
            "education-pupils",
            source_record_id=f"E-70{n}",
            given_names=given_names,
            family_name="Okafor",
            date_of_birth=BORN,
            sex="female",
            postcode="SN15 1AA",
        )
        for n, given_names in enumerate(["Isla", "Molly"])
    ]
    link_all()
    # The county's model, its first names trained on pairs sharing a birthday and a surname,
    # now scores these twins apart. The hold is for a model that scores such a pair high, as
    # one trained on other data may: the pair such a model stores.
    low, high = sorted(twin.pk for twin in twins)
    LinkPair.objects.update_or_create(
        record_a_id=low,
        record_b_id=high,
        defaults={
            "match_weight": 9.0,
            "match_probability": 0.998,
            "model_version": "county-test",
            "levels": {"first_name": 0, "surname": 7, "date_of_birth": 4, "postcode": 4},
            "held_for_review": True,
        },
    )
    relink([low, high], threshold=DEFAULT_THRESHOLD)
    pair = stored_pair(*twins)
    assert pair.held_for_review and pair.match_probability > 0.95
    assert Person.objects.filter(source_records__in=twins).distinct().count() == 2
    response = open_queue(client_for("analyst"))
    row = response.content.decode().split(f'data-pair="{pair.record_a_id}-{pair.record_b_id}"')[1]
    assert "Two people" in row.split("</tr>")[0] and "Held" in row.split("</tr>")[0]
    page = open_pair(client_for("analyst"), *twins).content.decode()
    assert "Their first names share nothing" in page


def test_the_queue_counts_the_pairs_waiting_between_the_same_two_people(client_for, scored):
    response = open_queue(client_for("analyst"))
    # Police and health are one person, the school's record another: two pairs between them.
    assert [cell.strip() for cell in _cells(response, "between")] == ["2", "2"]
    page = open_pair(client_for("analyst"), scored.police, scored.school)
    assert b"Decide all 2 pairs waiting between these two young people" in page.content


def test_one_decision_settles_every_pair_between_two_people(client_for, scored, cast):
    client = client_for("analyst")
    url = pair_url(scored.police, scored.school)
    response = with_purpose(client, url).post(
        url, {"kind": "not_same_person", "reason": "Twins: school confirmed", "whole_group": "on"}
    )
    assert response.status_code == 302
    assert queue_pairs() == []
    decided = LinkDecision.objects.filter(kind=LinkDecisionKind.NOT_SAME_PERSON)
    assert sorted(decided.values_list("record_a", "record_b")) == sorted(
        [
            tuple(sorted((scored.police.pk, scored.school.pk))),
            tuple(sorted((scored.health.pk, scored.school.pk))),
        ]
    )
    assert set(decided.values_list("reason", flat=True)) == {"Twins: school confirmed"}
    assert AuditEvent.objects.filter(action=AuditAction.CHANGE).count() == 2


def _cells(response, testid: str) -> list[str]:
    import re

    return re.findall(rf'data-testid="{testid}">([^<]*)<', response.content.decode())


def test_the_pair_page_says_when_their_people_hold_different_nhs_numbers(client_for):
    first, second = SourceRecordFactory(), SourceRecordFactory()
    IdentifierFactory(source_record=first, kind="nhs_number", value="9434765919")
    IdentifierFactory(source_record=second, kind="nhs_number", value="9434765870")
    low, high = sorted((first.pk, second.pk))
    LinkPair.objects.create(
        record_a_id=low,
        record_b_id=high,
        match_weight=5.0,
        match_probability=0.97,
        model_version="test",
    )
    relink([low, high], threshold=DEFAULT_THRESHOLD)
    response = open_pair(client_for("analyst"), first, second)
    assert response.context["view"].identifier_conflicts == ("NHS number",)
    page = response.content.decode()
    assert "hold different NHS numbers and none in common" in page
    assert "at least 99.00% sure" in page
    # One person once a decision joins them: nothing to explain.
    SourceRecordFactory._meta.model.objects.filter(pk=second.pk).update(person=first.person_id)
    assert (
        open_pair(client_for("analyst"), first, second).context["view"].identifier_conflicts == ()
    )
