"""Signing in, failing to, being locked out, signing out and changes in the admin pages are
audited; signing out ends every session of the user."""

from axes.signals import user_locked_out
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from safeguarding.access import audit
from safeguarding.access.models import AuditAction, AuditObject
from safeguarding.access.sign_out import end_every_session

ADMIN_OBJECTS = {
    "user": AuditObject.USER,
    "agency": AuditObject.AGENCY,
    "group": AuditObject.ROLE,
    "feed": AuditObject.FEED,
    "person": AuditObject.PERSON,
}


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


@receiver(user_locked_out)
def audit_lock_out(sender, request, username=None, ip_address=None, **kwargs) -> None:
    """Sent by django-axes when a sign-in is refused for too many failures (ours and the admin
    pages'); the failed attempt itself is audited above."""
    audit.record(action=AuditAction.LOCKED_OUT, request=request, username=str(username or "")[:150])


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        # Here rather than in our sign-out view, so signing out of the admin pages does it too.
        end_every_session(user=user)
        audit.record(action=AuditAction.LOGOUT, user=user, request=request)


@receiver(post_save, sender=LogEntry)
def audit_admin_change(sender, instance: LogEntry, created: bool, **kwargs) -> None:
    """Changes made in the admin pages are audited like any other change."""
    if not created:
        return
    model = instance.content_type.model if instance.content_type else ""
    action = {
        ADDITION: AuditAction.CREATE,
        CHANGE: AuditAction.CHANGE,
        DELETION: AuditAction.DELETE,
    }[instance.action_flag]
    audit.record(
        action=action,
        user=instance.user,
        object_type=ADMIN_OBJECTS.get(model, AuditObject.ADMIN_RECORD),
        object_id=instance.object_id or "",
        detail={"via": "admin", "model": model},
    )
