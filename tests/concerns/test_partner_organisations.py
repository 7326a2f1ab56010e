"""Partner organisations: registered and changed by analysts from a page, each step audited;
a report carrying one's code counts under it on the board."""

import pytest
from django.urls import reverse

from safeguarding.access.models import AuditAction, AuditEvent
from safeguarding.concerns.models import Concern, PartnerOrganisation
from tests.concerns.conftest import send

pytestmark = pytest.mark.django_db


def test_an_analyst_registers_and_edits_an_organisation(analyst_client):
    url = reverse("concerns:organisations")
    response = analyst_client.post(
        url,
        {
            "name": "Town Cars",
            "sector": "taxi",
            "code": "Town-Cars",
            "contact_name": "Office manager",
            "contact_email": "office@towncars.example",
            "contact_phone": "01249 000000",
        },
    )
    assert response.status_code == 302
    cars = PartnerOrganisation.objects.get()
    assert (cars.name, cars.sector, cars.code) == ("Town Cars", "taxi", "town-cars")
    page = analyst_client.get(url).content.decode()
    assert "Town Cars" in page and "Taxi or private hire" in page and "town-cars" in page
    edit = reverse("concerns:organisation", args=[cars.pk])
    analyst_client.post(edit, {"name": "Town Cars Ltd", "sector": "taxi", "code": "town-cars"})
    cars.refresh_from_db()
    assert cars.name == "Town Cars Ltd" and cars.contact_email == ""
    steps = AuditEvent.objects.filter(action=AuditAction.CHANGE).order_by("pk")
    assert [e.detail["step"] for e in steps] == ["add_organisation", "change_organisation"]
    assert steps.last().detail["changed"] == [
        "name",
        "contact_name",
        "contact_email",
        "contact_phone",
    ]
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, detail__page="organisations").exists()


def test_a_code_used_twice_or_an_unknown_sector_is_refused(analyst_client):
    PartnerOrganisation.objects.create(name="Town Cars", sector="taxi", code="town-cars")
    url = reverse("concerns:organisations")
    page = analyst_client.post(
        url, {"name": "Other Cars", "sector": "taxi", "code": "town-cars"}
    ).content.decode()
    assert "already exists" in page
    page = analyst_client.post(
        url, {"name": "Other Cars", "sector": "airline", "code": "other"}
    ).content.decode()
    assert "Select a valid choice" in page
    assert PartnerOrganisation.objects.count() == 1


def test_others_may_not_register_and_are_audited(client_for):
    for persona in ("manager", "practitioner", "outsider"):
        client = client_for(persona)
        assert client.get(reverse("concerns:organisations")).status_code == 403
        response = client.post(
            reverse("concerns:organisations"), {"name": "X", "sector": "taxi", "code": "x"}
        )
        assert response.status_code == 403
    assert not PartnerOrganisation.objects.exists()
    assert AuditEvent.objects.filter(action=AuditAction.REFUSED).count() == 6


def test_a_report_with_the_code_counts_under_the_organisation(client, analyst_client):
    PartnerOrganisation.objects.create(name="Station Hotels", sector="hotel", code="station")
    send(client, what_happened="seen", organisation_code="station")
    assert Concern.objects.get().organisation.name == "Station Hotels"
    page = analyst_client.get(reverse("concerns:counts")).content.decode()
    assert "Station Hotels" in page and "Reports by partner organisation" in page
