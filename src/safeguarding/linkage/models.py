"""Linkage's own records: the scored pairs, people's decisions on them, and the model versions."""

from django.conf import settings
from django.db import models


class LinkPair(models.Model):
    """Two source records the model scored, kept when the score could matter: it links them,
    or it falls in the review band. `record_a` is always the lower id."""

    record_a = models.ForeignKey(
        "people.SourceRecord", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    record_b = models.ForeignKey("people.SourceRecord", on_delete=models.CASCADE, related_name="+")
    match_weight = models.FloatField()
    match_probability = models.FloatField()
    model_version = models.CharField(max_length=40)
    # The comparison level (Splink's gamma) each comparison reached: the waterfall's input.
    levels = models.JSONField(default=dict)
    held_for_review = models.BooleanField(
        default=False, help_text="The model alone may not link these records: a person decides"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record_a", "record_b"], name="one_pair_per_records")
        ]
        indexes = [models.Index(fields=["match_probability"], name="link_pair_probability")]


class LinkDecisionKind(models.TextChoices):
    SAME_PERSON = "same_person", "Same person"
    NOT_SAME_PERSON = "not_same_person", "Not the same person"
    NOT_SURE = "not_sure", "Not sure"


class LinkDecisionOrigin(models.TextChoices):
    REVIEW = "review", "Review queue"
    MERGE = "merge", "Merge"
    UNMERGE = "unmerge", "Unmerge"


class LinkDecision(models.Model):
    """A person's judgement on whether two source records are the same young person.

    Decisions in force (not superseded) win over the model on every later run."""

    record_a = models.ForeignKey("people.SourceRecord", on_delete=models.CASCADE, related_name="+")
    record_b = models.ForeignKey("people.SourceRecord", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=LinkDecisionKind.choices)
    origin = models.CharField(
        max_length=10, choices=LinkDecisionOrigin.choices, default=LinkDecisionOrigin.REVIEW
    )
    reason = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="link_decisions"
    )
    decided_at = models.DateTimeField(auto_now_add=True)
    match_weight = models.FloatField(null=True, blank=True, help_text="The model's weight then")
    superseded_at = models.DateTimeField(
        null=True, blank=True, help_text="When a later decision on these records replaced it"
    )

    class Meta:
        ordering = ["-decided_at"]
        indexes = [models.Index(fields=["record_a", "record_b"])]
        constraints = [
            models.CheckConstraint(condition=~models.Q(reason=""), name="link_decision_has_reason")
        ]


class LinkModelVersion(models.Model):
    version = models.CharField(max_length=40, unique=True)
    trained_at = models.DateTimeField()
    path = models.CharField(max_length=300)
    threshold = models.FloatField()
    summary = models.JSONField(default=dict, blank=True)
