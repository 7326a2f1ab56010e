"""Need to know: who may open which person's record, and what of it they see.

The rules are documented for users in docs/single-view.md; every rule has a test with the cast.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from safeguarding.access.models import AgencyKind, AuditObject
from safeguarding.access.need_to_know import Grant, open_for
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


# The panel owns its agenda and comes after people in the flow, so people cannot ask it
# directly: the panel app registers, when it loads, the query for the ids of the people it is
# discussing (meetings not yet held, or held within the sharing window). Until one is
# registered the voluntary sector sees no one.
_people_the_panel_is_discussing: Callable[[int], QuerySet] | None = None


def register_panel_discussion(query: Callable[[int], QuerySet]) -> None:
    """`query(sharing_days)` gives the ids of the people on a current panel agenda."""
    global _people_the_panel_is_discussing
    _people_the_panel_is_discussing = query


def on_a_current_agenda() -> Q:
    """People on the agenda of a panel meeting not yet held or held within the sharing window."""
    if _people_the_panel_is_discussing is None:
        return Q(pk__in=[])
    return Q(pk__in=_people_the_panel_is_discussing(VOLUNTARY_SECTOR_SHARING_DAYS))


def people_visible_to(*, user) -> QuerySet[Person]:
    """The people this user may open: the filter every search and page uses."""
    if not user.has_perm("people.view_person"):
        return Person.objects.none()
    named = Person.allowed_users.through.objects.filter(user_id=user.pk)
    visible = Q(restricted=False) | Q(pk__in=named.values("person_id"))
    if is_voluntary_sector(user):
        visible &= on_a_current_agenda()
    return Person.objects.filter(visible)


@dataclass(frozen=True)
class Visibility:
    """Whom a user may open, held as the few ids that decide it, for lists kept in a cache shared
    by every user (the tracker) and filtered per user after it: the restricted records not
    shared with them and, for the voluntary sector, the only people it may see (who the panel
    is discussing). Everyone else sees every unrestricted record, so no list of the whole
    county is read for them."""

    only: frozenset[int] | None  # when set, no one outside it may be opened
    restricted_hidden: frozenset[int]  # restricted people this user may not open

    def may_open(self, person_id: int) -> bool:
        return person_id not in self.restricted_hidden and (
            self.only is None or person_id in self.only
        )


def visibility_for(*, user) -> Visibility:
    """`people_visible_to` as ids: the same rule, without reading every person's id."""
    visible = people_visible_to(user=user)
    restricted_hidden = frozenset(
        Person.objects.filter(restricted=True)
        .exclude(pk__in=visible.values("pk"))
        .values_list("pk", flat=True)
    )
    if user.has_perm("people.view_person") and not is_voluntary_sector(user):
        return Visibility(only=None, restricted_hidden=restricted_hidden)
    return Visibility(
        only=frozenset(visible.values_list("pk", flat=True)), restricted_hidden=restricted_hidden
    )


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


def open_person(
    request,
    *,
    person: Person,
    permission: str = "people.view_person",
    object_type: AuditObject = AuditObject.PERSON,
) -> Grant:
    """The gate for one person's record: the role's permission, the purpose, then need to know
    (restricted records, the voluntary sector's window)."""
    return open_for(
        request,
        object_type=object_type,
        object_id=person.pk,
        permission=permission,
        allowed=lambda: may_open_person(user=request.user, person=person),
    )
