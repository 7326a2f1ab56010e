"""Real Chromium (Debian's) driven by Playwright against Django's live server."""

import json
import os
import shutil
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parents[2]

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


# axe-core from the npm registry (package.json), copied beside the build by scripts/build-assets:
# never collected into the static files users are served.
AXE_PATHS = [
    CHECKOUT / "build" / "test" / "axe.min.js",
    CHECKOUT / "node_modules" / "axe-core" / "axe.min.js",
]
FAILING_IMPACTS = ("serious", "critical")
# Run in every page after it loads. Injected by the browser itself (not a <script> tag), so the
# page's Content Security Policy stays as strict as users get it; the findings come back through
# a binding, so a test that moves on straight away still has the page it left checked.
RUN_AXE_ON_LOAD = """
if (window === window.top) {
  window.addEventListener("load", () => {
    window.__accessibilityChecked = axe
      .run(document, { resultTypes: ["violations"] })
      .then((results) =>
        window.__reportAccessibility(
          location.pathname + location.search,
          results.violations
            .filter((v) => FAILING_IMPACTS.includes(v.impact))
            .map((v) => ({
              id: v.id,
              impact: v.impact,
              help: v.help,
              targets: v.nodes.map((node) => node.target.join(" ")),
            }))
        )
      );
  });
}
""".replace("FAILING_IMPACTS", json.dumps(FAILING_IMPACTS))


def check_accessibility_on_every_load(context) -> list[str]:
    """Check every page the context loads with axe-core; returns the list the problems go in,
    one line each: the page, the rule, its impact and the elements at fault."""
    path = next((p for p in AXE_PATHS if p.exists()), None)
    if path is None:
        pytest.fail("axe-core is missing: run `make assets` (it is installed from npm).")
    problems: list[str] = []

    def report(source, address: str, violations: list[dict]) -> None:
        for violation in violations:
            problems.append(
                f"{address}: {violation['id']} ({violation['impact']}) at "
                f"{', '.join(violation['targets'])}: {violation['help']}"
            )

    context.expose_binding("__reportAccessibility", report)
    context.add_init_script(path=path)
    context.add_init_script(script=RUN_AXE_ON_LOAD)
    return problems


def wait_for_accessibility_check(page) -> None:
    """Let the check of the page the test ended on finish before the findings are read."""
    if not page.is_closed():
        page.wait_for_load_state("load")
        page.evaluate("() => window.__accessibilityChecked")


def sign_in(page, *, username: str, password: str) -> None:
    page.goto("/access/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
