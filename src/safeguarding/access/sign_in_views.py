"""Signing in (password, then a second factor), setting up two-factor authentication, recovery
codes, and signing out. The rules live in two_factor.py; these views ask and answer."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.template.defaultfilters import date as format_date
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_http_methods

from safeguarding.access import purpose, two_factor
from safeguarding.access.middleware import two_factor_not_required
from safeguarding.access.sign_in_forms import SecurityCodeForm

CODE_HINT = "The 6-digit code from your authenticator app, or one of your recovery codes."
SET_UP_HINT = "The 6-digit code your app shows now."


def _with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    """The first step: username and password. The second factor follows on its own page."""

    template_name = "access/login.html"
    redirect_authenticated_user = True

    def get_success_url(self):
        next_url = super().get_success_url()
        user = self.request.user
        verified = getattr(user, "is_verified", lambda: False)()
        if two_factor.is_required_for(user) and not verified:
            return _with_next("access:two_factor", next_url)
        return next_url


@method_decorator(two_factor_not_required, name="dispatch")
class LogoutView(auth_views.LogoutView):
    """A form's POST (the header's Sign out button) ends every session of the user
    (signals.audit_logout)."""


def _next_url(request) -> str:
    return purpose.safe_next(request, request.POST.get("next") or request.GET.get("next"))


@two_factor_not_required
@require_http_methods(["GET", "POST"])
def enter_code(request):
    """The second step: a code from the authenticator app, or a recovery code."""
    next_url = _next_url(request)
    if request.user.is_verified():
        return redirect(next_url)
    if not two_factor.has_authenticator(user=request.user):
        if two_factor.is_required_for(request.user):
            return redirect(_with_next("access:two_factor_set_up", next_url))
        return redirect(next_url)
    form = SecurityCodeForm(request.POST or None, help_text=CODE_HINT)
    if request.method == "POST" and form.is_valid():
        check = two_factor.check_code(request=request, code=form.cleaned_data["code"])
        if check.accepted:
            if check.method == "recovery_code":
                left = two_factor.remaining_recovery_codes(user=request.user)
                messages.warning(
                    request,
                    f"You used a recovery code: {left} left. Get new codes from "
                    "Sign-in security when you run low.",
                )
            return redirect(next_url)
        if check.wait_until is not None:
            when = format_date(timezone.localtime(check.wait_until), "H:i:s")
            form.add_error("code", f"Too many wrong codes: wait until {when} and try again")
        else:
            form.add_error("code", "The code is not right: check it and try again")
    return render(request, "access/enter_code.html", {"form": form, "next": next_url})


@two_factor_not_required
@require_http_methods(["GET", "POST"])
def set_up(request):
    """Enrol an authenticator app: scan the QR code (or type the secret), then confirm a code."""
    next_url = _next_url(request)
    if two_factor.has_authenticator(user=request.user):
        # A second authenticator is never added here: someone who knows only the password
        # must not be able to enrol their own. A lost phone is reset by an administrator.
        return redirect(_with_next("access:two_factor", next_url))
    device = two_factor.pending_authenticator(user=request.user)
    form = SecurityCodeForm(request.POST or None, help_text=SET_UP_HINT)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.confirm_authenticator(
            request=request, device=device, code=form.cleaned_data["code"]
        )
        if codes is not None:
            request.session[two_factor.RECOVERY_CODES_SESSION_KEY] = codes
            return redirect(_with_next("access:recovery_codes", next_url))
        form.add_error("code", "The code is not right: check the time on your phone and try again")
    response = render(
        request,
        "access/set_up.html",
        {
            "form": form,
            "next": next_url,
            "qr_code": two_factor.qr_code_svg(device),
            "secret": two_factor.secret_for_typing(device),
        },
    )
    # The page holds the authenticator's secret: no browser or proxy may keep a copy.
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET"])
def recovery_codes(request):
    """New recovery codes, shown once: they leave the session as the page is drawn."""
    codes = request.session.pop(two_factor.RECOVERY_CODES_SESSION_KEY, None)
    if not codes:
        return redirect("access:security")
    response = render(
        request,
        "access/recovery_codes.html",
        {"codes": [f"{code[:4]} {code[4:]}" for code in codes], "next": _next_url(request)},
    )
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def security(request):
    """The user's own sign-in security: their authenticator and recovery codes."""
    has_authenticator = two_factor.has_authenticator(user=request.user)
    if request.method == "POST" and has_authenticator:
        codes = two_factor.issue_recovery_codes(user=request.user, request=request)
        request.session[two_factor.RECOVERY_CODES_SESSION_KEY] = codes
        return redirect(_with_next("access:recovery_codes", reverse("access:security")))
    return render(
        request,
        "access/security.html",
        {
            "has_authenticator": has_authenticator,
            "recovery_codes_left": two_factor.remaining_recovery_codes(user=request.user),
        },
    )
