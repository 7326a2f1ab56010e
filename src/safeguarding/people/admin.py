"""Administrators manage who may open a restricted record; they do not read people's records.

A person appears here by Hub id alone (no name, no records), so that an administrator can
restrict a record and name the users who may open it when its owner asks. Everything else about
people is read on the person page, through the need-to-know gate (docs/security.md).
"""

from django.contrib import admin

from safeguarding.access import audit
from safeguarding.access.models import AuditAction, AuditObject
from safeguarding.people.models import Person


@admin.register(Person)
class PersonRestrictionAdmin(admin.ModelAdmin):
    list_display = ["pk", "restricted"]
    list_filter = ["restricted"]
    search_fields = ["=pk"]
    fields = ["restricted", "allowed_users"]
    filter_horizontal = ["allowed_users"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Who may open a record is itself sensitive: every look at it is audited.
        audit.record(
            action=AuditAction.VIEW,
            request=request,
            object_type=AuditObject.PERSON,
            object_id=object_id,
            detail={"via": "admin", "fields": ["restricted", "allowed_users"]},
        )
        return super().change_view(request, object_id, form_url, extra_context)
