"""Concerns in real Chromium: a member of the public reports on a phone; an analyst triages the
report into the records, and it reaches the young person's timeline and the tracker."""

import pytest
from django.utils import timezone

from safeguarding.concerns.models import Concern, Status
from safeguarding.places.models import Postcode
from safeguarding.risk.models import IndicatorHit
from safeguarding.risk.services import score_everyone
from tests.browser.accessibility import (
    check_accessibility_on_every_load,
    wait_for_accessibility_check,
)
from tests.browser.conftest import sign_in
from tests.concerns.conftest import make_small_area, report
from tests.concerns.test_triage import young_person
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 375, "height": 740}


@pytest.fixture
def phone(browser, live_server):
    """A phone-sized page with no account, checked by axe-core on every load."""
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True
    )
    inaccessible = check_accessibility_on_every_load(context)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    yield page
    wait_for_accessibility_check(page)
    context.close()
    assert not problems, f"The browser reported errors: {problems}"
    assert not inaccessible, "Accessibility problems (axe-core):\n" + "\n".join(inaccessible)


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_member_of_the_public_reports_on_a_phone_and_an_analyst_triages_it(phone, page, cast):
    phone.goto("/report/")
    assert fits_the_screen(phone)
    phone.get_by_label("Hotel or short let").check()
    phone.get_by_role("button", name="Continue").click()
    phone.get_by_label("Young people arriving with older adults who are not their parents").check()
    phone.get_by_label("Rooms paid for in cash, or by someone who does not stay").check()
    phone.get_by_label("Vehicle registrations").fill("ab12 cde")
    phone.get_by_label("Postcode").fill("sn15 1aa")
    phone.get_by_label("No, I want to stay anonymous").check()
    assert fits_the_screen(phone)
    phone.get_by_role("button", name="Send report").click()
    reference = phone.get_by_test_id("reference").inner_text()
    concern = Concern.objects.get(reference=reference)
    assert concern.anonymous and list(concern.named_objects.values_list("value", flat=True)) == [
        "AB12CDE"
    ]
    assert fits_the_screen(phone)

    # The same car, reported by its driver's taxi firm an hour later; a young person and the
    # postcode's place in the geography are in the records.
    duplicate = report(sector="taxi", indicators=["taxi-paid-by-adult"], vehicles=["AB12CDE"])
    child = young_person("Jade Example")
    Postcode.objects.create(
        postcode="SN15 1AA", latitude=51.46, longitude=-2.12, small_area="E01031234", in_area=True
    )

    sign_in(page, username="analyst", password=PASSWORD)
    page.goto("/concerns/")
    page.get_by_label("Analysis for the partnership").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name=reference).click()
    page.get_by_role("button", name=f"Merge {duplicate.reference} into this one").click()
    assert duplicate.reference in page.get_by_test_id("merged").inner_text()

    page.get_by_label("Name, date of birth (dd/mm/yyyy) or any agency's id").fill("Jade")
    page.get_by_role("button", name="Search").click()
    page.get_by_label("Role of Jade Example").select_option("victim")
    page.get_by_role("button", name="Link Jade Example").click()
    assert "Jade Example (Victim)" in page.get_by_test_id("linked-people").inner_text()

    page.get_by_label("Address or place").fill("Station Hotel")
    page.get_by_role("button", name="Set place").click()
    assert "E01031234" in page.get_by_test_id("concern").inner_text()

    page.get_by_label("Passed to police").check()
    page.get_by_label("Reason").fill("Vehicle known to police; two reports")
    page.get_by_role("button", name="Record outcome").click()
    assert "Triaged: Passed to police" in page.get_by_test_id("status").inner_text()
    concern.refresh_from_db()
    duplicate.refresh_from_db()
    assert concern.status == Status.DONE and duplicate.merged_into == concern

    page.get_by_role("link", name="Jade Example").click()
    page.wait_for_url("**/people/*/")
    assert "Concern reported by a partner" in page.locator("main").inner_text()

    score_everyone(as_of=timezone.localdate())
    hit = IndicatorHit.objects.get(assessment__person=child, indicator_id="partner-concern")
    assert list(hit.evidence.values_list("source_event_id", flat=True)) == [reference]
    page.reload()
    assert "Concern reported by a partner (taxi, hotel" in page.locator("main").inner_text()


def test_a_point_picked_on_the_map_on_a_phone_is_stored(phone):
    make_small_area()
    phone.goto("/report/")
    phone.get_by_label("Taxi or private hire").check()
    phone.get_by_role("button", name="Continue").click()
    phone.get_by_label("Tell us what you saw").fill("Two girls picked up at the lay-by")
    area_map = phone.get_by_test_id("report-map")
    area_map.scroll_into_view_if_needed()
    phone.wait_for_selector("[data-testid=report-map][data-ready=true]")
    assert fits_the_screen(phone)
    box = area_map.bounding_box()
    assert box["width"] <= PHONE["width"]
    area_map.tap(position={"x": box["width"] / 2, "y": box["height"] / 2})
    assert "Place picked on the map" in phone.get_by_test_id("map-status").inner_text()
    phone.get_by_role("button", name="Send report").click()
    reference = phone.get_by_test_id("reference").inner_text()
    concern = Concern.objects.get(reference=reference)
    # The middle of the map is the middle of the small area (51.45, -2.1), give or take a tap.
    assert abs(concern.latitude - 51.45) < 0.01 and abs(concern.longitude + 2.1) < 0.01
    assert concern.report.answers["latitude"] == concern.latitude
