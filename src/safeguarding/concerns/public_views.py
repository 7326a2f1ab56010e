"""The public side: the reporting form, open without an account, and nothing else.

These pages read nothing of the partnership's records and say nothing about them: a reference
and advice are all a reporter gets back. They carry a stricter Content Security Policy than the
staff pages (no script at all), and a request is refused before any form is read when it is
too large, carries files, or comes from an address that has sent its hour's allowance."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_http_methods

from safeguarding.access.audit import client_address
from safeguarding.concerns import reporting
from safeguarding.concerns.forms import ReportForm, SectorForm
from safeguarding.concerns.indicators import indicator_lists

MAX_BODY_BYTES = 20_000
PUBLIC_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.NONE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}


def public(view):
    return login_not_required(csp_override(PUBLIC_CSP)(view))


@public
@require_http_methods(["GET", "HEAD", "POST"])
def start(request):
    lists = indicator_lists()
    form = SectorForm(request.POST or None, sectors=lists.sectors)
    if request.method == "POST" and form.is_valid():
        query = urlencode({"sector": form.cleaned_data["sector"]})
        return redirect(f"{reverse('report:details')}?{query}")
    return render(request, "concerns/public/start.html", {"form": form})


@public
@require_http_methods(["GET", "HEAD", "POST"])
def report(request):
    if request.method == "POST":
        # Refused before the body is read: too large (files included), or one address too often.
        if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY_BYTES:
            return render(request, "concerns/public/too_large.html", status=413)
        if reporting.too_many_reports(address=client_address(request)):
            return render(request, "concerns/public/too_many.html", status=429)
    lists = indicator_lists()
    sector_id = request.POST.get("sector") or request.GET.get("sector") or "other"
    sector = lists.sector(sector_id) or lists.sector("other") or lists.sectors[-1]
    if request.method != "POST":
        form = ReportForm(sector=sector)
        return render(request, "concerns/public/report.html", {"form": form, "sector": sector})
    if request.FILES:
        return render(request, "concerns/public/too_large.html", status=413)
    form = ReportForm(request.POST, sector=sector)
    if not form.is_valid():
        return render(request, "concerns/public/report.html", {"form": form, "sector": sector})
    if form.cleaned_data.get("website"):
        # A robot filled the hidden field: it is told what a person would be, and nothing kept.
        return render(
            request,
            "concerns/public/sent.html",
            {"reference": reporting.new_reference(), "danger_now": False},
        )
    stored = reporting.receive_report(answers=form.answers(), address=client_address(request))
    return render(
        request,
        "concerns/public/sent.html",
        {
            "reference": stored.reference,
            "danger_now": form.cleaned_data.get("danger_now") == "yes",
        },
    )
