import io
from unittest.mock import patch

import pytest
from django.core.management import CommandError, call_command

from safeguarding.access.models import Agency, AuditAction, AuditEvent, AuditObject, User
from safeguarding.access.roles import sync_roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def roles(db):
    sync_roles()


def run(*arguments, stdin: str = "") -> str:
    """The command's output, with stdin as an operator would pipe it."""
    out = io.StringIO()
    with patch("sys.stdin", io.StringIO(stdin)):
        call_command(*arguments, stdout=out)
    return out.getvalue()


def test_an_agency_is_added_and_listed_and_the_addition_audited(agencies):
    said = run(
        "agencies", "add", "swindon-csc", "--name", "Swindon CSC", "--kind", "childrens_social_care"
    )
    assert said == "Added Swindon CSC (swindon-csc).\n"
    agency = Agency.objects.get(code="swindon-csc")
    assert (agency.name, agency.kind) == ("Swindon CSC", "childrens_social_care")
    event = AuditEvent.objects.get(action=AuditAction.CREATE)
    assert (event.object_type, event.object_id, event.username) == (
        AuditObject.AGENCY,
        str(agency.pk),
        "command line",
    )
    assert "swindon-csc" in run("agencies", "list")
    with pytest.raises(CommandError, match="already exists"):
        run("agencies", "add", "swindon-csc", "--name", "Other", "--kind", "police")


def test_a_user_is_added_with_a_generated_password_shown_once_never_a_superuser(agencies, roles):
    said = run(
        "users",
        "add",
        "asha",
        "--agency",
        "partnership",
        "--role",
        "analyst",
        "--first-name",
        "Asha",
        "--last-name",
        "Patel",
    )
    password = said.split("Password: ")[1].split("\n")[0]
    user = User.objects.get(username="asha")
    assert user.check_password(password)
    assert user.role_names == ["analyst"] and user.agency.code == "partnership"
    assert not user.is_superuser and not user.is_staff and user.is_active
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type=AuditObject.USER)
    assert event.username == "command line" and event.object_id == str(user.pk)
    assert password not in str(event.detail)  # the password is never recorded
    listed = run("users", "list")
    assert "asha" in listed and "analyst" in listed and "active" in listed


def test_a_password_from_stdin_is_used_and_not_printed(agencies, roles):
    passphrase = "tangerine-lighthouse-orbit-47"
    said = run(
        "users",
        "add",
        "ben",
        "--agency",
        "wiltshire-police",
        "--role",
        "panel_member",
        "--password-stdin",
        stdin=passphrase + "\n",
    )
    assert passphrase not in said and "Password" not in said
    assert User.objects.get(username="ben").check_password(passphrase)


@pytest.mark.parametrize(
    "arguments,message",
    [
        (["--agency", "nowhere", "--role", "analyst"], "No agency has the code 'nowhere'"),
        (["--agency", "partnership", "--role", "analyst", "--password-stdin"], "too short"),
    ],
)
def test_a_user_that_cannot_be_made_as_asked_is_refused_and_nothing_stored(
    agencies, roles, arguments, message
):
    with pytest.raises(CommandError, match=message):
        run("users", "add", "carl", *arguments, stdin="short\n")
    assert not User.objects.filter(username="carl").exists()
    assert not AuditEvent.objects.exists()


def test_an_unknown_role_is_refused(agencies, roles):
    with pytest.raises(CommandError, match="invalid choice"):
        run("users", "add", "dee", "--agency", "partnership", "--role", "superuser")


def test_a_disabled_user_cannot_sign_in_and_their_sessions_end(agencies, roles):
    run(
        "users",
        "add",
        "eve",
        "--agency",
        "health",
        "--role",
        "practitioner",
        "--password-stdin",
        stdin="tangerine-lighthouse-orbit-47\n",
    )
    generation = User.objects.get(username="eve").session_generation
    assert run("users", "disable", "eve") == "Disabled eve; their sessions have ended.\n"
    user = User.objects.get(username="eve")
    assert not user.is_active and user.session_generation == generation + 1
    event = AuditEvent.objects.get(action=AuditAction.CHANGE)
    assert (event.object_type, event.detail) == (
        AuditObject.USER,
        {"username": "eve", "active": False},
    )
    with pytest.raises(CommandError, match="No user is called 'nobody'"):
        run("users", "disable", "nobody")
