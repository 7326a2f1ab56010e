"""One agenda item's page, through the need-to-know gate and audited: its summary, the notes,
the decisions and the actions that follow from them, and the chair's edits."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from safeguarding.access.models import AuditAction, AuditObject
from safeguarding.access.need_to_know import open_for
from safeguarding.panel import forms, queries, services
from safeguarding.panel.conference import steps_recorded_for
from safeguarding.panel.models import AgendaItem, MeetingStatus
from safeguarding.panel.summary import item_summary
from safeguarding.panel.views import CHAIRS, READERS
from safeguarding.people.access_rules import may_open_person, may_see_health_details


def item(request, item_id: int):
    item = get_object_or_404(
        AgendaItem.objects.select_related("meeting__series", "person", "context", "lead_agency"),
        pk=item_id,
    )
    writing = request.method == "POST"
    grant = open_for(
        request,
        object_type=AuditObject.MEETING,
        object_id=item.meeting_id,
        permission="panel.change_agendaitem" if writing else READERS,
        allowed=lambda: (
            queries.may_see_item(item=item, user=request.user)
            and (item.person_id is None or may_open_person(user=request.user, person=item.person))
        ),
    )
    notes = forms.NotesForm(
        initial={"discussion": item.discussion, "health_notes": item.health_notes}, prefix="notes"
    )
    decision = forms.DecisionForm(prefix="decision")
    action = forms.ActionForm(prefix="action")
    edit = forms.EditItemForm(
        initial={
            "reason": item.reason,
            "lead_agency": item.lead_agency_id,
            "minutes_allotted": item.minutes_allotted,
            "voluntary_sector_invited": item.voluntary_sector_invited,
        },
        prefix="edit",
    )
    if writing:
        step = request.POST.get("step", "")
        try:
            if step == "notes":
                notes = forms.NotesForm(request.POST, prefix="notes")
                if notes.is_valid():
                    services.record_discussion(item=item, notes=notes.cleaned_data["discussion"])
                    item.health_notes = notes.cleaned_data["health_notes"]
                    item.save(update_fields=["health_notes"])
                    grant.record(AuditAction.CHANGE, detail={"agenda_item": item.pk, "notes": True})
                    messages.success(request, "Notes saved.")
                    return redirect("panel:item", item.pk)
            elif step == "decision":
                decision = forms.DecisionForm(request.POST, prefix="decision")
                if decision.is_valid():
                    _require(request, "panel.add_decision", item)
                    made = services.record_decision(
                        item=item,
                        kind=decision.cleaned_data["kind"],
                        reason=decision.cleaned_data["reason"],
                        decided_by=request.user,
                    )
                    grant.record(
                        AuditAction.CREATE,
                        detail={
                            "agenda_item": item.pk,
                            "decision": made.pk,
                            "context_steps": steps_recorded_for(made),
                        },
                    )
                    messages.success(request, f"Decision recorded. {made.follow_up}".strip())
                    return redirect("panel:item", item.pk)
            elif step == "action":
                action = forms.ActionForm(request.POST, prefix="action")
                if action.is_valid():
                    _require(request, "panel.add_action", item)
                    added = services.add_action_to_item(
                        item=item,
                        description=action.cleaned_data["description"],
                        owner=action.cleaned_data["owner"],
                        due_on=action.cleaned_data["due_on"],
                    )
                    grant.record(
                        AuditAction.CREATE, detail={"agenda_item": item.pk, "action": added.pk}
                    )
                    messages.success(request, "Action added.")
                    return redirect("panel:item", item.pk)
            elif step == "edit":
                edit = forms.EditItemForm(request.POST, prefix="edit")
                if edit.is_valid():
                    services.edit_item(item=item, **edit.cleaned_data)
                    grant.record(
                        AuditAction.CHANGE, detail={"agenda_item": item.pk, "edited": True}
                    )
                    messages.success(request, "Item updated.")
                    return redirect("panel:item", item.pk)
            elif step == "remove":
                meeting_id = item.meeting_id
                services.remove_item(item=item)
                grant.record(AuditAction.DELETE, detail={"agenda_item": item_id})
                messages.success(request, "Removed from the agenda.")
                return redirect("panel:meeting", meeting_id)
            else:
                messages.error(request, "Choose what to record.")
        except services.PanelError as error:
            messages.error(request, str(error))
    else:
        grant.record(
            detail={"agenda_item": item.pk, "person": item.person_id, "context": item.context_id}
        )
    decisions = item.decisions.prefetch_related("actions__owner", "actions__owner_agency").order_by(
        "decided_at", "pk"
    )
    return render(
        request,
        "panel/item.html",
        {
            "item": item,
            "meeting": item.meeting,
            "summary": item_summary(item=item, user=request.user),
            "decisions": decisions,
            "notes": notes,
            "decision_form": decision,
            "action_form": action,
            "edit_form": edit,
            "is_chair": request.user.has_perm(CHAIRS)
            and item.meeting.status != MeetingStatus.CLOSED,
            "sees_health_notes": may_see_health_details(user=request.user),
            "today": timezone.localdate(),
        },
    )


def _require(request, permission: str, item: AgendaItem) -> None:
    open_for(
        request, object_type=AuditObject.MEETING, object_id=item.meeting_id, permission=permission
    )
