"""axe-core in the browser tests: every page a test loads is checked, and a serious or
critical problem fails the test (the `page` fixture in conftest.py)."""

import json
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parents[2]

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
