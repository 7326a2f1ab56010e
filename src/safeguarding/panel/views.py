"""The panel's pages, each through the need-to-know gate and audited: the meetings, one meeting
(its agenda, attendance, closing it and agreeing the minutes), the minutes as each agency's PDF,
and "my actions". One item's page is in item_views."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from safeguarding.access.models import Agency, AuditAction, AuditObject
from safeguarding.access.need_to_know import open_for
from safeguarding.panel import agenda, forms, minutes, queries, services
from safeguarding.panel.models import Action, AgendaItem, Meeting, MeetingStatus
from safeguarding.people.access_rules import may_open_person
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
    members = queries.members_of(meeting)
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
                messages.success(request, summary.message())
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
    carried = queries.shared_actions(
        user=request.user, actions=queries.carried_forward(meeting=meeting)
    )
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
