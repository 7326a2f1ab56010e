"""Search results that tell two people of one name apart, and say why each matched."""

import datetime

import pytest
from django.urls import reverse

from tests.conftest import state_purpose
from tests.factories import PersonFactory
from tests.people.conftest import event_for, record_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_kimberleys(feeds):
    older = PersonFactory(display_name="Kimberley Hart", date_of_birth=datetime.date(2009, 3, 4))
    younger = PersonFactory(display_name="Kimberley Hart", date_of_birth=datetime.date(2013, 8, 20))
    police = record_for(
        older,
        feeds["wiltshire-police"],
        given_names="Kimberley",
        family_name="Hart",
        date_of_birth=older.date_of_birth,
    )
    event_for(police, "arrest", days_ago=12)
    record_for(
        younger,
        feeds["education"],
        given_names="Kim",
        family_name="Hrat",
        date_of_birth=younger.date_of_birth,
    )
    return older, younger


def search(client, text):
    state_purpose(client)
    return client.get(reverse("people:search"), {"q": text})


def test_results_carry_age_agencies_and_last_contact(client_for, two_kimberleys):
    older, younger = two_kimberleys
    rows = {
        row["person"]: row
        for row in search(client_for("analyst"), "kimberley hart").context["rows"]
    }
    assert rows[older]["agencies"] == ["Wiltshire Police"]
    assert rows[older]["last_contact"] is not None
    assert rows[younger]["last_contact"] is None
    assert rows[older]["age"] > rows[younger]["age"]


def test_each_result_says_why_it_matched(client_for, two_kimberleys):
    older, younger = two_kimberleys
    client = client_for("analyst")
    reasons = {r.person: r.reasons for r in search(client, "kimberley hart").context["results"]}
    assert reasons[older] == ["Exact name"]
    assert reasons[younger] == ["Close spelling"]  # "Kim" a nickname, "Hrat" a slip
    by_nickname = {r.person: r.reasons for r in search(client, "kim hart").context["results"]}
    assert by_nickname[older] == ["Nickname"]
    swapped = {r.person: r.reasons for r in search(client, "hart 03/04/2009").context["results"]}
    assert swapped[older] == ["Exact name", "Day and month swapped"]
