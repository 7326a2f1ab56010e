"""Agencies, users, and the append-only audit log."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.functional import cached_property


class AgencyKind(models.TextChoices):
    POLICE = "police", "Police"
    CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
    EDUCATION = "education", "Education"
    HEALTH = "health", "Health"
    YOUTH_JUSTICE = "youth_justice", "Youth justice"
    MISSING_SERVICE = "missing_service", "Missing service"
    VOLUNTARY_SECTOR = "voluntary_sector", "Voluntary sector"
    PARTNERSHIP = "partnership", "Partnership (analysts and board)"


class Agency(models.Model):
    """A partner organisation that shares data or whose staff use the system."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=40, choices=AgencyKind.choices)

    class Meta:
        verbose_name_plural = "agencies"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A member of staff. Belongs to exactly one agency; roles are Django groups."""

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    # Raised to end every session of this user at once (signing out, a reset of their second
    # factor): each session keeps a hash that covers it, and stops matching when it changes.
    session_generation = models.PositiveIntegerField(default=0, editable=False)

    def _get_session_auth_hash(self, secret=None):
        # Django's own hash covers the password only; ours adds the session generation.
        return salted_hmac(
            "safeguarding.access.User.get_session_auth_hash",
            f"{self.password}:{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    @cached_property
    def role_names(self) -> list[str]:
        return sorted(group.name for group in self.groups.all())

    @property
    def role_labels(self) -> list[str]:
        from safeguarding.access.roles import ROLE_LABELS

        return [ROLE_LABELS.get(name, name) for name in self.role_names]


class AuditAction(models.TextChoices):
    VIEW = "view", "Viewed"
    SEARCH = "search", "Searched"
    EXPORT = "export", "Exported"
    IMPORT = "import", "Imported"
    CHANGE = "change", "Changed"
    CREATE = "create", "Created"
    DELETE = "delete", "Deleted"
    REFUSED = "refused", "Refused access"
    LOGIN = "login", "Signed in"
    LOGIN_FAILED = "login_failed", "Sign-in failed"
    LOGOUT = "logout", "Signed out"
    ERASE = "erase", "Erased"
    BREAK_GLASS = "break_glass", "Break-glass access granted"
    LOCKED_OUT = "locked_out", "Locked out after failed sign-ins"
    UNLOCKED = "unlocked", "Sign-in lock removed"
    TWO_FACTOR_ENROLLED = "two_factor_enrolled", "Set up two-factor authentication"
    TWO_FACTOR_VERIFIED = "two_factor_verified", "Gave a two-factor code"
    TWO_FACTOR_FAILED = "two_factor_failed", "Two-factor code refused"
    TWO_FACTOR_RESET = "two_factor_reset", "Two-factor authentication reset"
    RECOVERY_CODES_ISSUED = "recovery_issued", "Recovery codes issued"


class AuditObject(models.TextChoices):
    """What an audit event is about: one value per kind of record or page, never free text."""

    PERSON = "person", "Person"
    PERSON_SEARCH = "person_search", "Search for people"
    SOURCE_RECORD = "source_record", "Source record"
    EVENT = "event", "Event"
    TRACKER = "tracker", "Vulnerability tracker"
    RISK_OVERRIDE = "risk_override", "Risk level override"
    LINK_REVIEW_QUEUE = "link_review_queue", "Linkage review queue"
    LINK_PAIR = "link_pair", "Pair of records"
    LINK_DECISION = "link_decision", "Linkage decision"
    LINKS = "links", "Every record's person (export)"
    IMPORT_BATCH = "import_batch", "Import batch"
    QUARANTINE = "quarantine", "Quarantined rows"
    FEED = "feed", "Feed"
    FEED_REGISTER = "feed_register", "Register of feeds"
    AUDIT_EVENT = "audit_event", "Audit log"
    USER = "user", "User"
    SIGN_IN_ADDRESS = "address", "Sign-in address"
    AGENCY = "agency", "Agency"
    ROLE = "role", "Role"
    PIPELINE_RUN = "pipeline_run", "Pipeline run"
    PLACES = "places", "Map and hotspots"
    NETWORK = "network", "Network of people, places and objects"
    CONTEXT = "context", "Context (place, peer group or school)"
    MEETING = "meeting", "Panel meeting"
    PANEL_ACTION = "panel_action", "Panel action"
    MINUTES = "minutes", "Panel minutes"
    CONCERN = "concern", "Concern reported by a partner or the public"
    RISK_EVALUATION = "risk_evaluation", "Tracker validation and fairness"
    ADMIN_RECORD = "admin_record", "Other record in the admin pages"


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Audit events are append-only.")

    def delete(self):
        raise PermissionError("Audit events are append-only.")


class AuditEvent(models.Model):
    """Who did what to which record, when, from where and why; chained by hash.

    Each event's hash covers its content and the previous event's hash, so altering or
    removing any row breaks the chain (`safeguarding audit verify`).
    """

    sequence = models.PositiveBigIntegerField(unique=True)
    occurred_at = models.DateTimeField(db_index=True)
    user = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_events"
    )
    username = models.CharField(max_length=150, blank=True)
    roles = models.CharField(max_length=300, blank=True)
    agency = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=20, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField(
        max_length=100, blank=True, db_index=True, choices=AuditObject.choices
    )
    object_id = models.CharField(max_length=100, blank=True, db_index=True)
    purpose = models.CharField(max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-sequence"]
        indexes = [models.Index(fields=["object_type", "object_id", "occurred_at"])]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events are append-only.")


class AuditChainHead(models.Model):
    """One row holding the latest sequence and hash; locking it serialises appends."""

    last_sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)


class BreakGlassGrant(models.Model):
    """An operator's time-limited grant for one user to open one record they otherwise may not
    (`safeguarding break-glass`); every read under it is audited as break-glass."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="break_glass_grants")
    object_type = models.CharField(max_length=100, choices=AuditObject.choices)
    object_id = models.CharField(max_length=100)
    reason = models.CharField(max_length=500)
    granted_by = models.CharField(max_length=150, help_text="The operator's account on the server")
    granted_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["user", "object_type", "object_id"])]
