"""What the linkage pages read: the review queue, two records side by side with the model's
arithmetic, and the records and links behind one person.

A pair or decision is listed only when the user may open the people both records belong to:
a restricted person's records do not appear in anyone else's queue.
"""

from dataclasses import dataclass
from pathlib import Path

from django.db.models import Prefetch, Q, QuerySet

from safeguarding.linkage.clustering import disagreeing, together
from safeguarding.linkage.configuration import linkage_settings
from safeguarding.linkage.decisions import review_queue, threshold, waiting_between
from safeguarding.linkage.models import LinkDecision, LinkModelVersion, LinkPair
from safeguarding.linkage.relink import held_identifiers
from safeguarding.linkage.waterfall import (
    Drawing,
    Waterfall,
    WaterfallError,
    draw,
    model_weights,
    waterfall,
)
from safeguarding.people.access_rules import people_visible_to
from safeguarding.people.models import Identifier, Person, SourceRecord

RECENT_DECISIONS = 10
# Rounding in the database and in Splink's SQL leaves the two sums a hair apart at most.
WEIGHT_TOLERANCE = 0.01

RECORD_DETAIL = ("record_a__feed__agency", "record_b__feed__agency")


def _open_to(user) -> Q:
    """Pairs (or decisions) both of whose records the user may see: unlinked, or belonging
    to a person the user may open."""
    visible = people_visible_to(user=user).values("pk")
    return (Q(record_a__person__isnull=True) | Q(record_a__person__in=visible)) & (
        Q(record_b__person__isnull=True) | Q(record_b__person__in=visible)
    )


def review_queue_for(*, user) -> QuerySet[LinkPair]:
    """The review queue as this user may see it, most uncertain first, with both records."""
    return review_queue().filter(_open_to(user)).select_related(*RECORD_DETAIL)


@dataclass(frozen=True)
class QueueSummary:
    waiting: int  # every pair awaiting a decision
    withheld: int  # of which this user may not open one of the people
    band: tuple[float, float]  # the match probabilities that send a pair for review
    threshold: float  # the match probability at which the model links two records


def queue_summary(*, user) -> QueueSummary:
    waiting = review_queue().count()
    return QueueSummary(
        waiting=waiting,
        withheld=waiting - review_queue_for(user=user).count(),
        band=linkage_settings().review_band,
        threshold=threshold(),
    )


def next_pair(*, user) -> LinkPair | None:
    """The pair this user should look at next: the most uncertain one they may open."""
    return review_queue_for(user=user).first()


def group_sizes(pairs) -> dict[tuple[int, int], int]:
    """For pairs shown in the queue: how many pairs wait between the same two people (a
    twin's records and the other twin's), by (record_a, record_b)."""
    shown = list(pairs)
    people = {
        frozenset((p.record_a.person_id, p.record_b.person_id))
        for p in shown
        if p.record_a.person_id and p.record_b.person_id
    }
    persons = {person for pair in people for person in pair}
    counts: dict[frozenset, int] = {}
    for a, b in (
        review_queue()
        .filter(record_a__person__in=persons, record_b__person__in=persons)
        .values_list("record_a__person", "record_b__person")
    ):
        key = frozenset((a, b))
        if key in people:
            counts[key] = counts.get(key, 0) + 1
    return {
        (p.record_a_id, p.record_b_id): counts.get(
            frozenset((p.record_a.person_id, p.record_b.person_id)), 1
        )
        for p in shown
    }


def recent_decisions(*, user, limit: int = RECENT_DECISIONS) -> list[LinkDecision]:
    return list(
        LinkDecision.objects.filter(_open_to(user))
        .select_related("decided_by", *RECORD_DETAIL)
        .order_by("-decided_at", "-pk")[:limit]
    )


@dataclass(frozen=True)
class Address:
    postcode: str
    address: str


@dataclass(frozen=True)
class RecordDetail:
    """A source record as the pair page shows it, with the addresses and names it held
    before later extracts changed them (latest first)."""

    record: SourceRecord
    earlier_addresses: list[Address]
    earlier_names: list[str]


def _record_detail(record: SourceRecord) -> RecordDetail:
    current_address = Address(record.postcode, record.address)
    current_name = f"{record.given_names} {record.family_name}".strip()
    addresses: list[Address] = []
    names: list[str] = []
    for earlier in reversed(record.history or []):
        address = Address(earlier.get("postcode") or "", earlier.get("address") or "")
        held = address.postcode or address.address
        if held and address != current_address and address not in addresses:
            addresses.append(address)
        name = f"{earlier.get('given_names') or ''} {earlier.get('family_name') or ''}".strip()
        if name and name != current_name and name not in names:
            names.append(name)
    return RecordDetail(record=record, earlier_addresses=addresses, earlier_names=names)


def _records_with_detail() -> QuerySet[SourceRecord]:
    return SourceRecord.objects.select_related("feed__agency", "person").prefetch_related(
        Prefetch("identifiers", queryset=Identifier.objects.order_by("kind", "value"))
    )


def pair_records(*, record_a: int, record_b: int) -> list[SourceRecord]:
    """The two records, lower id first; SourceRecord.DoesNotExist if either is missing."""
    found = {r.pk: r for r in _records_with_detail().filter(pk__in=[record_a, record_b])}
    if len(found) < 2:
        raise SourceRecord.DoesNotExist("No such record")
    return [found[pk] for pk in sorted(found)]


@dataclass(frozen=True)
class PairView:
    records: list[RecordDetail]
    pair: LinkPair | None  # None when the model kept no score for the two
    waterfall: Waterfall | None
    drawing: Drawing | None
    waterfall_problem: str
    decisions: list[LinkDecision]  # every decision on the two, latest first
    # Pairs waiting between the two people these records belong to, this one included.
    waiting_between_people: int = 1
    # Identifiers one person has one of that differ between the two records' people
    identifier_conflicts: tuple[str, ...] = ()
    conflicts_join_at: float = 1.0

    @property
    def weights_disagree(self) -> bool:
        """The saved model no longer gives the weight stored when the pair was scored."""
        if self.pair is None or self.waterfall is None:
            return False
        return abs(self.waterfall.match_weight - self.pair.match_weight) > WEIGHT_TOLERANCE

    @property
    def decision_in_force(self) -> LinkDecision | None:
        return next((d for d in self.decisions if d.superseded_at is None), None)


def pair_view(*, records: list[SourceRecord]) -> PairView:
    low, high = records
    config = linkage_settings()
    pair = LinkPair.objects.filter(record_a=low.pk, record_b=high.pk).first()
    result, problem = pair_waterfall(pair) if pair else (None, "")
    decisions = LinkDecision.objects.filter(record_a=low.pk, record_b=high.pk)
    return PairView(
        records=[_record_detail(r) for r in records],
        pair=pair,
        waterfall=result,
        drawing=draw(result) if result else None,
        waterfall_problem=problem,
        decisions=list(decisions.select_related("decided_by").order_by("-decided_at", "-pk")),
        waiting_between_people=len(waiting_between(record_a=low.pk, record_b=high.pk)),
        identifier_conflicts=identifier_conflicts(low, high, kinds=config.conflict_kinds),
        conflicts_join_at=config.conflicts_join_at,
    )


def identifier_conflicts(
    low: SourceRecord, high: SourceRecord, *, kinds: tuple[str, ...]
) -> tuple[str, ...]:
    """The identifier kinds (`[identifier_conflicts]`) whose valid values differ, none in
    common, between the two records' people (a record alone when not linked): why a link
    above the threshold can leave them apart. Empty when they are one person."""
    if low.person_id and low.person_id == high.person_id:
        return ()
    held = [
        held_identifiers(
            Identifier.objects.filter(
                Q(source_record__person=r.person_id) if r.person_id else Q(source_record=r.pk)
            ),
            kinds,
        )
        for r in (low, high)
    ]
    combined = [together(*h.values()) for h in held]
    labels = dict(Identifier._meta.get_field("kind").choices or ())
    return tuple(labels.get(kind, kind) for kind in disagreeing(*combined))


def pair_waterfall(pair: LinkPair) -> tuple[Waterfall | None, str]:
    """The waterfall for a scored pair from the model that scored it, or why there is none."""
    model = LinkModelVersion.objects.filter(version=pair.model_version).first()
    if model is None:
        return None, f"Linkage model {pair.model_version} is no longer recorded."
    if not Path(model.path).is_file():
        return None, f"The file of linkage model {pair.model_version} is not on this server."
    if not pair.levels:
        return None, "This pair was scored before the level of each comparison was kept."
    try:
        return waterfall(levels=pair.levels, model=model_weights(model.path)), ""
    except WaterfallError as mismatch:
        return None, str(mismatch)


@dataclass(frozen=True)
class PersonLinkage:
    person: Person
    records: list[SourceRecord]
    pairs: list[LinkPair]  # scored pairs among the records, weakest first
    decisions: list[LinkDecision]  # decisions naming any of the records, latest first


def person_linkage(*, person: Person) -> PersonLinkage:
    records = list(
        _records_with_detail().filter(person=person).order_by("feed__agency__name", "pk")
    )
    ids = [r.pk for r in records]
    pairs = (
        LinkPair.objects.filter(record_a__in=ids, record_b__in=ids)
        .select_related(*RECORD_DETAIL)
        .order_by("match_weight", "record_a", "record_b")
    )
    decisions = (
        LinkDecision.objects.filter(Q(record_a__in=ids) | Q(record_b__in=ids))
        .select_related("decided_by", *RECORD_DETAIL)
        .order_by("-decided_at", "-pk")[:RECENT_DECISIONS]
    )
    return PersonLinkage(
        person=person, records=records, pairs=list(pairs), decisions=list(decisions)
    )


def person_of_record(record_id: int) -> int | None:
    return SourceRecord.objects.filter(pk=record_id).values_list("person_id", flat=True).first()
