"""Signing out is a form's POST, and ends every session of the user, not only this one."""

import pytest
from django.test import Client
from django.urls import reverse

from safeguarding.access.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


def test_signing_out_ends_every_other_session_of_the_same_user(cast):
    office, laptop, colleague = Client(), Client(), Client()
    office.force_login(cast["analyst"])
    laptop.force_login(cast["analyst"])
    colleague.force_login(cast["auditor"])
    assert laptop.get("/").status_code == 200

    response = office.post(reverse("access:logout"))
    assert response.url == reverse("access:login")

    assert laptop.get("/").url.startswith(reverse("access:login"))
    assert "_auth_user_id" not in laptop.session
    # Another user's session is untouched.
    assert colleague.get("/").status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.LOGOUT, username="analyst").count() == 1


def test_signing_out_of_the_admin_pages_ends_every_session_too(agencies):
    from safeguarding.access.services import ensure_user
    from tests.conftest import PASSWORD

    administrator = ensure_user(
        username="administrator",
        password=PASSWORD,
        agency=agencies["partnership"],
        roles=["administrator"],
        is_staff=True,
    )
    first, second = Client(), Client()
    first.force_login(administrator)
    second.force_login(administrator)
    assert first.post(reverse("admin:logout")).url == reverse("access:login")
    assert second.get("/").url.startswith(reverse("access:login"))


def test_the_user_signs_in_again_after_signing_out_everywhere(client, cast):
    client.force_login(cast["analyst"])
    client.post(reverse("access:logout"))
    client.force_login(cast["analyst"])
    assert client.get("/").status_code == 200


def test_sign_out_is_a_button_in_a_form_with_a_csrf_token(client_for):
    page = client_for("analyst").get("/").content.decode()
    form_start = page.index(f'<form method="post" action="{reverse("access:logout")}">')
    form = page[form_start : page.index("</form>", form_start)]
    assert 'name="csrfmiddlewaretoken"' in form
    assert '<button type="submit" class="app-header__signout">Sign out</button>' in form


def test_sign_out_refuses_a_forged_request_without_the_token(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast["analyst"])
    assert client.post(reverse("access:logout")).status_code == 403
    assert client.get("/").status_code == 200


def test_sign_out_by_a_link_signs_nobody_out(client_for):
    client = client_for("analyst")
    assert client.get(reverse("access:logout")).status_code == 405
    assert client.get("/").status_code == 200
