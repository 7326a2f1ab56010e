"""The multi-agency panel: meetings in a series, what they discuss, decide and who acts."""

from django.conf import settings
from django.db import models


class SeriesKind(models.TextChoices):
    CHILDREN = "children", "Young people"
    CONTEXTS = "contexts", "Contexts (places, peer groups, schools)"


class MeetingSeries(models.Model):
    """A standing panel: e.g. the fortnightly VACS for young people, monthly for contexts."""

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=SeriesKind.choices)
    every_days = models.PositiveSmallIntegerField(default=14, help_text="How often it meets")
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="chaired_series"
    )
    co_chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="co_chaired_series",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="panel_series"
    )

    class Meta:
        verbose_name_plural = "meeting series"

    def __str__(self) -> str:
        return self.name


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    HELD = "held", "Held, minutes in draft"
    CLOSED = "closed", "Minutes agreed"


class Meeting(models.Model):
    series = models.ForeignKey(
        MeetingSeries, on_delete=models.PROTECT, null=True, blank=True, related_name="meetings"
    )
    title = models.CharField(max_length=200)
    held_on = models.DateField()
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="chaired_meetings"
    )
    co_chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="co_chaired_meetings",
    )
    agencies_present = models.ManyToManyField("access.Agency", blank=True, related_name="+")
    status = models.CharField(
        max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    minutes = models.TextField(blank=True, help_text="The chair's summary for the minutes")
    agenda_built_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    minutes_agreed_at = models.DateTimeField(null=True, blank=True)
    minutes_agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.title}, {self.held_on:%d %B %Y}"


class Attendance(models.TextChoices):
    PRESENT = "present", "Present"
    APOLOGIES = "apologies", "Apologies"
    ABSENT = "absent", "Absent without apologies"


class Attendee(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    attendance = models.CharField(max_length=10, choices=Attendance.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="one_attendance_per_meeting")
        ]


class ItemRule(models.TextChoices):
    """Why an item is on the agenda: one of the builder's rules, or added by hand."""

    NEWLY_HIGH = "newly_high", "Newly high on the tracker"
    RISING = "rising", "Rising on the tracker"
    OVERRIDE_DUE = "override_due", "Level override due for review"
    OVERDUE_ACTIONS = "overdue_actions", "Overdue panel actions"
    CONTEXT_REVIEW = "context_review", "Context due for review"
    EMERGING_HOTSPOT = "emerging_hotspot", "New emerging hotspot"
    PROPOSED_CONTEXT = "proposed_context", "Context proposed from the evidence"
    BY_HAND = "by_hand", "Added by the chair"


class AgendaItem(models.Model):
    """A young person or a context to discuss: exactly one of the two."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    order = models.PositiveIntegerField()
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_items",
    )
    context = models.ForeignKey(
        "contexts.Context",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_items",
    )
    rule = models.CharField(max_length=20, choices=ItemRule.choices, default=ItemRule.BY_HAND)
    reason = models.TextField(blank=True)
    lead_agency = models.ForeignKey(
        "access.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    minutes_allotted = models.PositiveSmallIntegerField(default=10)
    # The voluntary sector sees an item only when invited to it (panel/sharing.py). Items made
    # outside the agenda builder before this field existed stay shared, as they were.
    voluntary_sector_invited = models.BooleanField(default=True)
    discussion = models.TextField(blank=True)
    # Health information shared at the meeting: kept apart so that only health and the
    # statutory partners on the panel see it (the single view's rule; panel/minutes.py).
    health_notes = models.TextField(blank=True)
    discussed = models.BooleanField(default=False)

    class Meta:
        ordering = ["meeting", "order"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(person__isnull=False, context__isnull=True)
                    | models.Q(person__isnull=True, context__isnull=False)
                ),
                name="agenda_item_is_a_person_or_a_context",
            )
        ]


class DecisionKind(models.TextChoices):
    KEEP_ON_TRACKER = "keep", "Keep on the tracker"
    STRATEGY_MEETING = "strategy", "Escalate to a strategy meeting"
    REFER_TO_NRM = "nrm", "Refer to the National Referral Mechanism"
    CONTEXT_CONFERENCE = "conference", "Hold a context conference"
    CLOSE = "close", "Close to the panel"


class Decision(models.Model):
    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(
        max_length=20, choices=DecisionKind.choices, default=DecisionKind.KEEP_ON_TRACKER
    )
    text = models.TextField(help_text="The reason for the decision")
    decided_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # What recording it did in a context's workflow (panel/conference.py), said to the chair;
    # not stored: the steps themselves name the decision.
    follow_up: str = ""


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class Action(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="panel_actions",
    )
    owner_agency = models.ForeignKey("access.Agency", on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    status = models.CharField(
        max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True, null=True)
    # Set once, when the action is first found overdue: from then on the chair sees it and it
    # goes on every agenda until it closes.
    escalated_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["status", "due_on"])]
