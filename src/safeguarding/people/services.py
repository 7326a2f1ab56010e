"""Writing the people stage's tables: who each source record is, what people are called, where
locations lie. The stages before people in the flow (sources, linkage) and after it (places)
write these tables only through these functions, never by the tables' names."""

import pandas as pd
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from safeguarding.common.bulk import BATCH_SIZE, db_dates, db_values, insert_rows, update_rows
from safeguarding.common.frames import most_common
from safeguarding.people.enumerations import LocationKind, Sex
from safeguarding.people.models import (
    Event,
    Involvement,
    Location,
    MergedPerson,
    Object,
    ObjectContact,
    ObjectLink,
    Person,
    Relationship,
    SourceRecord,
)
from safeguarding.places.models import Area, AreaKind, Postcode
from safeguarding.sources.chunked_writing import Chunks


def new_people(*, count: int) -> list[int]:
    """The ids of `count` new people, with nothing yet known about them."""
    if not count:
        return []
    # One INSERT … SELECT over a counted sequence, whatever the count: a first link creates
    # a person for most records (84,786 on the large county), and building a model instance
    # for each took a quarter of a first link's CPU time. Which new id goes to which cluster
    # does not matter, so RETURNING's order (not guaranteed) does not either.
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    table = connection.ops.quote_name(Person._meta.db_table)
    statement = (
        "WITH RECURSIVE counted (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM counted "  # noqa: S608 (names from model meta)
        f"WHERE n < %s) INSERT INTO {table} "
        "(display_name, sex, restricted, created_at, updated_at) "
        "SELECT '', %s, %s, %s, %s FROM counted RETURNING id"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [count, Sex.UNKNOWN.value, False, now, now])
        return sorted(row[0] for row in cursor.fetchall())


def assign_records(
    *, records: list[int], people: list[int], match_weights: pd.Series, model_versions: list[str]
) -> None:
    """Set the person of each source record, with the match weight and linkage model behind
    it; the events the moved records hold follow them (`follow_records`)."""
    update_rows(
        SourceRecord,
        {
            "pk": records,
            "person": people,
            "match_weight": db_values(match_weights),
            "link_model_version": model_versions,
        },
    )


def follow_records(*, records: list[int], people: list[int]) -> None:
    """Each involvement of these records names the person its record now belongs to (the
    records' people, in the same order)."""
    # One UPDATE … FROM the (record, person) pairs staged: a first link moves every record,
    # and looking each involvement's record up again cost as much as the write itself.
    update_rows(Involvement, {"source_record": records, "person": people}, key="source_record")


def hand_on_person(*, old: Person, successor: Person, skip: set[str]) -> None:
    """A person left without records hands what was recorded about them (by any app, other than
    the `skip` models, given as app_label.model) to their successor, then goes."""
    if old.restricted:
        # Whatever was restricted stays restricted: the successor is now as closed as either.
        successor.restricted = True
        successor.save(update_fields=["restricted"])
        successor.allowed_users.add(*old.allowed_users.all())
    for relation in Person._meta.related_objects:
        label = relation.related_model._meta.label_lower
        if label in skip or relation.many_to_many:
            continue
        for row in relation.related_model._default_manager.filter(**{relation.field.name: old}):
            try:
                with transaction.atomic():
                    setattr(row, relation.field.name, successor)
                    row.save(update_fields=[relation.field.name])
            except IntegrityError:
                row.delete()  # the successor already holds the same (e.g. a context membership)
    # Those merged into the old person were handed on above (MergedPerson is one of the
    # relations), so each old address leads straight to the person who holds the records now.
    MergedPerson.objects.create(old_person_id=old.pk, successor=successor)
    old.delete()


def add_relationships(*, relationships: pd.DataFrame, feed_id: int, batch_id: int) -> None:
    """Record person-to-person relationships: `relationships` holds from_record, to_record,
    kind, started_at and ended_at (ISO dates or None) and row_number. A relationship already
    recorded (the same two records and kind) is kept as it is."""
    insert_rows(
        Relationship,
        {
            "from_record": relationships["from_record"].tolist(),
            "to_record": relationships["to_record"].tolist(),
            "kind": relationships["kind"].tolist(),
            "started_at": db_values(relationships["started_at"]),
            "ended_at": db_values(relationships["ended_at"]),
            "feed": [feed_id] * len(relationships),
            "import_batch": [batch_id] * len(relationships),
            "row_number": relationships["row_number"].tolist(),
        },
        ignore_conflicts=True,
    )


def object_ids(*, kind: str, values: list[str]) -> dict[str, int]:
    """The objects of this kind with these values, created where new: value → id."""
    distinct = sorted(set(values))
    Object.objects.bulk_create(
        [Object(kind=kind, value=value) for value in distinct],
        batch_size=BATCH_SIZE,
        ignore_conflicts=True,
    )
    found: dict[str, int] = {}
    for start in range(0, len(distinct), 5000):
        part = distinct[start : start + 5000]
        found.update(Object.objects.filter(kind=kind, value__in=part).values_list("value", "pk"))
    return found


def add_object_contacts(*, contacts: pd.DataFrame, feed_id: int, batch_id: int) -> None:
    """Record contacts between objects (calls between phones): `contacts` holds
    source_contact_id, from_object, to_object, kind, occurred_at (database form) and
    row_number. A contact the feed already holds under its id is kept as it is."""
    insert_rows(
        ObjectContact,
        {
            "source_contact_id": contacts["source_contact_id"].tolist(),
            "from_object": contacts["from_object"].tolist(),
            "to_object": contacts["to_object"].tolist(),
            "kind": contacts["kind"].tolist(),
            "occurred_at": db_values(contacts["occurred_at"]),
            "feed": [feed_id] * len(contacts),
            "import_batch": [batch_id] * len(contacts),
            "row_number": contacts["row_number"].tolist(),
        },
        ignore_conflicts=True,
    )


def describe_people(*, people: list[int] | None, chunks: Chunks | None = None) -> None:
    """Each person (these, or everyone) shows the name, date of birth and sex most of their
    records give. `chunks`: what the writes run inside (a link run's on SQLite,
    sources/chunked_writing.py); without it, the caller's transaction."""
    records = (
        SourceRecord.objects.all()
        if people is None
        else SourceRecord.objects.filter(person__in=people)
    )
    frame = pd.DataFrame.from_records(
        records.values("person_id", "given_names", "family_name", "date_of_birth", "sex")
    )
    if frame.empty:
        return
    frame["name"] = (
        frame["given_names"].str.strip() + " " + frame["family_name"].str.title()
    ).str.strip()
    frame["date_of_birth"] = pd.to_datetime(frame["date_of_birth"]).dt.date
    person_ids = pd.Series(frame["person_id"].unique())
    names, births, sexes = (most_common(frame, c) for c in ("name", "date_of_birth", "sex"))
    described = {
        "pk": person_ids.astype("int64").tolist(),
        "display_name": person_ids.map(names).fillna("").tolist(),
        "date_of_birth": db_dates(person_ids.map(births)),
        "sex": person_ids.map(sexes).fillna("unknown").tolist(),
    }
    (chunks or Chunks()).each(
        len(person_ids),
        lambda part: update_rows(Person, {name: v[part] for name, v in described.items()}),
    )


def place_locations(*, replace: bool = False) -> int:
    """Give locations the coordinates, small area and in-area flag of their postcode in the
    geography (places' Postcode table, loaded in the pipeline's first stage); return how many
    the directory placed. Those it does not list are then decided inside or outside the area
    by `place_outside_directory`.

    Only locations not yet placed, unless `replace`; one UPDATE, however many locations. Run
    once when an import adds locations and when the geography is (re)loaded."""
    quote = connection.ops.quote_name
    location, postcode = quote(Location._meta.db_table), quote(Postcode._meta.db_table)
    condition = "" if replace else f" AND {location}.area_code = ''"
    columns = {
        "latitude": "latitude",
        "longitude": "longitude",
        "area_code": "small_area",
        "in_area": "in_area",
    }
    assignments = ", ".join(
        f"{target} = (SELECT p.{source} FROM {postcode} p "  # noqa: S608 (names from model meta)
        f"WHERE p.postcode = {location}.postcode)"
        for target, source in columns.items()
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {location} SET {assignments} "  # noqa: S608 (names from model meta)
            f"WHERE {location}.postcode IN (SELECT postcode FROM {postcode})" + condition
        )
        placed = cursor.rowcount
    place_outside_directory()
    return placed


def place_outside_directory() -> int:
    """Decide inside or outside the partnership's area for locations the postcode directory
    does not list: a postcode (or a district alone, `SN1`) whose district has no postcode in
    the area is outside it, one whose district lies wholly inside is inside; a point with no
    postcode is inside when it falls within one of the area's small areas. Left unknown only
    when the district straddles the boundary, or no geography is loaded. Returns how many."""
    if not Postcode.objects.exists():
        return 0
    unplaced = pd.DataFrame.from_records(
        Location.objects.filter(in_area__isnull=True).values(
            "pk", "postcode", "latitude", "longitude"
        ),
        columns=["pk", "postcode", "latitude", "longitude"],
    )
    if unplaced.empty:
        return 0
    decided = pd.Series(None, index=unplaced.index, dtype=object)
    with_postcode = unplaced["postcode"].ne("")
    districts = unplaced.loc[with_postcode, "postcode"].str.split(" ").str[0]
    for district in sorted(set(districts)):
        flags = set(
            Postcode.objects.filter(postcode__startswith=f"{district} ")
            .values_list("in_area", flat=True)
            .distinct()
        )
        if len(flags) < 2:  # all inside, all outside, or none listed (so outside)
            decided[districts.index[districts.eq(district)]] = bool(flags) and flags == {True}
    points = ~with_postcode & unplaced["latitude"].notna() & unplaced["longitude"].notna()
    if points.any():
        decided[points] = _inside_small_areas(
            unplaced.loc[points, "latitude"], unplaced.loc[points, "longitude"]
        )
    known = decided.notna()
    update_rows(
        Location,
        {
            "pk": unplaced.loc[known, "pk"].tolist(),
            "in_area": decided[known].astype(bool).tolist(),
        },
    )
    return int(known.sum())


def _inside_small_areas(latitudes: pd.Series, longitudes: pd.Series) -> pd.Series:
    """Whether each point lies in one of the geography's small areas (their GeoJSON
    boundaries); unknown (None) for all when no boundaries are loaded."""
    import shapely

    boundaries = [
        shapely.geometry.shape(boundary)
        for boundary in Area.objects.filter(kind=AreaKind.LSOA, boundary__isnull=False).values_list(
            "boundary", flat=True
        )
    ]
    if not boundaries:
        return pd.Series(None, index=latitudes.index, dtype=object)
    area = shapely.union_all(boundaries)
    inside = shapely.contains_xy(area, longitudes.to_numpy(), latitudes.to_numpy())
    return pd.Series(inside, index=latitudes.index, dtype=object)


def location_for(*, name: str, postcode: str) -> Location:
    """The location with this name (an address, or empty) and postcode, created where new and
    placed in the geography (coordinates, small area, inside the area or not)."""
    kind = LocationKind.ADDRESS if name else LocationKind.PLACE
    location, created = Location.objects.get_or_create(kind=kind, name=name, postcode=postcode)
    if created:
        place_locations()
        location.refresh_from_db()
    return location


def location_at(*, latitude: float, longitude: float) -> Location:
    """The place at a point picked on a map (a reported concern), named by its coordinates,
    created where new with the small area it falls in and whether inside the area."""
    import shapely

    name = f"{latitude:.5f}, {longitude:.5f}"
    location, created = Location.objects.get_or_create(
        kind=LocationKind.PLACE,
        name=name,
        postcode="",
        defaults={"latitude": round(latitude, 5), "longitude": round(longitude, 5)},
    )
    if created:
        point = shapely.geometry.Point(longitude, latitude)
        for code, boundary in Area.objects.filter(
            kind=AreaKind.LSOA, boundary__isnull=False
        ).values_list("code", "boundary"):
            if shapely.geometry.shape(boundary).contains(point):
                location.area_code, location.in_area = code, True
                location.save(update_fields=["area_code", "in_area"])
                break
        else:
            place_outside_directory()
            location.refresh_from_db()
    return location


def record_event(
    *,
    feed_id: int,
    batch_id: int,
    source_event_id: str,
    event_type: str,
    occurred_at,
    location_id: int | None,
    description: str,
    details: dict,
    involvements: list[tuple[int, int | None, str]],
) -> Event:
    """Write one event, as a single record entered in the Hub (a triaged concern), with its
    involvements given as (source record, person, role); written again, it replaces what the
    event held, involvements included."""
    with transaction.atomic():
        event, _ = Event.objects.update_or_create(
            feed_id=feed_id,
            source_event_id=source_event_id,
            defaults={
                "import_batch_id": batch_id,
                "row_number": 1,
                "event_type": event_type,
                "occurred_at": occurred_at,
                "location_id": location_id,
                "description": description,
                "details": details,
            },
        )
        event.involvements.all().delete()
        Involvement.objects.bulk_create(
            [
                Involvement(
                    event=event,
                    source_record_id=record,
                    person_id=person,
                    role=role,
                    feed_id=feed_id,
                    import_batch_id=batch_id,
                    row_number=1,
                )
                for record, person, role in involvements
            ],
            ignore_conflicts=True,
        )
    return event


def link_objects(*, object_ids: list[int], source_record_id: int, feed_id: int, batch_id: int):
    """Record that a person (as one of their records) was seen with these objects (once)."""
    known = set(
        ObjectLink.objects.filter(source_record_id=source_record_id).values_list(
            "object_id", flat=True
        )
    )
    object_ids = [object_id for object_id in object_ids if object_id not in known]
    ObjectLink.objects.bulk_create(
        [
            ObjectLink(
                object_id=object_id,
                source_record_id=source_record_id,
                feed_id=feed_id,
                import_batch_id=batch_id,
                row_number=1,
            )
            for object_id in object_ids
        ]
    )
