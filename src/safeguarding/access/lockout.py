"""Lock-outs after repeated failed sign-ins (django-axes): who is locked, and unlocking them.

django-axes counts failures per account and per address and refuses sign-in for the cool-off
period once either reaches the limit (settings AXES_*). Unlocking early is an administrator's
decision, made here, through the Users admin page or `safeguarding unlock`, and audited.
"""

import datetime
from dataclasses import dataclass

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.db.models import Max, Sum
from django.shortcuts import render
from django.utils import timezone

from safeguarding.access import audit
from safeguarding.access.models import AuditAction, AuditObject, User


@dataclass(frozen=True)
class Lock:
    kind: str  # "account" or "address"
    value: str
    failures: int
    until: datetime.datetime


def current_locks() -> list[Lock]:
    """Every account and address locked out now, with when its lock ends."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    recent = AccessAttempt.objects.filter(attempt_time__gte=since)
    parameters = {"username": "account", "ip_address": "address"}
    locks = []
    for field in settings.AXES_LOCKOUT_PARAMETERS:
        if field not in parameters:
            continue
        totals = (
            recent.exclude(**{f"{field}__isnull": True})
            .values(field)
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
            .order_by(field)
        )
        locks += [
            Lock(
                kind=parameters[field],
                value=row[field],
                failures=row["failures"],
                until=row["last"] + settings.AXES_COOLOFF_TIME,
            )
            for row in totals
        ]
    return locks


def locked_out_page(request, original_response=None, credentials=None):
    """What django-axes shows instead of the sign-in page's answer (ours and the admin's)."""
    return render(
        request,
        "access/locked_out.html",
        {
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        },
        status=429,
    )


def unlock_account(*, user: User, by=None, operator: str = "", request=None) -> int:
    """Clear the failed sign-ins held against an account; returns how many records went."""
    cleared = reset(username=user.get_username())
    audit.record(
        action=AuditAction.UNLOCKED,
        user=by,
        username=operator,
        request=request,
        object_type=AuditObject.USER,
        object_id=user.pk,
        detail={"attempts_cleared": cleared},
    )
    return cleared


def unlock_address(*, address: str, by=None, operator: str = "", request=None) -> int:
    """Clear the failed sign-ins held against an address (every account tried from it)."""
    cleared = reset(ip=address)
    audit.record(
        action=AuditAction.UNLOCKED,
        user=by,
        username=operator,
        request=request,
        object_type=AuditObject.SIGN_IN_ADDRESS,
        object_id=address,
        detail={"attempts_cleared": cleared},
    )
    return cleared
