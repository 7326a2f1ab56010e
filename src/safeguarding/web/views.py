from django.conf import settings
from django.http import HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.views.decorators.http import require_safe

from safeguarding import pipeline
from safeguarding.access.models import AuditObject
from safeguarding.access.need_to_know import open_for
from safeguarding.runs.recording import recent_runs
from safeguarding.web import home as overviews

# The tracker is where panel members start: it is their home page. Every other role has a home
# page of what it opens the service for (the chair's next meeting and who is newly high...).
TRACKER_HOME_ROLES = {"panel_member"}
OWN_HOME_ROLES = {"panel_chair", "practitioner", "analyst", "auditor", "manager"}


@require_safe
def home(request):
    user = request.user
    roles = set(user.role_names)
    if (
        TRACKER_HOME_ROLES & roles
        and not OWN_HOME_ROLES & roles
        and user.has_perm("risk.view_riskassessment")
    ):
        return redirect("risk:tracker")
    context: dict = {"roles": roles}
    # The chair's and the practitioner's parts name young people: they pass the gate and are
    # audited. The analyst's, the auditor's and the manager's hold counts only.
    if roles & {"panel_chair", "practitioner"} and user.has_perm("people.view_person"):
        grant = open_for(request, object_type=AuditObject.PERSON, permission="people.view_person")
        if "panel_chair" in roles:
            context["chair"] = overviews.panel_chair_overview(user=user)
        if "practitioner" in roles:
            context["practitioner"] = overviews.practitioner_overview(user=user)
        named = [a.person_id for a in context.get("chair", {}).get("new_high", [])] + [
            row["person"].pk for row in context.get("practitioner", {}).get("people", [])
        ]
        grant.record(detail={"page": "home", "people": named})
    if "auditor" in roles and user.has_perm("access.view_auditevent"):
        context["auditor"] = overviews.auditor_overview()
    if "analyst" in roles:
        context["analyst"] = overviews.analyst_overview(user=user)
    if "manager" in roles and user.has_perm("risk.view_riskassessment"):
        context["manager"] = overviews.county_overview()
    return render(request, "web/home.html", context)


def server_error(request):
    """The service's own 500 page. Rendered without the request's context processors, which may
    be what failed, so it is given only the service's name."""
    page = loader.get_template("500.html").render({"service_name": settings.SERVICE_NAME})
    return HttpResponseServerError(page)


@require_safe
def pipeline_runs(request):
    """The batch stages' recent runs: when, how long, what they counted, who started them (no
    personal data: no purpose asked)."""
    open_for(
        request,
        object_type=AuditObject.PIPELINE_RUN,
        permission="runs.view_stagerun",
        needs_purpose=False,
    )
    return render(
        request, "web/pipeline_runs.html", {"runs": recent_runs(), "stages": pipeline.STAGES}
    )
