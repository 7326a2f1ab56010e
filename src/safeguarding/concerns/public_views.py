"""The public side: the reporting form, open without an account, and nothing else.

These pages read nothing of the partnership's records and say nothing about them: a reference
and advice are all a reporter gets back. They carry a stricter Content Security Policy than the
staff pages: no script at all, except the form's own map script from the site itself. A request
is refused before any form is read when it is too large (`middleware.ReportSizeMiddleware`, before
CSRF reads the body), carries files, or comes from an address that has sent its hour's
allowance."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_http_methods, require_safe

from safeguarding.access.audit import client_address
from safeguarding.concerns import area, reporting
from safeguarding.concerns.forms import ReportForm, SectorForm
from safeguarding.concerns.indicators import indicator_lists
from safeguarding.places.models import Area

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
# The form's page only: the map's scripts (Leaflet and ours, files from the site, never inline)
# and the partnership's outline they fetch from the site.
FORM_CSP = {**PUBLIC_CSP, "script-src": [CSP.SELF], "connect-src": [CSP.SELF]}


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
def too_large(request):
    """What a request over the size limit gets (from the middleware, before CSRF)."""
    return render(request, "concerns/public/too_large.html", status=413)


@public
@require_safe
def area_outline(request):
    """The partnership's small areas' outlines for the form's map: public geography only."""
    return JsonResponse(
        {
            "type": "FeatureCollection",
            "features": area.outline_features(),
            "labels": Area.community_labels(),
        }
    )


@csp_override(FORM_CSP)
def _form_page(request, *, form: ReportForm, sector):
    """The form itself: the only public page that runs a script (the map's)."""
    return render(request, "concerns/public/report.html", {"form": form, "sector": sector})


@csp_override(PUBLIC_CSP)
def _public_page(request, template: str, context: dict | None = None, *, status: int = 200):
    return render(request, template, context, status=status)


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def report(request):
    """The form, and what sending it gets: each page with its own policy (the form's allows
    the site's own script files, every other public page none)."""
    # Refused before the form is read: one address too often (the size, by the middleware).
    if request.method == "POST" and reporting.too_many_reports(address=client_address(request)):
        return _public_page(request, "concerns/public/too_many.html", status=429)
    lists = indicator_lists()
    sector_id = request.POST.get("sector") or request.GET.get("sector") or "other"
    sector = lists.sector(sector_id) or lists.sector("other") or lists.sectors[-1]
    if request.method != "POST":
        return _form_page(request, form=ReportForm(sector=sector), sector=sector)
    if request.FILES:
        return too_large(request)
    form = ReportForm(request.POST, sector=sector, bounds=area.partnership_bounds)
    if not form.is_valid():
        return _form_page(request, form=form, sector=sector)
    if form.cleaned_data.get("website"):
        # A robot filled the hidden field: it is told what a person would be, and nothing kept.
        return _public_page(
            request,
            "concerns/public/sent.html",
            {"reference": reporting.new_reference(), "danger_now": False},
        )
    stored = reporting.receive_report(answers=form.answers(), address=client_address(request))
    return _public_page(
        request,
        "concerns/public/sent.html",
        {
            "reference": stored.reference,
            "danger_now": form.cleaned_data.get("danger_now") == "yes",
        },
    )
