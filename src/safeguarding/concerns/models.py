"""Concerns reported by partners and the public, and their triage.

A report lands first in `Report`, a plain table written before anything else is done with it,
so that what someone saw is kept even if the rest fails; `Concern` is the partnership's working
copy of it, triaged by an analyst into the records (an event with its people, place and objects).
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from safeguarding.people.enumerations import InvolvementRole, ObjectKind


class PartnerOrganisation(models.Model):
    """A registered partner (a taxi firm, a hotel group): its reports carry its name."""

    name = models.CharField(max_length=200, unique=True)
    sector = models.CharField(max_length=40)
    code = models.SlugField(
        max_length=40, unique=True, help_text="Given to the partner to enter on the form"
    )
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(max_length=200, blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Report(models.Model):
    """What the public form received, exactly as cleaned, written first and never edited."""

    reference = models.CharField(max_length=12, unique=True)
    received_at = models.DateTimeField()
    answers = models.JSONField()
    indicator_version = models.CharField(max_length=20)
    # A keyed hash of the sender's network address: enough to count reports per address for the
    # rate limit, without keeping the address itself.
    address_hash = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["address_hash", "received_at"])]


class Priority(models.IntegerChoices):
    IMMEDIATE = 1, "A child in danger now"
    HIGH = 2, "High"
    ROUTINE = 3, "Routine"


class Status(models.TextChoices):
    NEW = "new", "New"
    ASSIGNED = "assigned", "Being triaged"
    DONE = "done", "Triaged"
    MERGED = "merged", "Merged into another report"


class Outcome(models.TextChoices):
    INTELLIGENCE = "intelligence", "Intelligence logged"
    REFERRAL = "referral", "Referral to children's social care"
    POLICE = "police", "Passed to police"
    NO_FURTHER_ACTION = "no_further_action", "No further action"


OPEN_STATUSES = (Status.NEW, Status.ASSIGNED)


def month_received(moment: datetime.datetime) -> datetime.date:
    """The first day of the local month a report arrived in: stored, so the board's counts are
    one GROUP BY on both databases (SQLite would otherwise convert every row's time in Python)."""
    return timezone.localtime(moment).date().replace(day=1)


class Concern(models.Model):
    report = models.OneToOneField(Report, on_delete=models.PROTECT, related_name="concern")
    reference = models.CharField(max_length=12, unique=True)
    received_at = models.DateTimeField()
    received_month = models.DateField(help_text="First day of the local month received")
    sector = models.CharField(max_length=40)
    organisation = models.ForeignKey(
        PartnerOrganisation, on_delete=models.SET_NULL, null=True, blank=True
    )
    anonymous = models.BooleanField(default=True)
    reporter_name = models.CharField(max_length=200, blank=True)
    reporter_contact = models.CharField(max_length=200, blank=True)
    seen_at = models.DateTimeField(null=True, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    address = models.CharField(max_length=300, blank=True)
    # A point the reporter picked on the form's map (WGS84), inside the partnership's bounds.
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    indicators = models.JSONField(default=list, blank=True)
    danger_now = models.BooleanField(default=False)
    what_happened = models.TextField(blank=True)
    people_described = models.TextField(blank=True)

    priority = models.PositiveSmallIntegerField(choices=Priority.choices)
    due_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged"
    )
    location = models.ForeignKey(
        "people.Location", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    outcome_reason = models.TextField(blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    triaged_at = models.DateTimeField(null=True, blank=True)
    event = models.ForeignKey(
        "people.Event", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    feedback = models.TextField(blank=True, help_text="What the reporter was told, if anything")
    feedback_at = models.DateTimeField(null=True, blank=True)
    feedback_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    feedback_emailed = models.BooleanField(
        default=False, help_text="Sent by email to the address the reporter left"
    )

    class Meta:
        permissions = [("view_concern_counts", "Can view counts of concerns by sector and month")]
        constraints = [
            # A point is both coordinates or neither, and on the earth.
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (
                    Q(latitude__isnull=False, longitude__isnull=False)
                    & Q(latitude__range=(-90, 90), longitude__range=(-180, 180))
                ),
                name="concern_point_on_earth",
            )
        ]
        indexes = [
            # The board's counts: one GROUP BY over these columns alone.
            models.Index(fields=["received_month", "sector", "status"], name="concern_board"),
            models.Index(
                fields=["received_month", "organisation", "status"],
                name="concern_board_organisation",
            ),
            models.Index(fields=["status", "priority", "due_at"], name="concern_queue"),
            models.Index(fields=["postcode", "seen_at"], name="concern_place_time"),
            models.Index(fields=["received_at"], name="concern_received"),
            models.Index(fields=["status", "-triaged_at"], name="concern_triaged"),
        ]

    def __str__(self) -> str:
        return self.reference


class ConcernObject(models.Model):
    """A vehicle, phone or handle named in a report; tied to people's objects at triage."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="named_objects")
    kind = models.CharField(max_length=30, choices=ObjectKind.choices)
    value = models.CharField(max_length=100, help_text="Normalised: upper case, no spaces")
    object = models.ForeignKey(
        "people.Object", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["kind", "value"], name="concern_object_value")]


class ConcernPerson(models.Model):
    """A person in the records whom the analyst found in the report, in a role."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="people")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=20, choices=InvolvementRole.choices)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["concern", "person", "role"], name="one_concern_person_per_role"
            )
        ]
