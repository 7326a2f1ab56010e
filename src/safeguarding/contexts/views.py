"""The contexts' pages, through the need-to-know gate and audited: the list (with proposals
and a referral by hand) and one context (members, workflow, plan, events, map)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from safeguarding.access.models import AuditAction, AuditObject
from safeguarding.access.need_to_know import open_for
from safeguarding.contexts import charts, forms, queries, services
from safeguarding.contexts.models import Context, ContextAction, ContextKind, Stage, StepKind
from safeguarding.people.access_rules import may_open_person
from safeguarding.people.models import Person

READERS = "contexts.view_context"
REFERRERS = "contexts.add_context"
STEPS = "contexts.add_contextstep"
ACTIONS = "contexts.change_contextaction"


@require_http_methods(["GET", "HEAD", "POST"])
def context_list(request):
    writing = request.method == "POST"
    grant = open_for(
        request, object_type=AuditObject.CONTEXT, permission=REFERRERS if writing else READERS
    )
    form = forms.ReferralForm(request.POST or None)
    if writing and form.is_valid():
        try:
            context = services.refer_context(
                kind=form.cleaned_data["kind"],
                name=form.cleaned_data["name"],
                reason=form.cleaned_data["reason"],
                referred_by=request.user,
            )
        except services.WorkflowError as error:
            form.add_error(None, str(error))
        else:
            grant.record(AuditAction.CREATE, object_id=context.pk, detail={"referred": True})
            return redirect("contexts:detail", context.pk)
    kind = request.GET.get("kind", "") if request.GET.get("kind") in ContextKind.values else ""
    stage = request.GET.get("stage", "") if request.GET.get("stage") in Stage.values else ""
    contexts = list(queries.context_list(kind=kind, stage=stage))
    if not writing:
        grant.record(detail={"page": "contexts", "contexts": len(contexts)})
    return render(
        request,
        "contexts/list.html",
        {
            "contexts": contexts,
            "form": form,
            "kinds": ContextKind.choices,
            "stages": Stage.choices,
            "kind": kind,
            "stage": stage,
            "may_refer": request.user.has_perm(REFERRERS),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def context_detail(request, context_id: int):
    context = get_object_or_404(Context.objects.select_related("location", "school"), pk=context_id)
    writing = request.method == "POST"
    grant = open_for(
        request,
        object_type=AuditObject.CONTEXT,
        object_id=context.pk,
        permission=STEPS if writing else READERS,
    )
    step_form = forms.StepForm(context=context, prefix="step")
    member_form = forms.MemberForm(prefix="member")
    action_form = forms.PlanActionForm(prefix="plan")
    if writing:
        what = request.POST.get("what", "")
        try:
            if what == "step":
                step_form = forms.StepForm(request.POST, context=context, prefix="step")
                if step_form.is_valid():
                    step = services.record_step(
                        context=context,
                        kind=step_form.cleaned_data["kind"],
                        author=request.user,
                        summary=step_form.cleaned_data["summary"],
                        occurred_on=step_form.cleaned_data["occurred_on"],
                        review_due=step_form.cleaned_data["review_due"],
                        details=step_form.details(),
                    )
                    grant.record(AuditAction.CREATE, detail={"step": step.kind, "step_id": step.pk})
                    messages.success(request, f"{step.get_kind_display()} recorded.")
                    return redirect("contexts:detail", context.pk)
            elif what == "member":
                member_form = forms.MemberForm(request.POST, prefix="member")
                if member_form.is_valid():
                    data = member_form.cleaned_data
                    person = Person.objects.filter(pk=data["person_id"]).first()
                    if person is None or not may_open_person(user=request.user, person=person):
                        raise services.WorkflowError(
                            "No young person you may open has that Hub id."
                        )
                    member = services.add_member(
                        context=context, person=person, source=data["source"]
                    )
                    if data["weighting"]:
                        services.weigh_context(
                            member=member,
                            weighting=data["weighting"],
                            reason=data["weighting_reason"],
                        )
                    grant.record(
                        AuditAction.CHANGE,
                        detail={"member": person.pk, "weighting": data["weighting"]},
                    )
                    messages.success(request, "Young person linked to the context.")
                    return redirect("contexts:detail", context.pk)
            elif what == "plan_action":
                action_form = forms.PlanActionForm(request.POST, prefix="plan")
                if action_form.is_valid():
                    action = services.add_plan_action(context=context, **action_form.cleaned_data)
                    grant.record(AuditAction.CREATE, detail={"plan_action": action.pk})
                    messages.success(request, "Action added to the plan.")
                    return redirect("contexts:detail", context.pk)
            elif what == "close_action":
                open_for(
                    request,
                    object_type=AuditObject.CONTEXT,
                    object_id=context.pk,
                    permission=ACTIONS,
                )
                close = forms.ClosePlanActionForm(request.POST)
                if close.is_valid():
                    action = get_object_or_404(
                        ContextAction, pk=close.cleaned_data["action"], context=context
                    )
                    services.close_plan_action(action=action, outcome=close.cleaned_data["outcome"])
                    grant.record(
                        AuditAction.CHANGE, detail={"plan_action": action.pk, "closed": True}
                    )
                    messages.success(request, "Action closed with its outcome.")
                    return redirect("contexts:detail", context.pk)
                messages.error(request, "Enter the outcome.")
            else:
                messages.error(request, "Choose what to record.")
        except services.WorkflowError as error:
            messages.error(request, str(error))
    page = queries.context_page(context=context, user=request.user)
    people = page.visible_people
    map_data = charts.context_map(context=context, user=request.user, people=people)
    network = charts.context_network(context=context, user=request.user, people=people)
    if not writing:
        grant.record(
            detail={
                "page": "context",
                "members": len(page.members),
                "map_places": len(map_data["places"]),
                "network_nodes": len(network.nodes) if network else 0,
                "network_withheld": network.withheld_people if network else 0,
            }
        )
    return render(
        request,
        "contexts/detail.html",
        {
            "context": context,
            "page": page,
            "step_form": step_form,
            "member_form": member_form,
            "action_form": action_form,
            "may_record": request.user.has_perm(STEPS),
            "StepKind": StepKind,
            "next_steps": [(kind, StepKind(kind).label) for kind in page.next_steps],
            "map_data": map_data,
            "network": network,
            "chart": network.chart() if network else None,
        },
    )
