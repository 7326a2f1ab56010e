"""What the audit pages read: the filtered log, and who has viewed a record."""

import datetime
import json
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import QuerySet

from safeguarding.access.audit import HASHED_FIELDS
from safeguarding.access.models import AuditAction, AuditEvent, AuditObject
from safeguarding.access.need_to_know import open_for
from safeguarding.access.roles import ROLE_LABELS


def filtered_audit_events(
    *,
    username: str = "",
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    date_from=None,
    date_to=None,
) -> QuerySet:
    events = AuditEvent.objects.order_by("-sequence")
    if username:
        events = events.filter(username__iexact=username)
    if action:
        events = events.filter(action=action)
    if object_type:
        events = events.filter(object_type=object_type)
    if object_id:
        events = events.filter(object_id=object_id)
    if date_from:
        events = events.filter(occurred_at__date__gte=date_from)
    if date_to:
        events = events.filter(occurred_at__date__lte=date_to)
    return events


# Every hashed field, then the chain itself, so an auditor can re-check the chain from the CSV.
AUDIT_CSV_HEADER = [*HASHED_FIELDS, "previous_hash", "hash"]


def audit_rows(events: QuerySet) -> Iterator[list]:
    """The audit page's events as CSV rows, every field the chain hashes plus the hashes, so an
    auditor can check the export against `safeguarding audit verify`."""
    for event in events.iterator(chunk_size=2000):
        yield [
            event.sequence,
            event.occurred_at.isoformat(),
            event.username,
            event.roles,
            event.agency,
            event.action,
            event.object_type,
            event.object_id,
            event.purpose,
            event.ip_address or "",
            json.dumps(event.detail, sort_keys=True),
            event.previous_hash,
            event.hash,
        ]


# What counts as someone having seen a record: reading it, downloading it, opening it under a
# break-glass grant, or trying to and being refused (which an auditor needs to see as much).
VIEWING_ACTIONS = (
    AuditAction.VIEW,
    AuditAction.EXPORT,
    AuditAction.BREAK_GLASS,
    AuditAction.REFUSED,
)


@dataclass(frozen=True)
class Viewing:
    """One time someone opened (or tried to open) a record, from the audit log."""

    sequence: int
    when: datetime.datetime
    username: str
    name: str
    roles: list[str]
    agency: str
    action: str
    purpose: str
    break_glass: bool


def views_of(
    *, object_type: AuditObject, object_id: str | int, limit: int | None = None
) -> list[Viewing]:
    """Who has viewed this record, newest first: who, in which role and agency, when, why, and
    what they did. Roles and agency are as they were then, as the event recorded them."""
    events = (
        AuditEvent.objects.filter(
            object_type=object_type, object_id=str(object_id), action__in=VIEWING_ACTIONS
        )
        .select_related("user")
        .order_by("-sequence")
    )
    if limit is not None:
        events = events[:limit]
    return [
        Viewing(
            sequence=event.sequence,
            when=event.occurred_at,
            username=event.username,
            name=event.user.get_full_name() if event.user is not None else "",
            roles=[ROLE_LABELS.get(role, role) for role in event.roles.split(",") if role],
            agency=event.agency,
            action=event.get_action_display(),
            purpose=event.purpose,
            break_glass=bool(event.detail.get("break_glass"))
            or event.action == AuditAction.BREAK_GLASS,
        )
        for event in events
    ]


def may_see_viewers(user, person) -> bool:
    """Who may see who has viewed a young person: auditors, and the young person's lead
    practitioner. No record names a lead practitioner yet, so managers stand in for them; when
    one does, this is where `person` will be asked."""
    return user.has_perm("access.view_auditevent") or "manager" in user.role_names


def viewers_for_person_page(request, *, person) -> list[Viewing] | None:
    """The "who has viewed this young person" section of the person page: the viewings, read
    through the gate and audited as a read of the audit log; None when the user may not see
    it (the page then leaves the section out rather than refusing the whole page)."""
    if not may_see_viewers(request.user, person):
        return None
    grant = open_for(
        request, object_type=AuditObject.AUDIT_EVENT, permission=None, object_id=person.pk
    )
    viewings = views_of(object_type=AuditObject.PERSON, object_id=person.pk)
    grant.record(detail={"viewers_of": "person", "events": len(viewings)})
    return viewings


def detail_summary(detail: dict) -> str:
    """What an event's detail says, in words: what was searched, filtered or exported (the
    audit page's "Detail" column; the CSV keeps the whole detail)."""
    detail = detail or {}
    parts = []
    if detail.get("terms"):
        parts.append(f"searched “{detail['terms']}”")
    if "results" in detail:
        parts.append(f"{detail['results']} result{'s' if detail['results'] != 1 else ''}")
    filters = detail.get("filters")
    if isinstance(filters, dict) and filters:
        parts.append("filtered by " + ", ".join(f"{k} {v}" for k, v in sorted(filters.items())))
    elif isinstance(filters, list) and filters:
        parts.append("filtered by " + ", ".join(str(f) for f in filters))
    if "rows" in detail:
        parts.append(f"{detail['rows']} rows")
    if detail.get("format"):
        parts.append(f"as {str(detail['format']).upper()}")
    if detail.get("timeline"):
        parts.append(f"timeline {detail['timeline']}")
    if detail.get("page") and not isinstance(detail["page"], int):
        parts.append(str(detail["page"]))
    if isinstance(detail.get("people"), list):
        parts.append(f"{len(detail['people'])} people listed")
    elif isinstance(detail.get("people"), int):
        parts.append(f"{detail['people']} people shown")
    if detail.get("reason"):
        parts.append(f"reason: {detail['reason']}")
    if detail.get("break_glass"):
        parts.append("under break-glass access")
    return "; ".join(parts)
