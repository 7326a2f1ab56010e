"""The tracker page and its download: risk's ranked list with the panel's status beside each
person (open actions, when the panel last met), so they live in web, above both. One function
(`risk.queries.tracker_rows`) builds the rows of both, so the download applies exactly the page's
rules. Their addresses keep the names `risk:tracker` and `risk:export` (web/risk_urls.py)."""

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from safeguarding.access.models import AuditAction, AuditObject
from safeguarding.access.need_to_know import open_for
from safeguarding.common.csv_export import write_csv
from safeguarding.panel import queries as panel_queries
from safeguarding.risk import queries
from safeguarding.risk.catalogue import load_catalogue
from safeguarding.risk.views import run_and_filters, used_filters

PAGE_SIZE = 50
READERS = "risk.view_riskassessment"
EXPORTERS = "risk.export_tracker"


def _assessments(request, run, filters):
    return queries.tracker_assessments(
        run=run,
        filters=filters,
        user=request.user,
        open_actions=panel_queries.open_actions_count(person_field="person_id"),
    )


@require_safe
def tracker(request):
    grant = open_for(request, object_type=AuditObject.TRACKER, permission=READERS)
    form, run, filters = run_and_filters(request)
    context = {"form": form, "run": run, "filters": filters}
    context["validation"] = queries.latest_validation()  # for the fairness warning
    if run is not None:
        if "new_since" not in request.GET:
            context["last_panel"] = panel_queries.last_panel_date(before=run.as_of)
        page = Paginator(_assessments(request, run, filters), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        context |= {
            "page": page,
            "rows": queries.tracker_rows(
                assessments=page.object_list, catalogue=load_catalogue(), user=request.user
            ),
            "options": queries.filter_options(run=run),
            "may_export": request.user.has_perm(EXPORTERS),
            # Counted only over the whole list: a count under a filter would say where they are.
            "restricted_flagged": 0
            if used_filters(filters)
            else queries.restricted_flagged(run=run, user=request.user),
        }
        grant.record(
            object_id=run.pk,
            detail={
                "page": page.number,
                "people": len(context["rows"]),
                "filters": used_filters(filters),
            },
        )
    return render(request, "risk/tracker.html", context)


@require_safe
def tracker_export(request):
    """The tracker as CSV: every page of it, built by the page's own function and rules."""
    grant = open_for(request, object_type=AuditObject.TRACKER, permission=EXPORTERS)
    _, run, filters = run_and_filters(request)
    if run is None:
        raise Http404("Nothing has been scored yet.")
    rows = queries.export_rows(
        rows=queries.tracker_rows(
            assessments=_assessments(request, run, filters),
            catalogue=load_catalogue(),
            user=request.user,
        )
    )
    grant.record(
        AuditAction.EXPORT,
        object_id=run.pk,
        detail={"rows": len(rows), "filters": used_filters(filters)},
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="tracker-{run.as_of}.csv"'
    write_csv(response, header=queries.EXPORT_HEADER, rows=rows)
    return response
