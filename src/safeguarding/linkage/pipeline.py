"""Linking source records into people: read from the database, link, write back in bulk.

A full run trains a new model and re-links everyone; an incremental run scores only the
records no one has linked yet with the saved model. Both keep the pairs they scored, and both
cluster through `relink`, so people's decisions win either way.
"""

import json
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from django.conf import settings
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone

from safeguarding.common.bulk import insert_rows
from safeguarding.common.frames import each_distinct
from safeguarding.linkage.configuration import LinkageSettings, linkage_settings
from safeguarding.linkage.model import RULE_BASED, ordered, score_new, train_and_score
from safeguarding.linkage.models import LinkModelVersion, LinkPair
from safeguarding.linkage.relink import decisions_in_force, relink
from safeguarding.linkage.standardise import standardise
from safeguarding.linkage.waterfall import TERM_FREQUENCY
from safeguarding.people.models import Identifier, SourceRecord
from safeguarding.places.models import Postcode
from safeguarding.sources.chunked_writing import LINK, Chunks, batch_stage_turn, chunked_stage

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LinkSummary:
    records: int
    new_records: int
    people: int
    candidate_pairs: int
    model_version: str
    full: bool
    seconds: float
    labels_used: int = 0
    linker: str = "trained"
    notes: tuple[str, ...] = ()


# Records read (and standardised) at a time: a million records are never held as rows, as raw
# columns and as standardised columns at once.
READ_CHUNK = 50_000
RECORD_COLUMNS = [
    "id",
    "feed__name",
    "source_record_id",
    "given_names",
    "family_name",
    "aliases",
    "date_of_birth",
    "sex",
    "postcode",
    "address",
    "history",
    "person_id",
]
# Read as text and decoded once per distinct text: most records hold the same empty list,
# and Django decoding each record's took half the reading.
JSON_COLUMNS = ("aliases", "history")


def source_record_chunks(kinds: list[str]) -> Iterator[pd.DataFrame]:
    """Every source record, in id order, a frame of at most `READ_CHUNK` at a time, with their
    valid identifiers (a column per kind of `kinds`) and the position of their postcode."""
    positions = pd.DataFrame.from_records(
        Postcode.objects.values_list("postcode", "latitude", "longitude"),
        columns=["postcode", "latitude", "longitude"],
    )
    after = 0
    while True:
        rows = list(
            SourceRecord.objects.filter(pk__gt=after)
            .order_by("pk")
            .values_list(
                *(
                    Cast(column, TextField()) if column in JSON_COLUMNS else column
                    for column in RECORD_COLUMNS
                )
            )[:READ_CHUNK]
        )
        if not rows:
            return
        records = pd.DataFrame.from_records(rows, columns=RECORD_COLUMNS).rename(
            columns={"feed__name": "feed"}
        )
        for column in JSON_COLUMNS:
            records[column] = each_distinct(
                records[column], lambda text: None if text is None else json.loads(text)
            )
        first, after = rows[0][0], rows[-1][0]
        identifiers = pd.DataFrame.from_records(
            Identifier.objects.filter(
                valid=True, source_record_id__gte=first, source_record_id__lte=after
            ).values_list("source_record_id", "kind", "value"),
            columns=["source_record_id", "kind", "value"],
        )
        for kind in kinds:
            chosen_ids = (
                identifiers[identifiers["kind"] == kind]
                .drop_duplicates("source_record_id")
                .set_index("source_record_id")["value"]
            )
            records[kind] = records["id"].map(chosen_ids)
        yield records.merge(positions, on="postcode", how="left")


def source_records_frame() -> pd.DataFrame:
    """Every source record as one frame (`source_record_chunks`)."""
    kinds = identifier_kinds()
    frames = list(source_record_chunks(kinds))
    if not frames:
        columns = [c for c in RECORD_COLUMNS if c != "feed__name"]
        return pd.DataFrame(columns=["feed", *columns, *kinds, "latitude", "longitude"])
    return pd.concat(frames, ignore_index=True)


def records_to_link(config: LinkageSettings) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every source record's id and person (id, person_id, feed), and the records automatic
    linkage compares, standardised (`standardise`) a chunk at a time."""
    kinds = identifier_kinds()
    everyone: list[pd.DataFrame] = []
    compared: list[pd.DataFrame] = []
    for chunk in source_record_chunks(kinds):
        everyone.append(chunk[["id", "person_id", "feed"]])
        linked = linkable(chunk, config)
        if len(linked) or not compared:
            compared.append(standardise(linked, identifier_kinds=kinds))
    if not everyone:  # no records at all
        everyone.append(pd.DataFrame(columns=["id", "person_id", "feed"]))
        compared.append(standardise(source_records_frame(), identifier_kinds=kinds))
    return pd.concat(everyone, ignore_index=True), pd.concat(compared, ignore_index=True)


def identifier_kinds() -> list[str]:
    """Every identifier kind a feed has stored (valid or not), so a kind's column exists
    whenever any record could hold it; the NHS number and UPN always."""
    stored = set(Identifier.objects.values_list("kind", flat=True).distinct())
    return sorted(stored | {"nhs_number", "upn"})


def linked_records_frame() -> pd.DataFrame:
    """feed, source_record_id, person_id for every source record."""
    return pd.DataFrame.from_records(
        SourceRecord.objects.values("feed__name", "source_record_id", "person_id"),
        columns=["feed__name", "source_record_id", "person_id"],
    ).rename(columns={"feed__name": "feed"})


def current_model() -> LinkModelVersion | None:
    return LinkModelVersion.objects.order_by("-trained_at", "-pk").first()


def link_all(
    *,
    full: bool = False,
    threshold: float | None = None,
    progress: Callable[[str], None] = lambda step: None,
) -> LinkSummary:
    """Link the records no one has linked yet with the saved model, or (`full`, or when there
    is no model yet) train a new model and re-link everyone."""
    # On SQLite an import commits in chunks: linking waits for it, so it never links half a
    # batch; and it writes in chunks itself, all or nothing (sources/chunked_writing.py): what
    # it computes (scoring pairs, clustering) holds no write lock.
    with batch_stage_turn():
        return _link_all(full=full, threshold=threshold, progress=progress)


def _link_all(
    *, full: bool, threshold: float | None, progress: Callable[[str], None]
) -> LinkSummary:
    config = linkage_settings()
    count = SourceRecord.objects.count()
    if count < 2:
        # Nothing to compare: a lone record is its own person.
        progress(f"{count} source record{'s' if count != 1 else ''}: nothing to link")
        if count:
            with chunked_stage(LINK) as chunks:
                relink(
                    list(SourceRecord.objects.values_list("pk", flat=True)),
                    threshold=1.0,
                    chunks=chunks,
                )
        return LinkSummary(
            records=count,
            new_records=0,
            people=SourceRecord.objects.values("person_id").distinct().count(),
            candidate_pairs=0,
            model_version="",
            full=False,
            seconds=0.0,
            linker="none",
            notes=("nothing to link",),
        )
    model = current_model()
    if full or model is None or model.summary.get("linker") == RULE_BASED:
        return _link_everyone(
            config=config, threshold=threshold or config.threshold, progress=progress
        )
    return _link_new(
        model, config=config, threshold=threshold or model.threshold, progress=progress
    )


def linkable(records: pd.DataFrame, config: LinkageSettings) -> pd.DataFrame:
    """The records automatic linkage compares: not those of the feeds the settings leave out."""
    return records[~records["feed"].isin(config.not_linked)]


def _link_everyone(*, config: LinkageSettings, threshold: float, progress) -> LinkSummary:
    started = time.monotonic()
    progress(f"reading source records (settings: {config.source})")
    records, compared = records_to_link(config)
    same, _ = decisions_in_force()
    labels = pd.DataFrame(same, columns=["unique_id_l", "unique_id_r"])
    progress(f"training and scoring {len(compared):,} of {len(records):,} records")
    scored = train_and_score(compared, config=config, labels=labels)
    del compared  # a million records' columns, not needed to write the people
    for note in scored.notes:
        progress(note)
    version = _save_model(scored.model_json, scored.term_frequencies)
    progress(f"writing {len(scored.pairs):,} scored pairs and the people")
    with chunked_stage(LINK) as chunks:
        old_pairs = list(LinkPair.objects.order_by("pk").values_list("pk", flat=True))
        chunks.each(
            len(old_pairs),
            lambda part: LinkPair.objects.filter(
                pk__gte=old_pairs[part][0], pk__lte=old_pairs[part][-1]
            ).delete(),
        )
        _store_pairs(scored.pairs, version, config=config, chunks=chunks)
        with chunks():
            model = LinkModelVersion.objects.create(
                version=version,
                trained_at=timezone.now(),
                path=str(_model_path(version)),
                threshold=threshold,
                summary={
                    "records": len(records),
                    "labels_used": scored.labels_used,
                    "linker": scored.linker,
                    "notes": scored.notes,
                },
            )
        people = relink(records["id"].tolist(), threshold=threshold, everyone=True, chunks=chunks)
        model.summary["people"] = people
        with chunks():
            model.save(update_fields=["summary"])
    return LinkSummary(
        records=len(records),
        new_records=int(records["person_id"].isna().sum()),
        people=people,
        candidate_pairs=len(scored.pairs),
        model_version=version,
        full=True,
        seconds=time.monotonic() - started,
        labels_used=scored.labels_used,
        linker=scored.linker,
        notes=tuple(scored.notes),
    )


def _link_new(
    model: LinkModelVersion, *, config: LinkageSettings, threshold: float, progress
) -> LinkSummary:
    started = time.monotonic()
    new_ids = list(SourceRecord.objects.filter(person__isnull=True).values_list("pk", flat=True))
    pairs = pd.DataFrame()
    if new_ids:
        progress(f"scoring {len(new_ids):,} new records with model {model.version}")
        _, records = records_to_link(config)
        is_new = records["unique_id"].isin(new_ids)
        frequencies = _frequencies_path(Path(model.path))
        pairs = score_new(
            json.loads(Path(model.path).read_text()),
            records[~is_new],
            records[is_new],
            config=config,
            term_frequencies=json.loads(frequencies.read_text()) if frequencies.exists() else None,
        )
        with chunked_stage(LINK) as chunks:
            _store_pairs(pairs, model.version, config=config, chunks=chunks)
            relink(new_ids, threshold=threshold, chunks=chunks)
    return LinkSummary(
        records=SourceRecord.objects.count(),
        new_records=len(new_ids),
        people=SourceRecord.objects.values("person_id").distinct().count(),
        candidate_pairs=len(pairs),
        model_version=model.version,
        full=False,
        seconds=time.monotonic() - started,
    )


def _model_path(version: str) -> Path:
    return Path(settings.MEDIA_ROOT) / "linkage" / f"model-{version}.json"


def _frequencies_path(model_path: Path) -> Path:
    return model_path.with_suffix(".term-frequencies.json")


def _save_model(model_json: dict, term_frequencies: dict[str, list]) -> str:
    version = timezone.now().strftime("%Y%m%d%H%M%S%f")
    path = _model_path(version)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(model_json, indent=1))
    _frequencies_path(path).write_text(json.dumps(term_frequencies))
    return version


def _store_pairs(
    pairs: pd.DataFrame, version: str, *, config: LinkageSettings, chunks: Chunks
) -> None:
    """Keep the pairs that link or need review, with the level each comparison reached."""
    if pairs.empty:
        return
    pairs = ordered(pairs[pairs["match_probability"] >= config.review_band[0]])
    pairs = pairs.drop_duplicates(["unique_id_l", "unique_id_r"])
    gammas = [c for c in pairs.columns if c.startswith("gamma_")]
    adjustments = pairs[TERM_FREQUENCY].tolist() if TERM_FREQUENCY in pairs else [0.0] * len(pairs)
    levels = [
        json.dumps(
            {column.removeprefix("gamma_"): int(value) for column, value in row.items()}
            | ({TERM_FREQUENCY: adjustment} if adjustment else {})
        )
        for row, adjustment in zip(pairs[gammas].to_dict("records"), adjustments, strict=True)
    ]
    columns = {
        "record_a": pairs["unique_id_l"].astype("int64").tolist(),
        "record_b": pairs["unique_id_r"].astype("int64").tolist(),
        "match_weight": pairs["match_weight"].astype(float).tolist(),
        "match_probability": pairs["match_probability"].astype(float).tolist(),
        "model_version": [version] * len(pairs),
        "levels": levels,
        "held_for_review": pairs["held_for_review"].astype(bool).tolist(),
    }
    chunks.each(
        len(pairs),
        lambda part: insert_rows(
            LinkPair, {name: v[part] for name, v in columns.items()}, ignore_conflicts=True
        ),
    )
