"""A session that has not given its second factor opens nothing but the sign-in steps."""

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from safeguarding.access import two_factor


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
