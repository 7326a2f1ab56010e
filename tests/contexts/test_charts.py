"""The context page's map and network, as each persona may see them: the places of its events
(exact for statutory partners, never a kind the voluntary sector may not see), and the young
people linked to it with what connects them in the association graph, through the gate."""

import pytest
from django.urls import reverse

from safeguarding.access.models import AuditAction, AuditEvent
from safeguarding.contexts import charts, services
from safeguarding.contexts.models import Context, ContextKind
from safeguarding.people.enumerations import LocationKind
from safeguarding.people.models import Event
from tests.conftest import state_purpose
from tests.factories import LocationFactory
from tests.network.conftest import world  # noqa: F401 (fixture)
from tests.people.conftest import feeds  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(world, cast):  # noqa: F811
    """A peer group of Jade, Kai and Rosa (restricted); the park where Jade was last missing
    is its place, and Kai's incident with Mark happened at an address."""
    park = LocationFactory(kind=LocationKind.PLACE, name="Riverside park", postcode="SN15 1AA")
    flat = LocationFactory(
        kind=LocationKind.ADDRESS, name="Flat 2", postcode="SN15 2BB", latitude=51.47
    )
    jade_event, kai_event = (
        Event.objects.filter(involvements__person=world[name]).order_by("occurred_at").last()
        for name in ("jade", "kai")
    )
    Event.objects.filter(pk=jade_event.pk).update(location=park)
    Event.objects.filter(pk=kai_event.pk).update(location=flat)
    context = services.refer_context(
        kind=ContextKind.PEER_GROUP,
        name="Riverside group",
        referred_by=cast["practitioner"],
        reason="r",
    )
    Context.objects.filter(pk=context.pk).update(location=park)
    context.refresh_from_db()
    for name in ("jade", "kai", "rosa"):
        services.add_member(context=context, person=world[name], source="Police")
    return context


def visible(context, user) -> set[int]:
    from safeguarding.people.access_rules import people_visible_to

    ids = context.members.values_list("person_id", flat=True)
    return set(people_visible_to(user=user).filter(pk__in=ids).values_list("pk", flat=True))


def test_a_statutory_partner_sees_each_place_and_what_connects_the_group(group, cast, world):  # noqa: F811
    user = cast["police_panel_member"]
    people = visible(group, user)
    assert people == {world["jade"].pk, world["kai"].pk}  # Rosa is restricted
    data = charts.context_map(context=group, user=user, people=people)
    assert data["point"] == [51.46, -2.12]
    assert [(p["label"], p["events"], p["here"]) for p in data["places"]] == [
        ("Riverside park", 1, True),
        ("SN15 2BB", 1, False),
    ]
    assert data["geography"] == reverse("places:geography")
    network = charts.context_network(context=group, user=user, people=people)
    assert sorted(n["label"] for n in network.nodes) == [
        "Jade Example",
        "Kai Example",
        "Mark Adult",
    ]
    assert sorted(e["between"] for e in network.edges) == [
        "Jade Example and Mark Adult",
        "Kai Example and Mark Adult",
    ]


def test_the_voluntary_sector_sees_counts_of_what_it_may_see_and_no_network(group, cast, world):  # noqa: F811
    user = cast["voluntary_panel_member"]
    people = visible(group, user)
    assert people == {world["jade"].pk}  # on a current agenda
    data = charts.context_map(context=group, user=user, people=people)
    # Jade's missing episode at the park, as a suppressed count with no dates; Kai's incident
    # is neither a kind it sees nor about someone it may open.
    assert data["places"] == [
        {
            "latitude": 51.46,
            "longitude": -2.12,
            "label": "This context's place",
            "events": "fewer than 5",
            "first": "",
            "last": "",
            "here": True,
        }
    ]
    network = charts.context_network(context=group, user=user, people=people)
    assert network.nodes == [] and network.withheld_people == 1


def test_the_page_embeds_both_with_tables_and_audits_the_read(client_for, group):
    client = client_for("police_panel_member")
    state_purpose(client, "casework")
    page = client.get(reverse("contexts:detail", args=[group.pk])).content.decode()
    assert 'id="context-map-data"' in page and 'id="context-network-data"' in page
    assert "Jade Example and Mark Adult" in page  # the table beside the chart
    assert "Rosa" not in page
    viewed = AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="context").last()
    assert viewed.detail["map_places"] == 2 and viewed.detail["network_nodes"] == 3
