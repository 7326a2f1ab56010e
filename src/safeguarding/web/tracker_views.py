"""The tracker page and its download: risk's ranked list with the panel's status beside each
person (open actions, when the panel last met), so they live in web, above both. One list
(`risk.tracker.tracker_list`) and one function (`risk.queries.tracker_rows`) build the rows of
both, so the download applies exactly the page's rules. Their addresses keep the names
`risk:tracker` and `risk:export` (web/risk_urls.py)."""

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from safeguarding.access.models import AuditAction, AuditObject
from safeguarding.access.need_to_know import open_for
from safeguarding.common.csv_export import write_csv
from safeguarding.panel import queries as panel_queries
from safeguarding.risk import queries
from safeguarding.risk.catalogue import load_catalogue
from safeguarding.risk.tracker import tracker_list
from safeguarding.risk.views import SETTERS, run_and_filters, used_filters
from safeguarding.web import tracker_table

PAGE_SIZE = 50
PAGE_SIZES = (25, 50, 100, 200)
READERS = "risk.view_riskassessment"
EXPORTERS = "risk.export_tracker"
# The filters, sort and page size a user last chose, kept for their session (not the page
# number): coming back to the tracker shows the list they left.
REMEMBERED = "tracker_query"
# The headings that sort the table when clicked, and the sort each one chooses.
SORTABLE = {
    "level": "level",
    "score": "score",
    "trend": "trend",
    "age": "age",
    "area": "area",
    "new": "new",
}


def page_size(query) -> int:
    try:
        size = int(query.get("size", PAGE_SIZE))
    except ValueError:
        return PAGE_SIZE
    return size if size in PAGE_SIZES else PAGE_SIZE


def sort_links(query, *, current: str) -> dict[str, dict]:
    """For each sortable heading: the address that sorts by it (keeping the filters, back to the
    first page) and whether it is the sort in force (for aria-sort)."""
    links = {}
    for heading, sort in SORTABLE.items():
        chosen = query.copy()
        chosen.pop("page", None)
        chosen["sort"] = sort
        links[heading] = {"href": "?" + chosen.urlencode(), "current": sort == current}
    return links


def _with_panel_and_links(rows: list[dict], *, back: str) -> list[dict]:
    """Each row's open panel actions (one query for the page) and its page and set-a-level
    addresses, reversed once for the page rather than twice a row in the template (a tenth of
    the page's time at 200 rows)."""
    open_actions = panel_queries.open_actions_by_person(row["person_id"] for row in rows)
    person = reverse("people:detail", args=[0]).removesuffix("0/")
    override = reverse("risk:override", args=[0]).removesuffix("0/override/")
    returning = "override/?" + urlencode({"next": back})
    for row in rows:
        row["open_actions"] = open_actions.get(row["person_id"], 0)
        row["href"] = f"{person}{row['person_id']}/"
        row["set_level_href"] = f"{override}{row['person_id']}/{returning}"
    return rows


def _remembered(request):
    """The address of the list this user left, when they come back to the bare tracker."""
    if "clear" in request.GET:
        request.session.pop(REMEMBERED, None)
        return redirect("risk:tracker")
    if not request.GET:
        saved = request.session.get(REMEMBERED)
        return redirect(reverse("risk:tracker") + "?" + saved) if saved else None
    kept = request.GET.copy()
    kept.pop("page", None)
    request.session[REMEMBERED] = kept.urlencode()
    return None


@require_safe
def tracker(request):
    grant = open_for(request, object_type=AuditObject.TRACKER, permission=READERS)
    if (back := _remembered(request)) is not None:
        return back
    form, run, filters = run_and_filters(request)
    context = {"form": form, "run": run, "filters": filters}
    context["validation"] = queries.latest_validation()  # for the fairness warning
    if run is not None:
        if "new_since" not in request.GET:
            context["last_panel"] = panel_queries.last_panel_date(before=run.as_of)
        listed = tracker_list(run=run, filters=filters, user=request.user)
        options = queries.filter_options(run=run)
        paginator = Paginator(listed.entries, page_size(request.GET))
        page = paginator.get_page(request.GET.get("page"))
        context |= {
            "page": page,
            "size": paginator.per_page,
            "sizes": PAGE_SIZES,
            "sort": sort_links(request.GET, current=filters.sort),
            "counts": listed.counts,
            "rows": _with_panel_and_links(
                queries.tracker_rows(
                    entries=page.object_list,
                    overrides=listed.overrides,
                    run=run,
                    catalogue=load_catalogue(),
                    user=request.user,
                ),
                back=request.get_full_path(),
            ),
            "may_export": request.user.has_perm(EXPORTERS),
            # Counted only over the whole list: a count under a filter would say where they are.
            "restricted_flagged": 0 if used_filters(filters) else listed.restricted_flagged,
        }
        context |= {
            "options": options,
            # The two longest lists of choices, written in Python (web/tracker_table.py).
            "area_options": tracker_table.options(
                ((area, area) for area in options["areas"]), selected=filters.area
            ),
            "school_options": tracker_table.options(options["schools"], selected=filters.school),
            "table_rows": tracker_table.table_rows(
                context["rows"], may_set_level=request.user.has_perm(SETTERS)
            ),
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
    listed = tracker_list(run=run, filters=filters, user=request.user)
    rows = queries.export_rows(
        rows=queries.tracker_rows(
            entries=listed.entries,
            overrides=listed.overrides,
            run=run,
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
