"""The partnership's side: the triage queue, one concern and its triage, counts for the board.

Every read and every change passes the need-to-know gate (AuditObject.CONCERN) and is audited;
linking a person passes people's own gate for that person as well."""

from django.contrib import messages
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from safeguarding.access.models import AuditAction, AuditObject, User
from safeguarding.access.need_to_know import open_for
from safeguarding.common.csv_export import write_csv
from safeguarding.concerns import forms, queries, reporting, triage
from safeguarding.concerns.indicators import indicator_lists
from safeguarding.concerns.models import OPEN_STATUSES, Concern, Status
from safeguarding.people import search as person_search
from safeguarding.people.access_rules import open_person, people_visible_to
from safeguarding.people.models import Person

READ = "concerns.view_concern"
CHANGE = "concerns.change_concern"
BOARD = "concerns.view_concern_counts"


def _view_name(request) -> str:
    view = request.GET.get("view", "open")
    if view not in queries.QUEUE_VIEWS:
        raise Http404("No such list.")
    return view


@require_safe
def queue(request):
    """Reads only: reports left waiting by a failure are counted here, and made concerns by the
    "make their concerns" button (`retry_waiting`) or `safeguarding concerns retry`."""
    grant = open_for(request, object_type=AuditObject.CONCERN, permission=READ)
    view = _view_name(request)
    page = queries.queue(view=view, user=request.user, page=request.GET.get("page", 1))
    grant.record(
        detail={"page": "queue", "view": view, "concerns": [r["pk"] for r in page.object_list]}
    )
    return render(
        request,
        "concerns/queue.html",
        {
            "page": page,
            "view": view,
            "views": queries.QUEUE_VIEWS,
            "counts": queries.open_counts(),
            "waiting": queries.waiting_reports(),
            "may_change": request.user.has_perm(CHANGE),
        },
    )


@require_POST
def retry_waiting(request):
    grant = open_for(request, object_type=AuditObject.CONCERN, permission=CHANGE)
    retried = reporting.retry_waiting_reports()
    grant.record(
        AuditAction.CHANGE,
        detail={"step": "retry_waiting", "made": retried.made, "failed": retried.failed},
    )
    if retried.failed:
        messages.error(
            request,
            f"{retried.made} made; {retried.failed} still waiting (the server's log says why).",
        )
    else:
        messages.success(request, f"{retried.made} waiting report(s) made concerns.")
    return redirect("concerns:queue")


@require_safe
def export(request):
    grant = open_for(request, object_type=AuditObject.CONCERN, permission=READ)
    view = _view_name(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="concerns-{view}.csv"'
    count = write_csv(
        response,
        header=queries.EXPORT_HEADER,
        rows=queries.export_rows(view=view, user=request.user),
    )
    grant.record(AuditAction.EXPORT, detail={"format": "csv", "view": view, "rows": count})
    return response


@require_safe
def counts(request):
    """Counts only: no personal data, so no purpose is asked."""
    open_for(request, object_type=AuditObject.CONCERN, permission=BOARD, needs_purpose=False)
    return render(request, "concerns/counts.html", {"table": queries.counts_by_sector_and_month()})


@require_http_methods(["GET", "HEAD", "POST"])
def detail(request, concern_id: int):
    concern = get_object_or_404(
        Concern.objects.select_related(
            "organisation", "assigned_to", "merged_into", "location", "feedback_by"
        ),
        pk=concern_id,
    )
    if request.method == "POST":
        grant = open_for(
            request, object_type=AuditObject.CONCERN, permission=CHANGE, object_id=concern.pk
        )
        return _act(request, concern=concern, grant=grant)
    grant = open_for(
        request, object_type=AuditObject.CONCERN, permission=READ, object_id=concern.pk
    )
    grant.record()
    text = person_search.clean_search_text(request.GET.get("q", ""))
    found = []
    if text and request.user.has_perm("people.view_person"):
        found = person_search.search_people(text=text, user=request.user, limit=10)
        grant.record(
            AuditAction.SEARCH, detail={"terms": text, **person_search.search_detail(found)}
        )
    return render(request, "concerns/detail.html", _detail_context(request, concern, text, found))


def _detail_context(request, concern: Concern, text: str, found) -> dict:
    lists = indicator_lists()
    texts = lists.texts()
    sector = lists.sector(concern.sector)
    # A restricted record linked by someone named on it is not shown to anyone else.
    links = list(concern.people.select_related("person"))
    visible = set(
        people_visible_to(user=request.user)
        .filter(pk__in=[link.person_id for link in links])
        .values_list("pk", flat=True)
    )
    analysts = User.objects.filter(
        is_active=True, groups__permissions__codename="change_concern"
    ).distinct()
    return {
        "concern": concern,
        "sector_name": sector.name if sector else concern.sector,
        "seen": [texts.get(i, i) for i in concern.indicators],
        "objects": list(concern.named_objects.all()),
        "people": [link for link in links if link.person_id in visible],
        "hidden_people": len([link for link in links if link.person_id not in visible]),
        "merged": list(concern.merged.all()),
        "duplicates": triage.suggested_duplicates(concern),
        "is_open": concern.status in OPEN_STATUSES,
        "may_change": request.user.has_perm(CHANGE),
        "assign_form": forms.AssignForm(users=analysts, initial={"assigned_to": request.user.pk}),
        "place_form": forms.PlaceForm(
            initial={"postcode": concern.postcode, "address": concern.address}
        ),
        "object_form": forms.ObjectForm(),
        "outcome_form": forms.OutcomeForm(),
        "feedback_form": forms.FeedbackForm(),
        "reporter_has_email": triage.reporter_email(concern) is not None,
        "roles": forms.LINK_ROLES,
        "text": text,
        "found": found,
    }


def _act(request, *, concern: Concern, grant):
    """One triage step, named by the button pressed; each is audited as a change."""
    step = request.POST.get("step", "")
    back = reverse("concerns:detail", args=[concern.pk])
    if concern.status == Status.MERGED and step != "feedback":
        messages.error(request, "This report was merged: work on the one it joined.")
        return redirect(back)
    try:
        detail = _step(request, concern=concern, step=step)
    except triage.TriageError as error:
        messages.error(request, str(error))
        return redirect(back)
    if detail is None:
        messages.error(request, "Nothing was changed: check what you entered.")
        return redirect(back)
    grant.record(AuditAction.CHANGE, detail={"step": step, **detail})
    messages.success(request, f"{concern.reference}: {detail.get('done', 'saved')}.")
    return redirect(back)


def _step(request, *, concern: Concern, step: str) -> dict | None:
    data = request.POST
    form: Form
    if step == "assign":
        users = User.objects.filter(is_active=True)
        form = forms.AssignForm(data, users=users)
        if not form.is_valid():
            return None
        user = users.get(pk=form.cleaned_data["assigned_to"])
        triage.assign(concern=concern, user=user)
        return {"assigned_to": user.username, "done": f"assigned to {user.username}"}
    if step == "link_person":
        form = forms.LinkPersonForm(data)
        if not form.is_valid():
            return None
        person = get_object_or_404(Person, pk=form.cleaned_data["person"])
        open_person(request, person=person).record(
            AuditAction.CHANGE, detail={"concern": concern.pk, "linked": form.cleaned_data["role"]}
        )
        triage.link_person(
            concern=concern, person=person, role=form.cleaned_data["role"], user=request.user
        )
        return {"person": person.pk, "role": form.cleaned_data["role"], "done": "person linked"}
    if step == "place":
        form = forms.PlaceForm(data)
        if not form.is_valid():
            return None
        triage.set_place(concern=concern, **form.cleaned_data)
        return {"postcode": concern.postcode, "done": "place set"}
    if step == "object":
        form = forms.ObjectForm(data)
        if not form.is_valid() or not form.cleaned_data["value"]:
            return None
        triage.add_object(concern=concern, **form.cleaned_data)
        return {"object_kind": form.cleaned_data["kind"], "done": "added"}
    if step == "merge":
        form = forms.MergeForm(data)
        if not form.is_valid():
            return None
        duplicate = Concern.objects.filter(reference=form.cleaned_data["duplicate"].upper()).first()
        if duplicate is None:
            raise triage.TriageError("No report has that reference")
        triage.merge(duplicate=duplicate, into=concern)
        return {"merged": duplicate.pk, "done": f"{duplicate.reference} merged into it"}
    if step == "outcome":
        form = forms.OutcomeForm(data)
        if not form.is_valid():
            return None
        triage.record_outcome(concern=concern, user=request.user, **form.cleaned_data)
        return {
            "outcome": form.cleaned_data["outcome"],
            "event": concern.event_id,
            "done": "outcome recorded",
        }
    if step == "feedback":
        form = forms.FeedbackForm(data)
        if not form.is_valid():
            return None
        emailed = triage.send_feedback(
            concern=concern, text=form.cleaned_data["feedback"], user=request.user
        )
        return {
            "feedback_at": timezone.now().isoformat(),
            "emailed": emailed,
            "done": "feedback emailed" if emailed else "feedback recorded: give it by phone",
        }
    return None
