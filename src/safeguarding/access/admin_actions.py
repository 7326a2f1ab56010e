"""Administrators' actions on users' sign-in: unlock after failed sign-ins, reset 2FA.

Both are audited (lockout.py, two_factor.py) and need the permission to change users.
"""

from django.contrib import admin, messages

from safeguarding.access import lockout, two_factor


@admin.action(description="Unlock sign-in for the selected users", permissions=["change"])
def unlock_sign_in(modeladmin, request, queryset) -> None:
    users = list(queryset)
    for user in users:
        lockout.unlock_account(user=user, by=request.user, request=request)
    modeladmin.message_user(
        request, f"Sign-in unlocked for {len(users)} user(s).", level=messages.SUCCESS
    )


@admin.action(
    description="Reset two-factor authentication for the selected users", permissions=["change"]
)
def reset_two_factor(modeladmin, request, queryset) -> None:
    users = list(queryset)
    for user in users:
        two_factor.reset_two_factor(user=user, by=request.user, request=request)
    modeladmin.message_user(
        request,
        f"Two-factor authentication reset for {len(users)} user(s): they set it up again at "
        "their next sign-in, and any session they had has ended.",
        level=messages.SUCCESS,
    )
