import pytest

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_page_shows_the_service_header_and_refuses_a_wrong_password(page, cast, tmp_path):
    page.goto("/")
    assert "/access/sign-in/" in page.url
    header = page.locator(".govuk-generic-header")
    assert header.get_by_text("Safeguarding Hub").is_visible()
    assert page.get_by_role("heading", name="Sign in to Safeguarding Hub").is_visible()
    # Styled by our compiled GOV.UK Frontend, with no crown (the service is not on GOV.UK).
    assert (
        page.locator(".govuk-button").evaluate("e => getComputedStyle(e).backgroundColor")
        != "rgba(0, 0, 0, 0)"
    )
    assert page.locator("svg.govuk-header__logotype").count() == 0
    page.screenshot(path=tmp_path / "sign-in.png")

    page.get_by_label("Username").fill("analyst")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").get_by_text("There is a problem").is_visible()


def test_signed_in_home_page_shows_user_agency_and_navigation(page, cast, tmp_path):
    sign_in(page, username="auditor", password=PASSWORD)
    account = page.get_by_test_id("account")
    assert "Auditor" in account.inner_text()
    assert "Safeguarding Partnership" in account.inner_text()
    navigation = page.get_by_role("navigation", name="Menu")
    assert navigation.get_by_role("link", name="Audit").is_visible()
    # Sections that are not built yet, or not the auditor's business, are not linked.
    assert navigation.get_by_role("link", name="Tracker").count() == 0
    assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')")
    page.screenshot(path=tmp_path / "home.png", full_page=True)

    page.get_by_role("button", name="Sign out").click()
    assert "/access/sign-in/" in page.url
