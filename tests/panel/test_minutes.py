"""Each agency's copy of the minutes withholds what that agency may not see; the PDF is marked
OFFICIAL-SENSITIVE on every page and its download is audited."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguarding.access.models import Agency, AuditAction, AuditEvent
from safeguarding.panel import services
from safeguarding.panel.minutes import laid_out, minutes_for, minutes_html
from safeguarding.panel.models import DecisionKind, Meeting
from tests.conftest import state_purpose
from tests.panel.conftest import TODAY

pytestmark = pytest.mark.django_db


def page_texts(document) -> list[str]:
    """The text WeasyPrint laid out on each page (its page boxes, as tests/people do)."""

    def texts(box):
        if getattr(box, "text", None):
            yield box.text
        for child in getattr(box, "children", []):
            yield from texts(child)

    return [" ".join(texts(page._page_box)) for page in document.pages]


@pytest.fixture
def held_meeting(series, people, cast):
    """Amy (the voluntary sector invited), Ben (not invited, with health notes) and Cal, whose
    record is restricted to a named practitioner in children's social care."""
    meeting = Meeting.objects.create(
        series=series, title="VACS panel", held_on=TODAY, chair=cast["panel_chair"]
    )
    amy = services.add_item(
        meeting=meeting, person=people["Amy"], reason="Rising", voluntary_sector_invited=True
    )
    ben = services.add_item(meeting=meeting, person=people["Ben"], reason="Newly high")
    cal_person = people["Cal"]
    cal_person.restricted = True
    cal_person.save()
    cal_person.allowed_users.add(cast["named_user"])
    cal = services.add_item(meeting=meeting, person=cal_person, reason="Overdue actions")
    services.record_discussion(item=amy, notes="Amy is engaging with youth work.")
    services.record_discussion(item=ben, notes="Ben was found in a trap house.")
    ben.health_notes = "Ben attended ED with a stab wound."
    ben.save()
    services.record_discussion(item=cal, notes="Cal's placement is at risk.")
    decision = services.record_decision(
        item=ben, kind=DecisionKind.STRATEGY_MEETING, reason="Escalate", decided_by=meeting.chair
    )
    services.add_action(
        decision=decision,
        description="Convene the strategy meeting",
        owner=cast["police_panel_member"],
        owner_agency=cast["police_panel_member"].agency,
        due_on=TODAY + datetime.timedelta(days=7),
    )
    services.record_attendance(
        meeting=meeting,
        attendance={
            cast["police_panel_member"].pk: "present",
            cast["health_panel_member"].pk: "apologies",
        },
    )
    services.close_meeting(meeting=meeting, summary="Three discussed.")
    return meeting


def copy_for(meeting, code: str) -> str:
    copy = minutes_for(meeting=meeting, agency=Agency.objects.get(code=code))
    return minutes_html(minutes=copy, printed_by="Test", printed_at=timezone.now())


def test_the_voluntary_sector_copy_holds_only_the_items_it_was_invited_to(held_meeting):
    text = copy_for(held_meeting, "voluntary-sector")
    assert "Amy" in text and "engaging with youth work" in text
    assert "Ben" not in text and "trap house" not in text and "Convene" not in text
    assert "Cal" not in text
    assert "2 other items were discussed that are not shared with Voluntary Sector Partner" in text


def test_health_notes_go_to_health_and_the_statutory_panel_partners_only(held_meeting):
    assert "stab wound" in copy_for(held_meeting, "health")
    assert "stab wound" in copy_for(held_meeting, "wiltshire-police")
    assert "stab wound" not in copy_for(held_meeting, "education")
    assert "stab wound" not in copy_for(held_meeting, "partnership")
    assert "stab wound" not in copy_for(held_meeting, "voluntary-sector")


def test_a_restricted_record_is_named_only_in_the_copy_of_the_agency_of_a_named_user(
    held_meeting,
):
    social_care = copy_for(held_meeting, "childrens-social-care")  # the named practitioner's
    police = copy_for(held_meeting, "wiltshire-police")
    assert "Cal" in social_care and "placement is at risk" in social_care
    assert "Cal" not in police and "placement is at risk" not in police
    assert "A young person whose record is restricted" in police
    # Everything else is the same in both: Ben's decision and action.
    for text in (social_care, police):
        assert "Escalate to a strategy meeting" in text and "Convene the strategy meeting" in text


def test_the_pdf_is_marked_on_every_page_and_says_whose_copy_it_is(held_meeting):
    copy = minutes_for(meeting=held_meeting, agency=Agency.objects.get(code="voluntary-sector"))
    pages = page_texts(laid_out(minutes=copy, printed_by="Val", printed_at=timezone.now()))
    for number, text in enumerate(pages, start=1):
        assert text.count("OFFICIAL-SENSITIVE") >= 2, number
        assert f"Page {number} of {len(pages)}" in text
    everything = " ".join(pages)
    assert "Voluntary Sector Partner's copy" in everything
    assert "DRAFT" in everything  # not yet agreed
    assert "Amy" in everything and "Ben" not in everything and "stab wound" not in everything


def test_downloading_a_copy_is_audited_and_members_get_their_own_agencys(
    client_for, held_meeting, cast
):
    services.agree_minutes(meeting=held_meeting, agreed_by=cast["panel_chair"])
    client = client_for("voluntary_panel_member")
    state_purpose(client, "panel")
    url = reverse("panel:minutes", args=[held_meeting.pk])
    response = client.get(url + "?agency=wiltshire-police")  # asking for another's: ignored
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "voluntary-sector" in response["Content-Disposition"]
    event = AuditEvent.objects.filter(action=AuditAction.EXPORT).first()
    assert event.object_type == "minutes" and event.detail["agency"] == "voluntary-sector"
    assert event.detail["withheld"] == 2 and event.purpose.startswith("Preparing for or attending")


def test_minutes_are_agreed_only_by_the_chair_after_the_meeting_closes(held_meeting, cast):
    with pytest.raises(services.PanelError):
        services.agree_minutes(meeting=held_meeting, agreed_by=cast["police_panel_member"])
    services.agree_minutes(meeting=held_meeting, agreed_by=cast["panel_chair"])
    assert held_meeting.status == "closed" and held_meeting.minutes_agreed_by == cast["panel_chair"]
    with pytest.raises(services.PanelError):
        services.record_discussion(item=held_meeting.agenda_items.first(), notes="Later edit")


def test_minutes_are_due_two_working_days_after_the_meeting():
    friday = Meeting(held_on=datetime.date(2026, 12, 4))
    assert services.minutes_due_by(friday) == datetime.date(2026, 12, 8)
