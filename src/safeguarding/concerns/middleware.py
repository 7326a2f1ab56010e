"""On the public host name(s) (settings.CONCERN_PUBLIC_HOSTS) only the reporting form is
served: every other address is "not found", so the partnership's pages, sign-in included, are
not even reachable from the address published to the public."""

from django.conf import settings
from django.http import HttpResponseNotFound, HttpResponseRedirect
from django.urls import reverse

PUBLIC_PREFIXES = ("/report/", "/static/")


class PublicHostMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        hosts = settings.CONCERN_PUBLIC_HOSTS
        if hosts and request.get_host().split(":")[0].lower() in hosts:
            if request.path == "/":
                return HttpResponseRedirect("/report/")
            if not request.path.startswith(PUBLIC_PREFIXES):
                return HttpResponseNotFound("Not found", content_type="text/plain")
        return self.get_response(request)


class ReportSizeMiddleware:
    """Refuse a report larger than the form's limit before anything reads its body: Django's
    CSRF check reads the whole body (up to its own 2.5 MB) in `process_view`, which runs after
    every middleware's `__call__`, so this check comes first wherever it sits in the list."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from safeguarding.concerns import public_views

        if request.method == "POST" and request.path == reverse("report:details"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = public_views.MAX_BODY_BYTES + 1
            if length > public_views.MAX_BODY_BYTES:
                return public_views.too_large(request)
        return self.get_response(request)
