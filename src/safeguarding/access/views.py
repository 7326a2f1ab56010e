from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from safeguarding.access import purpose
from safeguarding.access.forms import AuditFilterForm, PurposeForm
from safeguarding.access.models import AuditAction, AuditObject
from safeguarding.access.need_to_know import open_for
from safeguarding.access.queries import (
    AUDIT_CSV_HEADER,
    audit_rows,
    detail_summary,
    filtered_audit_events,
    views_of,
)
from safeguarding.common.csv_export import write_csv


@require_safe
def audit_log(request):
    """Who saw or changed what: it names staff and the records they opened, and a search's typed
    terms, so it passes the gate like any page of personal data."""
    grant = open_for(
        request, object_type=AuditObject.AUDIT_EVENT, permission="access.view_auditevent"
    )
    form, filters, events = _filtered_audit_log(request)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    grant.record(AuditAction.SEARCH, detail={"filters": sorted(filters)})
    download = request.GET.copy()
    download.pop("page", None)
    rows = [(event, detail_summary(event.detail)) for event in page.object_list]
    return render(
        request,
        "access/audit_log.html",
        {"form": form, "page": page, "rows": rows, "download_query": download.urlencode()},
    )


@require_safe
def audit_log_download(request):
    """The audit page's events, every page of them, as CSV: the same filters, the same query."""
    grant = open_for(
        request, object_type=AuditObject.AUDIT_EVENT, permission="access.view_auditevent"
    )
    _, filters, events = _filtered_audit_log(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    rows = write_csv(response, header=AUDIT_CSV_HEADER, rows=audit_rows(events))
    # The export is itself audited, with the filters that chose what left the system.
    grant.record(
        AuditAction.EXPORT,
        detail={"filters": {name: str(value) for name, value in filters.items()}, "rows": rows},
    )
    return response


def _filtered_audit_log(request) -> tuple[AuditFilterForm, dict, QuerySet]:
    """The one reading of the audit page's filters, for the page and its download."""
    form = AuditFilterForm(request.GET or None)
    cleaned = form.cleaned_data if form.is_valid() else {}
    filters = {name: value for name, value in cleaned.items() if value}
    return form, filters, filtered_audit_events(**filters)


@require_safe
def person_viewers(request, person_id: int):
    """Who has viewed one young person, for auditors: from the audit log alone, so it works for
    a person since erased as well."""
    grant = open_for(
        request,
        object_type=AuditObject.AUDIT_EVENT,
        permission="access.view_auditevent",
        object_id=person_id,
    )
    viewings = views_of(object_type=AuditObject.PERSON, object_id=person_id)
    grant.record(detail={"viewers_of": "person", "events": len(viewings)})
    return render(
        request, "access/person_viewers.html", {"person_id": person_id, "viewers": viewings}
    )


def state_purpose(request):
    """Asks why the user needs people's records; the answer goes into every audit event of the
    session, and can be changed at any time (the page then starts from the current answer)."""
    next_url = purpose.safe_next(request, request.POST.get("next") or request.GET.get("next"))
    form = PurposeForm(request.POST or None, initial=purpose.initial_choice(request))
    if request.method == "POST" and form.is_valid():
        purpose.remember_purpose(request, purpose=form.stated_purpose)
        return redirect(next_url)
    return render(request, "access/purpose.html", {"form": form, "next": next_url})
