"""The audit log's CSV download: exactly the page's filtered events, formula-safe, audited."""

import csv
import io
import json

import pytest
from django.urls import reverse

from safeguarding.access import audit
from safeguarding.access.models import AuditAction, AuditEvent, AuditObject
from safeguarding.access.queries import AUDIT_CSV_HEADER, filtered_audit_events

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(cast):
    recorded = []
    for object_id in range(4):
        recorded.append(
            audit.record(
                action=AuditAction.VIEW,
                user=cast["analyst"],
                object_type=AuditObject.PERSON,
                object_id=object_id,
                purpose='=HYPERLINK("http://example.test")' if object_id == 2 else "Analysis",
                detail={"section": "timeline"},
            )
        )
    recorded.append(
        audit.record(action=AuditAction.EXPORT, user=cast["analyst"], object_type="tracker")
    )
    recorded.append(
        audit.record(action=AuditAction.VIEW, user=cast["police_panel_member"], object_id=9)
    )
    return recorded


def _as_auditor(client, cast, url):
    client.force_login(cast["auditor"])
    client.post(reverse("access:purpose"), {"purpose": "audit", "next": url})
    return client


def _rows(response) -> list[dict]:
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    return list(csv.DictReader(io.StringIO(text.decode())))


def test_the_download_holds_exactly_the_events_the_page_lists(client, cast, events):
    filters = {"username": "analyst", "action": "view", "page": "1"}
    client = _as_auditor(client, cast, reverse("access:audit"))
    page = client.get(reverse("access:audit"), filters)
    shown = [event.sequence for event in page.context["page"]]
    assert page.context["download_query"] == "username=analyst&action=view"
    assert (
        reverse("access:audit_download") + "?username=analyst&amp;action=view"
    ).encode() in page.content

    response = client.get(reverse("access:audit_download"), filters)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    rows = _rows(response)
    assert list(rows[0]) == AUDIT_CSV_HEADER
    assert [int(row["sequence"]) for row in rows] == shown == [e.sequence for e in events[3::-1]]
    first = AuditEvent.objects.get(sequence=int(rows[-1]["sequence"]))
    assert rows[-1] == {
        "sequence": str(first.sequence),
        "occurred_at": first.occurred_at.isoformat(),
        "username": "analyst",
        "roles": "analyst",
        "agency": "Safeguarding Partnership",
        "action": "view",
        "object_type": "person",
        "object_id": "0",
        "purpose": "Analysis",
        "ip_address": "",
        "detail": '{"section": "timeline"}',
        "previous_hash": first.previous_hash,
        "hash": first.hash,
    }
    assert json.loads(rows[-1]["detail"]) == first.detail
    # A value a spreadsheet would run as a formula is written as text.
    assert rows[1]["purpose"] == '\'=HYPERLINK("http://example.test")'


def test_the_download_is_audited_with_its_filters_and_size(client, cast, events):
    client = _as_auditor(client, cast, reverse("access:audit"))
    client.get(reverse("access:audit_download"), {"action": "view", "date_from": "2000-01-01"})
    export = AuditEvent.objects.get(action=AuditAction.EXPORT, username="auditor")
    assert export.object_type == AuditObject.AUDIT_EVENT
    assert export.purpose == "Data protection or quality assurance"
    assert export.detail == {
        "filters": {"action": "view", "date_from": "2000-01-01"},
        "rows": filtered_audit_events(action="view", date_from="2000-01-01")
        .filter(sequence__lt=export.sequence)
        .count(),
    }
    assert export.detail["rows"] == 5


def test_unfiltered_the_download_holds_the_whole_log(client, cast, events):
    client = _as_auditor(client, cast, reverse("access:audit"))
    before = AuditEvent.objects.count()
    rows = _rows(client.get(reverse("access:audit_download")))
    assert len(rows) == before
    assert [int(row["sequence"]) for row in rows] == list(range(before, 0, -1))


def test_the_download_asks_the_purpose_first(client, cast):
    client.force_login(cast["auditor"])
    response = client.get(reverse("access:audit_download"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("access:purpose"))


@pytest.mark.parametrize(
    "persona", ["analyst", "police_panel_member", "voluntary_panel_member", "outsider"]
)
def test_the_download_requires_the_auditor_role(client, cast, events, persona):
    client.force_login(cast[persona])
    response = client.get(reverse("access:audit_download"))
    assert response.status_code == 403
    assert b"sequence,occurred_at" not in response.content
    refusal = AuditEvent.objects.get(action=AuditAction.REFUSED)
    assert (refusal.username, refusal.object_type) == (persona, AuditObject.AUDIT_EVENT)
