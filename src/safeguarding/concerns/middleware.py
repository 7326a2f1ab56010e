"""On the public host name(s) (settings.CONCERN_PUBLIC_HOSTS) only the reporting form is
served: every other address is "not found", so the partnership's pages, sign-in included, are
not even reachable from the address published to the public."""

from django.conf import settings
from django.http import HttpResponseNotFound, HttpResponseRedirect

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
