"""Break-glass: the rare, recorded exception to need to know.

An operator with a shell on the server (not anyone in the web app) grants one user, for a stated
reason and a short time, the right to open one record they otherwise may not. The grant is an
audit event; every read under it is audited as break-glass (`need_to_know.Grant.record`).
"""

import datetime
import getpass

from django.db import transaction
from django.utils import timezone

from safeguarding.access import audit
from safeguarding.access.models import AuditAction, AuditObject, BreakGlassGrant, User

LONGEST = datetime.timedelta(hours=24)


class BreakGlassError(ValueError):
    """A grant that cannot be made, with the reason."""


def grant(
    *,
    username: str,
    object_type: AuditObject,
    object_id: str,
    reason: str,
    duration: datetime.timedelta,
    operator: str = "",
) -> BreakGlassGrant:
    reason = reason.strip()
    if len(reason) < 10:
        raise BreakGlassError("Give the reason in words (at least 10 characters): it is audited.")
    if not datetime.timedelta(0) < duration <= LONGEST:
        raise BreakGlassError("A grant lasts more than no time and at most 24 hours.")
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise BreakGlassError(f"There is no active user {username!r}.")
    operator = operator or getpass.getuser()
    with transaction.atomic():
        made = BreakGlassGrant.objects.create(
            user=user,
            object_type=object_type,
            object_id=object_id,
            reason=reason,
            granted_by=operator,
            expires_at=timezone.now() + duration,
        )
        audit.record(
            action=AuditAction.BREAK_GLASS,
            user=user,
            object_type=object_type,
            object_id=object_id,
            purpose=reason,
            detail={"grant": made.pk, "operator": operator, "minutes": duration // _MINUTE},
        )
    return made


_MINUTE = datetime.timedelta(minutes=1)
