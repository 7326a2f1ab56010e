"""The single view's sections, read without HTTP: missing history, connections, involvement."""

import datetime
import json
import re

import pytest
from django.utils import timezone

from safeguarding.contexts.models import Context, ContextMember
from safeguarding.panel.models import Action, Decision
from safeguarding.people.queries import person_with_records
from safeguarding.web.single_view import single_view
from tests.factories import (
    InvolvementFactory,
    ObjectLinkFactory,
    PersonFactory,
    SourceRecordFactory,
)
from tests.people.conftest import event_for, open_person, put_on_agenda, record_for, records_of

pytestmark = pytest.mark.django_db


def chart_on(page: str) -> dict:
    """The network chart's data island, as the page's script reads it."""
    island = re.search(
        r'<script id="connections-chart-data" type="application/json">(.*?)</script>', page
    )
    return json.loads(island.group(1))


def view_for(person, user, **filters):
    return single_view(person=person_with_records(person_id=person.pk), user=user, **filters)


def at(days_ago: float, hour: int = 18) -> datetime.datetime:
    day = timezone.now() - datetime.timedelta(days=days_ago)
    return day.replace(hour=hour, minute=0, second=0, microsecond=0)


def missing_episode(record, started, ended=None, **details):
    event = event_for(record, "missing_episode", role="missing_person", details=details)
    event.occurred_at, event.ended_at = started, ended
    event.save()
    return event


def test_a_police_report_and_the_missing_services_record_of_one_episode_show_as_one(
    person, feeds, cast
):
    police = records_of(person)["wiltshire-police"]
    service = record_for(person, feeds["missing-service"])
    report = missing_episode(police, at(20, 18) + datetime.timedelta(minutes=40))
    missing_episode(
        service,
        at(20, 18),
        at(20, 18) + datetime.timedelta(hours=27, minutes=30),
        missing_kind="missing",
        risk_grade="high",
        found_postcode="BS1 4DJ",
        return_interview_offered="yes",
        return_interview_accepted="yes",
        within_72_hours="no",
        push_factors="Conflict at home",
        pull_factors="Older friends",
    )
    missing_episode(service, at(5, 9), at(5, 11), risk_grade="low", return_interview_offered="no")
    history = view_for(person, cast["analyst"]).missing
    assert len(history.episodes) == 2
    latest, earlier = history.episodes
    assert (latest.duration_text, latest.risk_grade, latest.reported_to_police) == (
        "2 h 0 min",
        "Low",
        [],
    )
    assert earlier.duration == datetime.timedelta(hours=27, minutes=30)
    assert earlier.duration_text == "1 d 3 h"
    assert (earlier.kind, earlier.risk_grade, earlier.found_at) == ("Missing", "High", "BS1 4DJ")
    assert earlier.reported_to_police == [report.source_event_id]
    assert earlier.return_interview == {
        "offered": "yes",
        "accepted": "yes",
        "within_72_hours": "no",
        "interviewer": "",
        "push_factors": "Conflict at home",
        "pull_factors": "Older friends",
    }
    summary = history.summary
    assert summary["episodes"] == 2 and summary["recent"] == 2 and summary["high_or_medium"] == 1
    assert summary["longest"] == "1 d 3 h" and summary["total"] == "1 d 5 h"
    assert summary["most_found_at"] == ("BS1 4DJ", 1)
    assert (summary["interviews_offered"], summary["interviews_accepted"]) == (1, 1)


def test_two_episodes_of_one_agency_on_one_day_stay_two_and_a_return_interview_joins_its_episode(
    person, feeds, cast
):
    service = record_for(person, feeds["missing-service"])
    missing_episode(service, at(3, 8), at(3, 9))
    missing_episode(service, at(3, 15), at(3, 16))
    interview = event_for(
        service,
        "return_interview",
        details={"offered": "yes", "accepted": "no", "interviewer": "Barnardo's"},
    )
    interview.occurred_at = at(2, 10)
    interview.save()
    latest, earlier = view_for(person, cast["analyst"]).missing.episodes
    assert latest.return_interview["interviewer"] == "Barnardo's"
    assert latest.return_interview["accepted"] == "no"
    assert earlier.return_interview["offered"] == ""


def found_together(missing_record, adult_record, **event_fields):
    event = event_for(missing_record, "incident", role="missing_person", **event_fields)
    InvolvementFactory(
        event=event, source_record=adult_record, person=adult_record.person, role="found_with"
    )
    return event


def test_found_in_company_of_is_a_suspected_association_with_its_source(person, cast):
    police = records_of(person)["wiltshire-police"]
    adult = SourceRecordFactory(
        person=PersonFactory(display_name="Older Male"),
        feed=police.feed,
        import_batch=police.import_batch,
    )
    event = found_together(police, adult, source_event_id="54/26/000777")
    connections = view_for(person, cast["analyst"]).connections
    [linked] = connections.people
    assert (linked.name, linked.suspected) == ("Older Male", True)
    assert linked.kinds == ["Found in company of (suspected association)"]
    [evidence] = linked.evidence
    assert evidence.source == f"Wiltshire Police, police-nominals {event.source_event_id}"
    assert "they were found in company of; this young person missing person" in evidence.text
    edge = next(e for e in connections.chart["edges"] if e["target"] == f"p{adult.person_id}")
    assert edge == {
        "source": f"p{person.pk}",
        "target": f"p{adult.person_id}",
        "label": "found with (suspected)",
        "suspected": True,
    }


def test_people_in_the_same_event_at_the_same_address_or_sharing_a_phone_are_connected(
    person, cast
):
    police = records_of(person)["wiltshire-police"]
    police.postcode, police.address = "SN15 1AA", "1 High Street"
    police.save()
    co_suspect = SourceRecordFactory(person=PersonFactory(display_name="Co Suspect"))
    arrest = event_for(police, "arrest", role="suspect")
    InvolvementFactory(
        event=arrest, source_record=co_suspect, person=co_suspect.person, role="suspect"
    )
    sibling = SourceRecordFactory(
        postcode="SN15 1AA", address="1 high street", person=PersonFactory(display_name="Sibling")
    )
    SourceRecordFactory(
        postcode="SN15 1AA", address="9 High Street", person=PersonFactory(display_name="Neighbour")
    )
    SourceRecordFactory(postcode="SN15 1AA", person=PersonFactory(display_name="No Address"))
    phone = ObjectLinkFactory(source_record=police, object__value="07700 900188").object
    caller = SourceRecordFactory(person=PersonFactory(display_name="Caller"))
    ObjectLinkFactory(source_record=caller, object=phone)
    people = {c.name: c for c in view_for(person, cast["analyst"]).connections.people}
    assert set(people) == {"Co Suspect", "Sibling", "No Address", "Caller"}
    assert people["Co Suspect"].kinds == ["In the same event"]
    assert not people["Co Suspect"].suspected
    assert people["Sibling"].kinds == ["Same address"]
    assert people["No Address"].kinds == ["Same postcode"]
    assert "a postcode covers about 15 addresses" in people["No Address"].evidence[0].text
    assert people["Caller"].kinds == ["Same phone number"]
    assert people["Caller"].evidence[0].text == "Phone number 07700 900188 on both people's records"
    assert sibling.person_id == people["Sibling"].person_id


def test_peer_groups_show_their_members_with_the_source_and_reliability(person, cast):
    group = Context.objects.create(kind="peer_group", name="Chippenham park group")
    ContextMember.objects.create(
        context=group, person=person, source="Police intelligence", reliability="suspected"
    )
    friend = PersonFactory(display_name="Friend")
    ContextMember.objects.create(
        context=group, person=friend, source="School DSL", reliability="confirmed"
    )
    connections = view_for(person, cast["analyst"]).connections
    [listed] = connections.groups
    assert (listed.name, listed.kind, listed.source, listed.reliability) == (
        "Chippenham park group",
        "Peer group",
        "Police intelligence",
        "Suspected, not confirmed",
    )
    assert [m.name for m in listed.members] == ["Friend"]
    assert (
        connections.people[0].evidence[0].source == "School DSL (confirmed by more than one source)"
    )
    assert {
        "id": f"cx {group.pk}",
        "label": "Chippenham park group",
        "kind": "link",
    } in connections.chart["nodes"]


def test_a_restricted_person_among_the_connections_is_not_named(person, cast):
    police = records_of(person)["wiltshire-police"]
    hidden = PersonFactory(display_name="Hidden Name", restricted=True)
    found_together(police, SourceRecordFactory(person=hidden))
    [linked] = view_for(person, cast["analyst"]).connections.people
    assert (linked.person_id, linked.name) == (None, "Restricted record")
    assert [(e.text, e.source) for e in linked.evidence] == [
        ("Found in company of (suspected association)", "withheld (a restricted record)")
    ]
    hidden.allowed_users.add(cast["analyst"])
    [linked] = view_for(person, cast["analyst"]).connections.people
    assert linked.name == "Hidden Name"


def test_health_details_stay_hidden_in_connections_and_the_chart(client_for, person, cast):
    health = records_of(person)["health"]
    other = SourceRecordFactory(
        person=PersonFactory(display_name="Other Patient"),
        feed=health.feed,
        import_batch=health.import_batch,
    )
    attendance = event_for(health, "ed_attendance", details={"attendance_reason": "Overdose"})
    InvolvementFactory(event=attendance, source_record=other, person=other.person, role="subject")
    response = open_person(client_for("analyst"), person, connections="show")
    [linked] = response.context["view"].connections.people
    assert linked.name == "Other Patient"
    assert "Overdose" not in response.content.decode()
    chart = chart_on(response.content.decode())
    assert {"Other Patient", "Jade Example"} <= {node["label"] for node in chart["nodes"]}
    assert "Overdose" not in json.dumps(chart)


def test_services_show_latest_contact_and_a_lead_professional_where_recorded(person, feeds, cast):
    records = records_of(person)
    social_care = record_for(person, feeds["childrens-social-care"])
    event_for(social_care, "referral", days_ago=400)
    event_for(social_care, "assessment", days_ago=20, details={"lead_professional": "Sam Worker"})
    event_for(
        records["health"],
        "ed_attendance",
        days_ago=300,
        details={"lead_professional": "Nurse Named"},
    )
    services = view_for(person, cast["analyst"]).services
    assert [s.agency.code for s in services] == [
        "childrens-social-care",
        "health",
        "wiltshire-police",
    ]
    social, health, police = services
    assert (social.events, social.recent, social.lead_professional) == (2, True, "Sam Worker")
    assert (health.recent, health.lead_professional) == (False, "")  # a health detail
    assert (police.events, police.latest_contact) == (0, None)
    health_view = view_for(person, cast["police_panel_member"]).services
    assert health_view[1].lead_professional == "Nurse Named"


def test_panel_history_and_open_actions(person, cast, agencies):
    item = put_on_agenda(person, chair=cast["analyst"])
    decision = Decision.objects.create(agenda_item=item, text="Refer to the NRM")
    Action.objects.create(
        decision=decision,
        description="Make the NRM referral",
        owner_agency=agencies["childrens-social-care"],
        due_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    Action.objects.create(
        decision=decision,
        description="Done already",
        owner_agency=agencies["wiltshire-police"],
        due_on=timezone.localdate(),
        status="done",
    )
    panel = view_for(person, cast["analyst"]).panel
    assert [i.reason for i in panel.items] == ["Missing"]
    assert [(a["action"].description, a["overdue"]) for a in panel.open_actions] == [
        ("Make the NRM referral", True)
    ]


def test_a_person_with_no_panel_history_says_so(client_for, person):
    page = open_person(client_for("analyst"), person).content.decode()
    assert "Not on the agenda of any panel meeting." in page
    assert "No open actions." in page
    assert "No missing episodes recorded." in page


def test_places_come_from_where_they_were_found_where_events_happened_and_their_school(
    person, feeds, cast
):
    service = record_for(person, feeds["missing-service"])
    pupil = record_for(person, feeds["education"])
    missing_episode(service, at(30), at(29), found_postcode="SN15 3AA")
    missing_episode(service, at(10), at(9), found_postcode="SN15 3AA")
    event_for(pupil, "exclusion", days_ago=5, details={"school_urn": "126763"})
    places = {p.place: p for p in view_for(person, cast["analyst"]).connections.places}
    assert list(places) == ["SN15 3AA", "School URN 126763"]
    found = places["SN15 3AA"]
    assert found.summary == "Found there after a missing episode × 2"
    assert found.evidence.endswith("recorded by Missing and Return Interview Service")
    assert " to " in found.evidence
    assert places["School URN 126763"].summary == "School exclusion or suspension × 1"
