from django.contrib import admin

from safeguarding.sources.models import Feed, ImportBatch, QuarantinedRow


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


admin.site.register(QuarantinedRow)
