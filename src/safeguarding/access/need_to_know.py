"""The one need-to-know gate: every read of personal data, on a page, in a download or a search,
passes through `open_for`.

It checks, in this order: the user's permission, the purpose of access stated for this session,
then the record's own rule (agency, role, restricted records), which the app that owns the record
passes in. A refusal is audited and shown as the service's "you may not see this" page; a granted
read is audited with the purpose by `Grant.record`. Sections of a page with their own rules (health
detail, what the voluntary sector sees) are applied by the query that builds the page, and a
download is built by the same query as its page, so the two cannot disagree.

`access` sits under every app, so it knows no app's records: the owning app supplies the rule.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from safeguarding.access import audit, purpose
from safeguarding.access.models import AuditAction, AuditObject, BreakGlassGrant

Rule = bool | Callable[[], bool]


class PurposeNeeded(Exception):
    """The page holds personal data and this session has stated no purpose: ask, then return."""


class Refused(PermissionDenied):
    """Refused by the gate; the refusal is already audited. The message is shown to the user."""


@dataclass(frozen=True)
class Grant:
    """What the gate allowed: one user, for one stated purpose, to read one kind of record."""

    request: object
    object_type: AuditObject
    object_id: str
    purpose: str
    break_glass: bool = False

    def record(
        self,
        action: AuditAction = AuditAction.VIEW,
        *,
        object_id: str | int | None = None,
        detail: dict | None = None,
    ):
        """Audit what was read (or changed) under this grant, with its purpose."""
        detail = dict(detail or {})
        if self.break_glass:
            detail["break_glass"] = True
        return audit.record(
            action=action,
            request=self.request,
            object_type=self.object_type,
            object_id=self.object_id if object_id is None else object_id,
            purpose=self.purpose,
            detail=detail,
        )


def open_for(
    request,
    *,
    object_type: AuditObject,
    permission: str | None,
    object_id: str | int = "",
    allowed: Rule = True,
    needs_purpose: bool = True,
) -> Grant:
    """The gate. Returns a Grant, raises PurposeNeeded, or audits and raises Refused."""
    user = request.user
    object_id = str(object_id)
    stated = purpose.current_purpose(request)
    if permission is not None and not user.has_perm(permission):
        if not _break_glass(request, object_type=object_type, object_id=object_id):
            refuse(request, object_type=object_type, object_id=object_id, reason="role")
        return _broken_glass(request, object_type, object_id, stated, needs_purpose)
    if needs_purpose and not stated:
        raise PurposeNeeded
    if not (allowed() if callable(allowed) else allowed):
        if not _break_glass(request, object_type=object_type, object_id=object_id):
            refuse(request, object_type=object_type, object_id=object_id, reason="need to know")
        return _broken_glass(request, object_type, object_id, stated, needs_purpose)
    return Grant(request, object_type, object_id, stated)


def _broken_glass(request, object_type, object_id, stated, needs_purpose) -> Grant:
    if needs_purpose and not stated:
        raise PurposeNeeded
    return Grant(request, object_type, object_id, stated, break_glass=True)


def refuse(request, *, object_type: AuditObject, object_id: str | int = "", reason: str):
    """Audit a refusal, then refuse: the one way any page says no."""
    record_refusal(request, object_type=object_type, object_id=object_id, reason=reason)
    raise Refused(REFUSAL_MESSAGES[reason])


def record_refusal(
    request, *, object_type: AuditObject, object_id: str | int = "", reason: str
) -> None:
    """Audit a refusal that the page reports itself (e.g. as a form error)."""
    audit.record(
        action=AuditAction.REFUSED,
        request=request,
        object_type=object_type,
        object_id=object_id,
        purpose=purpose.current_purpose(request),
        detail={"reason": reason},
    )


REFUSAL_MESSAGES = {
    "role": "Your role does not include this page.",
    "need to know": "This record is not shared with you: it is restricted, or not shared with "
    "your organisation.",
}


def _break_glass(request, *, object_type: AuditObject, object_id: str) -> bool:
    """An operator's emergency grant to read one record (see `safeguarding break-glass`): it
    opens pages, never a change (a form posted under it is refused)."""
    user = request.user
    if request.method not in ("GET", "HEAD") or not user.is_authenticated or not object_id:
        return False
    return BreakGlassGrant.objects.filter(
        user=user, object_type=object_type, object_id=object_id, expires_at__gt=timezone.now()
    ).exists()
