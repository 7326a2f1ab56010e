"""A panel member finds a young person by a misspelt name, reads the single view, filters the
timeline, sees the connections chart and downloads the PDF for the meeting."""

import pytest
from playwright.sync_api import expect

from safeguarding.access.models import AuditAction, AuditEvent
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD
from tests.factories import FeedFactory, InvolvementFactory, PersonFactory, SourceRecordFactory
from tests.people.conftest import FEEDS, event_for, record_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def known_to_police_and_health(cast, agencies):
    feeds = {code: FeedFactory(name=name, agency=agencies[code]) for code, name in FEEDS.items()}
    person = PersonFactory(display_name="Jade Example")
    police = record_for(person, feeds["wiltshire-police"], source_record_id="WP000123")
    health = record_for(person, feeds["health"], source_record_id="H-77", given_names="Jayde")
    event_for(police, "missing_episode", role="missing_person", days_ago=40)
    event_for(police, "stop_and_search", days_ago=30, details={"found": ["cash"]})
    event_for(health, "ed_attendance", days_ago=20, details={"attendance_reason": "Assault"})
    adult = SourceRecordFactory(person=PersonFactory(display_name="Older Male"))
    found = event_for(police, "incident", role="missing_person", days_ago=10)
    InvolvementFactory(event=found, source_record=adult, person=adult.person, role="found_with")
    return person


def test_a_panel_member_finds_a_misspelt_name_filters_the_timeline_and_downloads_the_pdf(
    page, known_to_police_and_health
):
    person = known_to_police_and_health
    sign_in(page, username="police_panel_member", password=PASSWORD)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="People").click()
    page.get_by_label("Name, date of birth (dd/mm/yyyy) or any agency's id").fill("jade exmaple")
    page.get_by_role("button", name="Search").click()
    # Results name young people: the purpose is asked before any is listed.
    page.get_by_label("Preparing for or attending a multi-agency panel").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_test_id("search-results").get_by_role("link", name="Jade Example").click()
    timeline = page.get_by_test_id("timeline")
    expect(timeline.locator("tbody tr")).to_have_count(4)
    assert "Reason: Assault" in timeline.inner_text()

    page.get_by_label("Agency").select_option(label="NHS Integrated Care Board")
    page.get_by_role("button", name="Filter").click()
    rows = page.get_by_test_id("timeline").locator("tbody tr")
    expect(rows).to_have_count(1)
    assert "Emergency department attendance" in rows.first.inner_text()

    # Read on request: the link keeps the timeline's filter.
    page.get_by_test_id("show-connections").click()
    expect(page.get_by_test_id("timeline").locator("tbody tr")).to_have_count(1)
    connections = page.get_by_test_id("connections").inner_text()
    assert "Older Male" in connections and "Suspected" in connections
    chart = page.get_by_test_id("connections-chart")
    # Not wait_for_function: a string predicate is evaluated with eval, which the page's
    # Content Security Policy refuses.
    expect(chart).to_have_attribute("data-ready", "true")
    assert chart.locator("canvas").count() >= 1

    with page.expect_download() as download:
        page.get_by_role("link", name="Download a PDF for a meeting").click()
    pdf = download.value
    assert pdf.suggested_filename == f"young-person-{person.pk}.pdf"
    with open(pdf.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    export = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert export.purpose == "Preparing for or attending a multi-agency panel"
    assert export.detail["timeline"] == "agency=health"


def test_the_page_opens_on_a_summary_with_the_newest_events_first(page, known_to_police_and_health):
    sign_in(page, username="police_panel_member", password=PASSWORD)
    page.goto(f"/people/{known_to_police_and_health.pk}/")
    page.get_by_label("Preparing for or attending a multi-agency panel").check()
    page.get_by_role("button", name="Continue").click()
    agencies = page.get_by_test_id("summary-agencies").inner_text()
    assert "Wiltshire Police" in agencies and "NHS Integrated Care Board" in agencies
    rows = page.get_by_test_id("timeline").locator("tbody tr")
    # Newest first: the incident ten days ago, then the attendance twenty days ago...
    assert "Police incident" in rows.first.inner_text()
    assert "Missing episode" in rows.last.inner_text()
    assert "newest first" in page.get_by_test_id("timeline").locator("caption").inner_text()

    page.get_by_role("link", name="Show oldest first").click()
    assert "Missing episode" in rows.first.inner_text()
    # Filtering keeps the order chosen.
    page.get_by_label("Agency").select_option(label="Wiltshire Police")
    page.get_by_role("button", name="Filter").click()
    assert "order=oldest" in page.url and "Missing episode" in rows.first.inner_text()

    # On a wide screen the menu of sections stays in view.
    menu = page.get_by_test_id("side-menu")
    assert menu.evaluate("e => getComputedStyle(e).position") == "sticky"
    page.get_by_test_id("side-menu").get_by_role("link", name="Involvement").click()
    assert menu.is_visible()
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert menu.evaluate("e => getComputedStyle(e).position") == "static"
    # On a phone each wide table scrolls in its own box; the page itself never sideways.
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    timeline_box = page.get_by_test_id("timeline").locator("xpath=..")
    assert timeline_box.evaluate("e => e.scrollWidth > e.clientWidth")
