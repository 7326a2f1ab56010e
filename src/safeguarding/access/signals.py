"""Signing in, failing to and signing out are audited."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from safeguarding.access import audit
from safeguarding.access.models import AuditAction


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs) -> None:
    audit.record(action=AuditAction.LOGIN, user=user, request=request)


@receiver(user_login_failed)
def audit_failed_login(sender, credentials, request=None, **kwargs) -> None:
    audit.record(
        action=AuditAction.LOGIN_FAILED,
        request=request,
        username=str(credentials.get("username", ""))[:150],
    )


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        audit.record(action=AuditAction.LOGOUT, user=user, request=request)
