"""Contexts assessed in their own right: places, peer groups and schools."""

from django.conf import settings
from django.db import models


class ContextKind(models.TextChoices):
    LOCATION = "location", "Location"
    PEER_GROUP = "peer_group", "Peer group"
    SCHOOL = "school", "School"


class Reliability(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed by more than one source"
    PROBABLE = "probable", "Probable"
    SUSPECTED = "suspected", "Suspected, not confirmed"


class Context(models.Model):
    kind = models.CharField(max_length=20, choices=ContextKind.choices)
    name = models.CharField(max_length=200)
    location = models.ForeignKey(
        "people.Location", on_delete=models.SET_NULL, null=True, blank=True, related_name="contexts"
    )
    description = models.TextField(blank=True)
    guardianship = models.TextField(
        blank=True, help_text="Adults and services with a caring presence"
    )
    physical_environment = models.TextField(blank=True)
    policies = models.TextField(blank=True)
    strengths = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class ContextMember(models.Model):
    """A young person connected to a context, with where that came from and how sure it is."""

    context = models.ForeignKey(Context, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="contexts")
    source = models.CharField(max_length=200)
    reliability = models.CharField(max_length=20, choices=Reliability.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["context", "person"], name="one_membership_per_context")
        ]


class ContextAssessment(models.Model):
    context = models.ForeignKey(Context, on_delete=models.CASCADE, related_name="assessments")
    assessed_on = models.DateField()
    summary = models.TextField()
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )


class ContextPlan(models.Model):
    context = models.ForeignKey(Context, on_delete=models.CASCADE, related_name="plans")
    safety_goals = models.TextField()
    responses = models.TextField(blank=True)
    measures = models.TextField(blank=True, help_text="How change in the context is measured")
    review_due = models.DateField(null=True, blank=True)
