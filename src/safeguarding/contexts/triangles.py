"""The assessment triangles of the Contextual Safeguarding toolkit, as data.

The toolkit (Contextual Safeguarding Network, University of Durham) assesses a neighbourhood, a
peer group or a school along three sides, as the child-in-need triangle assesses a child: what
harm happens in the context, who and what keeps young people safe there (guardianship), and the
environment, culture and policies that shape it. The wording below is ours, structured as the
toolkit's triangles; each side is rated and described in the assessment step.
"""

from dataclasses import dataclass

from safeguarding.contexts.models import ContextKind


@dataclass(frozen=True)
class Side:
    key: str
    label: str
    hint: str


TRIANGLES: dict[str, tuple[Side, ...]] = {
    ContextKind.LOCATION: (
        Side("harm", "The harm that happens here", "What, when, to whom; who causes it."),
        Side(
            "guardianship",
            "Guardianship and the people present",
            "Adults, businesses and services with a caring presence; who poses risk.",
        ),
        Side(
            "environment",
            "The physical environment and how it is managed",
            "Lighting, hidden spaces, transport, licensing, patrols, youth provision.",
        ),
    ),
    ContextKind.PEER_GROUP: (
        Side("harm", "The group's behaviour and the harm in it", "What the group does together."),
        Side(
            "relationships",
            "Relationships, needs and strengths",
            "Who belongs, who influences whom, what the young people need and are good at.",
        ),
        Side(
            "contexts",
            "The places and contexts the group spends time in",
            "Where they meet, online and offline; who else is there.",
        ),
    ),
    ContextKind.SCHOOL: (
        Side(
            "harm", "Safety in school", "Incidents, bullying, harmful sexual behaviour, exclusions."
        ),
        Side(
            "culture",
            "Culture, policies and guardianship",
            "Staff, policies and how young people are heard.",
        ),
        Side(
            "journeys",
            "Journeys to and from school and its wider contexts",
            "Routes, transport, the places pupils go after school.",
        ),
    ),
}


class Rating:
    STRENGTHS = "strengths"
    SOME = "some"
    SIGNIFICANT = "significant"


RATINGS = {
    Rating.STRENGTHS: "Mostly strengths",
    Rating.SOME: "Some concerns",
    Rating.SIGNIFICANT: "Significant concerns",
}

WEIGHTINGS = {
    1: "A minor part of the harm to this young person",
    2: "One of several contexts of harm",
    3: "The main context of harm for this young person",
}


def triangle_for(kind: str) -> tuple[Side, ...]:
    return TRIANGLES[kind]
