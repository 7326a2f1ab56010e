from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from safeguarding.access.models import AuditAction, AuditObject
from safeguarding.access.need_to_know import open_for
from safeguarding.people.access_rules import open_person
from safeguarding.people.models import Person
from safeguarding.reports.csv_export import write_csv
from safeguarding.risk import queries, services
from safeguarding.risk.catalogue import load_catalogue
from safeguarding.risk.forms import EndOverrideForm, OverrideForm, TrackerFilterForm
from safeguarding.risk.models import Override

PAGE_SIZE = 50
EXPORTERS = "risk.export_tracker"
SETTERS = "risk.add_override"


def _run_and_filters(request):
    form = TrackerFilterForm(request.GET or None)
    filters = form.filters()
    as_of = form.cleaned_data.get("as_of") if form.is_valid() else None
    return form, queries.latest_run(as_of=as_of), filters


@require_safe
def tracker(request):
    grant = open_for(
        request, object_type=AuditObject.TRACKER, permission="risk.view_riskassessment"
    )
    form, run, filters = _run_and_filters(request)
    context = {"form": form, "run": run, "filters": filters}
    if run is not None:
        if "new_since" not in request.GET:
            context["last_panel"] = queries.last_panel_date(before=run.as_of)
        assessments = queries.tracker_assessments(run=run, filters=filters, user=request.user)
        page = Paginator(assessments, PAGE_SIZE).get_page(request.GET.get("page"))
        context |= {
            "page": page,
            "rows": queries.tracker_rows(
                assessments=page.object_list, catalogue=load_catalogue(), user=request.user
            ),
            "options": queries.filter_options(run=run),
            "may_export": request.user.has_perm(EXPORTERS),
            # Counted only over the whole list: a count under a filter would say where they are.
            "restricted_flagged": 0
            if _used(filters)
            else queries.restricted_flagged(run=run, user=request.user),
        }
        grant.record(
            object_id=run.pk,
            detail={"page": page.number, "people": len(context["rows"]), "filters": _used(filters)},
        )
    return render(request, "risk/tracker.html", context)


def _used(filters) -> list[str]:
    return sorted(name for name, value in vars(filters).items() if value and name != "sort")


@require_safe
def tracker_export(request):
    """The tracker as CSV: every page of it, built by the page's own function and rules."""
    grant = open_for(request, object_type=AuditObject.TRACKER, permission=EXPORTERS)
    _, run, filters = _run_and_filters(request)
    if run is None:
        raise Http404("Nothing has been scored yet.")
    rows = queries.export_rows(
        rows=queries.tracker_rows(
            assessments=queries.tracker_assessments(run=run, filters=filters, user=request.user),
            catalogue=load_catalogue(),
            user=request.user,
        )
    )
    grant.record(
        AuditAction.EXPORT,
        object_id=run.pk,
        detail={"rows": len(rows), "filters": _used(filters)},
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="tracker-{run.as_of}.csv"'
    write_csv(response, header=queries.EXPORT_HEADER, rows=rows)
    return response


def set_override(request, person_id: int):
    person = get_object_or_404(Person, pk=person_id)
    grant = open_person(
        request, person=person, permission=SETTERS, object_type=AuditObject.RISK_OVERRIDE
    )
    form = OverrideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.set_override(
            person=person,
            level=form.cleaned_data["level"],
            reason=form.cleaned_data["reason"],
            review_by=form.cleaned_data["review_by"],
            user=request.user,
            request=request,
        )
        return redirect(reverse("people:detail", args=[person.pk]) + "#risk")
    if request.method == "GET":
        grant.record(object_id=person.pk, detail={"page": "set a level"})
    return render(request, "risk/override.html", {"form": form, "person": person})


def end_override(request, override_id: int):
    override = get_object_or_404(
        Override.objects.select_related("person"), pk=override_id, active=True
    )
    person = override.person
    grant = open_person(
        request, person=person, permission=SETTERS, object_type=AuditObject.RISK_OVERRIDE
    )
    form = EndOverrideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.end_override(
            override=override,
            reason=form.cleaned_data["end_reason"],
            user=request.user,
            request=request,
        )
        return redirect(reverse("people:detail", args=[person.pk]) + "#risk")
    if request.method == "GET":
        grant.record(object_id=override.pk, detail={"page": "end a level", "person": person.pk})
    return render(
        request, "risk/end_override.html", {"form": form, "person": person, "override": override}
    )
