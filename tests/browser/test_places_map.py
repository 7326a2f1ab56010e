"""The Places map in real Chromium: an analyst opens it, toggles layers, moves the month slider
and opens a cell's events; no request leaves the server and the console stays clean."""

from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from safeguarding.pipeline import Inputs, run_pipeline
from safeguarding.places.analysis import AnalysisSettings
from safeguarding.synth.county import build_county
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def analysed_county(tmp_path, agencies):
    build_county(out_dir=tmp_path, seed=3, scale="small")
    run_pipeline(
        inputs=Inputs(
            geography=tmp_path / "geography",
            extracts=tmp_path / "extracts",
            analysis=AnalysisSettings(permutations=0, months=6),
        ),
        started_by="the tests",
        stages=["geography", "import", "link", "analyse"],
    )


def _drawn(page, before: str | None = None) -> str:
    page.wait_for_function(
        "([before]) => { const d = document.getElementById('places-map').dataset.drawn;"
        " return d && d !== before; }",
        arg=[before],
    )
    return page.get_by_test_id("places-map").get_attribute("data-drawn")


def test_an_analyst_uses_the_map_offline(page, cast, analysed_county, live_server):
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    sign_in(page, username="analyst", password=PASSWORD)
    page.goto("/places/")
    page.get_by_label("Analysis for the partnership").check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/places/")
    drawn = _drawn(page)
    assert page.locator("path.app-map-cell").count() > 0  # hot spot cells
    assert "events from" in page.get_by_test_id("map-status").inner_text()

    page.get_by_label("Where to look next: recent places").check()
    drawn = _drawn(page, drawn)
    assert page.locator("path.app-map-recent").count() > 0
    page.get_by_label("Where to look next: recent places").uncheck()
    drawn = _drawn(page, drawn)
    page.get_by_label("Places of concern (every kind of event)").check()
    drawn = _drawn(page, drawn)
    expect(page.get_by_test_id("concern-legend")).to_contain_text("a sign of exploitation")
    page.get_by_label("Places of concern (every kind of event)").uncheck()
    drawn = _drawn(page, drawn)
    page.get_by_label("Emerging hot spots (by month)").check()
    drawn = _drawn(page, drawn)
    page.get_by_label("Where missing children were found").check()
    drawn = _drawn(page, drawn)
    page.get_by_label("Areas by risk").check()
    drawn = _drawn(page, drawn)
    page.get_by_label("Hot and cold spots").uncheck()
    drawn = _drawn(page, drawn)

    slider = page.get_by_label("Month (emerging hot spots)")
    slider.focus()
    page.keyboard.press("End")
    drawn = _drawn(page, drawn)
    shown = page.get_by_test_id("month-shown").inner_text()
    assert shown != "The whole period" and len(shown) == 7  # YYYY-MM

    # A cell of the month shown: its events (the analyst may see each one) are listed.
    page.locator("path.app-map-cell").last.dispatch_event("click")
    heading = page.get_by_test_id("cell-details").get_by_role("heading")
    heading.wait_for()
    text = heading.inner_text()
    assert " in 1000m-" in text
    count = int(text.split(": ")[1].split(" in ")[0])
    expect(page.get_by_test_id("cell-events").locator("li")).to_have_count(count)

    host = urlparse(live_server.url).netloc
    assert requests and all(urlparse(url).netloc == host for url in requests), [
        url for url in requests if urlparse(url).netloc != host
    ]
