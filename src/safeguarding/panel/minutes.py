"""The minutes: drafted from the meeting as it is run, agreed by the chair, issued to each
agency as its own copy withholding what that agency may not see, printed with WeasyPrint and
marked OFFICIAL-SENSITIVE on every page.

An agency's copy holds what its panel members may see:
- the voluntary sector: only the items it was invited to (the others are counted, not named);
- a restricted young person: named, with the discussion, only in the copy of an agency one of
  whose staff is named on the record; other copies say an item about a restricted record was
  discussed, and nothing more;
- health information recorded against an item (`AgendaItem.health_notes`): in the copies of
  health and of the statutory partners who sit on the panel (the single view's rule: health
  staff and the statutory panel), not in education's, the partnership's or the voluntary
  sector's.
"""

import datetime
from dataclasses import dataclass, field
from pathlib import Path

from django.template.loader import render_to_string

from safeguarding.access.models import Agency, AgencyKind
from safeguarding.panel.models import AgendaItem, Attendance, Meeting
from safeguarding.panel.services import minutes_due_by

MINUTES_CSS = Path(__file__).with_name("minutes.css")


@dataclass
class MinutesItem:
    number: int
    title: str
    restricted: bool
    item: AgendaItem | None = None


HEALTH_NOTES_FOR = {
    AgencyKind.HEALTH,
    AgencyKind.POLICE,
    AgencyKind.CHILDRENS_SOCIAL_CARE,
    AgencyKind.YOUTH_JUSTICE,
    AgencyKind.MISSING_SERVICE,
}


@dataclass
class Minutes:
    meeting: Meeting
    agency: Agency
    present: list = field(default_factory=list)
    apologies: list = field(default_factory=list)
    items: list[MinutesItem] = field(default_factory=list)
    withheld: int = 0
    health_notes: bool = False
    due_by: datetime.date | None = None


def minutes_for(*, meeting: Meeting, agency: Agency) -> Minutes:
    """The agency's copy of the meeting's minutes."""
    attendees = meeting.attendees.select_related("user__agency").order_by("user__last_name")
    items = (
        meeting.agenda_items.select_related("person", "context", "lead_agency")
        .prefetch_related("decisions__actions__owner", "decisions__actions__owner_agency")
        .order_by("order", "pk")
    )
    named_on = _restricted_open_to(agency=agency, items=items)
    minutes = Minutes(
        meeting=meeting,
        agency=agency,
        due_by=minutes_due_by(meeting),
        health_notes=agency.kind in HEALTH_NOTES_FOR,
    )
    for attendee in attendees:
        user = attendee.user
        who = f"{user.get_full_name() or user.username}, " + (
            user.agency.name if user.agency is not None else "no agency"
        )
        if attendee.attendance == Attendance.PRESENT:
            minutes.present.append(who)
        elif attendee.attendance == Attendance.APOLOGIES:
            minutes.apologies.append(who)
    voluntary = agency.kind == AgencyKind.VOLUNTARY_SECTOR
    number = 0
    for item in items:
        if voluntary and not item.voluntary_sector_invited:
            minutes.withheld += 1
            continue
        number += 1
        person, context = item.person, item.context
        if person is not None and person.restricted and person.pk not in named_on:
            minutes.items.append(
                MinutesItem(
                    number=number,
                    title="A young person whose record is restricted",
                    restricted=True,
                )
            )
            continue
        if person is not None:
            title = person.display_name or f"Young person {person.pk}"
        else:
            title = f"{context.get_kind_display()}: {context}" if context else "An item"

        minutes.items.append(MinutesItem(number=number, title=title, restricted=False, item=item))
    return minutes


def _restricted_open_to(*, agency: Agency, items) -> set[int]:
    """Restricted young people on the agenda on whose record one of the agency's staff is named."""
    from safeguarding.people.models import Person

    restricted = [i.person.pk for i in items if i.person is not None and i.person.restricted]
    if not restricted:
        return set()
    return set(
        Person.objects.filter(pk__in=restricted, allowed_users__agency=agency).values_list(
            "pk", flat=True
        )
    )


def minutes_html(*, minutes: Minutes, printed_by: str, printed_at: datetime.datetime) -> str:
    return render_to_string(
        "panel/minutes_print.html",
        {"minutes": minutes, "printed_by": printed_by, "printed_at": printed_at},
    )


def laid_out(*, minutes: Minutes, printed_by: str, printed_at: datetime.datetime):
    """The minutes laid out by WeasyPrint (imported here: it takes seconds to load)."""
    from weasyprint import CSS, HTML

    html = minutes_html(minutes=minutes, printed_by=printed_by, printed_at=printed_at)
    return HTML(string=html).render(stylesheets=[CSS(filename=str(MINUTES_CSS))])


def minutes_pdf(*, minutes: Minutes, printed_by: str, printed_at: datetime.datetime) -> bytes:
    return laid_out(minutes=minutes, printed_by=printed_by, printed_at=printed_at).write_pdf()
