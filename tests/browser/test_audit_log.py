"""The audit log in real Chromium: record types from a list, dates from a date input, and what
each search or export asked for, on a desktop and a phone."""

import pytest
from playwright.sync_api import expect

from safeguarding.access import audit
from safeguarding.access.models import AuditAction, AuditObject
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_an_auditor_filters_by_record_type_and_reads_what_was_searched(page, cast, width):
    audit.record(
        action=AuditAction.SEARCH,
        username="analyst",
        object_type=AuditObject.PERSON_SEARCH,
        detail={"terms": "kimberley hart", "results": 2},
    )
    audit.record(
        action=AuditAction.EXPORT,
        username="analyst",
        object_type=AuditObject.TRACKER,
        detail={"rows": 40, "filters": ["level"]},
    )
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, username="auditor", password=PASSWORD)
    page.goto("/access/audit/")
    page.get_by_label("Data protection or quality assurance").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Record type").select_option(label="Search for people")
    assert page.get_by_label("From").get_attribute("type") == "date"
    page.get_by_label("From").fill("2020-01-01")
    page.get_by_role("button", name="Filter").click()
    # expect() waits for the filtered page to load; count() alone read the page mid-navigation.
    details = page.get_by_test_id("audit-detail")
    expect(details).to_have_count(1)
    expect(details.first).to_have_text("searched “kimberley hart”; 2 results")
    assert "object_type=person_search" in page.url and "date_from=2020-01-01" in page.url
