"""What the people pages read."""

import datetime

from django.db.models import Prefetch, Q

from safeguarding.people.access_rules import may_see_event_details
from safeguarding.people.models import Involvement, Person, SourceRecord


def person_with_records(*, person_id: int) -> Person:
    records = SourceRecord.objects.select_related("feed__agency").order_by(
        "feed__agency__name", "source_record_id"
    )
    return Person.objects.prefetch_related(Prefetch("source_records", queryset=records)).get(
        pk=person_id
    )


def search_people(*, text: str, limit: int = 50) -> list[Person]:
    """People whose records match a name, an agency's id, an identifier or a date of birth."""
    text = " ".join(text.split())
    if not text:
        return []
    matches = Q(source_records__source_record_id__iexact=text) | Q(
        source_records__identifiers__value__iexact=text.replace(" ", "")
    )
    birth = parse_date_of_birth(text)
    if birth is not None:
        matches |= Q(date_of_birth=birth) | Q(source_records__date_of_birth=birth)
    words = [word for word in text.split() if not any(ch.isdigit() for ch in word)]
    if words:
        by_name = Q()
        for word in words:
            by_name &= (
                Q(source_records__given_names__icontains=word)
                | Q(source_records__family_name__icontains=word)
                | Q(display_name__icontains=word)
            )
        matches |= by_name
    return list(Person.objects.filter(matches).distinct().order_by("display_name")[:limit])


def parse_date_of_birth(text: str):
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def timeline(*, person: Person, agency: str = "", event_type: str = "") -> list[Involvement]:
    """The person's events from every agency, oldest first, each with their role in it."""
    involvements = (
        Involvement.objects.filter(person=person)
        .select_related("event__feed__agency", "event__location")
        .order_by("event__occurred_at", "event_id")
    )
    if agency:
        involvements = involvements.filter(event__feed__agency__code=agency)
    if event_type:
        involvements = involvements.filter(event__event_type=event_type)
    return list(involvements)


def timeline_rows(*, person: Person, user, agency: str = "", event_type: str = "") -> list[dict]:
    """The timeline as the page shows it: each event, whether the user may see its details,
    and those details as readable labels."""
    return [
        {
            "involvement": involvement,
            "details_visible": may_see_event_details(user=user, event=involvement.event),
            "details": [
                (key.replace("_", " ").capitalize(), value)
                for key, value in involvement.event.details.items()
                if value not in ("", None, [])
            ],
        }
        for involvement in timeline(person=person, agency=agency, event_type=event_type)
    ]
