"""People's decisions on links: the review queue, merging and unmerging.

Each decision is recorded on pairs of source records, applied at once by re-clustering the
people concerned, and wins over the model on every later run. A later decision on the same
records supersedes an earlier one, which stays in the history.
"""

from itertools import product

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Abs
from django.utils import timezone

from safeguarding.access import audit
from safeguarding.access.models import AuditAction, AuditObject
from safeguarding.linkage.configuration import linkage_settings
from safeguarding.linkage.models import (
    LinkDecision,
    LinkDecisionKind,
    LinkDecisionOrigin,
    LinkPair,
)
from safeguarding.linkage.pipeline import current_model
from safeguarding.linkage.relink import relink
from safeguarding.people.models import Person, SourceRecord


class DecisionError(ValueError):
    """A decision that cannot be made as asked; the message says why."""


def threshold() -> float:
    model = current_model()
    return model.threshold if model else linkage_settings().threshold


def review_queue() -> QuerySet[LinkPair]:
    """Pairs in the review band, or held for review however high they score, that no decision
    in force covers, most uncertain first: nearest the threshold at which the model links them."""
    decided = LinkDecision.objects.filter(
        superseded_at__isnull=True, record_a=OuterRef("record_a"), record_b=OuterRef("record_b")
    )
    band = linkage_settings().review_band
    return (
        LinkPair.objects.filter(
            Q(match_probability__lt=band[1]) | Q(held_for_review=True),
            match_probability__gte=band[0],
        )
        .exclude(Exists(decided))
        .annotate(uncertainty=Abs(F("match_probability") - threshold()))
        .order_by("uncertainty", "record_a", "record_b")
    )


def decide(
    *, user, record_a: int, record_b: int, kind: str, reason: str, request=None
) -> LinkDecision:
    """Record a decision on two records from the review queue and apply it."""
    if record_a == record_b:
        raise DecisionError("A record cannot be compared with itself.")
    with transaction.atomic():
        decision = _record(
            user,
            [(record_a, record_b)],
            kind=LinkDecisionKind(kind),
            origin=LinkDecisionOrigin.REVIEW,
            reason=reason,
        )[0]
        _apply([record_a, record_b])
        audit.record(
            action=AuditAction.CHANGE,
            request=request,
            user=user,
            object_type=AuditObject.LINK_DECISION,
            object_id=decision.pk,
            detail={"kind": decision.kind, "records": sorted((record_a, record_b))},
        )
    return decision


def waiting_between(*, record_a: int, record_b: int) -> list[tuple[int, int]]:
    """The pairs waiting in the queue between the two people these records belong to now (a
    twin's three records and the other twin's three are nine pairs), this pair first; only
    this pair when either record has no person yet, or both are one person's."""
    people = list(
        SourceRecord.objects.filter(pk__in=[record_a, record_b]).values_list("person_id", flat=True)
    )
    this = (min(record_a, record_b), max(record_a, record_b))
    if None in people or len(set(people)) != 2:
        return [this]
    first, second = people
    found = review_queue().filter(
        Q(record_a__person=first, record_b__person=second)
        | Q(record_a__person=second, record_b__person=first)
    )
    return [this, *sorted(set(found.values_list("record_a", "record_b")) - {this})]


def decide_between_people(
    *, user, record_a: int, record_b: int, kind: str, reason: str, request=None
) -> list[LinkDecision]:
    """One decision for every pair waiting between the two people these records belong to:
    a household's records cleared at once. Each pair gets its own decision, with the reason."""
    pairs = waiting_between(record_a=record_a, record_b=record_b)
    with transaction.atomic():
        decisions = _record(
            user,
            pairs,
            kind=LinkDecisionKind(kind),
            origin=LinkDecisionOrigin.REVIEW,
            reason=reason,
        )
        _apply(sorted({record for pair in pairs for record in pair}))
        for decision in decisions:
            audit.record(
                action=AuditAction.CHANGE,
                request=request,
                user=user,
                object_type=AuditObject.LINK_DECISION,
                object_id=decision.pk,
                detail={
                    "kind": decision.kind,
                    "records": sorted((decision.record_a_id, decision.record_b_id)),
                    "with_pairs": len(pairs),
                },
            )
    return decisions


def merge_people(*, user, person: Person, other: Person, reason: str, request=None) -> Person:
    """Make two people one: every record of each is decided the same person as the other's."""
    if person.pk == other.pk:
        raise DecisionError("Choose a different person to merge with.")
    ours, theirs = _records_of(person), _records_of(other)
    with transaction.atomic():
        _record(
            user,
            [(ours[0], theirs[0])],
            kind=LinkDecisionKind.SAME_PERSON,
            origin=LinkDecisionOrigin.MERGE,
            reason=reason,
            supersede=list(product(ours, theirs)),
        )
        _apply(ours + theirs)
        survivor = SourceRecord.objects.get(pk=ours[0]).person
        assert survivor is not None  # relinking has just given each of these records a person
        audit.record(
            action=AuditAction.CHANGE,
            request=request,
            user=user,
            object_type=AuditObject.PERSON,
            object_id=survivor.pk,
            detail={"merged": sorted({person.pk, other.pk})},
        )
    return survivor


def unmerge_records(
    *, user, person: Person, record_ids: list[int], reason: str, request=None
) -> Person:
    """Split these records off into a person of their own: each is decided not the same
    person as each record that stays, and the records split off stay together."""
    ours = _records_of(person)
    leaving = sorted(set(record_ids))
    staying = [r for r in ours if r not in leaving]
    if not leaving or set(leaving) - set(ours):
        raise DecisionError("Choose some of this person's records to split off.")
    if not staying:
        raise DecisionError("Leave at least one record with this person.")
    with transaction.atomic():
        _record(
            user,
            list(product(leaving, staying)),
            kind=LinkDecisionKind.NOT_SAME_PERSON,
            origin=LinkDecisionOrigin.UNMERGE,
            reason=reason,
        )
        _record(
            user,
            list(zip(leaving, leaving[1:], strict=False)),
            kind=LinkDecisionKind.SAME_PERSON,
            origin=LinkDecisionOrigin.UNMERGE,
            reason=reason,
        )
        _apply(ours)
        split_off = SourceRecord.objects.get(pk=leaving[0]).person
        assert split_off is not None  # relinking has just given each of these records a person
        audit.record(
            action=AuditAction.CHANGE,
            request=request,
            user=user,
            object_type=AuditObject.PERSON,
            object_id=person.pk,
            detail={"unmerged_into": split_off.pk, "records": leaving},
        )
    return split_off


def _records_of(person: Person) -> list[int]:
    records = sorted(person.source_records.values_list("pk", flat=True))
    if not records:
        raise DecisionError(f"Person {person.pk} holds no records.")
    return records


def _record(
    user,
    pairs: list[tuple[int, int]],
    *,
    kind: LinkDecisionKind,
    origin: LinkDecisionOrigin,
    reason: str,
    supersede: list[tuple[int, int]] | None = None,
) -> list[LinkDecision]:
    """Decisions on these pairs, superseding those in force on them (or on `supersede`)."""
    reason = reason.strip()
    if not reason:
        raise DecisionError("Give the reason for the decision.")
    pairs = [(min(a, b), max(a, b)) for a, b in pairs]
    covered = Q()
    for a, b in {*pairs, *((min(a, b), max(a, b)) for a, b in supersede or [])}:
        covered |= Q(record_a=a, record_b=b)
    if covered:
        LinkDecision.objects.filter(covered, superseded_at__isnull=True).update(
            superseded_at=timezone.now()
        )
    weights = dict(
        (
            ((a, b), w)
            for a, b, w in LinkPair.objects.filter(covered).values_list(
                "record_a", "record_b", "match_weight"
            )
        )
        if covered
        else ()
    )
    return LinkDecision.objects.bulk_create(
        [
            LinkDecision(
                record_a_id=a,
                record_b_id=b,
                kind=kind,
                origin=origin,
                reason=reason,
                decided_by=user,
                match_weight=weights.get((a, b)),
            )
            for a, b in pairs
        ]
    )


def _apply(records: list[int]) -> None:
    relink(records, threshold=threshold())
