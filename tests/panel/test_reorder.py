"""The chair reorders the agenda: one place up or down, or to a number; the order is kept in
the minutes; only the chair may, and each move is audited."""

import pytest
from django.urls import reverse

from safeguarding.access.models import Agency, AuditAction, AuditEvent
from safeguarding.panel import minutes, services
from safeguarding.panel.models import Meeting
from tests.conftest import state_purpose
from tests.panel.conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(series, people, cast):
    meeting = Meeting.objects.create(
        series=series, title="VACS panel", held_on=TODAY, chair=cast["panel_chair"]
    )
    for name in ("Amy", "Ben", "Cal", "Dee"):
        services.add_item(meeting=meeting, person=people[name], reason="By hand")
    return meeting


def order(meeting) -> list[str]:
    return list(
        meeting.agenda_items.order_by("order").values_list("person__display_name", flat=True)
    )


def move(client, meeting, item, **data):
    return client.post(
        reverse("panel:meeting", args=[meeting.pk]), {"step": "move", "item": item.pk, **data}
    )


def test_the_chair_moves_items_and_the_minutes_keep_the_order(client_for, meeting, people):
    client = client_for("panel_chair")
    state_purpose(client, "panel")
    dee = meeting.agenda_items.get(person=people["Dee"])
    response = move(client, meeting, dee, direction="up")
    assert response.status_code == 302
    assert order(meeting) == ["Amy", "Ben", "Dee", "Cal"]
    move(client, meeting, dee, position="1")
    assert order(meeting) == ["Dee", "Amy", "Ben", "Cal"]
    amy = meeting.agenda_items.get(person=people["Amy"])
    move(client, meeting, amy, direction="down")
    assert order(meeting) == ["Dee", "Ben", "Amy", "Cal"]
    assert list(meeting.agenda_items.order_by("order").values_list("order", flat=True)) == [
        1,
        2,
        3,
        4,
    ]
    moves = AuditEvent.objects.filter(action=AuditAction.CHANGE, object_type="meeting")
    assert [event.detail["moved_to"] for event in moves.order_by("pk")] == [3, 1, 3]

    police = Agency.objects.get(code="wiltshire-police")
    copy = minutes.minutes_for(meeting=meeting, agency=police)
    assert [(i.number, i.title) for i in copy.items] == [
        (1, "Dee"),
        (2, "Ben"),
        (3, "Amy"),
        (4, "Cal"),
    ]
    page = client.get(reverse("panel:meeting", args=[meeting.pk])).content.decode()
    # Only the agenda table: a random token elsewhere on the page can hold "Amy" by chance.
    agenda = page[page.index('data-testid="agenda"') : page.index('data-testid="add-item"')]
    assert agenda.index("Dee") < agenda.index("Ben") < agenda.index("Amy") < agenda.index("Cal")


def test_a_move_off_the_agenda_is_explained_and_changes_nothing(client_for, meeting, people):
    client = client_for("panel_chair")
    state_purpose(client, "panel")
    amy = meeting.agenda_items.get(person=people["Amy"])
    response = move(client, meeting, amy, direction="up", follow=True)
    assert "Choose a position from 1 to 4" in response.content.decode()
    move(client, meeting, amy, position="9")
    assert order(meeting) == ["Amy", "Ben", "Cal", "Dee"]


def test_only_the_chair_reorders(client_for, meeting, people):
    client = client_for("police_panel_member")
    state_purpose(client, "panel")
    dee = meeting.agenda_items.get(person=people["Dee"])
    assert move(client, meeting, dee, position="1").status_code == 403
    assert order(meeting) == ["Amy", "Ben", "Cal", "Dee"]
    assert AuditEvent.objects.filter(action=AuditAction.REFUSED).exists()


def test_agreed_minutes_fix_the_order(meeting, people, cast):
    services.close_meeting(meeting=meeting)
    services.agree_minutes(meeting=meeting, agreed_by=cast["panel_chair"])
    with pytest.raises(services.PanelError):
        services.move_item(item=meeting.agenda_items.get(person=people["Dee"]), to=1)
