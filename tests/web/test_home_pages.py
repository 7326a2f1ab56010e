"""Each role's home page holds what that role opens the service for."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguarding.access import audit
from safeguarding.access.models import AuditAction, AuditEvent, AuditObject
from safeguarding.panel.models import Action, AgendaItem, Decision, Meeting
from safeguarding.risk.services import score_everyone
from tests.conftest import state_purpose
from tests.risk.conftest import AS_OF

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(county):
    child = county.person(display_name="High Person", born=datetime.date(2010, 5, 1))
    county.event(
        child,
        agency="childrens-social-care",
        event_type="referral",
        details={"factor_codes": ["24A", "11A", "12A"]},
    )
    score_everyone(as_of=AS_OF)
    return child


def home(client):
    state_purpose(client)
    return client.get(reverse("web:home"))


def test_the_chair_sees_the_next_meeting_and_who_is_newly_high(client_for, cast, scored):
    meeting = Meeting.objects.create(
        title="VACS panel",
        held_on=timezone.localdate() + datetime.timedelta(days=3),
        chair=cast["panel_chair"],
    )
    AgendaItem.objects.create(meeting=meeting, order=1, person=scored)
    response = home(client_for("panel_chair"))
    chair = response.context["chair"]
    assert chair["next_meeting"] == meeting and chair["next_meeting"].items == 1
    assert [a.person_id for a in chair["new_high"]] == [scored.pk]
    table = response.content.decode().split('data-testid="new-high"')[1].split("</table>")[0]
    assert "High Person" in table
    assert '<td class="govuk-table__cell">Newly identified</td>' in table
    event = AuditEvent.objects.filter(object_type=AuditObject.PERSON).latest("sequence")
    assert event.detail == {"page": "home", "people": [scored.pk]}


def test_the_practitioner_sees_their_actions_and_young_people(client_for, cast, scored):
    practitioner = cast["practitioner"]
    meeting = Meeting.objects.create(title="VACS", held_on=AS_OF, chair=cast["panel_chair"])
    item = AgendaItem.objects.create(meeting=meeting, order=1, person=scored)
    decision = Decision.objects.create(agenda_item=item, text="Refer to the NRM")
    action = Action.objects.create(
        decision=decision,
        description="Make the NRM referral",
        owner=practitioner,
        owner_agency=practitioner.agency,
        due_on=AS_OF,
    )
    client = client_for("practitioner")
    state_purpose(client)
    client.get(reverse("people:detail", args=[scored.pk]))
    response = client.get(reverse("web:home"))
    assert response.context["practitioner"]["actions"] == [action]
    assert [row["person"] for row in response.context["practitioner"]["people"]] == [scored]
    assert b"Overdue" in response.content


def test_the_analyst_sees_the_queue_and_the_last_run(client_for, scored):
    analyst = home(client_for("analyst")).context["analyst"]
    assert analyst["last_run"].as_of == AS_OF
    assert analyst["queue"].waiting == 0


def test_the_auditor_sees_how_many_refusals_and_unusual_reads_without_names(client_for, cast):
    audit.record(
        action=AuditAction.REFUSED, username="outsider", object_type="person", object_id="9"
    )
    audit.record(action=AuditAction.BREAK_GLASS, username="practitioner", object_type="person")
    client = client_for("auditor")
    response = client.get(reverse("web:home"))  # counts only: no purpose asked
    auditor = response.context["auditor"]
    assert (auditor["refusals"], auditor["break_glass"]) == (1, 1)
    assert b"outsider" not in response.content
    assert b"?action=refused&amp;date_from=" in response.content


def test_the_manager_sees_the_countys_counts(client_for, scored):
    manager = home(client_for("manager")).context["manager"]
    assert manager["rows"][0] == {"label": "High", "now": 1, "before": None, "change": None}


def test_panel_members_still_start_on_the_tracker(client_for, scored):
    response = client_for("police_panel_member").get(reverse("web:home"))
    assert response.status_code == 302 and response.url == reverse("risk:tracker")
