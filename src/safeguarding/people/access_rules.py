"""Need to know: who may open which person's record."""


def may_open_person(*, user, person) -> bool:
    """Restricted records (e.g. a relative of a member of staff) open only for named users."""
    if not user.has_perm("people.view_person"):
        return False
    if person.restricted:
        return person.allowed_users.filter(pk=user.pk).exists()
    return True


HEALTH_DETAIL_ROLES = {"panel_chair", "panel_member"}


def may_see_health_details(*, user) -> bool:
    """Health details beyond the kind of attendance are for health staff and the panel only."""
    agency_kind = user.agency.kind if user.agency_id else ""
    return agency_kind == "health" or bool(HEALTH_DETAIL_ROLES & set(user.role_names))


def may_see_event_details(*, user, event) -> bool:
    return event.feed.agency.kind != "health" or may_see_health_details(user=user)
