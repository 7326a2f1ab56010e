"""Find a young person: people's search, with what tells two people of the same name apart
(age, area, school, the agencies that know them, last contact). Those come from risk and
places as well as people, so the page lives in web. Its address keeps the name `people:search`."""

import datetime

from django.db.models import Max
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from safeguarding.access.models import AuditAction, AuditObject
from safeguarding.access.need_to_know import open_for
from safeguarding.people import search as person_search
from safeguarding.people.access_rules import may_see_event_type
from safeguarding.people.enumerations import EventType
from safeguarding.people.models import Involvement, SourceRecord
from safeguarding.places.models import Postcode, School
from safeguarding.risk.models import RiskAssessment
from safeguarding.risk.queries import latest_run
from safeguarding.web.search_table import result_rows


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
    rows = describe_results(results=results, user=request.user)
    context = {"text": text, "results": results, "rows": rows, "result_rows": result_rows(rows)}
    return render(request, "people/search.html", context)


def age_on(born: datetime.date | None, day: datetime.date) -> int | None:
    if born is None:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def describe_results(*, results: list, user) -> list[dict]:
    """Each result with its age, area, school, agencies and last contact the user may see; a few
    queries for the whole list, however many results."""
    ids = [result.person.pk for result in results]
    if not ids:
        return []
    agencies: dict[int, set[str]] = {}
    postcodes: dict[int, str] = {}
    for person_id, agency, postcode in (
        SourceRecord.objects.filter(person_id__in=ids)
        .order_by("person_id", "-last_seen_at", "-pk")
        .values_list("person_id", "feed__agency__name", "postcode")
    ):
        agencies.setdefault(person_id, set()).add(agency)
        if postcode and person_id not in postcodes:
            postcodes[person_id] = postcode
    areas = dict(
        Postcode.objects.filter(postcode__in=set(postcodes.values())).values_list(
            "postcode", "community_area"
        )
    )
    # Area and school as the latest scoring worked them out (it reads every agency's records).
    run = latest_run()
    latest: dict[int, tuple[str, str]] = {
        person_id: (area, urn)
        for person_id, area, urn in RiskAssessment.objects.filter(
            run=run, person_id__in=ids
        ).values_list("person_id", "community_area", "school_urn")
    }
    schools = dict(
        School.objects.filter(urn__in={urn for _, urn in latest.values() if urn}).values_list(
            "urn", "name"
        )
    )
    visible_types = [t for t in EventType.values if may_see_event_type(user=user, event_type=t)]
    last_contact = dict(
        Involvement.objects.filter(person_id__in=ids, event__event_type__in=visible_types)
        .values("person_id")
        .annotate(last=Max("event__occurred_at"))
        .values_list("person_id", "last")
    )
    today = timezone.localdate()
    rows = []
    for result in results:
        person_id = result.person.pk
        area, urn = latest.get(person_id, ("", ""))
        rows.append(
            {
                "result": result,
                "person": result.person,
                "age": age_on(result.person.date_of_birth, today),
                "area": area or areas.get(postcodes.get(person_id, ""), ""),
                "school": schools.get(urn, ""),
                "agencies": sorted(agencies.get(person_id, ())),
                "last_contact": last_contact.get(person_id),
            }
        )
    return rows
