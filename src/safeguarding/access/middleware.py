"""The access middleware: a session that has not given its second factor opens nothing but the
sign-in steps; every response leaves with no caching, the gate's purpose question, and the
service's own page for a method a page does not accept."""

from urllib.parse import urlencode

from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from safeguarding.access import purpose, two_factor
from safeguarding.access.need_to_know import PurposeNeeded


def two_factor_not_required(view):
    """Marks a view a session may open before its second factor: the second step itself and
    signing out. Pages open without signing in (`login_not_required`) are open here too."""
    view.two_factor_required = False
    return view


class TwoFactorRequiredMiddleware:
    """After Django's LoginRequiredMiddleware and django-otp's OTPMiddleware: a signed-in user
    whose session is not verified is sent to the second step, whatever page they asked for."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "login_required", True):
            return None
        if not getattr(view_func, "two_factor_required", True):
            return None
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if not two_factor.is_required_for(user):
            return None
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('access:two_factor')}?{query}")


class NeedToKnowMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if isinstance(response, HttpResponseNotAllowed) and not response.content:
            allowed = response["Allow"]
            response = render(request, "405.html", {"allowed": allowed}, status=405)
            response["Allow"] = allowed
        # Pages, PDFs and CSVs may hold personal data: no browser or proxy may keep a copy.
        # Static assets are served before this (WhiteNoise) and keep their long cache.
        add_never_cache_headers(response)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, PurposeNeeded):
            return purpose.ask_for_purpose(request)
        return None
