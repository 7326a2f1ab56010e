from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from safeguarding.access import purpose
from safeguarding.access.forms import AuditFilterForm, PurposeForm
from safeguarding.access.models import AuditAction, AuditObject
from safeguarding.access.need_to_know import open_for
from safeguarding.access.queries import filtered_audit_events


@require_safe
def audit_log(request):
    """Who saw or changed what: it names staff and the records they opened, and a search's typed
    terms, so it passes the gate like any page of personal data."""
    grant = open_for(
        request, object_type=AuditObject.AUDIT_EVENT, permission="access.view_auditevent"
    )
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = filtered_audit_events(**{k: v for k, v in filters.items() if v})
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    grant.record(AuditAction.SEARCH, detail={"filters": sorted(k for k, v in filters.items() if v)})
    return render(request, "access/audit_log.html", {"form": form, "page": page})


def state_purpose(request):
    """Asks why the user needs people's records; the answer goes into every audit event of the
    session, and can be changed at any time (the page then starts from the current answer)."""
    next_url = purpose.safe_next(request, request.POST.get("next") or request.GET.get("next"))
    form = PurposeForm(request.POST or None, initial=purpose.initial_choice(request))
    if request.method == "POST" and form.is_valid():
        purpose.remember_purpose(request, purpose=form.stated_purpose)
        return redirect(next_url)
    return render(request, "access/purpose.html", {"form": form, "next": next_url})
