import pytest
from django.urls import reverse

from safeguarding.access.models import AuditAction, AuditEvent
from tests.factories import FeedFactory, InvolvementFactory, PersonFactory, SourceRecordFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(agencies):
    person = PersonFactory()
    police = FeedFactory(name="police-nominals", agency=agencies["wiltshire-police"])
    health = FeedFactory(name="health-patients", agency=agencies["health"])
    SourceRecordFactory(
        person=person, feed=police, import_batch__feed=police, source_record_id="WP000123"
    )
    SourceRecordFactory(
        person=person,
        feed=health,
        import_batch__feed=health,
        source_record_id="H-77",
        given_names="Jayde",
    )
    return person


def open_person(client, person, purpose="casework"):
    url = reverse("people:detail", args=[person.pk])
    client.post(reverse("access:purpose"), {"purpose": purpose, "next": url})
    return client.get(url)


def test_opening_a_person_asks_the_purpose_first(client_for, person):
    url = reverse("people:detail", args=[person.pk])
    response = client_for("analyst").get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("access:purpose"))
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW).exists()


def test_viewing_a_person_writes_an_audit_event_with_the_purpose(client_for, person):
    response = open_person(client_for("analyst"), person)
    assert response.status_code == 200
    assert b"WP000123" in response.content and b"H-77" in response.content
    event = AuditEvent.objects.get(action=AuditAction.VIEW)
    assert (event.username, event.object_type, event.object_id, event.purpose) == (
        "analyst",
        "person",
        str(person.pk),
        "Casework with this young person",
    )


def test_the_purpose_is_remembered_for_the_session(client_for, person):
    client = client_for("analyst")
    open_person(client, person)
    response = client.get(reverse("people:detail", args=[person.pk]))
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.VIEW).count() == 2


def test_another_purpose_must_be_described(client_for, person):
    client = client_for("analyst")
    response = client.post(reverse("access:purpose"), {"purpose": "other", "other": " "})
    assert response.status_code == 200
    assert "Describe why you need to see this record" in response.content.decode()


@pytest.mark.parametrize(
    "persona,status",
    [
        ("analyst", 200),
        ("police_panel_member", 200),
        ("voluntary_panel_member", 200),
        ("outsider", 403),
        ("auditor", 403),
    ],
)
def test_who_may_open_a_person(client_for, person, persona, status):
    assert open_person(client_for(persona), person).status_code == status


def test_a_restricted_record_opens_only_for_named_users_and_a_refusal_is_audited(
    client_for, cast, person
):
    person.restricted = True
    person.save()
    person.allowed_users.add(cast["police_panel_member"])
    assert open_person(client_for("analyst"), person).status_code == 403
    refusal = AuditEvent.objects.get(action=AuditAction.REFUSED)
    assert (refusal.username, refusal.object_id) == ("analyst", str(person.pk))
    assert open_person(client_for("police_panel_member"), person).status_code == 200


def test_the_page_reads_a_person_in_a_fixed_number_of_queries(client_for, person):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("analyst")
    open_person(client, person)
    record = person.source_records.first()
    url = reverse("people:detail", args=[person.pk])

    def queries_for_page() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    InvolvementFactory(source_record=record, person=person)
    few = queries_for_page()
    for extra in range(20):
        SourceRecordFactory(person=person, source_record_id=f"X{extra}")
        InvolvementFactory(source_record=record, person=person)
    assert queries_for_page() == few <= 20


def test_the_timeline_shows_events_from_every_agency_with_role_and_filters(
    client_for, person, agencies
):
    police_record, health_record = (
        person.source_records.order_by("source_record_id")[1],
        person.source_records.order_by("source_record_id")[0],
    )
    InvolvementFactory(
        source_record=police_record,
        person=person,
        role="missing_person",
        event__feed=police_record.feed,
        event__import_batch__feed=police_record.feed,
        event__event_type="missing_episode",
        event__details={"risk_grade": "high"},
    )
    InvolvementFactory(
        source_record=health_record,
        person=person,
        role="subject",
        event__feed=health_record.feed,
        event__import_batch__feed=health_record.feed,
        event__event_type="ed_attendance",
        event__details={"attendance_reason": "Assault"},
    )
    client = client_for("voluntary_panel_member")
    response = open_person(client, person)
    rows = response.context["timeline"]
    assert [row["involvement"].event.event_type for row in rows] == [
        "missing_episode",
        "ed_attendance",
    ]
    page = response.content.decode()
    assert "Missing person" in page and "Risk grade: high" in page and "Assault" in page

    outsider_view = open_person(client_for("analyst"), person).content.decode()
    assert "Assault" not in outsider_view
    assert "Visible to health and panel members only" in outsider_view

    filtered = client.get(
        reverse("people:detail", args=[person.pk]), {"agency": "wiltshire-police"}
    )
    assert [row["involvement"].event.event_type for row in filtered.context["timeline"]] == [
        "missing_episode"
    ]


def test_searching_by_name_id_or_date_of_birth_finds_the_person_and_is_audited(client_for, person):
    client = client_for("analyst")
    for text in ("jade example", "WP000123", "03/04/2009"):
        response = client.get(reverse("people:search"), {"q": text})
        assert response.status_code == 200
        assert person in response.context["people"], text
    searches = AuditEvent.objects.filter(action=AuditAction.SEARCH, object_type="person")
    assert [event.detail["terms"] for event in searches.order_by("sequence")] == [
        "jade example",
        "WP000123",
        "03/04/2009",
    ]


def test_outsiders_cannot_search_for_people(client_for):
    assert client_for("outsider").get(reverse("people:search"), {"q": "x"}).status_code == 403
