"""Find a young person by name (fuzzy: misspellings, nicknames), date of birth or any agency id.

Names are not compared with every record on each search. The distinct names agencies hold (a
vocabulary that grows far more slowly than the records) are matched in memory with RapidFuzz;
the records holding the matched names are then fetched through the name indexes and ranked.
"""

import datetime
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from django.db.models import Max, Q
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from safeguarding.common.dates import parse_date, swapped_day_and_month
from safeguarding.common.names import name_parts, name_variants, plain
from safeguarding.people.access_rules import people_visible_to
from safeguarding.people.models import Identifier, Person, SourceRecord
from safeguarding.sources.models import ImportBatch

# fuzz.ratio (normalised Indel similarity): one letter added, dropped, swapped with its
# neighbour or replaced keeps a name of five letters or more above 80; "jon" and "john" score 86.
NAME_CUTOFF = 80
NICKNAME_SCORE = 90  # a nickname of the same formal name, or the formal name itself
ONE_SLIP_SCORE = 85
MAX_CANDIDATE_RECORDS = 5000
RESULT_LIMIT = 50
VOCABULARY_SECONDS = 600  # at most this stale after an edit outside an import (e.g. the admin)


@dataclass
class SearchResult:
    person: Person
    score: float
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class NameVocabulary:
    """Every plain name part agencies hold, and the stored values that contain it."""

    given: dict[str, tuple[str, ...]]
    family: dict[str, tuple[str, ...]]
    alias_records: dict[str, tuple[int, ...]]


_cache: dict = {"key": None, "built": 0.0, "vocabulary": None}
_cache_lock = threading.Lock()


def name_vocabulary() -> NameVocabulary:
    """The vocabulary, rebuilt when an import has added or changed records (or it is old)."""
    # A new record has a higher id; an import that changes a record points it at a new batch.
    # Each maximum is read from an index in its own query, whatever the number of records (a
    # count, or two maxima in one query, would read them all).
    key = (
        SourceRecord.objects.aggregate(latest=Max("id"))["latest"],
        SourceRecord.objects.aggregate(latest=Max("import_batch_id"))["latest"],
        ImportBatch.objects.aggregate(latest=Max("started_at"))["latest"],
    )
    with _cache_lock:
        fresh = time.monotonic() - _cache["built"] < VOCABULARY_SECONDS
        if _cache["key"] != key or not fresh:
            _cache.update(key=key, built=time.monotonic(), vocabulary=_build_vocabulary())
        return _cache["vocabulary"]


def _build_vocabulary() -> NameVocabulary:
    given: dict[str, set[str]] = {}
    for stored in SourceRecord.objects.values_list("given_names", flat=True).distinct():
        for part in plain(stored).split():
            given.setdefault(part, set()).add(stored)
    family: dict[str, set[str]] = {}
    for stored in SourceRecord.objects.values_list("family_name", flat=True).distinct():
        for part in name_parts(plain(stored)):
            family.setdefault(part, set()).add(stored)
    aliases: dict[str, set[int]] = {}
    for record_id, names in SourceRecord.objects.exclude(aliases=[]).values_list("id", "aliases"):
        for name in names or []:
            for part in name_parts(plain(name)):
                aliases.setdefault(part, set()).add(record_id)
    return NameVocabulary(
        given={k: tuple(sorted(v)) for k, v in given.items()},
        family={k: tuple(sorted(v)) for k, v in family.items()},
        alias_records={k: tuple(sorted(v)) for k, v in aliases.items()},
    )


def similarity(word: str, part: str) -> float:
    """Out of 100: RapidFuzz's ratio, raised for a single slip in a name of four letters or
    more (one letter added, dropped, changed, or swapped with its neighbour: "hart", "hrat")."""
    score = fuzz.ratio(word, part)
    if score < ONE_SLIP_SCORE and min(len(word), len(part)) >= 4 and OSA.distance(word, part) == 1:
        return ONE_SLIP_SCORE
    return score


def similar_parts(word: str, choices: dict, *, nicknames: bool) -> dict[str, float]:
    """Vocabulary parts close to the word, with a score out of 100."""
    names = list(choices)
    found = {
        part: score
        for part, score, _ in process.extract(
            word, names, scorer=fuzz.ratio, score_cutoff=NAME_CUTOFF, limit=None
        )
    }
    if len(word) >= 4:
        for part, _, _ in process.extract(
            word, names, scorer=OSA.distance, score_cutoff=1, limit=None
        ):
            if len(part) >= 4:
                found[part] = max(found.get(part, 0), ONE_SLIP_SCORE)
    if nicknames:
        for variant in name_variants(word) - {word}:
            if variant in choices:
                found[variant] = max(found.get(variant, 0), NICKNAME_SCORE)
    return found


@dataclass(frozen=True)
class Query:
    names: list[tuple[str, ...]]  # each word typed, as the alternatives any of which may match
    dates: list[datetime.date]
    ids: list[str]

    @classmethod
    def parse(cls, text: str) -> "Query":
        words = text.split()
        dates = [d for d in map(parse_date, words) if d is not None]
        # A double-barrelled name may be held whole or as either part.
        names = [
            tuple(name_parts(plain(w))) if "-" in plain(w) else (plain(w),)
            for w in words
            if not any(ch.isdigit() for ch in w) and len(plain(w).replace("-", "")) > 1
        ]
        coded = [w for w in words if any(ch.isdigit() for ch in w)]
        # An NHS number is often written in groups ("943 476 5919"): try the digits together too.
        ids = sorted({w.upper() for w in coded} | {"".join(coded).upper()} - {""})
        return cls(names=names, dates=dates, ids=ids)


MAX_SEARCH_LENGTH = 200


def clean_search_text(text: str) -> str:
    """What was typed, without control characters (PostgreSQL refuses NUL, even in the audit
    trail) or runs of spaces, and not absurdly long."""
    printable = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    return " ".join(printable.split())[:MAX_SEARCH_LENGTH]


def search_people(*, text: str, user, limit: int = RESULT_LIMIT) -> list[SearchResult]:
    """People this user may open whose records match the text, best first."""
    query = Query.parse(clean_search_text(text))
    found: dict[int, SearchResult] = {}

    def credit(person_id: int, score: float, reason: str) -> None:
        result = found.setdefault(person_id, SearchResult(person=None, score=0))  # type: ignore[arg-type]
        result.score = max(result.score, score)
        if reason not in result.reasons:
            result.reasons.append(reason)

    if query.ids:
        by_id = SourceRecord.objects.filter(
            source_record_id__in=query.ids, person__isnull=False
        ).values_list("person_id", flat=True)
        for person_id in by_id:
            credit(person_id, 100, "Agency id")
        by_identifier = Identifier.objects.filter(
            value__in=query.ids, source_record__person__isnull=False
        ).values_list("source_record__person_id", "kind")
        for person_id, kind in by_identifier:
            credit(person_id, 100, kind.replace("_", " ").capitalize().replace("Nhs", "NHS"))

    dates = {d for day in query.dates for d in (day, swapped_day_and_month(day)) if d is not None}
    born_then = Q(person__date_of_birth__in=dates) | Q(
        person__source_records__date_of_birth__in=dates
    )
    if query.names:
        records = _records_matching_names(query.names)
        if dates:
            records = records.filter(born_then)
        typed_dates = set(query.dates)
        for record in records.distinct():
            score = _name_score(query.names, record)
            if score >= NAME_CUTOFF:
                credit(record["person_id"], score, _name_reason(query.names, record))
                if dates:
                    held = {record["date_of_birth"], record["person__date_of_birth"]}
                    exact = bool(held & typed_dates)
                    credit(
                        record["person_id"],
                        score,
                        "Date of birth" if exact else "Day and month swapped",
                    )
    elif dates:
        for person_id, born in (
            SourceRecord.objects.filter(date_of_birth__in=dates, person__isnull=False)
            .values_list("person_id", "date_of_birth")
            .distinct()
        ):
            exact = born in query.dates
            credit(
                person_id,
                100 if exact else 90,
                "Date of birth" if exact else "Day and month swapped",
            )
    # Who the user may open is checked on the few people found, not joined into every query
    # (a subquery over every person costs a tenth of a second at ten times the county).
    visible = set(
        people_visible_to(user=user).filter(pk__in=list(found)).values_list("pk", flat=True)
    )
    ranked = sorted((-r.score, person_id) for person_id, r in found.items() if person_id in visible)
    best = [person_id for _, person_id in ranked[: limit * 2]]
    people = Person.objects.in_bulk(best)
    results = []
    for person_id in best:
        # A link committing between the two reads may have merged this person into another
        # (the survivor is found by their own records): leave them out, do not fail.
        if person_id not in people:
            continue
        result = found[person_id]
        result.person = people[person_id]
        results.append(result)
    results.sort(key=lambda r: (-r.score, r.person.display_name, r.person.pk))
    return results[:limit]


def _records_matching_names(names: list[tuple[str, ...]]):
    """Records holding, for every word of the name, a given name, surname or alias close to it.

    Each word's records are found through one index at a time and intersected here: an OR across
    two columns inside an AND makes the database read every record.
    """
    vocabulary = name_vocabulary()
    linked = SourceRecord.objects.filter(person__isnull=False)
    candidates: set[int] | None = None
    for alternatives in names:
        given, family, aliases = set(), set(), set()
        for word in alternatives:
            given |= set(similar_parts(word, vocabulary.given, nicknames=True))
            family |= set(similar_parts(word, vocabulary.family, nicknames=False))
            aliases |= set(similar_parts(word, vocabulary.alias_records, nicknames=False))
        found = {r for part in aliases for r in vocabulary.alias_records[part]}
        for column, values in (
            ("given_names", {v for part in given for v in vocabulary.given[part]}),
            ("family_name", {v for part in family for v in vocabulary.family[part]}),
        ):
            if values:
                found |= set(
                    linked.filter(**{f"{column}__in": values}).values_list("id", flat=True)
                )
        candidates = found if candidates is None else candidates & found
        if not candidates:
            break
    return linked.filter(pk__in=sorted(candidates or ())[:MAX_CANDIDATE_RECORDS]).values(
        "person_id",
        "given_names",
        "family_name",
        "aliases",
        "date_of_birth",
        "person__date_of_birth",
    )


def _name_score(names: list[tuple[str, ...]], record: dict) -> float:
    """How well the record's names match every word typed: the mean of each word's best match."""
    given, family = _name_parts(record["given_names"], record["family_name"])
    for alias in record["aliases"] or []:
        family += tuple(name_parts(plain(alias)))
    scores = [
        max(_word_score(word, given, family) for word in alternatives) for alternatives in names
    ]
    return sum(scores) / len(scores) if min(scores) >= NAME_CUTOFF else 0.0


EXACT, NICKNAME, SPELLING = "Exact name", "Nickname", "Close spelling"


def _name_reason(names: list[tuple[str, ...]], record: dict) -> str:
    """Why the record's names matched: every word exactly, or by a nickname, or by a close
    spelling (the weakest kind of match among the words typed)."""
    given, family = _name_parts(record["given_names"], record["family_name"])
    for alias in record["aliases"] or []:
        family += tuple(name_parts(plain(alias)))
    kinds = set()
    for alternatives in names:
        if any(word in given + family for word in alternatives):
            kinds.add(EXACT)
        elif any(part in name_variants(word) for word in alternatives for part in given):
            kinds.add(NICKNAME)
        else:
            kinds.add(SPELLING)
    for kind in (SPELLING, NICKNAME):
        if kind in kinds:
            return kind
    return EXACT


# A common surname brings thousands of records holding the same few names: the parts of each
# stored name, and each word's score against them, are worked out once.
@lru_cache(maxsize=20000)
def _name_parts(given_names: str, family_name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return tuple(plain(given_names).split()), tuple(name_parts(plain(family_name)))


@lru_cache(maxsize=20000)
def _word_score(word: str, given: tuple[str, ...], family: tuple[str, ...]) -> float:
    variants = name_variants(word) - {word}
    return max(
        [
            0.0,
            *(similarity(word, part) for part in given + family),
            *(NICKNAME_SCORE for part in given if part in variants),
        ]
    )


def search_detail(results: list[SearchResult]) -> dict:
    """What the audit trail keeps of a search's results: how many, and whose records."""
    return {"results": len(results), "people": [r.person.pk for r in results]}
