"""The person page: purpose first, audited, need to know by role and agency, bounded queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safeguarding.access.models import AuditAction, AuditEvent
from safeguarding.access.services import ensure_user
from tests.conftest import PASSWORD
from tests.factories import (
    FeedFactory,
    IdentifierFactory,
    ImportBatchFactory,
    InvolvementFactory,
    ObjectLinkFactory,
    SourceRecordFactory,
)
from tests.people.conftest import event_for, open_person, put_on_agenda, record_for, records_of

pytestmark = pytest.mark.django_db


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
    assert '<a href="#id_other">Describe why you need to see this record</a>' in (
        response.content.decode()
    )


def test_a_purpose_must_be_chosen_and_the_error_leads_to_the_choices(client_for, person):
    response = client_for("analyst").post(reverse("access:purpose"), {"purpose": ""})
    page = response.content.decode()
    assert '<a href="#id_purpose_0">Choose why you need to see this record</a>' in page
    assert 'id="id_purpose-hint"' in page and 'id="id_purpose_0"' in page


@pytest.mark.parametrize(
    "persona,status",
    [
        ("analyst", 200),
        ("police_panel_member", 200),
        ("voluntary_panel_member", 403),  # not on a panel agenda
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
    assert (refusal.username, refusal.object_id, refusal.purpose) == (
        "analyst",
        str(person.pk),
        "Casework with this young person",
    )
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW, username="analyst").exists()
    assert open_person(client_for("police_panel_member"), person).status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, username="police_panel_member")


def test_the_voluntary_sector_opens_a_person_only_while_a_panel_is_discussing_them(
    client_for, cast, person
):
    client = client_for("voluntary_panel_member")
    item = put_on_agenda(person, chair=cast["analyst"])
    assert open_person(client, person).status_code == 200
    item.meeting.held_on -= datetime.timedelta(days=91)  # a meeting older than a review cycle
    item.meeting.save()
    assert client.get(reverse("people:detail", args=[person.pk])).status_code == 403
    assert AuditEvent.objects.filter(
        action=AuditAction.REFUSED, username="voluntary_panel_member"
    ).exists()


def test_the_page_shows_events_from_every_agency_in_time_order_with_role_place_and_source(
    client_for, person, feeds
):
    records = records_of(person)
    for code in ("childrens-social-care", "education", "youth-justice", "missing-service"):
        records[code] = record_for(person, feeds[code])
    event_for(records["wiltshire-police"], "stop_and_search", days_ago=60, description="Stop")
    event_for(records["health"], "ed_attendance", days_ago=50)
    event_for(
        records["childrens-social-care"], "referral", days_ago=40, details={"factor_codes": ["24A"]}
    )
    event_for(records["education"], "exclusion", days_ago=30)
    event_for(records["youth-justice"], "youth_justice_outcome", days_ago=20)
    event_for(records["missing-service"], "missing_episode", role="missing_person", days_ago=10)
    response = open_person(client_for("analyst"), person)
    timeline = response.context["view"].timeline
    # Newest first by default.
    assert [entry.agency.code for entry in timeline] == [
        "missing-service",
        "youth-justice",
        "education",
        "childrens-social-care",
        "health",
        "wiltshire-police",
    ]
    page = response.content.decode()
    assert "24A Child criminal exploitation" in page
    assert "Missing person" in page
    assert f"missing-episodes row {timeline[0].event.row_number}" in page
    oldest_first = open_person(client_for("analyst"), person, order="oldest").context["view"]
    assert [entry.agency.code for entry in oldest_first.timeline][0] == "wiltshire-police"


def test_the_timeline_filters_by_agency_type_and_period(client_for, person):
    records = records_of(person)
    event_for(records["wiltshire-police"], "missing_episode", role="missing_person", days_ago=200)
    event_for(records["wiltshire-police"], "arrest", role="suspect", days_ago=8)
    event_for(records["health"], "ed_attendance", days_ago=7)
    client = client_for("analyst")
    by_agency = open_person(client, person, agency="wiltshire-police").context["view"]
    assert [e.event.event_type for e in by_agency.timeline] == ["arrest", "missing_episode"]
    assert by_agency.timeline_total == 3
    url = reverse("people:detail", args=[person.pk])
    by_type = client.get(url, {"type": "arrest"})
    assert [e.role_labels for e in by_type.context["view"].timeline] == [["Suspect"]]
    recent = client.get(url, {"months": "6"}).context["view"]
    assert [e.event.event_type for e in recent.timeline] == ["ed_attendance", "arrest"]
    assert recent.missing.summary["episodes"] == 1  # the missing history is always whole
    page = client.get(url, {"months": "6", "agency": "health"}).content.decode()
    assert f'href="/people/{person.pk}/pdf/?agency=health&amp;months=6"' in page
    unknown = client.get(url, {"months": "1000"}).context["view"]
    assert len(unknown.timeline) == 3


def health_event(person):
    event_for(
        records_of(person)["health"],
        "ed_attendance",
        details={"attendance_reason": "Assault"},
    )


@pytest.mark.parametrize(
    "persona,sees_detail",
    [
        ("analyst", False),
        ("police_panel_member", True),
        ("voluntary_panel_member", False),
    ],
)
def test_health_details_beyond_the_kind_of_attendance_are_for_health_and_statutory_panel(
    client_for, cast, person, persona, sees_detail
):
    health_event(person)
    put_on_agenda(person, chair=cast["analyst"])
    page = open_person(client_for(persona), person).content.decode()
    assert ("Reason: Assault" in page) is sees_detail


def test_health_staff_see_health_details(client, agencies, person):
    nurse = ensure_user(
        username="nurse", password=PASSWORD, agency=agencies["health"], roles=["practitioner"]
    )
    health_event(person)
    client.force_login(nurse)
    assert "Reason: Assault" in open_person(client, person).content.decode()


def test_an_identifier_another_feed_added_says_which_feed_and_row(client_for, person, feeds):
    health = records_of(person)["health"]
    IdentifierFactory(source_record=health, kind="nhs_number", value="9434765919")
    linked = ImportBatchFactory(feed=FeedFactory(name="ssd-linked-identifiers"))
    IdentifierFactory(
        source_record=health,
        kind="upn",
        value="A123456789012",
        feed=linked.feed,
        import_batch=linked,
        row_number=7,
    )
    page = open_person(client_for("analyst"), person).content.decode()
    # Its own feed's identifier needs no note: the record's agency says where it came from.
    assert "NHS number 9434765919<br>" in page
    assert (
        'Unique pupil number A123456789012 <span data-testid="identifier-added-from">'
        "(added from ssd-linked-identifiers row 7)</span>"
    ) in page


def test_the_voluntary_sector_sees_only_what_the_panel_shares(client_for, cast, person):
    records = records_of(person)
    event_for(records["wiltshire-police"], "missing_episode", role="missing_person", days_ago=9)
    event_for(records["wiltshire-police"], "arrest", role="suspect", days_ago=8)
    IdentifierFactory(source_record=records["health"], kind="nhs_number", value="9434765919")
    put_on_agenda(person, chair=cast["analyst"])
    response = open_person(client_for("voluntary_panel_member"), person)
    view = response.context["view"]
    assert [e.event.event_type for e in view.timeline] == ["missing_episode"]
    assert view.connections is None
    page = response.content.decode()
    assert "WP000123" not in page and "9434765919" not in page
    assert "Jade Example" in page and "VACS panel" in page
    assert "not shared with voluntary-sector partners" in page


def test_the_page_reads_a_person_in_a_fixed_number_of_queries(client_for, cast, person, feeds):
    client = client_for("analyst")
    open_person(client, person)
    url = reverse("people:detail", args=[person.pk]) + "?connections=show"
    police = records_of(person)["wiltshire-police"]
    police.postcode = "SN15 1AA"
    police.save()

    def add_history(batch: int, size: int) -> None:
        """Records, identifiers, events, people found with them, shared phones, agenda items."""
        for n in range(size):
            record = record_for(person, feeds["education"], source_record_id=f"X{batch}-{n}")
            IdentifierFactory(source_record=record, kind="upn", value=f"U{batch}-{n}")
            event = event_for(police, "incident", role="missing_person", days_ago=n)
            other = SourceRecordFactory(postcode="SN15 1AA")
            InvolvementFactory(
                event=event, source_record=other, person=other.person, role="found_with"
            )
            phone = ObjectLinkFactory(source_record=police).object
            ObjectLinkFactory(source_record=other, object=phone)
            put_on_agenda(person, chair=cast["analyst"])

    def queries_for_page() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
            assert response.status_code == 200
        return len(captured), response.context["view"]

    add_history(1, 1)
    few, small = queries_for_page()
    add_history(2, 20)
    many, large = queries_for_page()
    assert (len(small.connections.people), len(large.connections.people)) == (1, 21)
    assert (len(small.panel.items), len(large.panel.items)) == (1, 21)
    # two of them name the timeline's schools and postcodes' areas; one places the Places map's
    # postcodes with their small areas' outlines
    assert many == few <= 33


def test_the_identity_gives_the_link_confidence_as_the_weakest_records_match(client_for, person):
    for record, weight in zip(person.source_records.order_by("pk"), (12.0, 3.0), strict=True):
        record.match_weight, record.link_model_version = weight, "20261201"
        record.save()
    page = open_person(client_for("analyst"), person).content.decode()
    assert (
        "The weakest link: match weight 3.0, a match probability 88.89% "
        "(linkage model 20261201)." in page
    )


@pytest.mark.parametrize("persona,sees_links", [("analyst", True), ("police_panel_member", False)])
def test_analysts_get_links_to_the_linkage_pages(client_for, person, persona, sees_links):
    page = open_person(client_for(persona), person).content.decode()
    assert (f'href="{reverse("linkage:person", args=[person.pk])}"' in page) is sees_links
    assert (f'href="{reverse("linkage:review")}"' in page) is sees_links
