"""What the people stage reads about one young person."""

from django.db.models import Prefetch

from safeguarding.people.models import Identifier, MergedPerson, Person, SourceRecord


def person_with_records(*, person_id: int) -> Person:
    """The person with every source record behind them, its agency and identifiers."""
    records = (
        SourceRecord.objects.select_related("feed__agency")
        .prefetch_related(
            Prefetch(
                "identifiers",
                queryset=Identifier.objects.select_related("feed").order_by("kind", "value"),
            )
        )
        .order_by("feed__agency__name", "source_record_id")
    )
    return Person.objects.prefetch_related(Prefetch("source_records", queryset=records)).get(
        pk=person_id
    )


def successor_of(*, person_id: int) -> int | None:
    """Who holds the records of a person a re-link merged into another (None: no such merge,
    or the successor has gone since)."""
    return (
        MergedPerson.objects.filter(old_person_id=person_id)
        .values_list("successor_id", flat=True)
        .first()
    )
