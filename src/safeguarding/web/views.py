from django.contrib.auth.decorators import permission_required
from django.shortcuts import redirect, render

from safeguarding import pipeline
from safeguarding.runs.recording import recent_runs

# The tracker is where panel members start: it is their home page.
TRACKER_HOME_ROLES = {"panel_chair", "panel_member"}


def home(request):
    if TRACKER_HOME_ROLES & set(request.user.role_names) and request.user.has_perm(
        "risk.view_riskassessment"
    ):
        return redirect("risk:tracker")
    return render(request, "web/home.html")


@permission_required("runs.view_stagerun", raise_exception=True)
def pipeline_runs(request):
    """The batch stages' recent runs: when, how long, what they counted, who started them."""
    return render(
        request, "web/pipeline_runs.html", {"runs": recent_runs(), "stages": pipeline.STAGES}
    )
