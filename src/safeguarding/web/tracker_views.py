"""The tracker page: risk's ranked list with the panel's status beside each person (open
actions, when the panel last met), so it lives in web, above both. Its address keeps the name
`risk:tracker` (web/risk_urls.py)."""

from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.shortcuts import render

from safeguarding.access import audit, purpose
from safeguarding.access.models import AuditAction
from safeguarding.panel import queries as panel_queries
from safeguarding.risk import queries
from safeguarding.risk.catalogue import load_catalogue
from safeguarding.risk.views import PAGE_SIZE, run_and_filters, used_filters


@permission_required("risk.view_riskassessment", raise_exception=True)
def tracker(request):
    stated_purpose = purpose.current_purpose(request)
    if not stated_purpose:
        return purpose.ask_for_purpose(request)
    form, run, filters = run_and_filters(request)
    context = {"form": form, "run": run, "filters": filters}
    if run is not None:
        if "new_since" not in request.GET:
            context["last_panel"] = panel_queries.last_panel_date(before=run.as_of)
        assessments = queries.tracker_assessments(
            run=run,
            filters=filters,
            user=request.user,
            open_actions=panel_queries.open_actions_count(person_field="person_id"),
        )
        page = Paginator(assessments, PAGE_SIZE).get_page(request.GET.get("page"))
        context |= {
            "page": page,
            "rows": queries.tracker_rows(
                assessments=page.object_list, catalogue=load_catalogue(), user=request.user
            ),
            "options": queries.filter_options(run=run),
        }
        audit.record(
            action=AuditAction.VIEW,
            request=request,
            object_type="tracker",
            object_id=run.pk,
            purpose=stated_purpose,
            detail={
                "page": page.number,
                "people": len(context["rows"]),
                "filters": used_filters(filters),
            },
        )
    return render(request, "risk/tracker.html", context)
