"""How the pages people use look at a laptop's and a phone's width (issue 22), on the demo county:
each page's height, whether it scrolls sideways, and its server time as the browser saw it, with
a full-page screenshot of each, so a change to a page can be compared before and after.

    .venv/bin/safeguarding demo --no-serve      # once: builds, imports, links and scores var/
    .venv/bin/python benchmarks/page_shapes.py [--database-url sqlite:///var/demo.sqlite3]
        [--out var/page-shapes] [--widths 1280,390]

The anchor is the issue's walk-through before the polish: the tracker at 1280 px was about
31,500 px tall (50 rows, each listing every indicator in full) and the tracker and linkage pages
scrolled sideways at 1280 px.

The demo's SQLite database is copied first, so the sessions and audit events written here are
thrown away. The pages are served by `safeguarding serve` (gunicorn, one worker) and opened by
Debian's Chromium through Playwright, signed in as the demo's users with both factors (a session
made in this process, as `county_databases.signed_in_client` makes one).
"""

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # for the browser tests' Chromium arguments
# The pages, as (demo user, what, address); the person and the search are filled in from the
# database (the tracker's top young person; a name two people share).
PAGES = [
    ("chair", "home (chair)", "/"),
    ("social-worker", "home (practitioner)", "/"),
    ("analyst", "home (analyst)", "/"),
    ("auditor", "home (auditor)", "/"),
    ("manager", "home (manager)", "/"),
    ("chair", "tracker", "/tracker/?clear=1"),
    ("chair", "tracker, 200 a page", "/tracker/?size=200"),
    ("chair", "person page", "/people/{person}/"),
    ("analyst", "search", "/people/?q={name}"),
    ("analyst", "linkage review", "/linkage/"),
    ("auditor", "audit log", "/access/audit/"),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(url: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"The server stopped (exit {server.returncode}).")
        try:
            urllib.request.urlopen(url + "/access/sign-in/", timeout=5)  # noqa: S310 (loopback)
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"Nothing answered at {url} within {seconds:.0f} s.")


def sessions(usernames: set[str]) -> dict[str, str]:
    """A signed-in session cookie for each demo user (both factors, a purpose stated)."""
    from county_databases import signed_in_client

    from safeguarding.access.models import User

    cookies = {}
    for user in User.objects.filter(username__in=usernames):
        client = signed_in_client(user, purpose="Checking how the pages look")
        cookies[user.username] = client.cookies["sessionid"].value
    missing = usernames - set(cookies)
    if missing:
        raise SystemExit(f"The database has no demo user {sorted(missing)}: build the demo first.")
    return cookies


def fill_in() -> dict[str, str]:
    """The tracker's top young person and a name two people share, from the database."""
    from django.db.models import Count

    from safeguarding.people.models import Person
    from safeguarding.risk.models import RiskAssessment
    from safeguarding.risk.queries import latest_run

    top = (
        RiskAssessment.objects.filter(run=latest_run(), person__restricted=False)
        .order_by("-score")
        .values_list("person_id", flat=True)
        .first()
    )
    shared = (
        Person.objects.exclude(display_name="")
        .values("display_name")
        .annotate(people=Count("pk"))
        .filter(people__gte=2)
        .order_by("-people", "display_name")
        .values_list("display_name", flat=True)
        .first()
    )
    return {"person": str(top), "name": urllib.parse.quote(shared or "Smith")}


def measure(browser, *, base: str, cookie: str, path: str, width: int, shot: Path) -> dict:
    context = browser.new_context(base_url=base, viewport={"width": width, "height": 900})
    context.add_cookies([{"name": "sessionid", "value": cookie, "url": base}])
    page = context.new_page()
    response = page.goto(path, wait_until="load")
    shape = page.evaluate(
        """() => {
          const nav = performance.getEntriesByType('navigation')[0];
          const root = document.documentElement;
          return {height: root.scrollHeight, wide: root.scrollWidth > root.clientWidth,
                  server: nav.responseStart - nav.requestStart, title: document.title};
        }"""
    )
    page.screenshot(path=str(shot), full_page=True)
    context.close()
    return shape | {"status": response.status if response else 0}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=f"sqlite:///{ROOT / 'var' / 'demo.sqlite3'}")
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "page-shapes")
    parser.add_argument("--widths", default="1280,390")
    options = parser.parse_args()
    widths = [int(width) for width in options.widths.split(",")]
    source = Path(options.database_url.removeprefix("sqlite:///"))
    if not options.database_url.startswith("sqlite:///") or not source.exists():
        raise SystemExit(f"No demo database at {options.database_url}: build the demo first.")
    scratch = Path(tempfile.mkdtemp(prefix="page-shapes-"))
    copy = scratch / "demo.sqlite3"
    shutil.copy(source, copy)
    os.environ["DATABASE_URL"] = f"sqlite:///{copy}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguarding.settings.local")
    import django

    django.setup()
    from playwright.sync_api import sync_playwright
    from tests.browser.conftest import CHROMIUM_ARGUMENTS, chromium_path

    cookies = sessions({user for user, _, _ in PAGES})
    values = fill_in()
    options.out.mkdir(parents=True, exist_ok=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(  # noqa: S603 (our own command, loopback only)
        [sys.executable, "-m", "safeguarding.cli", "serve", "--address", f"127.0.0.1:{port}"]
        + ["--workers", "1", "--threads", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_serving(base, server)
        print(f"{'page':<24}{'width':>6}{'height px':>11}{'sideways':>10}{'server ms':>11}")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGUMENTS
            )
            for user, what, path in PAGES:
                for width in widths:
                    name = what.replace(" ", "-").replace(",", "").replace("(", "").strip(")")
                    shape = measure(
                        browser,
                        base=base,
                        cookie=cookies[user],
                        path=path.format(**values),
                        width=width,
                        shot=options.out / f"{name}-{width}.png",
                    )
                    if shape["status"] != 200:
                        raise SystemExit(f"{what} answered {shape['status']} ({shape['title']})")
                    print(
                        f"{what:<24}{width:>6}{shape['height']:>11,}"
                        f"{'yes' if shape['wide'] else 'no':>10}{shape['server']:>11.0f}"
                    )
            browser.close()
        print(f"Screenshots in {options.out}")
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
