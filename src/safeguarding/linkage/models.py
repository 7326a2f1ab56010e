"""Recorded linkage decisions, which win over the model on every later run."""

from django.conf import settings
from django.db import models


class LinkDecisionKind(models.TextChoices):
    SAME_PERSON = "same_person", "Same person"
    NOT_SAME_PERSON = "not_same_person", "Not the same person"
    NOT_SURE = "not_sure", "Not sure"


class LinkDecision(models.Model):
    """A person's judgement on whether two source records are the same young person."""

    record_a = models.ForeignKey("people.SourceRecord", on_delete=models.CASCADE, related_name="+")
    record_b = models.ForeignKey("people.SourceRecord", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=LinkDecisionKind.choices)
    reason = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="link_decisions"
    )
    decided_at = models.DateTimeField(auto_now_add=True)
    match_weight = models.FloatField(null=True, blank=True, help_text="The model's weight then")

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
