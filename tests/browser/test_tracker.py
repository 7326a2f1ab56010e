"""The Vulnerability Tracker in real Chromium: a panel member filters it and opens a young
person from it."""

import datetime
import re

import pytest
from playwright.sync_api import expect

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
    expect(table.locator("tbody tr")).to_have_count(3)
    assert table.locator("tbody tr").first.get_by_role("link").first.inner_text() == "Kai Example"

    page.get_by_label("Exploitation type").select_option("trafficking")
    page.get_by_role("button", name="Apply filters").click()
    expect(table.locator("tbody tr")).to_have_count(1)
    assert "1 young person" in page.get_by_test_id("tracker-count").inner_text()

    page.get_by_label("Exploitation type").select_option("")
    page.get_by_label("Level").select_option("medium")
    page.get_by_role("button", name="Apply filters").click()
    rows = table.locator("tbody tr")
    # The page before also listed one row: wait for the filtered page, then for its row.
    expect(page).to_have_url(re.compile(r"level=medium"))
    expect(rows.first).to_contain_text("Lola Example")
    expect(rows).to_have_count(1)
    assert "Raised by the under-13 rule" in rows.first.inner_text()

    rows.first.get_by_role("link", name="Lola Example", exact=True).click()
    page.wait_for_url("**/people/*/")
    assert page.get_by_role("heading", level=1).inner_text() == "Lola Example"


PHONE = {"width": 390, "height": 844}
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"


@pytest.fixture
def many_signs(agencies):
    county = County(agencies)
    for name, codes, born in (
        ("Many Signs", ["24A", "11A", "12A", "13A", "10A"], datetime.date(2010, 5, 1)),
        ("Two Signs", ["24A", "10A"], datetime.date(2012, 5, 1)),
        ("One Sign", ["10A"], datetime.date(2009, 5, 1)),
    ):
        child = county.person(display_name=name, born=born)
        county.event(
            child,
            agency="childrens-social-care",
            event_type="referral",
            details={"factor_codes": codes},
        )
    score_everyone(as_of=AS_OF)


def test_the_chair_sorts_by_a_heading_expands_a_row_and_sets_a_level(page, cast, many_signs):
    sign_in(page, username="panel_chair", password=PASSWORD)
    page.goto("/tracker/")
    page.get_by_label("Preparing for or attending a multi-agency panel").check()
    page.get_by_role("button", name="Continue").click()
    table = page.get_by_test_id("tracker")
    first = table.locator("tbody tr").first
    assert first.get_by_role("link").first.inner_text() == "Many Signs"
    # Compact: three indicators in the row, the rest folded.
    expect(first.get_by_test_id("top-indicators").locator("li")).to_have_count(3)
    more = first.get_by_test_id("more-indicators")
    assert "more" in more.locator("summary").inner_text()
    hidden = more.locator(".govuk-details__text li").first
    assert not hidden.is_visible()
    more.locator("summary").click()
    assert hidden.is_visible()
    counts = page.get_by_test_id("tracker-counts").inner_text()
    assert "high" in counts and "medium" in counts and "rising" in counts

    # At 1280 px the page keeps its margin and never scrolls sideways.
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert page.locator("main").bounding_box()["x"] >= 15

    table.get_by_test_id("sort-age").click()
    page.wait_for_url("**sort=age**")
    assert table.locator("tbody tr").first.get_by_role("link").first.inner_text() == "Two Signs"
    assert table.locator("th[aria-sort]").inner_text() == "Age"

    # The filters and sort are kept when the chair comes back to the tracker.
    page.goto("/")
    page.goto("/tracker/")
    assert "sort=age" in page.url

    row = table.locator("tbody tr", has_text="One Sign")
    row.get_by_test_id("set-level").click()
    assert "Computed level" in page.get_by_test_id("computed").inner_text()
    page.get_by_label("High", exact=True).check()
    page.get_by_label("Why?").fill("Seen with older males at the station")
    page.get_by_label("Review by (optional)").fill("2026-09-01")
    page.get_by_role("button", name="Set the level").click()
    page.wait_for_url("**/tracker/?**sort=age**")
    assert "Set by a professional" in table.locator("tbody tr", has_text="One Sign").inner_text()


def test_the_tracker_reads_on_a_phone(page, cast, many_signs):
    page.set_viewport_size(PHONE)
    sign_in(page, username="analyst", password=PASSWORD)
    page.goto("/tracker/")
    page.get_by_label("Analysis for the partnership").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_test_id("tracker").locator("tbody tr")).to_have_count(3)
    # The table scrolls in its own box; the page itself does not.
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
