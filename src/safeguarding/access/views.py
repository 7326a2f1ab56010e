from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from safeguarding.access import audit, purpose
from safeguarding.access.forms import AuditFilterForm, PurposeForm
from safeguarding.access.models import AuditAction
from safeguarding.access.queries import filtered_audit_events


@permission_required("access.view_auditevent", raise_exception=True)
def audit_log(request):
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = filtered_audit_events(**{k: v for k, v in filters.items() if v})
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    audit.record(
        action=AuditAction.SEARCH,
        request=request,
        object_type="audit_event",
        detail={"filters": sorted(k for k, v in filters.items() if v)},
    )
    return render(request, "access/audit_log.html", {"form": form, "page": page})


def state_purpose(request):
    """Asks why the user needs people's records; the answer goes into every audit event."""
    next_url = purpose.safe_next(request, request.POST.get("next") or request.GET.get("next"))
    form = PurposeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        purpose.remember_purpose(request, purpose=form.stated_purpose)
        return redirect(next_url)
    return render(request, "access/purpose.html", {"form": form, "next": next_url})
