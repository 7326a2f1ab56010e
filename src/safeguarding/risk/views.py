from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from safeguarding.access import audit, purpose
from safeguarding.access.models import AuditAction
from safeguarding.common.csv_export import write_csv
from safeguarding.people.access_rules import refuse_unless_may_open
from safeguarding.people.models import Person
from safeguarding.risk import queries, services
from safeguarding.risk.forms import EndOverrideForm, OverrideForm, TrackerFilterForm
from safeguarding.risk.models import Override

PAGE_SIZE = 50


def run_and_filters(request):
    """The tracker's filter form, the run it shows and the filters, from the query string."""
    form = TrackerFilterForm(request.GET or None)
    filters = form.filters()
    as_of = form.cleaned_data.get("as_of") if form.is_valid() else None
    return form, queries.latest_run(as_of=as_of), filters


def used_filters(filters) -> list[str]:
    return sorted(name for name, value in vars(filters).items() if value and name != "sort")


@permission_required("risk.view_riskassessment", raise_exception=True)
def tracker_export(request):
    stated_purpose = purpose.current_purpose(request)
    if not stated_purpose:
        return purpose.ask_for_purpose(request)
    _, run, filters = run_and_filters(request)
    if run is None:
        raise Http404("Nothing has been scored yet.")
    rows = queries.export_rows(
        assessments=queries.tracker_assessments(run=run, filters=filters, user=request.user)
    )
    audit.record(
        action=AuditAction.EXPORT,
        request=request,
        object_type="tracker",
        object_id=run.pk,
        purpose=stated_purpose,
        detail={"rows": len(rows), "filters": used_filters(filters)},
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="tracker-{run.as_of}.csv"'
    write_csv(response, header=["person_id", "score", "level", "indicators"], rows=rows)
    return response


def _person_for_change(request, person_id: int) -> Person:
    person = get_object_or_404(Person, pk=person_id)
    refuse_unless_may_open(
        request=request,
        person=person,
        purpose=purpose.current_purpose(request),
        object_type="risk override",
    )
    return person


@permission_required("risk.add_override", raise_exception=True)
def set_override(request, person_id: int):
    person = _person_for_change(request, person_id)
    if not purpose.current_purpose(request):
        return purpose.ask_for_purpose(request)
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
    return render(request, "risk/override.html", {"form": form, "person": person})


@permission_required("risk.add_override", raise_exception=True)
def end_override(request, override_id: int):
    override = get_object_or_404(Override, pk=override_id, active=True)
    person = _person_for_change(request, override.person_id)
    form = EndOverrideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.end_override(
            override=override,
            reason=form.cleaned_data["end_reason"],
            user=request.user,
            request=request,
        )
        return redirect(reverse("people:detail", args=[person.pk]) + "#risk")
    return render(
        request, "risk/end_override.html", {"form": form, "person": person, "override": override}
    )
