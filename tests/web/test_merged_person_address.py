"""The address of a young person a re-link merged into another leads to the survivor's page,
for those whose role may open people's pages; the survivor's page asks the gate as always."""

import pytest
from django.urls import reverse

from safeguarding.access.models import AuditEvent
from safeguarding.linkage.relink import HANDLED_HERE, RECOMPUTED
from safeguarding.people.services import hand_on_person
from tests.factories import PersonFactory
from tests.people.conftest import open_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def merged_away(person):
    """The id of a person merged into Jade (the `person` fixture) by a re-link."""
    old = PersonFactory(display_name="Jade Example")
    old_id = old.pk
    hand_on_person(old=old, successor=person, skip=RECOMPUTED | HANDLED_HERE)
    return old_id


def test_the_old_address_leads_to_the_survivor_with_the_filter_kept(
    client_for, person, merged_away
):
    client = client_for("analyst")
    old_page = reverse("people:detail", args=[merged_away])

    response = client.get(old_page, {"months": "12"})

    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[person.pk]) + "?months=12"
    # The survivor's page is opened through the gate and audited, as from anywhere else.
    page = open_person(client, person, months="12")
    assert page.status_code == 200
    assert AuditEvent.objects.filter(object_id=str(person.pk), action="view").count() == 1
    assert not AuditEvent.objects.filter(object_id=str(merged_away)).exists()


def test_the_old_pdf_address_leads_to_the_survivors_pdf(client_for, person, merged_away):
    response = client_for("panel_chair").get(reverse("people:pdf", args=[merged_away]))

    assert response.status_code == 302
    assert response["Location"] == reverse("people:pdf", args=[person.pk])


def test_it_shows_no_way_to_a_role_that_may_not_open_people(client_for, merged_away):
    response = client_for("outsider").get(reverse("people:detail", args=[merged_away]))

    assert response.status_code == 404


def test_an_id_nobody_was_merged_from_is_still_no_such_person(client_for, person, merged_away):
    never = max(person.pk, merged_away) + 100

    assert client_for("analyst").get(reverse("people:detail", args=[never])).status_code == 404
