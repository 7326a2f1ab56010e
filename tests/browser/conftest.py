"""Real Chromium (Debian's) driven by Playwright against Django's live server."""

import os
import shutil

import pytest

from tests.browser.accessibility import (
    check_accessibility_on_every_load,
    wait_for_accessibility_check,
)

CHROMIUM_ARGUMENTS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# Playwright's sync API runs an event loop in this thread; Django's guard against calling the
# database from async code would otherwise refuse the test's own set-up queries.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def chromium_path() -> str:
    path = (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )
    if not path:
        pytest.fail(
            "Browser tests need Chromium: `make test` installs it when run as root "
            "(scripts/ensure-chromium), otherwise: sudo apt-get install -y chromium."
        )
    return path


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGUMENTS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh page that fails the test on any console error or uncaught exception, and on any
    serious or critical accessibility problem axe-core finds on a page it loads."""
    context = browser.new_context(base_url=live_server.url)
    inaccessible = check_accessibility_on_every_load(context)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.console_problems = problems
    yield page
    wait_for_accessibility_check(page)
    context.close()
    assert not problems, f"The browser reported errors: {problems}"
    assert not inaccessible, "Accessibility problems (axe-core):\n" + "\n".join(inaccessible)


def forget_the_user(page) -> None:
    """A fresh browser for the next user: once the page's own requests have ended (a reply
    still in flight, such as a chart's data, would set its session cookie again)."""
    page.wait_for_load_state("networkidle")
    page.context.clear_cookies()


def sign_in(page, *, username: str, password: str) -> None:
    """Both steps, as a user does: the password, then the code their authenticator shows."""
    from safeguarding.access.models import User
    from tests.conftest import authenticator_for, current_code

    user = User.objects.get(username=username)
    authenticator_for(user)
    page.goto("/access/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Security code").fill(current_code(user))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(lambda url: "/access/sign-in/" not in url)
