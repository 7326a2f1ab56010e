"""Who has viewed this young person: the query, the rule, the section and the auditors' page."""

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from safeguarding.access import audit
from safeguarding.access.models import AuditAction, AuditEvent, AuditObject
from safeguarding.access.purpose import SESSION_KEY
from safeguarding.access.queries import may_see_viewers, viewers_for_person_page, views_of
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

# An id no factory hands out: a young person made in a test (PostgreSQL numbers them afresh in
# each test database) must not be the one the fixture's audit events are about.
PERSON = 900_000_007


@pytest.fixture
def viewings(cast):
    """Three people opened, downloaded or were refused PERSON; other events are not views."""
    cast = cast

    def seen(persona, action, object_id=PERSON, object_type=AuditObject.PERSON, purpose=""):
        return audit.record(
            action=action,
            user=cast[persona],
            object_type=object_type,
            object_id=object_id,
            purpose=purpose,
        )

    return [
        seen("practitioner", AuditAction.VIEW, purpose="Casework with this young person"),
        seen("police_panel_member", AuditAction.EXPORT, purpose="Preparing for a panel"),
        seen("outsider", AuditAction.REFUSED),
        seen("practitioner", AuditAction.VIEW, object_id=PERSON + 1),  # another young person
        seen("analyst", AuditAction.SEARCH, object_type=AuditObject.PERSON_SEARCH, object_id=""),
        # a source record, not a person
        seen("analyst", AuditAction.VIEW, object_type=AuditObject.SOURCE_RECORD),
    ]


def test_views_of_lists_who_saw_the_person_newest_first_with_role_agency_and_purpose(viewings):
    found = views_of(object_type=AuditObject.PERSON, object_id=PERSON)
    assert [viewing.sequence for viewing in found] == [e.sequence for e in viewings[2::-1]]
    refused, exported, viewed = found
    assert (viewed.username, viewed.name, viewed.roles, viewed.agency) == (
        "practitioner",
        "Practitioner",
        ["Practitioner"],
        "Children's Social Care",
    )
    assert (viewed.action, viewed.purpose, viewed.when) == (
        "Viewed",
        "Casework with this young person",
        viewings[0].occurred_at,
    )
    assert (exported.username, exported.roles, exported.agency, exported.action) == (
        "police_panel_member",
        ["Panel member"],
        "Wiltshire Police",
        "Exported",
    )
    assert (refused.username, refused.roles, refused.action) == ("outsider", [], "Refused access")
    assert not any(viewing.break_glass for viewing in found)
    assert len(views_of(object_type=AuditObject.PERSON, object_id=PERSON, limit=2)) == 2


def test_a_view_under_break_glass_is_marked(cast):
    audit.record(
        action=AuditAction.VIEW,
        user=cast["analyst"],
        object_type=AuditObject.PERSON,
        object_id=PERSON,
        detail={"break_glass": True},
    )
    (viewing,) = views_of(object_type=AuditObject.PERSON, object_id=PERSON)
    assert viewing.break_glass


@pytest.mark.parametrize(
    "persona,may",
    [
        ("auditor", True),
        ("manager", True),
        ("analyst", False),
        ("practitioner", False),
        ("police_panel_member", False),
        ("voluntary_panel_member", False),
        ("outsider", False),
    ],
)
def test_only_auditors_and_managers_may_see_the_viewers(cast, persona, may):
    assert may_see_viewers(cast[persona], PersonFactory()) is may


def _request(user, purpose="Data protection or quality assurance"):
    request = RequestFactory().get("/people/7/")
    request.user, request.session = user, {SESSION_KEY: purpose}
    return request


def test_the_person_page_section_is_read_through_the_gate_and_audited(viewings, cast):
    person = PersonFactory()
    audit.record(
        action=AuditAction.VIEW,
        user=cast["practitioner"],
        object_type=AuditObject.PERSON,
        object_id=person.pk,
    )
    found = viewers_for_person_page(_request(cast["manager"]), person=person)
    assert [viewing.username for viewing in found] == ["practitioner"]
    read = AuditEvent.objects.order_by("-sequence").first()
    assert (read.username, read.action, read.object_type, read.object_id) == (
        "manager",
        AuditAction.VIEW,
        AuditObject.AUDIT_EVENT,
        str(person.pk),
    )
    assert read.purpose == "Data protection or quality assurance"
    assert read.detail == {"viewers_of": "person", "events": 1}


def test_the_section_is_left_out_for_others_and_nothing_is_audited(viewings, cast):
    before = AuditEvent.objects.count()
    person = PersonFactory()
    assert viewers_for_person_page(_request(cast["practitioner"]), person=person) is None
    assert AuditEvent.objects.count() == before


def test_the_include_shows_each_viewing(viewings):
    html = render_to_string(
        "access/_viewers.html",
        {"viewers": views_of(object_type=AuditObject.PERSON, object_id=PERSON)},
    )
    assert "Who has viewed this young person" in html
    assert html.count('data-sequence="') == 3
    assert "Practitioner" in html and "Casework with this young person" in html
    assert "Refused access" in html and "None stated" in html
    assert "No one has viewed" in render_to_string("access/_viewers.html", {"viewers": []})


def _open_as(client, user, url):
    client.force_login(user)
    client.post(reverse("access:purpose"), {"purpose": "audit", "next": url})
    return client.get(url)


def test_auditors_see_the_viewers_page_and_the_reading_is_audited(client, viewings, cast):
    url = reverse("access:person_viewers", args=[PERSON])
    response = _open_as(client, cast["auditor"], url)
    assert response.status_code == 200
    assert response.content.count(b'data-sequence="') == 3
    assert b"police_panel_member" in response.content
    read = AuditEvent.objects.order_by("-sequence").first()
    assert (read.username, read.action, read.object_type, read.object_id) == (
        "auditor",
        AuditAction.VIEW,
        AuditObject.AUDIT_EVENT,
        str(PERSON),
    )
    assert read.detail == {"viewers_of": "person", "events": 3}


def test_the_viewers_page_asks_the_purpose_first(client, cast):
    client.force_login(cast["auditor"])
    url = reverse("access:person_viewers", args=[PERSON])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("access:purpose"))


@pytest.mark.parametrize(
    "persona", ["manager", "practitioner", "analyst", "police_panel_member", "outsider"]
)
def test_the_viewers_page_requires_the_auditor_role(client, cast, persona):
    url = reverse("access:person_viewers", args=[PERSON])
    response = _open_as(client, cast[persona], url)
    assert response.status_code == 403
    refusal = AuditEvent.objects.filter(action=AuditAction.REFUSED).get()
    assert (refusal.username, refusal.object_type, refusal.object_id) == (
        persona,
        AuditObject.AUDIT_EVENT,
        str(PERSON),
    )
