"""Risk's own pages: setting and ending a professional's level. The tracker and its download
gather the panel's status too, so they live in web (web/tracker_views.py)."""

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_safe

from safeguarding.access.models import AuditObject
from safeguarding.access.need_to_know import open_for
from safeguarding.people.access_rules import open_person
from safeguarding.people.models import Person
from safeguarding.risk import queries, services
from safeguarding.risk.forms import EndOverrideForm, OverrideForm, TrackerFilterForm
from safeguarding.risk.models import Override

SETTERS = "risk.add_override"
READERS = "risk.view_riskassessment"


def run_and_filters(request):
    """The tracker's filter form, the run it shows and the filters, from the query string."""
    form = TrackerFilterForm(request.GET or None)
    filters = form.filters()
    as_of = form.cleaned_data.get("as_of") if form.is_valid() else None
    return form, queries.latest_run(as_of=as_of), filters


def used_filters(filters) -> list[str]:
    return sorted(name for name, value in vars(filters).items() if value and name != "sort")


def _back(request) -> str:
    """Where a form opened from another page (the tracker's row) returns: this site only."""
    back = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return back if allowed else ""


def set_override(request, person_id: int):
    person = get_object_or_404(Person, pk=person_id)
    grant = open_person(
        request, person=person, permission=SETTERS, object_type=AuditObject.RISK_OVERRIDE
    )
    form = OverrideForm(request.POST or None)
    back = _back(request)
    if request.method == "POST" and form.is_valid():
        services.set_override(
            person=person,
            level=form.cleaned_data["level"],
            reason=form.cleaned_data["reason"],
            review_by=form.cleaned_data["review_by"],
            user=request.user,
            request=request,
        )
        return redirect(back or reverse("people:detail", args=[person.pk]) + "#risk")
    if request.method == "GET":
        grant.record(object_id=person.pk, detail={"page": "set a level"})
    context = {
        "form": form,
        "person": person,
        "back": back,
        "computed": queries.latest_assessment(person=person),
    }
    return render(request, "risk/override.html", context)


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


FAIRNESS_LABELS = {
    "ethnicity:fpr_top": "Ethnic groups, wrongly in the top 100",
    "sex:fpr_top": "Sexes, wrongly in the top 100",
    "ethnicity:flag_rate": "Ethnic groups, graded medium or high",
    "sex:flag_rate": "Sexes, graded medium or high",
}


@require_safe
def validation(request):
    """The latest validation: accuracy, warning before crises and fairness, for every method.
    Figures about groups only, never a person, but read through the gate like the tracker."""
    grant = open_for(
        request, object_type=AuditObject.RISK_EVALUATION, permission=READERS, needs_purpose=False
    )
    latest = queries.latest_validation()
    rows = []
    if latest is not None:
        for row in latest.measures.get("rows", []):
            fairness = [
                {"label": FAIRNESS_LABELS.get(key, key), **found}
                for key, found in row.get("fairness", {}).items()
            ]
            rows.append({**row, "fairness_list": fairness})
        grant.record(object_id=latest.pk, detail={"page": "validation"})
    return render(request, "risk/validation.html", {"validation": latest, "rows": rows})
