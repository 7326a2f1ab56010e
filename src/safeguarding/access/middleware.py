"""What every response passes through on its way out: the gate's purpose question, no caching of
pages, and the service's own page for a method a page does not accept."""

from django.http import HttpResponseNotAllowed
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from safeguarding.access import purpose
from safeguarding.access.need_to_know import PurposeNeeded


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
