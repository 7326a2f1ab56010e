"""Events as nodes: the option that draws each event between the people in it.

The stored graph joins two people in one event by a single link (kept compact: an event of five
people is ten links, not a node). On request, a page or an export turns each co-involvement link
back into its events: one node per event, and a link from the event to each person labelled with
the role the records give them. Only the records the user may see (already filtered) are turned
into events, so nothing withheld comes back this way.
"""

from django.urls import reverse

from safeguarding.network.models import EdgeKind
from safeguarding.people.enumerations import EventType

# The links that stand for people together in one event.
CO_INVOLVEMENT = frozenset(
    {
        EdgeKind.SUSPECT_WITH_VICTIM,
        EdgeKind.FOUND_WITH,
        EdgeKind.MISSING_TOGETHER,
        EdgeKind.ARRESTED_TOGETHER,
        EdgeKind.SAME_EVENT,
    }
)
EVENT_KIND = "event"
EVENT_KIND_LABEL = "Event"


def event_label(item: dict) -> str:
    kind = item.get("type", "")
    name = EventType(kind).label if kind in EventType.values else kind.replace("_", " ")
    return f"{name} {item.get('date', '')}".strip()


def role_of(item: dict, end: int, ends: tuple[int, int], person_of: dict[int, int]) -> str:
    """The role the record gives the person at this end of a co-involvement link."""
    roles, people = item.get("roles", []), item.get("people", [])
    person = person_of.get(end)
    if person in people and len(roles) == len(people):
        return roles[people.index(person)]
    # Builds before the people were kept: the roles follow the link's ends only by chance.
    return roles[ends.index(end)] if len(roles) == 2 else ""


def split(
    ends: tuple[int, int], items: list[dict], person_of: dict[int, int]
) -> list[tuple[dict, int, str]]:
    """Each record of a co-involvement link as (event record, vertex, role), both ends."""
    return [
        (item, end, role_of(item, end, ends, person_of))
        for item in items
        if item.get("event") is not None
        for end in ends
    ]


def events_as_nodes(
    edges: list[dict], behind: list[list[dict]], person_of: dict[int, int]
) -> tuple[list[dict], list[dict]]:
    """A page's links (`queries._edge_data`) with their visible records (`behind`), and each
    vertex's person: co-involvement links replaced by event nodes and event-to-person links;
    every other link kept as it is."""
    kept: list[dict] = []
    nodes: dict[str, dict] = {}
    links: dict[str, dict] = {}
    for edge, items in zip(edges, behind, strict=True):
        if edge["kind"] not in CO_INVOLVEMENT:
            kept.append(edge)
            continue
        ends = (edge["source_index"], edge["target_index"])
        for item, end, role in split(ends, items, person_of):
            node_id = f"ev{item['event']}"
            node = nodes.setdefault(node_id, _event_node(node_id, item))
            link_id = f"{node_id}-n{end}"
            if link_id in links:
                continue
            node["degree"] += 1
            links[link_id] = {
                "id": link_id,
                "pk": edge["pk"],
                "source": node_id,
                "target": f"n{end}",
                "source_index": None,
                "target_index": end,
                "kind": "in_event",
                "label": role.replace("_", " ").capitalize() or "In the event",
                # Who was found in company of whom is suspected; being missing is not.
                "suspected": role == "found_with",
                "first": item.get("date", ""),
                "last": item.get("date", ""),
                "records": 1,
                "agencies": [item["agency"]] if item.get("agency") else [],
                "href": reverse("network:edge", args=[edge["pk"]]),
            }
    return sorted(nodes.values(), key=lambda n: n["label"]), kept + list(links.values())


def _event_node(node_id: str, item: dict) -> dict:
    return {
        "id": node_id,
        "index": None,
        "event": item["event"],
        "kind": EVENT_KIND,
        "kind_label": EVENT_KIND_LABEL,
        "label": event_label(item),
        "roles": {},
        "roles_text": item.get("reference", ""),
        "degree": 0,
        "betweenness": "",
        "eigenvector": "",
        "coreness": "",
        "community": -1,
    }
