"""Two-factor authentication: a code from an authenticator app (TOTP), and recovery codes for
a lost phone. Built on django-otp; these functions are the only way the views change devices.
"""

import datetime
from base64 import b32encode
from dataclasses import dataclass

import segno
from django.conf import settings
from django.db import transaction
from django_otp import login as verify_session
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguarding.access import audit
from safeguarding.access.models import AuditAction, AuditObject
from safeguarding.access.sign_out import end_every_session

AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_CODES_NAME = "Recovery codes"
# Where new recovery codes wait, in the user's own session, for the one page that shows them.
RECOVERY_CODES_SESSION_KEY = "access_recovery_codes_to_show"


def is_required_for(user) -> bool:
    """Everyone who signs in gives a second factor. Only the demo's settings make it optional,
    and even there a user who has set up an authenticator is asked for its code."""
    return settings.SAFEGUARDING_REQUIRE_TWO_FACTOR or has_authenticator(user=user)


def has_authenticator(*, user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def remaining_recovery_codes(*, user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def pending_authenticator(*, user) -> TOTPDevice:
    """The authenticator being set up. The same secret until it is confirmed, so reloading the
    page does not change the QR code the user has already scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)


def secret_for_typing(device: TOTPDevice) -> str:
    """The secret in base 32, in groups of four, for an app that cannot scan."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[start : start + 4] for start in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """The authenticator's set-up address as an inline SVG QR code, drawn here: neither the
    secret nor the picture goes to any other service."""
    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=5, border=4, dark="#0b0c0c", light="#ffffff", title="QR code for your app"
    )
    return svg.replace("<svg ", '<svg role="img" aria-label="QR code for your app" ', 1)


def normalise_code(code: str) -> str:
    """Codes are typed with spaces or dashes, in either case."""
    return "".join(character for character in code if character.isalnum()).lower()


def _looks_like_authenticator_code(code: str) -> bool:
    # Authenticator codes are 6 digits; recovery codes are 8 characters of base 32.
    return code.isdigit() and len(code) == 6


@dataclass(frozen=True)
class CodeCheck:
    accepted: bool
    method: str = ""
    wait_until: datetime.datetime | None = None


def confirm_authenticator(*, request, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm a new authenticator with its first code. On success the session is verified and
    the user's first recovery codes are returned (to be shown once); otherwise None."""
    user = request.user
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
        if device.confirmed or not device.verify_token(normalise_code(code)):
            audit.record(
                action=AuditAction.TWO_FACTOR_FAILED, request=request, detail={"step": "set_up"}
            )
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        audit.record(action=AuditAction.TWO_FACTOR_ENROLLED, request=request)
        codes = issue_recovery_codes(user=user, request=request)
    _verify(request=request, device=device)
    return codes


def issue_recovery_codes(*, user, request=None) -> list[str]:
    """Replace the user's recovery codes with new ones, returned once to be shown once."""
    count = settings.SAFEGUARDING_RECOVERY_CODE_COUNT
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(
            user=user, name=RECOVERY_CODES_NAME, defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(count)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
        audit.record(
            action=AuditAction.RECOVERY_CODES_ISSUED,
            user=user,
            request=request,
            detail={"count": count},
        )
    return codes


def check_code(*, request, code: str) -> CodeCheck:
    """Check a code from the user's authenticator, or one of their recovery codes (each works
    once). On success the session is verified. django-otp doubles the wait after each wrong
    code, so guessing is slow."""
    user, code = request.user, normalise_code(code)
    if _looks_like_authenticator_code(code):
        method, model = "authenticator", TOTPDevice
    else:
        method, model = "recovery_code", StaticDevice
    with transaction.atomic():
        device = model.objects.select_for_update().filter(user=user, confirmed=True).first()
        if device is None:
            accepted, wait_until = False, None
        else:
            allowed, why = device.verify_is_allowed()
            accepted = allowed and device.verify_token(code)
            wait_until = None if allowed else (why or {}).get("locked_until")
        audit.record(
            action=AuditAction.TWO_FACTOR_VERIFIED if accepted else AuditAction.TWO_FACTOR_FAILED,
            request=request,
            detail={"method": method},
        )
    if not accepted:
        return CodeCheck(accepted=False, method=method, wait_until=wait_until)
    _verify(request=request, device=device)
    return CodeCheck(accepted=True, method=method)


def _verify(*, request, device) -> None:
    # A new session key once the session is fully signed in, as Django does at sign-in, so a
    # key seen before the second step is worth nothing after it.
    request.session.cycle_key()
    verify_session(request, device)


def reset_two_factor(*, user, by=None, operator: str = "", request=None) -> int:
    """Remove a user's authenticator and recovery codes (a lost phone), and end their sessions:
    at their next sign-in they set up a new authenticator. Audited; returns devices removed."""
    with transaction.atomic():
        removed, _ = TOTPDevice.objects.filter(user=user).delete()
        static_removed = StaticDevice.objects.filter(user=user).count()
        StaticDevice.objects.filter(user=user).delete()
        end_every_session(user=user)
        audit.record(
            action=AuditAction.TWO_FACTOR_RESET,
            user=by,
            username=operator,
            request=request,
            object_type=AuditObject.USER,
            object_id=user.pk,
            detail={"devices_removed": removed + static_removed},
        )
    return removed + static_removed
