"""Search results that tell two people of one name apart, and say why each matched."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

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


def test_the_rows_print_dates_ages_closeness_and_escape_names(client_for, two_kimberleys):
    """The rows are written in Python (web/search_table.py), not by the template."""
    older, younger = two_kimberleys
    younger.display_name = "Kimberley <i>Hart</i> & O'Neil"
    younger.save()
    page = search(client_for("analyst"), "kimberley hart").content.decode()
    rows = page.split('data-testid="search-result"')[1:]
    older_row = next(row for row in rows if f"Hub id {older.pk}<" in row)
    younger_row = next(row for row in rows if f"Hub id {younger.pk}<" in row)

    last_contact = timezone.localtime(timezone.now() - datetime.timedelta(days=12))
    assert f'href="/people/{older.pk}/">Kimberley Hart</a>' in older_row
    assert "4 March 2009<br>" in older_row
    assert f"aged {rows_age(older)}</span>" in older_row
    assert '<td class="govuk-table__cell govuk-body-s">Wiltshire Police</td>' in older_row
    assert f"{last_contact:%-d %b %Y}</td>" in older_row
    assert 'data-testid="match-reason">Exact name</td>' in older_row
    assert "Kimberley &lt;i&gt;Hart&lt;/i&gt; &amp; O&#x27;Neil</a>" in younger_row
    assert "20 August 2013<br>" in younger_row
    assert "None recorded</td>" in younger_row
    assert "Area not known</td>" in younger_row
    assert "Close spelling (closeness " in younger_row


def rows_age(person) -> int:
    today = timezone.localdate()
    born = person.date_of_birth
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
