"""`{% person_places view %}`: the person page's map of their places (places/person_map.py)."""

from django import template

from safeguarding.places.person_map import person_map

register = template.Library()


@register.inclusion_tag("places/_person_map.html")
def person_places(view) -> dict:
    """From what the page already holds (it passed the gate): their records' addresses, their
    missing episodes and their timeline."""
    return {
        "map": person_map(
            homes=sorted({r.postcode for r in view.identity.records if r.postcode}),
            episodes=view.missing.episodes,
            entries=view.all_entries,
        )
    }
