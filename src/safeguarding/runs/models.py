"""A record of each run of a batch stage (geography, import, link, score, analyse).

Its own small app, underneath every stage beside access and common: the pipeline (above all
apps) records its stages here, and a stage's entry point lower down (the upload task in
sources) records through the same function without reaching up.
"""

from django.conf import settings
from django.db import models


class StageStatus(models.TextChoices):
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    SKIPPED = "skipped", "Skipped (nothing to do)"
    FAILED = "failed", "Failed"


class StageRun(models.Model):
    stage = models.CharField(max_length=20)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=StageStatus.choices, default=StageStatus.RUNNING
    )
    counts = models.JSONField(default=dict, blank=True, help_text="What the stage did, counted")
    started_by = models.CharField(
        max_length=200, help_text="The command, task or person that started the run"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    error = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["-started_at"], name="stage_run_recent")]

    def __str__(self) -> str:
        return f"{self.stage} at {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()
