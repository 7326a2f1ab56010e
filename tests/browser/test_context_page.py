"""A context's page in real Chromium: its map (over the partnership's own geography, with no
request to another host) and its network chart draw beside their tables; the console stays
clean and axe-core finds nothing serious."""

from urllib.parse import urlparse

import pytest

from safeguarding.contexts import services
from safeguarding.contexts.models import Context, ContextKind
from safeguarding.people.enumerations import LocationKind
from safeguarding.people.models import Event
from safeguarding.places.models import Area, AreaKind
from tests.browser.conftest import sign_in
from tests.browser.test_network_page import network_world  # noqa: F401 (fixture)
from tests.conftest import PASSWORD
from tests.factories import LocationFactory
from tests.people.conftest import feeds  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[-2.13, 51.45], [-2.11, 51.45], [-2.11, 51.47], [-2.13, 51.47], [-2.13, 51.45]]
    ],
}


def test_the_context_page_shows_its_map_and_network(page, cast, network_world, live_server):  # noqa: F811
    Area.objects.create(
        code="E01000001", name="Riverside 001A", kind=AreaKind.LSOA, boundary=SQUARE
    )
    park = LocationFactory(kind=LocationKind.PLACE, name="Riverside park", area_code="E01000001")
    jade_event = Event.objects.filter(involvements__person=network_world["jade"]).first()
    Event.objects.filter(pk=jade_event.pk).update(location=park)
    group = services.refer_context(
        kind=ContextKind.PEER_GROUP,
        name="Riverside group",
        referred_by=cast["practitioner"],
        reason="r",
    )
    Context.objects.filter(pk=group.pk).update(location=park)
    for name in ("jade", "kai", "rosa"):
        services.add_member(context=group, person=network_world[name], source="Police")

    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    sign_in(page, username="police_panel_member", password=PASSWORD)
    page.goto(f"/contexts/{group.pk}/")
    page.get_by_label("Casework with this young person").check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"**/contexts/{group.pk}/")

    page.wait_for_selector("#context-map[data-drawn='true']")
    # The small area, the area's outline, the event's place and the context's point.
    assert page.locator("#context-map path.leaflet-interactive").count() >= 3
    assert "Riverside park" in page.get_by_test_id("context-places").inner_text()
    assert "Small area Riverside 001A" in page.get_by_text("On the map").locator("..").inner_text()

    page.wait_for_selector("#context-network[data-ready='true']")
    assert page.locator("#context-network canvas").count() > 0
    links = page.get_by_test_id("context-network-links").inner_text()
    assert "Jade Example and Mark Adult" in links and "Kai Example and Mark Adult" in links
    assert "Rosa" not in page.content()

    host = urlparse(live_server.url).netloc
    assert requests and all(urlparse(url).netloc == host for url in requests)
