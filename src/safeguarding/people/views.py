from django.contrib.auth.decorators import permission_required
from django.shortcuts import render

from safeguarding.access import audit, purpose
from safeguarding.access.models import AuditAction
from safeguarding.people import search as person_search


@permission_required("people.view_person", raise_exception=True)
def search(request):
    text = person_search.clean_search_text(request.GET.get("q", ""))
    results = person_search.search_people(text=text, user=request.user) if text else []
    if text:
        audit.record(
            action=AuditAction.SEARCH,
            request=request,
            object_type="person",
            purpose=purpose.current_purpose(request),
            detail={"terms": text, **person_search.search_detail(results)},
        )
    return render(request, "people/search.html", {"text": text, "results": results})
