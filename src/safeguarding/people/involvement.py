"""Which services are working with a young person."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from safeguarding.access.models import Agency
from safeguarding.people.models import SourceRecord
from safeguarding.people.timeline import TimelineEntry

# A service with a record of contact in this window is shown as recently involved.
RECENT_CONTACT = datetime.timedelta(days=183)
LEAD_PROFESSIONAL_KEY = "lead_professional"  # a feed maps its worker column to this detail


@dataclass
class Service:
    agency: Agency
    records: list[SourceRecord] = field(default_factory=list)
    events: int = 0
    first_contact: datetime.datetime | None = None
    latest_contact: datetime.datetime | None = None
    latest_event: str = ""
    lead_professional: str = ""

    @property
    def recent(self) -> bool:
        latest = self.latest_contact
        return latest is not None and timezone.now() - latest <= RECENT_CONTACT


def services(*, records: list[SourceRecord], entries: list[TimelineEntry]) -> list[Service]:
    """One row per agency holding a record or an event about the person, latest contact first."""
    by_agency: dict[int, Service] = {}
    for record in records:
        agency = record.feed.agency
        by_agency.setdefault(agency.pk, Service(agency=agency)).records.append(record)
    for entry in entries:  # oldest first
        service = by_agency.setdefault(entry.agency.pk, Service(agency=entry.agency))
        when = entry.event.occurred_at
        service.events += 1
        service.first_contact = service.first_contact or when
        service.latest_contact, service.latest_event = when, entry.event.type_label
        if entry.details_visible and entry.event.details.get(LEAD_PROFESSIONAL_KEY):
            service.lead_professional = str(entry.event.details[LEAD_PROFESSIONAL_KEY])
    never = datetime.datetime.min.replace(tzinfo=datetime.UTC)
    return sorted(
        by_agency.values(), key=lambda s: (-(s.latest_contact or never).timestamp(), s.agency.name)
    )
