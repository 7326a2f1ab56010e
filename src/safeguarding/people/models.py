"""POLE: people (as each agency records them, and linked), objects, locations and events.

Every fact keeps its provenance: the feed, the import batch and the row it came from.
"""

from django.conf import settings
from django.db import models

from safeguarding.people.enumerations import (
    ContactKind,
    EventType,
    IdentifierKind,
    InvolvementRole,
    LocationKind,
    ObjectKind,
    RelationshipKind,
    Sex,
)

__all__ = [
    "ContactKind",
    "EventType",
    "IdentifierKind",
    "InvolvementRole",
    "LocationKind",
    "ObjectKind",
    "RelationshipKind",
    "Sex",
]


class Provenance(models.Model):
    feed = models.ForeignKey("sources.Feed", on_delete=models.PROTECT, related_name="+")
    import_batch = models.ForeignKey(
        "sources.ImportBatch", on_delete=models.PROTECT, related_name="+"
    )
    row_number = models.PositiveIntegerField(help_text="1 is the first row after the header")

    class Meta:
        abstract = True


class Person(models.Model):
    """A linked individual: every source record belongs to exactly one person."""

    display_name = models.CharField(max_length=200, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    restricted = models.BooleanField(
        default=False,
        help_text=(
            "Only the named users may open a restricted record (e.g. a relative of a staff member)."
        ),
    )
    allowed_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="restricted_people"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "people"
        indexes = [models.Index(fields=["date_of_birth"])]

    def __str__(self) -> str:
        return f"Person {self.pk}"


class MergedPerson(models.Model):
    """A person a re-link merged into another (linkage/relink.py hands on what was recorded
    about them, then they go): their old address leads to whoever holds their records now.
    Ids only; it goes with the successor."""

    old_person_id = models.BigIntegerField(primary_key=True)
    successor = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="merged_from")
    merged_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Person {self.old_person_id} → {self.successor_id}"


class SourceRecord(Provenance):
    """A person as one agency records them: the unit of linkage, never edited by linkage."""

    source_record_id = models.CharField(max_length=100, help_text="The agency's own id")
    given_names = models.CharField(max_length=200, blank=True)
    family_name = models.CharField(max_length=200, blank=True)
    aliases = models.JSONField(default=list, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    ethnicity = models.CharField(max_length=10, blank=True, help_text="ONS ethnicity code")
    postcode = models.CharField(max_length=8, blank=True)
    address = models.CharField(max_length=300, blank=True)
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="source_records"
    )
    match_weight = models.FloatField(null=True, blank=True)
    link_model_version = models.CharField(max_length=40, blank=True)
    history = models.JSONField(
        default=list, blank=True, help_text="Earlier values replaced by later extracts"
    )
    last_seen_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When an extract last delivered it, changed or not: its retention runs from here",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["feed", "source_record_id"], name="one_source_record_per_agency_id"
            )
        ]
        indexes = [
            models.Index(fields=["family_name", "date_of_birth"]),
            models.Index(fields=["postcode"]),
            # Search fetches records by the given names a fuzzy match found, an agency's id
            # (unique only within its feed) or a date of birth.
            models.Index(fields=["given_names"], name="source_record_given_names"),
            models.Index(fields=["source_record_id"], name="source_record_agency_id"),
            models.Index(fields=["date_of_birth"], name="source_record_date_of_birth"),
        ]

    def __str__(self) -> str:
        return f"{self.feed_id}:{self.source_record_id}"


class Location(models.Model):
    kind = models.CharField(max_length=10, choices=LocationKind.choices, default=LocationKind.PLACE)
    name = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(max_length=8, blank=True, db_index=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    area_code = models.CharField(
        max_length=12, blank=True, db_index=True, help_text="The small area (LSOA) it lies in"
    )
    in_area = models.BooleanField(null=True, help_text="Inside the partnership's area")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "name", "postcode"], name="one_location_per_name_and_postcode"
            )
        ]


class Object(models.Model):
    """A thing that links people: a phone number, a vehicle, a social media handle."""

    kind = models.CharField(max_length=30, choices=ObjectKind.choices)
    value = models.CharField(max_length=100)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "value"], name="one_object")]


class ObjectLink(Provenance):
    object = models.ForeignKey(Object, on_delete=models.CASCADE, related_name="links")
    source_record = models.ForeignKey(
        SourceRecord, on_delete=models.CASCADE, related_name="object_links"
    )


class Relationship(Provenance):
    """One person related to another as an agency records them: FROM is the KIND of TO (a
    parent of, a sibling of, knows), from a relationships file, with the row it came from."""

    from_record = models.ForeignKey(
        SourceRecord, on_delete=models.CASCADE, related_name="relationships_from"
    )
    to_record = models.ForeignKey(
        SourceRecord, on_delete=models.CASCADE, related_name="relationships_to"
    )
    kind = models.CharField(max_length=20, choices=RelationshipKind.choices)
    started_at = models.DateField(null=True, blank=True)
    ended_at = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["from_record", "to_record", "kind"], name="one_relationship_per_kind"
            )
        ]


class ObjectContact(Provenance):
    """Two objects in contact (a call from one phone to another, a vehicle used by both),
    with when, from a contacts file; keyed on the agency's own id, or the file and row."""

    source_contact_id = models.CharField(max_length=200)
    from_object = models.ForeignKey(Object, on_delete=models.CASCADE, related_name="contacts_from")
    to_object = models.ForeignKey(Object, on_delete=models.CASCADE, related_name="contacts_to")
    kind = models.CharField(max_length=20, choices=ContactKind.choices)
    occurred_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["feed", "source_contact_id"], name="one_object_contact_per_agency_id"
            )
        ]


class BulkProvenance(Provenance):
    """Provenance for the tables an import writes by the hundred thousand: events,
    involvements and identifiers.

    The import creates their feed and batch first, in the same transaction, and Django keeps
    both from being deleted while rows point at them (PROTECT), so the database does not check
    these two keys again for every row: on PostgreSQL those checks cost more than the writes.
    Nothing looks rows up by feed or batch (the feed leads the unique constraints' indexes),
    so the keys carry no index of their own either."""

    feed = models.ForeignKey(
        "sources.Feed",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    import_batch = models.ForeignKey(
        "sources.ImportBatch",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )

    class Meta:
        abstract = True


class Identifier(BulkProvenance):
    """An identifier (NHS number, UPN, any kind a feed declares) on a source record, with the
    feed, batch and row that added it: the record's own file, or another feed's file that adds
    identifiers to it (`[adds_identifier]`). When a later row brings the same value again, the
    first row that added it stays its provenance."""

    source_record = models.ForeignKey(
        SourceRecord, on_delete=models.CASCADE, related_name="identifiers"
    )
    kind = models.CharField(max_length=30, choices=IdentifierKind.choices)
    value = models.CharField(max_length=50)
    valid = models.BooleanField(default=True, help_text="False when a check digit fails")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source_record", "kind", "value"], name="one_identifier_value_per_record"
            )
        ]
        indexes = [
            models.Index(fields=["kind", "value"]),
            models.Index(fields=["value"], name="identifier_value"),  # any kind, in search
        ]


class Event(BulkProvenance):
    """Something that happened, as one agency recorded it."""

    source_event_id = models.CharField(max_length=100, help_text="The agency's own id")
    event_type = models.CharField(max_length=40, choices=EventType.choices)
    occurred_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    location = models.ForeignKey(
        Location, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    description = models.TextField(blank=True)
    details = models.JSONField(
        default=dict,
        blank=True,
        help_text=("Type-specific facts, e.g. factor codes, missing risk grade, found location"),
    )
    last_seen_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When an extract last delivered it, changed or not: its retention runs from here",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["feed", "source_event_id"], name="one_event_per_agency_id"
            )
        ]
        indexes = [models.Index(fields=["event_type", "occurred_at"])]


class Involvement(BulkProvenance):
    """A person (as the agency recorded them) in an event, in a role."""

    # Found through the unique constraint's index (event first) and the (person, role) index.
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="involvements", db_index=False
    )
    source_record = models.ForeignKey(
        SourceRecord, on_delete=models.CASCADE, related_name="involvements"
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="involvements",
        help_text="Kept in step with the source record's person by linkage",
        db_index=False,
    )
    role = models.CharField(max_length=20, choices=InvolvementRole.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "source_record", "role"], name="one_involvement_per_role"
            )
        ]
        indexes = [models.Index(fields=["person", "role"])]
