"""Demo sign-ins: one user per role, each in a plausible agency (used by `safeguarding demo`)."""

from dataclasses import dataclass

from safeguarding.access.services import ensure_standard_agencies, ensure_user

DEMO_PASSWORD = "synthetic-demo-only"  # noqa: S105  (the demo holds synthetic data only)


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    agency_code: str
    roles: tuple[str, ...]
    is_staff: bool = False


DEMO_USERS = [
    DemoUser("analyst", "Asha", "Analyst", "partnership", ("analyst",)),
    DemoUser("chair", "Chris", "Chair", "childrens-social-care", ("panel_chair",)),
    DemoUser("police", "Pat", "Police", "wiltshire-police", ("panel_member",)),
    DemoUser("health", "Hana", "Health", "health", ("panel_member",)),
    DemoUser("voluntary", "Val", "Voluntary", "voluntary-sector", ("panel_member",)),
    DemoUser("social-worker", "Sam", "Social-Worker", "childrens-social-care", ("practitioner",)),
    DemoUser("manager", "Morgan", "Manager", "partnership", ("manager",)),
    DemoUser("auditor", "Alex", "Auditor", "partnership", ("auditor",)),
    # Staff (the admin pages) but not a superuser: an administrator manages users and agencies
    # and opens no one's record (docs/security.md).
    DemoUser("admin", "Ada", "Administrator", "partnership", ("administrator",), is_staff=True),
]


def create_demo_users() -> list[DemoUser]:
    agencies = ensure_standard_agencies()
    for demo in DEMO_USERS:
        ensure_user(
            username=demo.username,
            password=DEMO_PASSWORD,
            agency=agencies[demo.agency_code],
            roles=list(demo.roles),
            first_name=demo.first_name,
            last_name=demo.last_name,
            is_staff=demo.is_staff,
        )
    return DEMO_USERS
