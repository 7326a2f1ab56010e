"""Triage: the queue's order and deadlines, duplicates, links, the outcome and its event."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from safeguarding.access.models import AuditAction, AuditEvent, AuditObject
from safeguarding.concerns import queries, triage
from safeguarding.concerns.models import Concern, Outcome, Priority, Status
from safeguarding.people.enumerations import EventType
from safeguarding.people.models import Event, Involvement, Object, ObjectLink
from safeguarding.places.models import Postcode
from safeguarding.risk.models import IndicatorHit
from safeguarding.risk.services import score_everyone
from tests.concerns.conftest import report
from tests.factories import PersonFactory, SourceRecordFactory

pytestmark = pytest.mark.django_db


def young_person(name="Jade Example", age=15):
    born = timezone.localdate() - datetime.timedelta(days=365 * age + 40)
    person = PersonFactory(display_name=name, date_of_birth=born)
    SourceRecordFactory(
        person=person, given_names=name.split()[0], family_name="Example", date_of_birth=born
    )
    return person


def test_the_queue_puts_a_child_in_danger_now_first_then_deadlines(cast):
    routine = report(what_happened="odd")
    high = report(indicators=["hotel-young-with-older-adults"])
    danger = report(what_happened="held in a room", danger_now="yes")
    rows = queries.queue(view="open", user=cast["analyst"], page=1).object_list
    assert [r["reference"] for r in rows] == [danger.reference, high.reference, routine.reference]
    assert [r["priority"] for r in rows] == [Priority.IMMEDIATE, Priority.HIGH, Priority.ROUTINE]
    Concern.objects.filter(pk=danger.pk).update(due_at=timezone.now() - datetime.timedelta(hours=1))
    assert queries.open_counts() == {"immediate": 1, "high": 1, "routine": 1, "overdue": 1}


def test_assigning_moves_a_report_to_the_analysts_own_list(cast):
    concern = report(what_happened="seen")
    triage.assign(concern=concern, user=cast["analyst"])
    concern.refresh_from_db()
    assert concern.status == Status.ASSIGNED and concern.assigned_to == cast["analyst"]
    mine = queries.queue(view="mine", user=cast["analyst"], page=1).object_list
    assert [r["pk"] for r in mine] == [concern.pk]


def test_duplicates_are_suggested_by_place_and_time_or_by_vehicle():
    seen = {"seen_on": "2026-12-01", "seen_time": "22:00", "postcode": "SN15 1AA"}
    first = report(what_happened="a", **seen)
    same_place = report(what_happened="b", **{**seen, "seen_time": "23:30"})
    next_week = report(what_happened="c", **{**seen, "seen_on": "2026-12-08"})
    same_car = report(what_happened="d", vehicles=["AB12CDE"], postcode="BA1 1AA")
    report(what_happened="e", vehicles=["ZZ99ZZZ"])
    triage.add_object(concern=first, kind="vehicle", value="ab12 cde")
    suggested = triage.suggested_duplicates(first)
    assert {c.pk for c in suggested} == {same_place.pk, same_car.pk}
    assert next_week not in suggested


def test_merging_folds_a_duplicate_in_and_takes_it_off_the_queue(cast):
    keep = report(indicators=["hotel-cash"], vehicles=["AB12CDE"])
    duplicate = report(indicators=["hotel-many-visitors"], vehicles=["XY65ZZZ"], danger_now="yes")
    triage.merge(duplicate=duplicate, into=keep)
    keep.refresh_from_db()
    duplicate.refresh_from_db()
    assert duplicate.status == Status.MERGED and duplicate.merged_into == keep
    assert keep.indicators == ["hotel-cash", "hotel-many-visitors"]
    assert keep.priority == Priority.IMMEDIATE and keep.danger_now
    assert sorted(keep.named_objects.values_list("value", flat=True)) == ["AB12CDE", "XY65ZZZ"]
    open_rows = queries.queue(view="open", user=cast["analyst"], page=1).object_list
    assert [r["pk"] for r in open_rows] == [keep.pk]
    with pytest.raises(triage.TriageError):
        triage.merge(duplicate=duplicate, into=keep)
    with pytest.raises(triage.TriageError):
        triage.merge(duplicate=keep, into=keep)


def test_the_place_is_found_in_the_partnerships_geography():
    Postcode.objects.create(
        postcode="SN15 1AA", latitude=51.46, longitude=-2.12, small_area="E01031234", in_area=True
    )
    concern = report(what_happened="seen")
    triage.set_place(concern=concern, postcode="SN15 1AA", address="Station Hotel")
    concern.refresh_from_db()
    assert concern.location.area_code == "E01031234" and concern.location.in_area is True
    assert concern.location.latitude == 51.46


def test_an_outcome_makes_an_event_with_the_people_place_objects_and_provenance(cast):
    child = young_person()
    adult = PersonFactory(display_name="Older Man")
    adult_record = SourceRecordFactory(person=adult)
    concern = report(
        indicators=["hotel-young-with-older-adults"],
        vehicles=["AB12CDE"],
        postcode="SN15 1AA",
        address="Station Hotel",
        what_happened="Girl with two older men",
    )
    triage.link_person(concern=concern, person=child, role="victim", user=cast["analyst"])
    triage.link_person(concern=concern, person=adult, role="suspect", user=cast["analyst"])
    triage.record_outcome(
        concern=concern, outcome=Outcome.POLICE, reason="Named adult known", user=cast["analyst"]
    )
    concern.refresh_from_db()
    event = Event.objects.get(pk=concern.event_id)
    assert event.event_type == EventType.CONCERN_REPORT
    assert event.source_event_id == concern.reference
    assert event.feed.name == triage.FEED_NAME and event.import_batch.rows_imported == 1
    assert event.location.postcode == "SN15 1AA" and event.location.name == "Station Hotel"
    assert event.details["vehicles"] == ["AB12CDE"]
    assert event.details["outcome"] == "Passed to police"
    roles = set(Involvement.objects.filter(event=event).values_list("person_id", "role"))
    assert roles == {(child.pk, "victim"), (adult.pk, "suspect")}
    car = Object.objects.get(kind="vehicle", value="AB12CDE")
    assert ObjectLink.objects.filter(object=car, source_record=adult_record).exists()
    assert concern.status == Status.DONE and concern.triaged_by == cast["analyst"]
    # Recorded again (a changed outcome), the event is rewritten, not doubled.
    triage.record_outcome(
        concern=concern, outcome=Outcome.REFERRAL, reason="Changed", user=cast["analyst"]
    )
    assert Event.objects.filter(source_event_id=concern.reference).count() == 1
    assert Involvement.objects.filter(event=event).count() == 2


def test_no_further_action_writes_no_event(cast):
    concern = report(what_happened="seen")
    triage.record_outcome(
        concern=concern,
        outcome=Outcome.NO_FURTHER_ACTION,
        reason="A family on holiday",
        user=cast["analyst"],
    )
    concern.refresh_from_db()
    assert concern.event is None and concern.status == Status.DONE
    assert not Event.objects.exists()


def test_a_triaged_concern_raises_the_tracker_indicator_after_scoring(cast):
    child = young_person()
    concern = report(indicators=["hotel-cash"], what_happened="seen")
    triage.link_person(concern=concern, person=child, role="subject", user=cast["analyst"])
    triage.record_outcome(
        concern=concern, outcome=Outcome.INTELLIGENCE, reason="Logged", user=cast["analyst"]
    )
    score_everyone(as_of=timezone.localdate())
    hit = IndicatorHit.objects.get(assessment__person=child, indicator_id="partner-concern")
    assert hit.recency == "current"
    assert list(hit.evidence.values_list("source_event_id", flat=True)) == [concern.reference]


def test_feedback_is_never_for_an_anonymous_reporter(cast):
    anonymous = report(what_happened="seen")
    with pytest.raises(triage.TriageError):
        triage.send_feedback(concern=anonymous, text="Thank you", user=cast["analyst"])
    assert not mail.outbox


def test_feedback_is_emailed_to_a_reporter_who_left_an_email(cast):
    known = report(what_happened="seen", reporter_contact="driver@example.org")
    assert triage.send_feedback(
        concern=known, text="Thank you, we acted on it", user=cast["analyst"]
    )
    [message] = mail.outbox
    assert message.to == ["driver@example.org"]
    assert known.reference in message.subject
    assert "Thank you, we acted on it" in message.body and "call 999" in message.body
    known.refresh_from_db()
    assert known.feedback == "Thank you, we acted on it" and known.feedback_at
    assert known.feedback_by == cast["analyst"] and known.feedback_emailed


def test_feedback_for_a_reporter_who_left_a_phone_number_is_recorded_not_sent(cast):
    known = report(what_happened="seen", reporter_contact="07700 900123")
    assert not triage.send_feedback(concern=known, text="Thanks", user=cast["analyst"])
    assert not mail.outbox
    known.refresh_from_db()
    assert known.feedback == "Thanks" and not known.feedback_emailed
    assert known.feedback_by == cast["analyst"]


def test_feedback_from_the_page_is_sent_and_audited(analyst_client, cast):
    known = report(what_happened="seen", reporter_contact="landlord@example.org")
    url = reverse("concerns:detail", args=[known.pk])
    assert "Send feedback" in analyst_client.get(url).content.decode()
    analyst_client.post(url, {"step": "feedback", "feedback": "We passed it to police"})
    assert [m.to for m in mail.outbox] == [["landlord@example.org"]]
    change = AuditEvent.objects.get(action=AuditAction.CHANGE, object_id=str(known.pk))
    assert change.detail["step"] == "feedback" and change.detail["emailed"] is True
    assert change.username == "analyst"
    assert "landlord@example.org" not in str(change.detail)
    page = analyst_client.get(url).content.decode()
    assert "We passed it to police (emailed" in page


def test_a_mail_server_that_refuses_leaves_nothing_recorded(cast, settings):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            # A port nothing listens on: the connection is refused for real.
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
        }
    }
    known = report(what_happened="seen", reporter_contact="driver@example.org")
    with pytest.raises(triage.TriageError, match="could not be sent"):
        triage.send_feedback(concern=known, text="Thanks", user=cast["analyst"])
    known.refresh_from_db()
    assert known.feedback == "" and known.feedback_at is None


def test_counts_per_sector_and_month_count_merged_duplicates_once():
    a = report(sector="taxi", what_happened="a")
    b = report(sector="taxi", what_happened="b")
    report(sector="hotel", what_happened="c")
    triage.merge(duplicate=b, into=a)
    table = queries.counts_by_sector_and_month()
    month = timezone.localdate().strftime("%Y-%m")
    assert table.months == [month]
    counts = {name: total for name, _, total in table.rows}
    assert counts["Taxi or private hire"] == 1 and counts["Hotel or short let"] == 1
    assert counts["Rail"] == 0


def test_counts_are_by_local_month_and_per_organisation_in_two_queries(
    django_assert_max_num_queries,
):
    from safeguarding.concerns.models import PartnerOrganisation

    cars = PartnerOrganisation.objects.create(name="Town Cars", sector="taxi", code="town-cars")
    report(sector="taxi", what_happened="a", organisation_code="town-cars")
    report(sector="taxi", what_happened="b", organisation_code="town-cars")
    old = report(sector="taxi", what_happened="c", organisation_code="town-cars")
    # Received at 00:30 on 1 June, London time (23:30 on 31 May in UTC): June's.
    june = datetime.datetime(timezone.localdate().year - 1, 6, 1, 0, 30)
    received = timezone.make_aware(june)
    from safeguarding.concerns.models import month_received

    Concern.objects.filter(pk=old.pk).update(
        received_at=received, received_month=month_received(received)
    )
    assert month_received(received) == june.date().replace(day=1)
    with django_assert_max_num_queries(3):
        table = queries.counts_by_sector_and_month(months=24)
    assert table.organisations[0][0] == cars.name
    assert table.organisations[0][1] == "Taxi or private hire"
    assert table.organisations[0][3] == 3
    assert june.strftime("%Y-%m") in table.months
    this_year = queries.counts_by_sector_and_month(months=1)
    assert this_year.organisations[0][2:] == ([2], 2)


def test_each_triage_step_on_the_page_is_audited(analyst_client, cast):
    child = young_person()
    concern = report(what_happened="seen", vehicles=["AB12CDE"])
    duplicate = report(what_happened="seen too", vehicles=["AB12CDE"])
    url = reverse("concerns:detail", args=[concern.pk])
    page = analyst_client.get(url + "?q=Jade").content.decode()
    assert duplicate.reference in page and "Link Jade Example" in page
    steps = [
        {"step": "assign", "assigned_to": cast["analyst"].pk},
        {"step": "merge", "duplicate": duplicate.reference},
        {"step": "link_person", "person": child.pk, "role": "subject"},
        {"step": "outcome", "outcome": "referral", "reason": "Seen with adults"},
    ]
    for data in steps:
        assert analyst_client.post(url, data).status_code == 302
    changes = AuditEvent.objects.filter(
        object_type=AuditObject.CONCERN, action=AuditAction.CHANGE, object_id=str(concern.pk)
    )
    assert [e.detail["step"] for e in changes.order_by("pk")] == [
        "assign",
        "merge",
        "link_person",
        "outcome",
    ]
    assert AuditEvent.objects.filter(
        object_type=AuditObject.PERSON, object_id=str(child.pk), action=AuditAction.CHANGE
    ).exists()
    assert AuditEvent.objects.filter(object_type=AuditObject.CONCERN, action="search").exists()
    person_page = analyst_client.get(reverse("people:detail", args=[child.pk])).content.decode()
    assert "Concern reported by a partner" in person_page


def test_the_csv_is_safe_to_open_in_a_spreadsheet(analyst_client):
    report(what_happened='=HYPERLINK("http://evil","x")', address="+44 cmd|' /C calc'!A0")
    report(what_happened="x" * 4000)
    response = analyst_client.get(reverse("concerns:export") + "?view=open")
    text = response.content.decode()
    assert "'=HYPERLINK" in text and "'+44 cmd" in text
    assert "x" * 4000 in text
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, detail__rows=2).exists()


def test_only_analysts_triage_and_every_refusal_is_audited(client_for):
    from tests.conftest import state_purpose

    concern = report(what_happened="seen")
    for persona in ("practitioner", "voluntary_panel_member", "outsider"):
        client = client_for(persona)
        state_purpose(client)
        url = reverse("concerns:detail", args=[concern.pk])
        assert client.get(url).status_code == 403
        assert (
            client.post(url, {"step": "outcome", "outcome": "police", "reason": "x"}).status_code
            == 403
        )
    concern.refresh_from_db()
    assert concern.status == Status.NEW
    assert AuditEvent.objects.filter(action=AuditAction.REFUSED).count() == 6


def test_a_restricted_record_cannot_be_linked_or_seen_by_those_not_named(analyst_client, cast):
    hidden = young_person("Restricted Example")
    hidden.restricted = True
    hidden.save()
    concern = report(what_happened="seen")
    url = reverse("concerns:detail", args=[concern.pk])
    refused = analyst_client.post(
        url, {"step": "link_person", "person": hidden.pk, "role": "subject"}
    )
    assert refused.status_code == 403
    assert not concern.people.exists()
    # Linked by someone named on it, it stays out of sight of the others.
    triage.link_person(concern=concern, person=hidden, role="subject", user=cast["named_user"])
    page = analyst_client.get(url).content.decode()
    assert "Restricted Example" not in page
    assert "1 restricted record not shared with you" in page
