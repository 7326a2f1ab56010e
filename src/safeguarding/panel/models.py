"""The multi-agency panel: meetings, what they discuss, decide and who acts."""

from django.conf import settings
from django.db import models


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    HELD = "held", "Held"
    CLOSED = "closed", "Minutes agreed"


class Meeting(models.Model):
    title = models.CharField(max_length=200)
    held_on = models.DateField()
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="chaired_meetings"
    )
    agencies_present = models.ManyToManyField("access.Agency", blank=True, related_name="+")
    status = models.CharField(
        max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    minutes = models.TextField(blank=True)

    class Meta:
        ordering = ["-held_on"]


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
    reason = models.TextField(blank=True)
    discussion = models.TextField(blank=True)

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


class Decision(models.Model):
    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField()
    decided_at = models.DateTimeField(auto_now_add=True)


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

    class Meta:
        indexes = [models.Index(fields=["status", "due_on"])]
