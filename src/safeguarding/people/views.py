from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render

from safeguarding.access import audit, purpose
from safeguarding.access.models import AuditAction
from safeguarding.people import queries
from safeguarding.people.access_rules import may_open_person
from safeguarding.people.enumerations import EventType
from safeguarding.people.models import Person


@permission_required("people.view_person", raise_exception=True)
def person_detail(request, person_id: int):
    try:
        person = queries.person_with_records(person_id=person_id)
    except Person.DoesNotExist as missing:
        raise Http404("No such person") from missing
    stated_purpose = purpose.current_purpose(request)
    if not may_open_person(user=request.user, person=person):
        audit.record(
            action=AuditAction.REFUSED,
            request=request,
            object_type="person",
            object_id=person.pk,
            purpose=stated_purpose,
        )
        raise PermissionDenied("This record is restricted.")
    if not stated_purpose:
        return purpose.ask_for_purpose(request)
    audit.record(
        action=AuditAction.VIEW,
        request=request,
        object_type="person",
        object_id=person.pk,
        purpose=stated_purpose,
    )
    agency, event_type = request.GET.get("agency", ""), request.GET.get("type", "")
    timeline = queries.timeline_rows(
        person=person, user=request.user, agency=agency, event_type=event_type
    )
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "timeline": timeline,
            "agency": agency,
            "event_type": event_type,
            "agencies": sorted(
                {r.feed.agency for r in person.source_records.all()}, key=lambda a: a.name
            ),
            "event_types": EventType.choices,
        },
    )


@permission_required("people.view_person", raise_exception=True)
def search(request):
    text = request.GET.get("q", "").strip()
    people = queries.search_people(text=text) if text else []
    if text:
        audit.record(
            action=AuditAction.SEARCH,
            request=request,
            object_type="person",
            purpose=purpose.current_purpose(request),
            detail={"terms": text, "results": len(people)},
        )
    return render(request, "people/search.html", {"text": text, "people": people})
