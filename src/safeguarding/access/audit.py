"""The one way to write and check the audit trail."""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from safeguarding.access.models import AuditAction, AuditChainHead, AuditEvent, AuditObject
from safeguarding.access.purpose import current_purpose

GENESIS_HASH = "0" * 64
HASHED_FIELDS = (
    "sequence",
    "occurred_at",
    "username",
    "roles",
    "agency",
    "action",
    "object_type",
    "object_id",
    "purpose",
    "ip_address",
    "detail",
)


def event_hash(*, previous_hash: str, fields: dict) -> str:
    content = {name: fields[name] for name in HASHED_FIELDS}
    content["occurred_at"] = content["occurred_at"].isoformat()
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256((previous_hash + canonical).encode()).hexdigest()


def client_address(request) -> str | None:
    # Behind a proxy, the operator configures it to set REMOTE_ADDR (see the operator's guide).
    return request.META.get("REMOTE_ADDR") if request is not None else None


def record(
    *,
    action: AuditAction | str,
    user=None,
    request=None,
    object_type: AuditObject | str = "",
    object_id: str | int = "",
    purpose: str = "",
    detail: dict | None = None,
    username: str = "",
) -> AuditEvent:
    """Append one event to the audit chain. The purpose, unless given, is the one the user stated
    for this session. `detail` holds ids, counts and choices; only a search's typed terms (which
    the auditor needs to spot fishing for a name) are personal data, and the log is read by
    auditors alone."""
    if object_type:
        object_type = AuditObject(object_type)  # free text is refused: ValueError
    if not purpose and request is not None:
        purpose = current_purpose(request)
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user
    fields = {
        "occurred_at": timezone.now(),
        "username": user.username if user is not None else username,
        "roles": ",".join(user.role_names) if user is not None else "",
        "agency": str(user.agency) if user is not None and user.agency_id else "",
        "action": str(action),
        "object_type": str(object_type),
        "object_id": str(object_id),
        "purpose": purpose,
        "ip_address": client_address(request),
        "detail": detail or {},
    }
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        fields["sequence"] = head.last_sequence + 1
        fields["hash"] = event_hash(previous_hash=head.last_hash, fields=fields)
        event = AuditEvent.objects.create(user=user, previous_hash=head.last_hash, **fields)
        head.last_sequence, head.last_hash = event.sequence, event.hash
        head.save(update_fields=["last_sequence", "last_hash"])
    return event


@dataclass(frozen=True)
class ChainProblem:
    sequence: int
    reason: str


def verify_chain(*, batch_size: int = 5000) -> Iterator[ChainProblem]:
    """Yield every break in the chain: an altered, removed, reordered or appended-behind row."""
    expected_sequence, previous_hash = 1, GENESIS_HASH
    events = AuditEvent.objects.order_by("sequence").values(*HASHED_FIELDS, "previous_hash", "hash")
    for event in events.iterator(chunk_size=batch_size):
        if event["sequence"] != expected_sequence:
            yield ChainProblem(
                event["sequence"], f"expected sequence {expected_sequence}: events are missing"
            )
        if event["previous_hash"] != previous_hash:
            yield ChainProblem(event["sequence"], "does not point at the event before it")
        if event_hash(previous_hash=event["previous_hash"], fields=event) != event["hash"]:
            yield ChainProblem(event["sequence"], "its content does not match its hash")
        expected_sequence, previous_hash = event["sequence"] + 1, event["hash"]
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_hash != previous_hash:
        yield ChainProblem(head.last_sequence, "the newest events are missing")
