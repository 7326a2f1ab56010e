"""The network pages: the lists of concern and communities, a person's network, the network
connecting chosen people, a community, the records behind an edge, and the exports. Each read
goes through the need-to-know gate and is audited; what a user may not see is withheld by the
queries (network/queries.py)."""

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from safeguarding.access.models import AuditAction, AuditObject
from safeguarding.access.need_to_know import open_for
from safeguarding.common.csv_export import write_csv
from safeguarding.network import exports, queries
from safeguarding.network.models import Edge, EdgeKind, NetworkRun, Node
from safeguarding.people.access_rules import may_open_person, may_see_connections, open_person
from safeguarding.people.models import Person

READERS = "people.view_person"
# The graph names other young people: downloaded by those who may download the tracker.
EXPORTERS = "risk.export_tracker"


def _run(run_id: int | None = None) -> NetworkRun:
    run = queries.latest_run() if run_id is None else NetworkRun.objects.filter(pk=run_id).first()
    if run is None:
        raise Http404("The association graph has not been built yet: run the network stage.")
    return run


def _gate(request, **kwargs):
    kwargs.setdefault("allowed", lambda: may_see_connections(user=request.user))
    return open_for(request, object_type=AuditObject.NETWORK, permission=READERS, **kwargs)


@require_safe
def overview(request):
    grant = _gate(request)
    run = queries.latest_run()
    context: dict = {"run": run}
    if run is not None:
        context["concerns"] = queries.concern_lists(run=run, user=request.user)
        context["communities"] = queries.communities(run=run)
    grant.record(detail={"page": "network", "run": run.pk if run else None})
    return render(request, "network/overview.html", context)


def _filters_context(filters: queries.NetworkFilter, subgraph: queries.Subgraph) -> dict:
    agencies = sorted({a for e in subgraph.edges for a in e["agencies"]} | set(filters.agencies))
    return {
        "filters": filters,
        "edge_kinds": EdgeKind.choices,
        "roles": [(r, r.replace("_", " ").capitalize()) for r in queries.ROLES],
        "agencies": agencies,
        "hop_choices": [1, 2, 3],
    }


@require_safe
def person(request, person_id: int):
    subject = get_object_or_404(Person, pk=person_id)
    grant = open_person(request, person=subject, object_type=AuditObject.NETWORK)
    run = _run()
    node = queries.person_node(run=run, person_id=subject.pk)
    if node is None:
        raise Http404("This person is not in the latest graph: it is rebuilt after each link.")
    filters = queries.NetworkFilter.from_query(request.GET)
    subgraph = queries.person_network(run=run, node=node, user=request.user, filters=filters)
    grant.record(
        detail={
            "page": "person network",
            "run": run.pk,
            "hops": filters.hops,
            "nodes": len(subgraph.nodes),
            "withheld": subgraph.withheld_people,
        }
    )
    context = {
        "person": subject,
        "run": run,
        "node": node,
        "subgraph": subgraph,
        "chart": subgraph.chart(),
        **_filters_context(filters, subgraph),
    }
    return render(request, "network/person.html", context)


@require_safe
def expand(request, run_id: int, index: int):
    run = _run(run_id)
    node = get_object_or_404(Node, run=run, index=index)
    if node.person_id:
        grant = open_person(
            request, person=Person.objects.get(pk=node.person_id), object_type=AuditObject.NETWORK
        )
    else:
        # An address, phone or group only a withheld person's records link to is theirs too.
        grant = _gate(
            request,
            allowed=lambda: (
                may_see_connections(user=request.user)
                and index not in queries.withheld_vertices(run=run, user=request.user)
            ),
        )
    filters = queries.NetworkFilter.from_query(request.GET)
    subgraph = queries.expand(run=run, index=index, user=request.user, filters=filters)
    grant.record(detail={"page": "expand", "run": run.pk, "node": index})
    return JsonResponse(subgraph.chart())


@require_safe
def path(request, run_id: int):
    grant = _gate(request)
    run = _run(run_id)
    try:
        source, target = int(request.GET["from"]), int(request.GET["to"])
    except (KeyError, ValueError):
        grant.record(detail={"page": "path", "run": run.pk, "asked": "nothing"})
        return JsonResponse({"shortest": [], "timed": []})
    if not Node.objects.filter(run=run, index__in=[source, target]).count() == 2:
        raise Http404("No such node in this graph.")
    hidden = queries.withheld_vertices(run=run, user=request.user)
    if {source, target} & hidden:
        raise Http404("No such node in this graph.")
    found = queries.find_path(run=run, source=source, target=target, user=request.user)
    grant.record(detail={"page": "path", "run": run.pk, "from": source, "to": target})
    return JsonResponse(found)


def _chosen_people(request) -> list[int]:
    chosen = []
    for value in [*request.GET.getlist("person"), *request.GET.get("add", "").split(",")]:
        try:
            chosen.append(int(value.strip()))
        except ValueError:
            continue
    return list(dict.fromkeys(chosen))[: queries.MAX_CHOSEN]


@require_safe
def connecting(request):
    """The network connecting two or more chosen people. Each must be someone the user may
    open: one who is not refuses the page (audited), as opening their record would."""
    people = list(Person.objects.filter(pk__in=_chosen_people(request)))
    grant = _gate(
        request,
        allowed=lambda: (
            may_see_connections(user=request.user)
            and all(may_open_person(user=request.user, person=p) for p in people)
        ),
    )
    run = _run()
    filters = queries.NetworkFilter.from_query(request.GET)
    subgraph = None
    if len(people) >= 2:
        subgraph = queries.connecting(
            run=run, people=[p.pk for p in people], user=request.user, filters=filters
        )
    grant.record(
        detail={
            "page": "connecting network",
            "run": run.pk,
            "people": [p.pk for p in people],
            "nodes": len(subgraph.nodes) if subgraph else 0,
            "withheld": subgraph.withheld_people if subgraph else 0,
        }
    )
    context = {"run": run, "chosen": people, "subgraph": subgraph, "filters": filters}
    if subgraph is not None:
        context |= {"chart": subgraph.chart(), **_filters_context(filters, subgraph)}
    return render(request, "network/connecting.html", context)


@require_safe
def community(request, run_id: int, number: int):
    grant = _gate(request)
    run = _run(run_id)
    vertices, truncated = queries.community_vertices(run=run, community=number)
    if not vertices:
        raise Http404("No such community.")
    filters = queries.NetworkFilter.from_query(request.GET)
    subgraph = queries.subgraph(
        run=run, vertices=vertices, user=request.user, filters=filters, truncated=truncated
    )
    grant.record(detail={"page": "community", "run": run.pk, "community": number})
    context = {
        "run": run,
        "number": number,
        "subgraph": subgraph,
        "chart": subgraph.chart(),
        **_filters_context(filters, subgraph),
    }
    return render(request, "network/community.html", context)


@require_safe
def edge(request, edge_id: int):
    found = get_object_or_404(Edge, pk=edge_id)
    items, withheld = queries.edge_records(edge=found, user=request.user)
    grant = open_for(
        request,
        object_type=AuditObject.NETWORK,
        object_id=f"edge {found.pk}",
        permission=READERS,
        allowed=not withheld,
    )
    ends = {
        n.index: n
        for n in Node.objects.filter(run=found.run_id, index__in=[found.source, found.target])
    }
    grant.record(detail={"page": "records behind an edge", "records": len(items)})
    return render(
        request,
        "network/edge.html",
        {
            "edge": found,
            "kind": EdgeKind(found.kind).label,
            "ends": [ends[found.source], ends[found.target]],
            "items": items,
        },
    )


@require_safe
def export(request, what: str):
    grant = open_for(
        request,
        object_type=AuditObject.NETWORK,
        permission=EXPORTERS,
        allowed=lambda: may_see_connections(user=request.user),
    )
    run = _run()
    events = request.GET.get("events") == "1"
    header, rows = exports.table(what=what, run=run, user=request.user, events=events)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"network-{what}{'-events' if events else ''}-{run.pk}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    count = write_csv(response, header=header, rows=rows)
    grant.record(
        AuditAction.EXPORT,
        detail={"format": "csv", "table": what, "rows": count, "events_as_nodes": events},
    )
    return response
