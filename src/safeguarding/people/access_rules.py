"""Need to know: who may open which person's record, and what of it they see.

The rules are documented for users in docs/single-view.md; every rule has a test with the cast.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone

from safeguarding.access import audit
from safeguarding.access.models import AgencyKind, AuditAction
from safeguarding.panel.models import AgendaItem
from safeguarding.people.enumerations import EventType
from safeguarding.people.models import Person

HEALTH_DETAIL_ROLES = {"panel_chair", "panel_member"}

# A voluntary-sector partner sits on the panel but is not a statutory partner: it sees a young
# person only while the panel is discussing them (on the agenda of a meeting in the future or held
# within one review cycle, DOMAIN.md: reviews every 6 weeks to 3 months), and then only what the
# panel needs from it: who the young person is, their missing history, partners' concern reports,
# which services are involved, and the panel's own history and actions.
VOLUNTARY_SECTOR_SHARING_DAYS = 90
VOLUNTARY_SECTOR_EVENT_TYPES = frozenset(
    {EventType.MISSING_EPISODE, EventType.RETURN_INTERVIEW, EventType.CONCERN_REPORT}
)


def is_voluntary_sector(user) -> bool:
    return bool(user.agency_id) and user.agency.kind == AgencyKind.VOLUNTARY_SECTOR


def on_a_current_agenda() -> Q:
    """People on the agenda of a panel meeting not yet held or held within the sharing window."""
    since = timezone.localdate() - datetime.timedelta(days=VOLUNTARY_SECTOR_SHARING_DAYS)
    agenda = AgendaItem.objects.filter(meeting__held_on__gte=since, person__isnull=False)
    return Q(pk__in=agenda.values("person_id"))


def people_visible_to(*, user) -> QuerySet[Person]:
    """The people this user may open: the filter every search and page uses."""
    if not user.has_perm("people.view_person"):
        return Person.objects.none()
    named = Person.allowed_users.through.objects.filter(user_id=user.pk)
    visible = Q(restricted=False) | Q(pk__in=named.values("person_id"))
    if is_voluntary_sector(user):
        visible &= on_a_current_agenda()
    return Person.objects.filter(visible)


def may_open_person(*, user, person) -> bool:
    """Restricted records (e.g. a relative of a member of staff) open only for named users;
    the voluntary sector opens only people the panel is discussing."""
    return people_visible_to(user=user).filter(pk=person.pk).exists()


def may_see_event_type(*, user, event_type: str) -> bool:
    return not is_voluntary_sector(user) or event_type in VOLUNTARY_SECTOR_EVENT_TYPES


def may_see_health_details(*, user) -> bool:
    """Health details beyond the kind of attendance: health staff and the statutory panel only."""
    if user.agency_id and user.agency.kind == AgencyKind.HEALTH:
        return True
    return bool(HEALTH_DETAIL_ROLES & set(user.role_names)) and not is_voluntary_sector(user)


def may_see_event_details(*, user, event) -> bool:
    if event.feed.agency.kind != AgencyKind.HEALTH:
        return True
    return may_see_health_details(user=user)


def may_see_connections(*, user) -> bool:
    """Peer mapping names other young people: not shared with the voluntary sector."""
    return not is_voluntary_sector(user)


def may_see_agency_identifiers(*, user) -> bool:
    """Agencies' own ids and identifiers (NHS number, UPN) are for the statutory partners."""
    return not is_voluntary_sector(user)


def refuse_unless_may_open(
    *, request, person: Person, purpose: str, object_type: str = "person"
) -> None:
    """The one way a page refuses a person's record: audited, then PermissionDenied."""
    if may_open_person(user=request.user, person=person):
        return
    audit.record(
        action=AuditAction.REFUSED,
        request=request,
        object_type=object_type,
        object_id=person.pk,
        purpose=purpose,
    )
    raise PermissionDenied("You may not open this record.")
