from django.contrib import admin

from safeguarding.people.models import Event, Involvement, Location, Object, Person, SourceRecord


class SourceRecordInline(admin.TabularInline):
    model = SourceRecord
    fields = ("feed", "source_record_id", "match_weight")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["pk", "restricted", "updated_at"]
    list_filter = ["restricted"]
    filter_horizontal = ["allowed_users"]
    inlines = [SourceRecordInline]


@admin.register(SourceRecord)
class SourceRecordAdmin(admin.ModelAdmin):
    list_display = ["source_record_id", "feed", "person", "import_batch"]
    list_filter = ["feed"]
    search_fields = ["source_record_id"]
    raw_id_fields = ["person", "import_batch"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["source_event_id", "event_type", "occurred_at", "feed"]
    list_filter = ["event_type", "feed"]
    raw_id_fields = ["location", "import_batch"]


admin.site.register([Involvement, Location, Object])
