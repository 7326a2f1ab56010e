"""Feeds, import batches and quarantined rows."""

from django.conf import settings
from django.db import models


class Feed(models.Model):
    """One kind of extract from one agency; its mapping lives in a feed file (feeds/*.toml)."""

    name = models.SlugField(max_length=60, unique=True)
    agency = models.ForeignKey("access.Agency", on_delete=models.PROTECT, related_name="feeds")
    title = models.CharField(max_length=200)
    lawful_basis = models.CharField(max_length=300)
    isa_reference = models.CharField("information-sharing agreement", max_length=100)
    retention_days = models.PositiveIntegerField()
    definition_path = models.CharField(max_length=300, blank=True)
    version = models.CharField(max_length=20, default="1")

    class Meta:
        ordering = ["name"]
        permissions = [("view_feed_register", "Can view the register of feeds (governance)")]

    def __str__(self) -> str:
        return self.name


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Importing"
    SUCCEEDED = "succeeded", "Imported"
    FAILED = "failed", "Failed"


class ImportBatch(models.Model):
    """One file imported through one feed. It lands whole or not at all."""

    feed = models.ForeignKey(Feed, on_delete=models.PROTECT, related_name="batches")
    file_name = models.CharField(max_length=300)
    checksum = models.CharField("SHA-256", max_length=64)
    raw_path = models.CharField(max_length=500, blank=True)
    feed_version = models.CharField(max_length=20, blank=True)
    status = models.CharField(max_length=10, choices=ImportStatus.choices)
    error = models.TextField(blank=True)
    rows_read = models.PositiveIntegerField(default=0)
    rows_imported = models.PositiveIntegerField(default=0)
    rows_quarantined = models.PositiveIntegerField(default=0)
    records_created = models.PositiveIntegerField(default=0)
    records_updated = models.PositiveIntegerField(default=0)
    quality_report = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="import_batches",
    )

    class Meta:
        verbose_name_plural = "import batches"
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["feed", "checksum", "status"])]

    def __str__(self) -> str:
        return f"{self.feed.name}: {self.file_name}"


class QuarantinedRow(models.Model):
    """A row that could not be imported, with where it was and a reason a person can act on."""

    import_batch = models.ForeignKey(
        ImportBatch, on_delete=models.CASCADE, related_name="quarantined_rows"
    )
    row_number = models.PositiveIntegerField(help_text="1 is the first row after the header")
    column = models.CharField(max_length=200, blank=True)
    reason = models.TextField()
    raw = models.JSONField(default=dict, blank=True, help_text="The row as it was read")
    released = models.BooleanField(default=False, help_text="Imported by a later batch")

    class Meta:
        ordering = ["import_batch", "row_number"]


class UndoEntry(models.Model):
    """What an unfinished batch stage (an import, a link, a scoring run) changed on SQLite, so
    that it can be undone after its chunks were committed (sources/chunked_writing.py): the rows
    a chunk added to a table (ids above row_id, up to last_row_id), or one row as it was before
    the stage changed or removed it (old_values). Emptied when the batch ends."""

    # Plain numbers, not foreign keys: an entry must outlive a batch row whose import was
    # interrupted, and the triggers that write the changed rows keep each entry small.
    stage = models.CharField(max_length=10, default="import")
    batch_id = models.BigIntegerField(help_text="An import's batch; 0 for a link or scoring run")
    table = models.CharField(max_length=100)
    row_id = models.BigIntegerField()
    last_row_id = models.BigIntegerField(null=True)
    old_values = models.TextField(null=True)

    objects = models.Manager()
