from django.shortcuts import redirect, render

# The tracker is where panel members start: it is their home page.
TRACKER_HOME_ROLES = {"panel_chair", "panel_member"}


def home(request):
    if TRACKER_HOME_ROLES & set(request.user.role_names) and request.user.has_perm(
        "risk.view_riskassessment"
    ):
        return redirect("risk:tracker")
    return render(request, "web/home.html")
