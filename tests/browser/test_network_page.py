"""A person's network in real Chromium: an analyst opens it, expands a node, finds a path,
filters by date and opens the records behind a link; the console stays clean and axe-core
finds nothing serious on any page."""

import datetime

import pytest

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD
from tests.network.conftest import build_world
from tests.people.conftest import feeds  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def network_world(feeds, cast):  # noqa: F811
    # Every page's modules imported here, once, before the live server's threads import them
    # side by side (esda's package import is not safe to run in two threads at once).
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018
    import safeguarding.places.gistar  # noqa: F401

    return build_world(feeds, cast)


def node_labels(page) -> list[str]:
    return page.get_by_test_id("network-nodes").locator("tbody tr td:first-child").all_inner_texts()


def test_an_analyst_explores_a_persons_network(page, network_world):
    jade = network_world["jade"]
    sign_in(page, username="analyst", password=PASSWORD)
    page.goto(f"/network/person/{jade.pk}/")
    page.get_by_label("Analysis for the partnership").check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"**/network/person/{jade.pk}/")
    chart = page.get_by_test_id("network-chart")
    page.wait_for_selector("#network-chart[data-ready='true']")
    assert sorted(node_labels(page)) == ["Jade Example", "Mark Adult"]
    assert "1 person and 1 connection withheld" in page.get_by_test_id("withheld").inner_text()

    # Expand Mark: Kai, whom Mark was found with, joins the chart and the table.
    page.get_by_role("button", name="Expand Mark Adult").click()
    page.wait_for_selector("#network-chart[data-expanded]")
    assert "Kai Example" in node_labels(page)
    assert "Expanded: 1 nodes" in page.get_by_test_id("network-status").inner_text()

    # Find the path from Jade to Kai: through Mark.
    page.get_by_label("Find a path from").select_option(
        label="Jade Example (child or young person)"
    )
    page.get_by_label("to", exact=True).select_option(label="Kai Example (child or young person)")
    page.get_by_role("button", name="Find path").click()
    page.wait_for_selector("#network-chart[data-path-found='2']")
    status = page.get_by_test_id("network-status").inner_text()
    assert "Jade Example → Mark Adult → Kai Example" in status
    assert "No path in time order" in status  # Mark met Kai before he met Jade

    # Two links out, then only records from the last 45 days: Mark and Kai's link (60 days
    # ago) goes, and Kai with it.
    page.goto(f"/network/person/{jade.pk}/?hops=2")
    page.wait_for_selector("#network-chart[data-ready='true']")
    assert "Kai Example" in node_labels(page)
    page.get_by_text("Filter the network").click()
    since = datetime.date.today() - datetime.timedelta(days=45)
    page.get_by_label("Records from (YYYY-MM-DD)").fill(since.isoformat())
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**from=*")
    page.wait_for_selector("#network-chart[data-ready='true']")
    assert sorted(node_labels(page)) == ["Jade Example", "Mark Adult"]

    # The records behind the link between Jade and Mark.
    page.get_by_test_id("network-edges").get_by_role("link").first.click()
    page.get_by_role("heading", name="Records behind a link").wait_for()
    records = page.get_by_test_id("edge-records").inner_text()
    assert "Wiltshire Police" in records and "missing_person, found_with" in records
    assert chart  # the chart was drawn on every load above


def test_an_analyst_finds_the_network_connecting_two_young_people(page, network_world):
    jade, kai = network_world["jade"], network_world["kai"]
    sign_in(page, username="analyst", password=PASSWORD)
    page.goto(f"/network/person/{jade.pk}/?hops=2")
    page.get_by_label("Analysis for the partnership").check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"**/network/person/{jade.pk}/**")
    page.wait_for_selector("#network-chart[data-ready='true']")

    # From Jade's network, choose Kai and ask for the network connecting them.
    page.get_by_text("Find the network connecting them with others").click()
    page.get_by_test_id("find-connecting").get_by_label("Kai Example").check()
    page.get_by_role("button", name="Find connecting network").click()
    page.wait_for_url("**/network/connecting/**")
    page.wait_for_selector("#network-chart[data-ready='true']")
    assert sorted(node_labels(page)) == ["Jade Example", "Kai Example", "Mark Adult"]
    assert page.get_by_label("Jade Example (record").is_checked()
    assert page.get_by_label(f"Kai Example (record {kai.pk})").is_checked()

    # The same with each event drawn as a node between the people, by their roles.
    page.get_by_text("Filter the network").click()
    page.get_by_label("Show events as nodes").check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**events=1*")
    page.wait_for_selector("#network-chart[data-ready='true']")
    kinds = page.get_by_test_id("network-nodes").locator("tbody tr td:nth-child(2)")
    assert kinds.all_inner_texts().count("Event") == 2
    links = page.get_by_test_id("network-edges").locator("tbody tr td:nth-child(2)")
    assert sorted(links.all_inner_texts()) == [
        "Found with Suspected",
        "Found with Suspected",
        "Missing person",
        "Missing person",
    ]
