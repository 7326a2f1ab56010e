import pytest
from playwright.sync_api import expect

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
    expect(page.locator("svg.govuk-header__logotype")).to_have_count(0)
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
    expect(navigation.get_by_role("link", name="Tracker")).to_have_count(0)
    assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')")
    page.screenshot(path=tmp_path / "home.png", full_page=True)

    page.get_by_role("button", name="Sign out").click()
    assert "/access/sign-in/" in page.url


def test_a_new_user_sets_up_two_factor_with_a_real_code_and_keeps_recovery_codes(
    page, cast, tmp_path
):
    from base64 import b32decode

    from django_otp.oath import totp

    page.goto("/access/sign-in/")
    page.get_by_label("Username").fill("analyst")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    assert page.get_by_role("heading", name="Set up two-factor authentication").is_visible()
    assert page.get_by_role("img", name="QR code for your app").is_visible()
    page.get_by_text("I cannot scan the QR code").click()
    secret = page.get_by_test_id("secret").inner_text()
    page.screenshot(path=tmp_path / "set-up.png", full_page=True)
    code = f"{totp(b32decode(secret.replace(' ', ''))):06d}"
    page.get_by_label("Security code").fill(code)
    page.get_by_role("button", name="Continue").click()

    assert page.get_by_role("heading", name="Your recovery codes").is_visible()
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    page.get_by_role("link", name="I have kept my codes: continue").click()
    assert page.get_by_test_id("account").is_visible()
    assert "/access/" not in page.url


def test_the_sign_out_button_shows_where_the_keyboard_is(page, cast):
    sign_in(page, username="auditor", password=PASSWORD)
    button = page.get_by_role("button", name="Sign out")
    button.focus()
    # The GOV.UK focus state: black text on yellow, whatever the header's colours.
    assert button.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(255, 221, 0)"
    assert button.evaluate("e => getComputedStyle(e).color") == "rgb(11, 12, 12)"
    page.keyboard.press("Enter")
    page.wait_for_url("**/access/sign-in/")
