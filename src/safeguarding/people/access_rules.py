"""Need to know: who may open which person's record."""


def may_open_person(*, user, person) -> bool:
    """Restricted records (e.g. a relative of a member of staff) open only for named users."""
    if not user.has_perm("people.view_person"):
        return False
    if person.restricted:
        return person.allowed_users.filter(pk=user.pk).exists()
    return True
