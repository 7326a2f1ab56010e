"""The Vulnerability Tracker in real Chromium: a panel member filters it and opens a young
person from it."""

import datetime

import pytest

from safeguarding.risk.services import score_everyone
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD
from tests.risk.conftest import AS_OF, County

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scored_county(agencies):
    county = County(agencies)
    for name, codes, born in (
        ("Kai Example", ["24A", "13A", "12A"], datetime.date(2010, 5, 1)),
        ("Lola Example", ["11A"], datetime.date(2014, 1, 1)),  # 12: the under-13 rule
        ("Rio Example", ["10A"], datetime.date(2009, 5, 1)),
    ):
        child = county.person(display_name=name, born=born)
        county.event(
            child,
            agency="childrens-social-care",
            event_type="referral",
            details={"factor_codes": codes},
        )
    score_everyone(as_of=AS_OF)


def test_a_panel_member_filters_the_tracker_and_opens_a_young_person(page, cast, scored_county):
    sign_in(page, username="police_panel_member", password=PASSWORD)
    # The tracker is a panel member's home page; it asks why they need it first.
    page.get_by_label("Preparing for or attending a multi-agency panel").check()
    page.get_by_role("button", name="Continue").click()
    table = page.get_by_test_id("tracker")
    assert table.locator("tbody tr").count() == 3
    assert table.locator("tbody tr").first.get_by_role("link").inner_text() == "Kai Example"

    page.get_by_label("Exploitation type").select_option("trafficking")
    page.get_by_role("button", name="Apply filters").click()
    assert table.locator("tbody tr").count() == 1
    assert "1 young person" in page.get_by_test_id("tracker-count").inner_text()

    page.get_by_label("Exploitation type").select_option("")
    page.get_by_label("Level").select_option("medium")
    page.get_by_role("button", name="Apply filters").click()
    rows = table.locator("tbody tr")
    assert rows.count() == 1 and "Lola Example" in rows.first.inner_text()
    assert "Raised by the under-13 rule" in rows.first.inner_text()

    rows.first.get_by_role("link", name="Lola Example").click()
    page.wait_for_url("**/people/*/")
    assert page.get_by_role("heading", level=1).inner_text() == "Lola Example"
