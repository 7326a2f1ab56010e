"""The young person's page and its PDF: the single view gathers every stage, so its pages live
in web. Their addresses keep the `people:` names (web/people_urls.py)."""

from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from safeguarding.access.models import AuditAction
from safeguarding.access.queries import viewers_for_person_page
from safeguarding.people import queries
from safeguarding.people.access_rules import open_person
from safeguarding.people.models import Person
from safeguarding.people.timeline import TimelineFilter
from safeguarding.web import printing, single_view


def _person(request, person_id: int) -> Person | HttpResponseRedirect:
    """The person, or the way to whoever holds their records now if a re-link merged them into
    another (a tracker list or bookmark read before the link). The way is shown only to a role
    that may open people's pages; the successor's page then asks the gate as any page does."""
    try:
        return queries.person_with_records(person_id=person_id)
    except Person.DoesNotExist as missing:
        successor = queries.successor_of(person_id=person_id)
        if successor is None or not request.user.has_perm("people.view_person"):
            raise Http404("No such person") from missing
        address = reverse(request.resolver_match.view_name, kwargs={"person_id": successor})
        query = request.GET.urlencode()
        return HttpResponseRedirect(f"{address}?{query}" if query else address)


@require_safe
def person_detail(request, person_id: int):
    person = _person(request, person_id)
    if isinstance(person, HttpResponseRedirect):
        return person
    grant = open_person(request, person=person)
    grant.record(AuditAction.VIEW)
    view = single_view.single_view(
        person=person,
        user=request.user,
        timeline_filter=TimelineFilter.from_query(request.GET),
        with_connections=single_view.connections_asked(request.GET),
    )
    context = {
        "view": view,
        "person": person,
        "viewers": viewers_for_person_page(request, person=person),
    }
    return render(request, "people/person_detail.html", context)


@require_safe
def person_pdf(request, person_id: int):
    """The single view as a PDF for a meeting, marked OFFICIAL-SENSITIVE, its export audited."""
    person = _person(request, person_id)
    if isinstance(person, HttpResponseRedirect):
        return person
    grant = open_person(request, person=person)
    timeline_filter = TimelineFilter.from_query(request.GET)
    view = single_view.single_view(
        person=person, user=request.user, timeline_filter=timeline_filter
    )
    document = printing.person_pdf(
        view=view, user=request.user, purpose=grant.purpose, printed_at=timezone.now()
    )
    grant.record(
        AuditAction.EXPORT,
        detail={"format": "pdf", "pages": document.pages, "timeline": timeline_filter.query_string},
    )
    response = HttpResponse(document.content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="young-person-{person.pk}.pdf"'
    return response
