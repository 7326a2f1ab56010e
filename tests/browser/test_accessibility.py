"""Accessibility: the axe-core check every browser test runs, and the fixes it asked for."""

import pytest

from safeguarding.access import audit
from safeguarding.access.models import AuditAction
from tests.browser.accessibility import check_accessibility_on_every_load
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# GOV.UK's focus colours: yellow block, near-black text.
FOCUS_YELLOW = "rgb(255, 221, 0)"
FOCUS_TEXT = "rgb(11, 12, 12)"
# One rule on part of the page, once the check every page load starts has finished (axe runs
# one check at a time).
AXE_RULE = """async ([rule, selector]) => {
  await window.__accessibilityChecked;
  return (await axe.run(selector, { runOnly: [rule] })).violations;
}"""


def test_the_check_fails_a_page_with_a_critical_problem_naming_the_rule_and_element(
    browser, live_server
):
    context = browser.new_context(base_url=live_server.url)
    problems = check_accessibility_on_every_load(context)
    page = context.new_page()
    page.route(
        "**/inaccessible/",
        lambda route: route.fulfill(
            content_type="text/html",
            body='<!DOCTYPE html><html lang="en"><title>t</title><main><img src="/x.png"></main>',
        ),
    )

    page.goto("/inaccessible/")
    page.evaluate("() => window.__accessibilityChecked")
    context.close()

    assert problems == [
        "/inaccessible/: image-alt (critical) at img: Images must have alternative text"
    ]


def test_every_part_of_the_page_sits_in_a_landmark(page, cast):
    sign_in(page, username="auditor", password=PASSWORD)
    page.goto("/")

    outside = page.evaluate(AXE_RULE, ["region", "body"])

    assert outside == []
    banner = page.get_by_role("region", name="Security classification")
    assert banner.inner_text() == "OFFICIAL-SENSITIVE · synthetic data only"


def test_sign_out_shows_the_yellow_focus_block_on_the_black_header(page, cast):
    sign_in(page, username="auditor", password=PASSWORD)
    sign_out = page.get_by_role("button", name="Sign out")

    sign_out.focus()

    colours = sign_out.evaluate(
        "e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).color]"
    )
    assert colours == [FOCUS_YELLOW, FOCUS_TEXT]


def test_pagination_is_readable(page, cast):
    for number in range(60):  # more than the audit log's page of 50
        audit.record(action=AuditAction.SEARCH, username="someone", detail={"n": number})
    sign_in(page, username="auditor", password=PASSWORD)

    page.goto("/access/audit/")
    page.get_by_label("Data protection or quality assurance").check()
    page.get_by_role("button", name="Continue").click()
    position = page.get_by_role("navigation", name="Pagination").get_by_text("Page 1 of 2")

    assert position.is_visible()
    contrast = page.evaluate(AXE_RULE, ["color-contrast", ".govuk-pagination"])
    assert contrast == []
    page.get_by_role("link", name="Next page").click()
    assert page.get_by_text("Page 2 of 2").is_visible()
