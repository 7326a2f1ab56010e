"""Risk assessments with the evidence behind them, and professional overrides."""

from django.conf import settings
from django.db import models


class Level(models.TextChoices):
    NONE = "none", "No current risk"
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


LEVEL_RANK = {Level.NONE: 0, Level.LOW: 1, Level.MEDIUM: 2, Level.HIGH: 3}


class Trajectory(models.TextChoices):
    NEW = "new", "Newly identified"
    RISING = "rising", "Rising"
    STEADY = "steady", "Steady"
    FALLING = "falling", "Falling"


class Recency(models.TextChoices):
    CURRENT = "current", "Current (within 3 months)"
    PREVIOUS = "previous", "Previous (3 to 6 months)"


class ScoringRun(models.Model):
    """Everyone scored as of one date with one version of the indicator catalogue."""

    as_of = models.DateField()
    catalogue_version = models.CharField(max_length=20)
    computed_at = models.DateTimeField()
    people_assessed = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)
    weighting = models.CharField(
        max_length=10, default="expert", help_text="expert, or fitted on local history"
    )
    # False while a run is written in chunks (SQLite, risk/services.py) and while the run it
    # replaced is removed: the pages show complete runs only.
    complete = models.BooleanField(default=True)

    class Meta:
        ordering = ["-as_of", "-computed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["as_of", "catalogue_version"],
                condition=models.Q(complete=True),
                name="one_complete_run_per_date_and_catalogue",
            )
        ]

    def __str__(self) -> str:
        return f"Risk as of {self.as_of} (catalogue {self.catalogue_version})"


class RiskAssessment(models.Model):
    """One young person's score and level in a run; people with no indicator have none."""

    run = models.ForeignKey(ScoringRun, on_delete=models.CASCADE, related_name="assessments")
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="risk_assessments"
    )
    score = models.FloatField()
    vulnerability_score = models.FloatField(
        default=0, help_text="The part of the score from vulnerabilities"
    )
    level = models.CharField(max_length=10, choices=Level.choices)
    computed_level = models.CharField(
        max_length=10, choices=Level.choices, help_text="The level the score alone gives"
    )
    rules_applied = models.CharField(
        max_length=40, blank=True, help_text="A hard rule that raised the level"
    )
    trajectory = models.CharField(max_length=10, choices=Trajectory.choices, default=Trajectory.NEW)
    previous_score = models.FloatField(null=True, blank=True)
    current_indicators = models.PositiveIntegerField(default=0)
    # What the tracker filters on, as it was on the as-of date.
    age = models.PositiveIntegerField(null=True, blank=True)
    community_area = models.CharField(max_length=100, blank=True)
    school_urn = models.CharField(max_length=10, blank=True)
    agencies = models.CharField(max_length=300, blank=True, help_text="`,code,code,`")
    exploitation_types = models.CharField(max_length=100, blank=True, help_text="`,cce,cse,`")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "person"], name="one_assessment_per_run")
        ]
        permissions = [("export_tracker", "Can download the tracker as CSV")]
        indexes = [models.Index(fields=["run", "score"]), models.Index(fields=["person", "run"])]


class IndicatorHit(models.Model):
    assessment = models.ForeignKey(RiskAssessment, on_delete=models.CASCADE, related_name="hits")
    indicator_id = models.CharField(max_length=60)
    recency = models.CharField(max_length=10, choices=Recency.choices)
    weight = models.FloatField(help_text="What it added to the score")
    count = models.PositiveIntegerField(default=1, help_text="Events or episodes in its window")
    latest = models.DateTimeField(null=True, blank=True)
    evidence = models.ManyToManyField("people.Event", blank=True, related_name="+")


class Override(models.Model):
    """A level set by a professional, shown beside the computed one and never silently replaced."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="overrides")
    level = models.CharField(max_length=10, choices=Level.choices)
    computed_level = models.CharField(
        max_length=10, choices=Level.choices, blank=True, help_text="The computed level then"
    )
    reason = models.TextField()
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="risk_overrides"
    )
    set_at = models.DateTimeField(auto_now_add=True)
    review_by = models.DateField(null=True, blank=True)
    active = models.BooleanField(default=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    end_reason = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~models.Q(reason=""), name="override_has_reason"),
            # Setting a level ends the one before (services.set_override); the tracker joins
            # the one in force, so two at once would list the person twice.
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(active=True), name="one_active_override"
            ),
        ]
        indexes = [models.Index(fields=["person", "active"])]


class Validation(models.Model):
    """A check of the tracker's ranking against what happened: accuracy, lead time, fairness.

    `measures` holds the report (risk.evaluation.Validation as a dict); `worst_ratio` is the
    largest between-group ratio of false-positive or flag rates, which the tracker warns about
    when it passes the catalogue's fairness limit.
    """

    computed_at = models.DateTimeField()
    catalogue_version = models.CharField(max_length=20)
    weighting = models.CharField(max_length=10, default="expert")
    label = models.CharField(max_length=200, help_text="What was checked against what")
    worst_ratio = models.FloatField(null=True, blank=True)
    worst_ratio_between = models.CharField(max_length=100, blank=True)
    fairness_limit = models.FloatField(default=1.25)
    measures = models.JSONField(default=dict)

    objects: "models.Manager[Validation]" = models.Manager()

    class Meta:
        ordering = ["-computed_at"]

    @property
    def over_limit(self) -> bool:
        return self.worst_ratio is not None and self.worst_ratio > self.fairness_limit
