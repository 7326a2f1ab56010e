"""Administration from the command line: agencies and users, each change audited.

For an operator with no shell into Django and no admin pages yet (a new site has no
administrator to sign in as). Users are made with `services.ensure_user`, so never a superuser.
"""

import secrets
from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from safeguarding.access import audit
from safeguarding.access.models import Agency, AgencyKind, AuditAction, AuditObject, User
from safeguarding.access.roles import ROLES
from safeguarding.access.services import ensure_user
from safeguarding.access.sign_out import end_every_session

OPERATOR = "command line"


class AdministrationError(ValueError):
    """A request that cannot be done as asked; the message says what to change."""


@dataclass(frozen=True)
class NewUser:
    user: User
    password: str  # generated, to hand over once; empty when the operator supplied one


@transaction.atomic
def add_agency(*, code: str, name: str, kind: str) -> Agency:
    if kind not in AgencyKind.values:
        raise AdministrationError(
            f"No agency kind {kind!r}; the kinds are {', '.join(AgencyKind.values)}."
        )
    if Agency.objects.filter(code=code).exists():
        raise AdministrationError(f"An agency with the code {code!r} already exists.")
    if Agency.objects.filter(name=name).exists():
        raise AdministrationError(f"An agency is already called {name!r}.")
    agency = Agency.objects.create(code=code, name=name, kind=kind)
    audit.record(
        action=AuditAction.CREATE,
        object_type=AuditObject.AGENCY,
        object_id=agency.pk,
        username=OPERATOR,
        detail={"code": code, "kind": kind},
    )
    return agency


@transaction.atomic
def add_user(
    *,
    username: str,
    agency_code: str,
    roles: list[str],
    first_name: str = "",
    last_name: str = "",
    password: str | None = None,
) -> NewUser:
    """A new user with these roles in this agency; a password is generated unless given."""
    if User.objects.filter(username=username).exists():
        raise AdministrationError(f"A user called {username!r} already exists.")
    agency = Agency.objects.filter(code=agency_code).first()
    if agency is None:
        codes = ", ".join(Agency.objects.values_list("code", flat=True)) or "none yet"
        raise AdministrationError(f"No agency has the code {agency_code!r} (agencies: {codes}).")
    unknown = sorted(set(roles) - set(ROLES))
    if unknown:
        raise AdministrationError(
            f"No role {', '.join(unknown)}; the roles are {', '.join(ROLES)}."
        )
    generated = password is None
    if password is None:
        password = secrets.token_urlsafe(15)  # 20 characters, about 120 bits
    candidate = User(username=username, first_name=first_name, last_name=last_name)
    try:
        validate_password(password, user=candidate)
    except ValidationError as error:
        raise AdministrationError(" ".join(error.messages)) from error
    user = ensure_user(
        username=username,
        password=password,
        agency=agency,
        roles=roles,
        first_name=first_name,
        last_name=last_name,
    )
    audit.record(
        action=AuditAction.CREATE,
        object_type=AuditObject.USER,
        object_id=user.pk,
        username=OPERATOR,
        detail={"username": username, "agency": agency.code, "roles": sorted(roles)},
    )
    return NewUser(user=user, password=password if generated else "")


@transaction.atomic
def disable_user(*, username: str) -> User:
    """The user can no longer sign in, and every session of theirs ends now."""
    user = User.objects.filter(username=username).first()
    if user is None:
        raise AdministrationError(f"No user is called {username!r}.")
    user.is_active = False
    user.save(update_fields=["is_active"])
    end_every_session(user=user)
    audit.record(
        action=AuditAction.CHANGE,
        object_type=AuditObject.USER,
        object_id=user.pk,
        username=OPERATOR,
        detail={"username": username, "active": False},
    )
    return user
