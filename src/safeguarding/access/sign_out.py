"""Signing out signs a user out everywhere: every session of theirs ends, not only this one."""

from django.db.models import F

from safeguarding.access.models import User


def end_every_session(*, user) -> None:
    """End every session the user has, on any device. Each session holds a hash covering the
    user's session generation (User.get_session_auth_hash); raising it makes Django refuse
    and flush every one of them at its next request."""
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])
