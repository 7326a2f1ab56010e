"""What the people pages read."""

from django.db.models import Prefetch

from safeguarding.people.models import Person, SourceRecord


def person_with_records(*, person_id: int) -> Person:
    records = SourceRecord.objects.select_related("feed__agency").order_by(
        "feed__agency__name", "source_record_id"
    )
    return Person.objects.prefetch_related(Prefetch("source_records", queryset=records)).get(
        pk=person_id
    )
