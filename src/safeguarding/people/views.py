from django.shortcuts import render
from django.views.decorators.http import require_safe

from safeguarding.access.models import AuditAction, AuditObject
from safeguarding.access.need_to_know import open_for
from safeguarding.people import search as person_search


@require_safe
def search(request):
    """Results list names and dates of birth: personal data, so the purpose is asked first."""
    text = person_search.clean_search_text(request.GET.get("q", ""))
    grant = open_for(
        request,
        object_type=AuditObject.PERSON_SEARCH,
        permission="people.view_person",
        needs_purpose=bool(text),
    )
    results = person_search.search_people(text=text, user=request.user) if text else []
    if text:
        detail = {"terms": text, **person_search.search_detail(results)}
        grant.record(AuditAction.SEARCH, detail=detail)
    return render(request, "people/search.html", {"text": text, "results": results})
