from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguarding.access import admin_actions
from safeguarding.access.models import Agency, AuditEvent, User


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]


@admin.register(User)
class SafeguardingUserAdmin(UserAdmin):
    list_display = ["username", "first_name", "last_name", "agency", "is_active"]
    list_filter = ["agency", "groups", "is_active"]
    actions = [admin_actions.unlock_sign_in, admin_actions.reset_two_factor]
    # django-stubs types fieldsets as optional on every admin; UserAdmin always sets it.
    fieldsets = [*UserAdmin.fieldsets, ("Agency", {"fields": ["agency"]})]  # type: ignore[misc]
    add_fieldsets = [*UserAdmin.add_fieldsets, ("Agency", {"fields": ["agency"]})]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is append-only."""

    list_display = ["sequence", "occurred_at", "username", "action", "object_type", "object_id"]
    list_filter = ["action", "object_type"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Authenticators' secrets and recovery codes are never shown, even to administrators (one could
# copy a secret and pass as that user): an administrator resets a user's two-factor instead, with
# the action on the Users page, which is audited.
for device in (StaticDevice, TOTPDevice):
    if admin.site.is_registered(device):
        admin.site.unregister(device)
