"""The PDF for a meeting: marked on every page, the same need-to-know rules, its export audited."""

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguarding.access.models import AuditAction, AuditEvent
from safeguarding.people.queries import person_with_records
from safeguarding.web.printing import laid_out
from safeguarding.web.single_view import single_view
from tests.people.conftest import event_for, open_person, put_on_agenda, records_of

pytestmark = pytest.mark.django_db


def page_texts(document) -> list[str]:
    """The text WeasyPrint laid out on each page, margin boxes included.

    WeasyPrint has no public text API; its page boxes are walked as its own tests do.
    """

    def texts(box):
        if getattr(box, "text", None):
            yield box.text
        for child in getattr(box, "children", []):
            yield from texts(child)

    return [" ".join(texts(page._page_box)) for page in document.pages]


def printed(person, user) -> list[str]:
    view = single_view(person=person_with_records(person_id=person.pk), user=user)
    return page_texts(laid_out(view=view, user=user, purpose="Panel", printed_at=timezone.now()))


def test_every_page_is_marked_official_sensitive_and_numbered(person, cast):
    police = records_of(person)["wiltshire-police"]
    for day in range(40):
        event_for(police, "missing_episode", role="missing_person", days_ago=day + 1)
    pages = printed(person, cast["analyst"])
    assert len(pages) > 2
    for number, text in enumerate(pages, start=1):
        assert text.count("OFFICIAL-SENSITIVE") == 2, number  # top and bottom
        assert f"Page {number} of {len(pages)}" in text
    assert "Printed for Analyst" in pages[0] and "Purpose: Panel" in pages[0]


@pytest.mark.parametrize("persona,sees_detail", [("analyst", False), ("police_panel_member", True)])
def test_the_pdf_keeps_health_details_to_health_and_the_statutory_panel(
    person, cast, persona, sees_detail
):
    event_for(
        records_of(person)["health"], "ed_attendance", details={"attendance_reason": "Self-harm"}
    )
    text = " ".join(printed(person, cast[persona]))
    assert "Emergency department attendance" in text
    assert ("Self-harm" in text) is sees_detail


def test_the_pdf_for_the_voluntary_sector_holds_only_what_the_panel_shares(person, cast):
    records = records_of(person)
    event_for(records["wiltshire-police"], "arrest", role="suspect")
    event_for(records["wiltshire-police"], "missing_episode", role="missing_person")
    put_on_agenda(person, chair=cast["analyst"])
    text = " ".join(printed(person, cast["voluntary_panel_member"]))
    assert "Missing episode" in text
    assert "Arrest" not in text and "WP000123" not in text
    assert "not shared with voluntary-sector partners" in text


def test_downloading_the_pdf_is_audited_as_an_export_with_the_purpose(client_for, person):
    client = client_for("police_panel_member")
    open_person(client, person, purpose="panel")
    response = client.get(reverse("people:pdf", args=[person.pk]), {"agency": "health"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="young-person-{person.pk}.pdf"'
    assert response.content.startswith(b"%PDF-")
    export = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert (export.username, export.object_type, export.object_id, export.purpose) == (
        "police_panel_member",
        "person",
        str(person.pk),
        "Preparing for or attending a multi-agency panel",
    )
    assert export.detail == {
        "format": "pdf",
        "pages": export.detail["pages"],
        "timeline": "agency=health",
    }
    assert export.detail["pages"] >= 1


def test_the_pdf_asks_the_purpose_first_and_refuses_a_restricted_record(client_for, person):
    url = reverse("people:pdf", args=[person.pk])
    client = client_for("analyst")
    assert client.get(url).url.startswith(reverse("access:purpose"))
    person.restricted = True
    person.save()
    open_person(client, person)
    assert client.get(url).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
    assert AuditEvent.objects.filter(action=AuditAction.REFUSED).count() == 2
