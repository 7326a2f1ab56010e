from django.contrib import admin

from safeguarding.sources.models import Feed, ImportBatch


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    list_display = ["name", "agency", "isa_reference", "retention_days"]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = [
        "file_name",
        "feed",
        "status",
        "rows_read",
        "rows_imported",
        "rows_quarantined",
        "started_at",
    ]
    list_filter = ["feed", "status"]


# Quarantined rows hold rows as the agency sent them: read on the batch page, through the
# need-to-know gate, never in the admin pages (docs/security.md).
