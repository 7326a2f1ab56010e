"""The analyst's linkage pages: the review queue, a pair and its waterfall, a person's links.

Every page shows people's records, so each passes the need-to-know gate (the purpose of access,
then every person shown must be one the user may open) and audits what it shows. The decisions
audit themselves (`linkage.decisions`).
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from safeguarding.access.models import AuditObject
from safeguarding.access.need_to_know import open_for, record_refusal
from safeguarding.linkage import queries
from safeguarding.linkage.decisions import (
    DecisionError,
    decide,
    decide_between_people,
    merge_people,
    unmerge_records,
)
from safeguarding.linkage.forms import DecisionForm, MergeForm, UnmergeForm
from safeguarding.linkage.models import LinkDecisionKind
from safeguarding.people.access_rules import may_open_person, open_person
from safeguarding.people.models import Person, SourceRecord

PAGE_SIZE = 25
ANALYSTS = "linkage.add_linkdecision"


@require_safe
def review(request):
    grant = open_for(request, object_type=AuditObject.LINK_REVIEW_QUEUE, permission=ANALYSTS)
    queue = queries.review_queue_for(user=request.user)
    page = Paginator(queue, PAGE_SIZE).get_page(request.GET.get("page"))
    grant.record(
        detail={"page": page.number, "pairs": [[p.record_a_id, p.record_b_id] for p in page]}
    )
    sizes = queries.group_sizes(page)
    context = {
        "page": page,
        "rows": [(pair, sizes[(pair.record_a_id, pair.record_b_id)]) for pair in page],
        "summary": queries.queue_summary(user=request.user),
        "decisions": queries.recent_decisions(user=request.user),
    }
    return render(request, "linkage/review.html", context)


def pair(request, record_a: int, record_b: int):
    try:
        records = queries.pair_records(record_a=record_a, record_b=record_b)
    except SourceRecord.DoesNotExist as missing:
        raise Http404("No such pair of records") from missing
    low, high = records
    if (record_a, record_b) != (low.pk, high.pk):
        return redirect("linkage:pair", low.pk, high.pk)
    grant = open_for(
        request,
        object_type=AuditObject.LINK_PAIR,
        object_id=f"{low.pk}-{high.pk}",
        permission=ANALYSTS,
    )
    for record in records:  # each record's person must be one the user may open
        if record.person is not None:
            open_person(request, person=record.person, permission=ANALYSTS)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        chosen = decide_between_people if form.cleaned_data["whole_group"] else decide
        try:
            decided = chosen(
                user=request.user,
                record_a=low.pk,
                record_b=high.pk,
                kind=form.cleaned_data["kind"],
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except DecisionError as problem:
            form.add_error(None, str(problem))
        else:
            pairs = decided if isinstance(decided, list) else [decided]
            label = LinkDecisionKind(pairs[0].kind).label
            return _on_to_the_next_pair(
                request, label + (f" for {len(pairs)} pairs" if len(pairs) > 1 else "")
            )
    if request.method == "GET":
        grant.record(
            detail={"records": [low.pk, high.pk], "people": [r.person_id for r in records]}
        )
    view = queries.pair_view(records=records)
    return render(request, "linkage/pair.html", {"view": view, "form": form})


def _on_to_the_next_pair(request, decided: str):
    upcoming = queries.next_pair(user=request.user)
    if upcoming is None:
        messages.success(request, f"Decision recorded: {decided}. No more pairs are waiting.")
        return redirect("linkage:review")
    messages.success(request, f"Decision recorded: {decided}. Here is the next pair.")
    return redirect("linkage:pair", upcoming.record_a_id, upcoming.record_b_id)


def person(request, person_id: int):
    person = get_object_or_404(Person, pk=person_id)
    grant = open_person(request, person=person, permission=ANALYSTS)
    record_ids = list(person.source_records.order_by("pk").values_list("pk", flat=True))
    action = request.POST.get("action") if request.method == "POST" else None
    unmerge_form = UnmergeForm(
        request.POST if action == "unmerge" else None, prefix="unmerge", record_ids=record_ids
    )
    merge_form = MergeForm(request.POST if action == "merge" else None, prefix="merge")
    if action == "unmerge" and unmerge_form.is_valid():
        done = _unmerge(request, person, unmerge_form, record_ids)
        if done:
            return done
    elif action == "merge" and merge_form.is_valid():
        done = _merge(request, person, merge_form)
        if done:
            return done
    elif request.method == "GET":
        grant.record(detail={"page": "linkage"})
    context = {
        "linkage": queries.person_linkage(person=person),
        "unmerge_form": unmerge_form,
        "merge_form": merge_form,
    }
    return render(request, "linkage/person.html", context)


def _unmerge(request, person: Person, form: UnmergeForm, record_ids: list[int]):
    leaving = form.cleaned_data["records"]
    try:
        split_off = unmerge_records(
            user=request.user,
            person=person,
            record_ids=leaving,
            reason=form.cleaned_data["reason"],
            request=request,
        )
    except DecisionError as problem:
        form.add_error("records", str(problem))
        return None
    # The person's id stays with whichever side holds most of their records, so follow a
    # record that stayed rather than the id.
    staying = next(pk for pk in record_ids if pk not in leaving)
    messages.success(
        request,
        f"{len(leaving)} record{'s' if len(leaving) > 1 else ''} split off "
        f"into Hub id {split_off.pk}.",
    )
    return redirect("linkage:person", queries.person_of_record(staying))


def _merge(request, person: Person, form: MergeForm):
    other_id = form.cleaned_data["other_person"]
    other = Person.objects.filter(pk=other_id).first()
    if other is None:
        form.add_error("other_person", f"There is no person with Hub id {other_id}")
        return None
    if not may_open_person(user=request.user, person=other):
        record_refusal(
            request, object_type=AuditObject.PERSON, object_id=other.pk, reason="need to know"
        )
        form.add_error("other_person", f"You may not open Hub id {other_id}, so cannot merge it")
        return None
    try:
        survivor = merge_people(
            user=request.user,
            person=person,
            other=other,
            reason=form.cleaned_data["reason"],
            request=request,
        )
    except DecisionError as problem:
        form.add_error("other_person", str(problem).rstrip("."))
        return None
    messages.success(request, f"Merged: Hub id {survivor.pk} now holds the records of both.")
    return redirect("linkage:person", survivor.pk)
