"""Each role's home page in real Chromium, at a desktop's width and a phone's: what the role
opens the service for, with real rows behind it."""

import datetime

import pytest
from django.utils import timezone

from safeguarding.access import audit
from safeguarding.access.models import AuditAction
from safeguarding.panel.models import Action, AgendaItem, Decision, Meeting
from safeguarding.risk.services import score_everyone
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD
from tests.risk.conftest import AS_OF, County

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PURPOSES = {
    "panel_chair": "Preparing for or attending a multi-agency panel",
    "practitioner": "Casework with this young person",
}


@pytest.fixture
def world(agencies, cast):
    county = County(agencies)
    child = county.person(display_name="High Person", born=datetime.date(2010, 5, 1))
    county.event(
        child,
        agency="childrens-social-care",
        event_type="referral",
        details={"factor_codes": ["24A", "11A", "12A"]},
    )
    score_everyone(as_of=AS_OF)
    meeting = Meeting.objects.create(
        title="December VACS panel",
        held_on=timezone.localdate() + datetime.timedelta(days=4),
        chair=cast["panel_chair"],
    )
    item = AgendaItem.objects.create(meeting=meeting, order=1, person=child)
    decision = Decision.objects.create(agenda_item=item, text="Refer to the NRM")
    practitioner = cast["practitioner"]
    Action.objects.create(
        decision=decision,
        description="Make the NRM referral",
        owner=practitioner,
        owner_agency=practitioner.agency,
        due_on=timezone.localdate() + datetime.timedelta(days=7),
    )
    audit.record(action=AuditAction.REFUSED, username="outsider", object_type="person")
    return child


def open_home(page, persona: str, *, width: int):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, username=persona, password=PASSWORD)
    page.goto("/")
    if persona in PURPOSES:
        page.get_by_label(PURPOSES[persona]).check()
        page.get_by_role("button", name="Continue").click()
        page.wait_for_url(lambda url: "/access/purpose/" not in url)


@pytest.mark.parametrize("width", [1280, 390])
def test_the_panel_chair_sees_the_next_meeting_and_the_newly_high(page, world, width):
    open_home(page, "panel_chair", width=width)
    assert "December VACS panel" in page.get_by_test_id("next-meeting").inner_text()
    assert "High Person" in page.get_by_test_id("new-high").inner_text()


def test_the_practitioner_sees_their_actions(page, world):
    open_home(page, "practitioner", width=1280)
    assert "Make the NRM referral" in page.get_by_test_id("my-actions").inner_text()
    page.get_by_test_id("my-actions").get_by_role("link", name="High Person").click()
    page.goto("/")
    assert "High Person" in page.get_by_test_id("my-people").inner_text()


def test_the_analyst_sees_the_data_waiting_for_them(page, world):
    open_home(page, "analyst", width=390)
    assert "30 Jun 2026" in page.get_by_test_id("last-run").inner_text()
    assert page.get_by_test_id("linkage-queue").inner_text() == "0"


def test_the_auditor_sees_refusals_and_opens_them(page, world):
    open_home(page, "auditor", width=1280)
    assert page.get_by_test_id("refusals").inner_text().startswith("1")
    page.get_by_test_id("refusals").get_by_role("link").click()
    page.get_by_label("Data protection or quality assurance").check()
    page.get_by_role("button", name="Continue").click()
    assert "outsider" in page.get_by_test_id("audit-events").inner_text()


def test_the_manager_sees_the_countys_counts(page, world):
    open_home(page, "manager", width=390)
    counts = page.get_by_test_id("county-counts")
    assert counts.locator("tbody tr").first.inner_text().split("\t")[:2] == ["High", "1"]
