"""The panel's pages, each through the need-to-know gate and audited: the meetings, one meeting
(its agenda, attendance, closing it and agreeing the minutes), one item (its summary, notes,
decisions and actions), the minutes as each agency's PDF, and "my actions"."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from safeguarding.access.models import Agency, AuditAction, AuditObject
from safeguarding.access.need_to_know import open_for
from safeguarding.panel import agenda, forms, minutes, queries, services
from safeguarding.panel.conference import steps_recorded_for
from safeguarding.panel.models import Action, AgendaItem, Meeting, MeetingStatus
from safeguarding.panel.sharing import items_shared_with
from safeguarding.panel.summary import item_summary
from safeguarding.people.access_rules import may_open_person, people_visible_to
from safeguarding.people.models import Person

READERS = "panel.view_meeting"
CHAIRS = "panel.change_meeting"
ACTION_READERS = "panel.view_action"
ACTION_CLOSERS = "panel.change_action"


def meetings(request):
    """The meetings (no one's record on this page) and, for the chair, planning the next."""
    writing = request.method == "POST"
    grant = open_for(
        request,
        object_type=AuditObject.MEETING,
        permission="panel.add_meeting" if writing else READERS,
        needs_purpose=False,
    )
    form = forms.PlanMeetingForm(request.POST or None)
    if writing and form.is_valid():
        try:
            meeting = services.plan_meeting(
                series=form.cleaned_data["series"], held_on=form.cleaned_data["held_on"]
            )
        except services.PanelError as error:
            form.add_error(None, str(error))
        else:
            grant.record(
                AuditAction.CREATE, object_id=meeting.pk, detail={"planned": str(meeting.held_on)}
            )
            return redirect("panel:meeting", meeting.pk)
    if not writing:
        grant.record(detail={"page": "meetings"})
    return render(
        request,
        "panel/meetings.html",
        {
            "meetings": queries.meetings_list(user=request.user),
            "form": form,
            "may_plan": request.user.has_perm("panel.add_meeting"),
        },
    )


def meeting(request, meeting_id: int):
    meeting = get_object_or_404(
        Meeting.objects.select_related("series", "chair", "co_chair"), pk=meeting_id
    )
    writing = request.method == "POST"
    grant = open_for(
        request,
        object_type=AuditObject.MEETING,
        object_id=meeting.pk,
        permission=CHAIRS if writing else READERS,
    )
    members = _members(meeting)
    add_form = forms.AddItemForm(prefix="add")
    attendance = forms.attendance_form(
        members=members,
        initial={f"attendance_{a.user_id}": a.attendance for a in meeting.attendees.all()},
    )
    close_form = forms.CloseMeetingForm(initial={"summary": meeting.minutes})
    if writing:
        step = request.POST.get("step", "")
        try:
            if step == "build":
                summary = agenda.build_agenda(meeting=meeting)
                grant.record(
                    AuditAction.CHANGE,
                    detail={
                        "agenda": "built",
                        "added": summary.added,
                        "escalated": summary.escalated,
                    },
                )
                messages.success(request, _built_message(summary))
                return redirect("panel:meeting", meeting.pk)
            if step == "add":
                add_form = forms.AddItemForm(request.POST, prefix="add")
                if add_form.is_valid():
                    item = _add_item(request, meeting, add_form.cleaned_data)
                    grant.record(AuditAction.CREATE, detail={"agenda_item": item.pk})
                    messages.success(request, "Added to the agenda.")
                    return redirect("panel:meeting", meeting.pk)
            elif step == "move":
                move = forms.MoveItemForm(request.POST)
                if not move.is_valid():
                    raise services.PanelError("Choose the item and where it goes.")
                item = get_object_or_404(AgendaItem, pk=move.cleaned_data["item"], meeting=meeting)
                to = services.move_item(item=item, **move.move())
                grant.record(AuditAction.CHANGE, detail={"agenda_item": item.pk, "moved_to": to})
                messages.success(request, f"Item moved to number {to}.")
                return redirect(reverse("panel:meeting", args=[meeting.pk]) + "#agenda")
            elif step == "attendance":
                attendance = forms.attendance_form(members=members, data=request.POST)
                if attendance.is_valid():
                    services.record_attendance(
                        meeting=meeting,
                        attendance={
                            int(name.removeprefix("attendance_")): value
                            for name, value in attendance.cleaned_data.items()
                            if value
                        },
                    )
                    grant.record(AuditAction.CHANGE, detail={"attendance": "recorded"})
                    messages.success(request, "Attendance recorded.")
                    return redirect("panel:meeting", meeting.pk)
            elif step == "close":
                close_form = forms.CloseMeetingForm(request.POST)
                if close_form.is_valid():
                    services.close_meeting(
                        meeting=meeting, summary=close_form.cleaned_data["summary"]
                    )
                    grant.record(AuditAction.CHANGE, detail={"meeting": "closed"})
                    messages.success(
                        request, "Meeting closed: the minutes are drafted for the chair to agree."
                    )
                    return redirect("panel:meeting", meeting.pk)
            elif step == "agree":
                services.agree_minutes(meeting=meeting, agreed_by=request.user)
                grant.record(AuditAction.CHANGE, detail={"minutes": "agreed"})
                messages.success(request, "Minutes agreed: each agency's copy can be issued.")
                return redirect("panel:meeting", meeting.pk)
            else:
                messages.error(request, "Choose what to do with the meeting.")
        except services.PanelError as error:
            messages.error(request, str(error))
    else:
        grant.record(detail={"page": "meeting"})
    items = queries.agenda_for(meeting=meeting, user=request.user)
    carried = _shared_actions(request.user, queries.carried_forward(meeting=meeting))
    return render(
        request,
        "panel/meeting.html",
        {
            "meeting": meeting,
            "items": items,
            "total_minutes": sum(view.item.minutes_allotted for view in items),
            "carried": carried,
            "today": timezone.localdate(),
            "attendees": meeting.attendees.select_related("user__agency").order_by(
                "user__agency__name"
            ),
            "members": members,
            "attendance": attendance,
            "add_form": add_form,
            "close_form": close_form,
            "is_chair": request.user.has_perm(CHAIRS),
            "may_reorder": request.user.has_perm(CHAIRS) and meeting.status != MeetingStatus.CLOSED,
            "agencies": Agency.objects.order_by("name"),
            "minutes_due": services.minutes_due_by(meeting),
            "Status": MeetingStatus,
        },
    )


def _members(meeting: Meeting) -> list:
    series = meeting.series
    if series is None:
        return [meeting.chair]
    users = {
        series.chair,
        *([series.co_chair] if series.co_chair_id else []),
        *series.members.all(),
    }
    return sorted(users, key=lambda u: ((u.agency.name if u.agency_id else ""), u.last_name))


def _shared_actions(user, actions: list[Action]) -> list[Action]:
    """The actions whose item this user sees, about a young person they may open (two queries
    however many actions)."""
    items = {action.decision.agenda_item for action in actions}
    shared = set(
        AgendaItem.objects.filter(
            items_shared_with(user), pk__in=[i.pk for i in items]
        ).values_list("pk", flat=True)
    )
    people = {i.person_id for i in items if i.person_id}
    visible = set(people_visible_to(user=user).filter(pk__in=people).values_list("pk", flat=True))
    return [
        action
        for action in actions
        if action.decision.agenda_item.pk in shared
        and (
            action.decision.agenda_item.person_id is None
            or action.decision.agenda_item.person_id in visible
        )
    ]


def _add_item(request, meeting: Meeting, data: dict) -> AgendaItem:
    person = None
    if data.get("person_id"):
        person = Person.objects.filter(pk=data["person_id"]).first()
        if person is None or not may_open_person(user=request.user, person=person):
            raise services.PanelError("No young person you may open has that Hub id.")
    return services.add_item(
        meeting=meeting,
        person=person,
        context=data.get("context"),
        reason=data["reason"],
        lead_agency=data.get("lead_agency"),
        minutes_allotted=data.get("minutes_allotted") or 10,
        voluntary_sector_invited=data.get("voluntary_sector_invited", False),
    )


def _built_message(summary: agenda.BuildSummary) -> str:
    def count(n: int, word: str) -> str:
        return f"{n} {word}{'s' if n != 1 else ''}"

    text = f"{count(summary.added, 'item')} added from the tracker and the evidence."
    if summary.left_out:
        text += (
            f" {sum(summary.left_out.values())} more met a rule but were left out (the "
            "highest first); add them by hand if needed."
        )
    if summary.restricted:
        text += (
            f" {count(summary.restricted, 'restricted record')} met a rule and not added: "
            "ask the data protection officer."
        )
    if summary.escalated:
        text += f" {count(summary.escalated, 'overdue action')} escalated."
    return text


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
                    latest = item.decisions.order_by("-decided_at", "-pk").first()
                    if latest is None:
                        raise services.PanelError(
                            "Record the decision first: actions follow from it."
                        )
                    owner = action.cleaned_data["owner"]
                    if owner.agency is None:
                        raise services.PanelError("The owner has no agency.")
                    added = services.add_action(
                        decision=latest,
                        description=action.cleaned_data["description"],
                        owner=owner,
                        owner_agency=owner.agency,
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
            "sees_health_notes": _sees_health_notes(request.user),
            "today": timezone.localdate(),
        },
    )


def _require(request, permission: str, item: AgendaItem) -> None:
    open_for(
        request, object_type=AuditObject.MEETING, object_id=item.meeting_id, permission=permission
    )


def _sees_health_notes(user) -> bool:
    from safeguarding.people.access_rules import may_see_health_details

    return may_see_health_details(user=user)


@require_safe
def minutes_pdf(request, meeting_id: int):
    """An agency's copy of the minutes: one's own agency, or any agency's for the chair."""
    meeting = get_object_or_404(Meeting, pk=meeting_id)
    grant = open_for(
        request, object_type=AuditObject.MINUTES, object_id=meeting.pk, permission=READERS
    )
    code = request.GET.get("agency", "")
    if code and request.user.has_perm(CHAIRS):
        agency = get_object_or_404(Agency, code=code)
    elif request.user.agency_id:
        agency = request.user.agency
    else:
        raise Http404("Minutes are issued to an agency, and you have none.")
    copy = minutes.minutes_for(meeting=meeting, agency=agency)
    content = minutes.minutes_pdf(
        minutes=copy,
        printed_by=request.user.get_full_name() or request.user.username,
        printed_at=timezone.now(),
    )
    grant.record(
        AuditAction.EXPORT,
        detail={
            "format": "pdf",
            "agency": agency.code,
            "items": len(copy.items),
            "withheld": copy.withheld,
        },
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="minutes-{meeting.held_on}-{agency.code}.pdf"'
    )
    return response


def my_actions(request):
    writing = request.method == "POST"
    grant = open_for(
        request,
        object_type=AuditObject.PANEL_ACTION,
        permission=ACTION_CLOSERS if writing else ACTION_READERS,
    )
    form = forms.CloseActionForm(request.POST or None)
    if writing and form.is_valid():
        action = (
            Action.objects.filter(pk=form.cleaned_data["action"])
            .select_related("decision__agenda_item__meeting")
            .first()
        )
        if action is None or not services.may_close_action(action=action, user=request.user):
            form.add_error(None, "That action is not yours to close.")
        else:
            try:
                services.close_action(
                    action=action, outcome=form.cleaned_data["outcome"], closed_by=request.user
                )
            except services.PanelError as error:
                form.add_error("outcome", str(error))
            else:
                grant.record(AuditAction.CHANGE, object_id=action.pk, detail={"closed": True})
                messages.success(request, "Action closed with its outcome.")
                return redirect(reverse("panel:my_actions"))
    mine = queries.my_actions(user=request.user)
    escalated = queries.escalated_to(user=request.user)
    if not writing:
        grant.record(
            detail={"page": "my actions", "actions": len(mine), "escalated": len(escalated)}
        )
    return render(
        request,
        "panel/my_actions.html",
        {"actions": mine, "escalated": escalated, "form": form, "today": timezone.localdate()},
    )
