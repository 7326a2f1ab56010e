"""The young person's page and its PDF: the single view gathers every stage, so its pages live
in web. Their addresses keep the `people:` names (web/people_urls.py)."""

from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from safeguarding.access import audit, purpose
from safeguarding.access.models import AuditAction
from safeguarding.people import queries
from safeguarding.people.access_rules import refuse_unless_may_open
from safeguarding.people.models import Person
from safeguarding.people.timeline import TimelineFilter
from safeguarding.web import printing, single_view


def _open_person(request, person_id: int) -> tuple[Person, str]:
    """The person if this user may open them, with the stated purpose; a refusal is audited."""
    try:
        person = queries.person_with_records(person_id=person_id)
    except Person.DoesNotExist as missing:
        raise Http404("No such person") from missing
    stated_purpose = purpose.current_purpose(request)
    refuse_unless_may_open(request=request, person=person, purpose=stated_purpose)
    return person, stated_purpose


@permission_required("people.view_person", raise_exception=True)
def person_detail(request, person_id: int):
    person, stated_purpose = _open_person(request, person_id)
    if not stated_purpose:
        return purpose.ask_for_purpose(request)
    audit.record(
        action=AuditAction.VIEW,
        request=request,
        object_type="person",
        object_id=person.pk,
        purpose=stated_purpose,
    )
    view = single_view.single_view(
        person=person, user=request.user, timeline_filter=TimelineFilter.from_query(request.GET)
    )
    return render(request, "people/person_detail.html", {"view": view, "person": person})


@permission_required("people.view_person", raise_exception=True)
def person_pdf(request, person_id: int):
    """The single view as a PDF for a meeting, marked OFFICIAL-SENSITIVE, its export audited."""
    person, stated_purpose = _open_person(request, person_id)
    if not stated_purpose:
        return purpose.ask_for_purpose(request)
    timeline_filter = TimelineFilter.from_query(request.GET)
    view = single_view.single_view(
        person=person, user=request.user, timeline_filter=timeline_filter
    )
    document = printing.person_pdf(
        view=view, user=request.user, purpose=stated_purpose, printed_at=timezone.now()
    )
    audit.record(
        action=AuditAction.EXPORT,
        request=request,
        object_type="person",
        object_id=person.pk,
        purpose=stated_purpose,
        detail={"format": "pdf", "pages": document.pages, "timeline": timeline_filter.query_string},
    )
    response = HttpResponse(document.content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="young-person-{person.pk}.pdf"'
    return response
