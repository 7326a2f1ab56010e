"""The risk section of a young person's page (and PDF): the level in force, the indicators with
the records behind each, the history, for each persona."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguarding.people.queries import person_with_records
from safeguarding.risk.services import score_everyone, set_override
from safeguarding.web.printing import laid_out
from safeguarding.web.single_view import single_view
from tests.people.test_person_pdf import page_texts
from tests.risk.conftest import AS_OF

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(county):
    child = county.person(display_name="Kai Example")
    county.event(
        child,
        agency="childrens-social-care",
        event_type="referral",
        days_before=60,
        details={"factor_codes": ["24A"]},
    )
    county.event(
        child,
        agency="missing-service",
        event_type="missing_episode",
        role="missing_person",
        days_before=5,
        details={"found_postcode": "SE15 8JA"},
    )
    county.event(
        child,
        agency="health",
        event_type="ed_attendance",
        days_before=3,
        details={"attendance_reason": "Overdose"},
    )
    score_everyone(as_of=AS_OF - datetime.timedelta(days=42))
    score_everyone(as_of=AS_OF)
    return child


def risk_of(client_for, persona, person):
    client = client_for(persona)
    url = reverse("people:detail", args=[person.pk])
    client.post(reverse("access:purpose"), {"purpose": "panel", "next": url})
    response = client.get(url)
    assert response.status_code == 200
    return response, response.context["view"].risk


def test_the_page_shows_the_level_score_and_each_indicator_with_its_records(client_for, child):
    response, risk = risk_of(client_for, "police_panel_member", child)
    latest = risk["latest"]
    assert (latest.score - latest.vulnerability_score, latest.level) == (8.0, "high")
    labels = {item["label"]: item for item in risk["hits"]}
    found = labels["Found outside the partnership's area when missing"]
    [episode] = found["evidence"]
    assert episode.event_type == "missing_episode" and episode.feed.agency.code == "missing-service"
    assert "Emergency department: self-harm or overdose" in labels
    html = response.content.decode()
    assert 'id="risk"' in html and 'data-testid="risk-indicators"' in html
    assert "Missing and Return Interview Service (missing-service-records row" in html
    assert len(risk["history"]) == 2 and risk["chart"]["points"]


def test_health_indicators_are_named_only_for_health_and_the_panel(client_for, child):
    _, risk = risk_of(client_for, "analyst", child)
    labels = [item["label"] for item in risk["hits"]]
    assert "Emergency department: self-harm or overdose" not in labels
    assert any(label.startswith("A health indicator") for label in labels)


def test_an_override_shows_with_its_reason_and_the_computed_level(client_for, child, cast):
    set_override(
        person=child,
        level="medium",
        reason="Safety plan in place; reviewed at panel",
        user=cast["police_panel_member"],
    )
    response, risk = risk_of(client_for, "police_panel_member", child)
    assert risk["override"].level == "medium"
    html = response.content.decode()
    assert "Safety plan in place; reviewed at panel" in html
    assert "Computed level: high" in html
    assert reverse("risk:end_override", args=[risk["override"].pk]) in html


def test_a_young_person_never_scored_has_no_risk_shown(client_for, county):
    quiet = county.person(display_name="Quiet Example")
    response, risk = risk_of(client_for, "analyst", quiet)
    assert risk is None
    assert b"No indicator of exploitation in the latest scoring" in response.content


def test_the_pdf_carries_the_risk_section(child, cast):
    user = cast["police_panel_member"]
    view = single_view(person=person_with_records(person_id=child.pk), user=user)
    text = " ".join(
        page_texts(laid_out(view=view, user=user, purpose="Panel", printed_at=timezone.now()))
    )
    assert "Risk" in text and "Found outside the partnership's area when missing" in text
    assert "Set the level" not in text  # no controls on paper
