"""Linking every source record into people: read from the database, link, write back in bulk."""

import logging
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from django.conf import settings
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from safeguarding.linkage.model import DEFAULT_THRESHOLD, train_and_link
from safeguarding.linkage.models import LinkModelVersion
from safeguarding.linkage.standardise import standardise
from safeguarding.people.models import Identifier, Involvement, Person, SourceRecord

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LinkSummary:
    records: int
    people: int
    candidate_pairs: int
    model_version: str
    seconds: float


def source_records_frame() -> pd.DataFrame:
    """Every source record with its valid NHS number and UPN, as one frame."""
    records = pd.DataFrame.from_records(
        SourceRecord.objects.values(
            "id",
            "feed__name",
            "source_record_id",
            "given_names",
            "family_name",
            "aliases",
            "date_of_birth",
            "sex",
            "postcode",
        )
    ).rename(columns={"feed__name": "feed"})
    identifiers = pd.DataFrame.from_records(
        Identifier.objects.filter(kind__in=["nhs_number", "upn"], valid=True).values(
            "source_record_id", "kind", "value"
        )
    )
    for kind in ("nhs_number", "upn"):
        chosen = (
            (
                identifiers[identifiers["kind"] == kind]
                .drop_duplicates("source_record_id")
                .set_index("source_record_id")["value"]
            )
            if len(identifiers)
            else pd.Series()
        )
        records[kind] = records["id"].map(chosen)
    return records


def linked_records_frame() -> pd.DataFrame:
    """feed, source_record_id, person_id for every source record."""
    return pd.DataFrame.from_records(
        SourceRecord.objects.values("feed__name", "source_record_id", "person_id"),
        columns=["feed__name", "source_record_id", "person_id"],
    ).rename(columns={"feed__name": "feed"})


def link_all(*, threshold: float = DEFAULT_THRESHOLD) -> LinkSummary:
    """Re-link every source record and write the people back."""
    started = time.monotonic()
    records = source_records_frame()
    result = train_and_link(standardise(records), threshold=threshold)
    version = timezone.now().strftime("%Y%m%d%H%M%S")
    model_dir = Path(settings.MEDIA_ROOT) / "linkage"
    model_dir.mkdir(parents=True, exist_ok=True)
    model_path = model_dir / f"model-{version}.json"
    model_path.write_text(pd.io.json.ujson_dumps(result.model_json, indent=1))
    best_weight = (
        pd.concat(
            [
                result.pairs[["unique_id_l", "match_weight"]].rename(columns={"unique_id_l": "id"}),
                result.pairs[["unique_id_r", "match_weight"]].rename(columns={"unique_id_r": "id"}),
            ]
        )
        .groupby("id")["match_weight"]
        .max()
    )
    with transaction.atomic():
        people = _write_people(result.clusters, best_weight, version)
        LinkModelVersion.objects.create(
            version=version,
            trained_at=timezone.now(),
            path=str(model_path),
            threshold=threshold,
            summary={"records": len(records), "people": people},
        )
    return LinkSummary(
        records=len(records),
        people=people,
        candidate_pairs=len(result.pairs),
        model_version=version,
        seconds=time.monotonic() - started,
    )


def _write_people(clusters: pd.DataFrame, best_weight: pd.Series, version: str) -> int:
    """Keep each cluster's existing person where it has one; create the rest; drop the empty."""
    current = dict(SourceRecord.objects.values_list("id", "person_id"))
    clusters = clusters.assign(current=clusters["unique_id"].map(current))
    keep = (
        clusters.dropna(subset=["current"])
        .groupby("cluster_id")["current"]
        .agg(lambda ids: ids.mode().iloc[0])
        .astype("int64")
    )
    keep = keep[~keep.duplicated()]  # a person split in two keeps its id in one part only
    new_clusters = sorted(set(clusters["cluster_id"]) - set(keep.index))
    created = Person.objects.bulk_create([Person() for _ in new_clusters], batch_size=2000)
    person_of_cluster = {
        **keep.to_dict(),
        **{c: p.pk for c, p in zip(new_clusters, created, strict=True)},
    }
    clusters["person"] = clusters["cluster_id"].map(person_of_cluster)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE link_assignment (record_id bigint PRIMARY KEY, "
            "person_id bigint, match_weight double precision)"
        )
        cursor.executemany(
            "INSERT INTO link_assignment VALUES (%s, %s, %s)",
            [
                (int(r), int(p), _float(best_weight.get(r)))
                for r, p in zip(clusters["unique_id"], clusters["person"], strict=True)
            ],
        )
        cursor.execute(
            "UPDATE people_sourcerecord SET person_id = (SELECT person_id FROM link_assignment "
            "WHERE record_id = people_sourcerecord.id), match_weight = (SELECT match_weight FROM "
            "link_assignment WHERE record_id = people_sourcerecord.id), link_model_version = %s",
            [version],
        )
        cursor.execute("DROP TABLE link_assignment")
    Involvement.objects.update(
        person_id=Subquery(
            SourceRecord.objects.filter(pk=OuterRef("source_record_id")).values("person_id")[:1]
        )
    )
    Person.objects.filter(source_records__isnull=True).delete()
    _describe_people()
    return Person.objects.count()


def _float(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _most_common(frame: pd.DataFrame, column: str) -> pd.Series:
    """Per person, the value of column that most of their records give."""
    counts = frame.dropna(subset=[column]).groupby(["person_id", column]).size().rename("n")
    ordered = counts.reset_index().sort_values(["person_id", "n"], kind="stable")
    return ordered.drop_duplicates("person_id", keep="last").set_index("person_id")[column]


def _describe_people() -> None:
    """Each person shows the name, date of birth and sex most of their records give."""
    frame = pd.DataFrame.from_records(
        SourceRecord.objects.values(
            "person_id", "given_names", "family_name", "date_of_birth", "sex"
        )
    )
    frame["name"] = (
        frame["given_names"].str.strip() + " " + frame["family_name"].str.title()
    ).str.strip()
    frame["date_of_birth"] = pd.to_datetime(frame["date_of_birth"]).dt.date
    names, births, sexes = (_most_common(frame, c) for c in ("name", "date_of_birth", "sex"))
    people = [
        Person(
            pk=int(pk),
            display_name=names.get(pk, ""),
            date_of_birth=births.get(pk),
            sex=sexes.get(pk, "unknown"),
        )
        for pk in frame["person_id"].unique()
    ]
    Person.objects.bulk_update(people, ["display_name", "date_of_birth", "sex"], batch_size=2000)
