"""Setting up agencies and users."""

from django.contrib.auth.models import Group
from django.db import transaction

from safeguarding.access.models import Agency, AgencyKind, User

STANDARD_AGENCIES = [
    ("wiltshire-police", "Wiltshire Police", AgencyKind.POLICE),
    ("childrens-social-care", "Children's Social Care", AgencyKind.CHILDRENS_SOCIAL_CARE),
    ("education", "Education Service", AgencyKind.EDUCATION),
    ("health", "NHS Integrated Care Board", AgencyKind.HEALTH),
    ("youth-justice", "Youth Justice Service", AgencyKind.YOUTH_JUSTICE),
    ("missing-service", "Missing and Return Interview Service", AgencyKind.MISSING_SERVICE),
    ("voluntary-sector", "Voluntary Sector Partner", AgencyKind.VOLUNTARY_SECTOR),
    ("partnership", "Safeguarding Partnership", AgencyKind.PARTNERSHIP),
]


def ensure_standard_agencies() -> dict[str, Agency]:
    agencies = {}
    for code, name, kind in STANDARD_AGENCIES:
        agencies[code], _ = Agency.objects.update_or_create(
            code=code, defaults={"name": name, "kind": kind}
        )
    return agencies


@transaction.atomic
def ensure_user(
    *,
    username: str,
    password: str,
    agency: Agency,
    roles: list[str],
    first_name: str = "",
    last_name: str = "",
    is_staff: bool = False,
) -> User:
    """Create or reset a user with exactly these roles. Never a superuser: a superuser passes
    every permission check, and so would open every child's record."""
    user, _ = User.objects.get_or_create(username=username)
    user.first_name, user.last_name, user.agency = first_name, last_name, agency
    user.is_staff, user.is_superuser = is_staff, False
    user.set_password(password)
    user.save()
    user.groups.set(Group.objects.filter(name__in=roles))
    return user
