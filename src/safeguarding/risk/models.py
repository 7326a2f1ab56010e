"""Risk assessments with the evidence behind them, and professional overrides."""

from django.conf import settings
from django.db import models


class Level(models.TextChoices):
    NONE = "none", "No current risk"
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class Trajectory(models.TextChoices):
    NEW = "new", "Newly identified"
    RISING = "rising", "Rising"
    STEADY = "steady", "Steady"
    FALLING = "falling", "Falling"


class Recency(models.TextChoices):
    CURRENT = "current", "Current (within 3 months)"
    PREVIOUS = "previous", "Previous (3 to 6 months)"


class RiskAssessment(models.Model):
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="risk_assessments"
    )
    as_of = models.DateField()
    score = models.FloatField()
    level = models.CharField(max_length=10, choices=Level.choices)
    trajectory = models.CharField(max_length=10, choices=Trajectory.choices, default=Trajectory.NEW)
    catalogue_version = models.CharField(max_length=20)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "as_of", "catalogue_version"],
                name="one_assessment_per_person_and_date",
            )
        ]
        indexes = [models.Index(fields=["as_of", "level", "score"])]


class IndicatorHit(models.Model):
    assessment = models.ForeignKey(RiskAssessment, on_delete=models.CASCADE, related_name="hits")
    indicator_id = models.CharField(max_length=60)
    recency = models.CharField(max_length=10, choices=Recency.choices)
    weight = models.FloatField()
    evidence = models.ManyToManyField("people.Event", blank=True, related_name="+")


class Override(models.Model):
    """A level set by a professional, shown beside the computed one and never silently replaced."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="overrides")
    level = models.CharField(max_length=10, choices=Level.choices)
    reason = models.TextField()
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="risk_overrides"
    )
    set_at = models.DateTimeField(auto_now_add=True)
    review_by = models.DateField(null=True, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~models.Q(reason=""), name="override_has_reason")
        ]
