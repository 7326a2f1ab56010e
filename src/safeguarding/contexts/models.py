"""Contexts assessed in their own right: places, peer groups and schools, and the Contextual
Safeguarding workflow each goes through (referral, screening, assessment, conference, plan,
reviews), every step kept with its author and date."""

from django.conf import settings
from django.db import models


class ContextKind(models.TextChoices):
    LOCATION = "location", "Place"
    PEER_GROUP = "peer_group", "Peer group"
    SCHOOL = "school", "School"


class Reliability(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed by more than one source"
    PROBABLE = "probable", "Probable"
    SUSPECTED = "suspected", "Suspected, not confirmed"


class Stage(models.TextChoices):
    """Where a context is in the workflow: the stage of its latest step."""

    PROPOSED = "proposed", "Proposed from the evidence"
    REFERRED = "referred", "Referred"
    SCREENED = "screened", "Screened"
    ASSESSED = "assessed", "Assessed"
    CONFERENCE = "conference", "Context conference held"
    PLAN = "plan", "Plan in place"
    REVIEWED = "reviewed", "Reviewed"
    CLOSED = "closed", "Closed"


class Context(models.Model):
    kind = models.CharField(max_length=20, choices=ContextKind.choices)
    name = models.CharField(max_length=200)
    location = models.ForeignKey(
        "people.Location", on_delete=models.SET_NULL, null=True, blank=True, related_name="contexts"
    )
    school = models.ForeignKey(
        "places.School", on_delete=models.SET_NULL, null=True, blank=True, related_name="contexts"
    )
    # Where it is on the map: a location's or school's point, or a hotspot cell's centre.
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    description = models.TextField(blank=True)
    guardianship = models.TextField(
        blank=True, help_text="Adults and services with a caring presence"
    )
    physical_environment = models.TextField(blank=True)
    policies = models.TextField(blank=True)
    strengths = models.TextField(blank=True)
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.REFERRED)
    # What proposed it (a hotspot cell, an address, a school, a group seen together), kept so a
    # proposal is made once: the same evidence does not propose the same context twice.
    proposed_from = models.CharField(max_length=200, blank=True, db_index=True)
    evidence = models.TextField(blank=True, help_text="Why it was proposed, in words")
    review_due = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ContextMember(models.Model):
    """A young person connected to a context, with where that came from, how sure it is, when,
    and how much this context matters for them ("context weighting")."""

    context = models.ForeignKey(Context, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="contexts")
    source = models.CharField(max_length=200)
    reliability = models.CharField(max_length=20, choices=Reliability.choices)
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    weighting = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="1 (a minor part of the harm) to 3 (the main context)"
    )
    weighting_reason = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["context", "person"], name="one_membership_per_context")
        ]


class StepKind(models.TextChoices):
    REFERRAL = "referral", "Referral"
    SCREENING = "screening", "Screening"
    ASSESSMENT = "assessment", "Assessment"
    CONFERENCE = "conference", "Context conference"
    PLAN = "plan", "Plan"
    REVIEW = "review", "Review"
    CLOSURE = "closure", "Closure"


class ContextStep(models.Model):
    """One step of the workflow, as recorded: never changed afterwards, so the history stays."""

    context = models.ForeignKey(Context, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(max_length=20, choices=StepKind.choices)
    occurred_on = models.DateField()
    summary = models.TextField()
    # The step's own fields (who referred and why, the triangle's sides, the conference's
    # decision, the next review date), as the form for that step collects them.
    details = models.JSONField(default=dict, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_on", "pk"]


class Partner(models.TextChoices):
    POLICE = "police", "Police (e.g. patrols, disruption)"
    LICENSING = "licensing", "Licensing"
    YOUTH_WORK = "youth_work", "Youth work"
    TRANSPORT = "transport", "Transport"
    SCHOOL = "school", "The school"
    SOCIAL_CARE = "social_care", "Children's social care"
    COMMUNITY_SAFETY = "community_safety", "Community safety"
    OTHER = "other", "Other partner"


class ContextActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class ContextAction(models.Model):
    """An action of a context's plan, owned by a partner."""

    context = models.ForeignKey(Context, on_delete=models.CASCADE, related_name="actions")
    plan = models.ForeignKey(ContextStep, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    partner = models.CharField(max_length=20, choices=Partner.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    due_on = models.DateField()
    status = models.CharField(
        max_length=10, choices=ContextActionStatus.choices, default=ContextActionStatus.OPEN
    )
    outcome = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
