from django.conf import settings
from django.http import HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.views.decorators.http import require_safe

from safeguarding import pipeline
from safeguarding.access.models import AuditObject
from safeguarding.access.need_to_know import open_for
from safeguarding.runs.recording import recent_runs

# The tracker is where panel members start: it is their home page.
TRACKER_HOME_ROLES = {"panel_chair", "panel_member"}


@require_safe
def home(request):
    if TRACKER_HOME_ROLES & set(request.user.role_names) and request.user.has_perm(
        "risk.view_riskassessment"
    ):
        return redirect("risk:tracker")
    return render(request, "web/home.html")


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
