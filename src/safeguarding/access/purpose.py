"""The purpose of access: asked before a person's record is opened, remembered for the session."""

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

SESSION_KEY = "access_purpose"

PURPOSES = [
    ("casework", "Casework with this young person"),
    ("panel", "Preparing for or attending a multi-agency panel"),
    ("analysis", "Analysis for the partnership"),
    ("concern", "Responding to a concern or an emergency"),
    ("audit", "Data protection or quality assurance"),
]


def current_purpose(request) -> str:
    session = getattr(request, "session", None)
    return session.get(SESSION_KEY, "") if session is not None else ""


def remember_purpose(request, *, purpose: str) -> None:
    request.session[SESSION_KEY] = purpose


def ask_for_purpose(request):
    """Send the user to the purpose question, coming back here afterwards."""
    return redirect(f"{reverse('access:purpose')}?{urlencode({'next': request.get_full_path()})}")


def safe_next(request, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("web:home")


def initial_choice(request) -> dict:
    """The purpose form's starting values: the purpose stated for this session, if any."""
    stated = current_purpose(request)
    if not stated:
        return {}
    for key, label in PURPOSES:
        if label == stated:
            return {"purpose": key}
    return {"purpose": "other", "other": stated}
