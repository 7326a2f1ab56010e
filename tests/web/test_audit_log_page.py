"""The audit page shows what was searched, filtered or exported; record types from a list."""

import pytest
from django.urls import reverse

from safeguarding.access import audit
from safeguarding.access.models import AuditAction, AuditObject
from safeguarding.access.queries import detail_summary
from tests.conftest import state_purpose

pytestmark = pytest.mark.django_db


def test_the_detail_says_what_was_searched_filtered_or_exported():
    assert detail_summary({"terms": "jade", "results": 2, "people": [1, 2]}) == (
        "searched “jade”; 2 results; 2 people listed"
    )
    assert detail_summary({"page": 1, "people": 50, "filters": ["area", "level"]}) == (
        "filtered by area, level; 50 people shown"
    )
    assert detail_summary({"rows": 12, "filters": {"action": "view"}}) == (
        "filtered by action view; 12 rows"
    )


def test_the_page_lists_record_types_by_name_and_filters_by_them(client_for, cast):
    audit.record(
        action=AuditAction.SEARCH,
        username="analyst",
        object_type=AuditObject.PERSON_SEARCH,
        detail={"terms": "kimberley hart", "results": 2},
    )
    client = client_for("auditor")
    state_purpose(client, "audit")
    response = client.get(reverse("access:audit"), {"object_type": "person_search"})
    page = response.content.decode()
    assert '<option value="person_search" selected>Search for people</option>' in page
    assert "searched “kimberley hart”; 2 results" in page
    assert 'type="date"' in page
    assert [event.object_type for event, _ in response.context["rows"]] == ["person_search"]
