"""The tracker as people use it: compact rows, sorting by the headings, counts, page size,
filters kept for the session, setting a level from the row."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from safeguarding.panel.models import Action, ActionStatus, AgendaItem, Decision, Meeting
from safeguarding.risk.models import Override
from safeguarding.risk.services import score_everyone
from safeguarding.web.tracker_table import options
from tests.risk.conftest import AS_OF

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(county):
    people = {}
    for name, codes, born in (
        ("Many Signs", ["24A", "11A", "12A", "13A", "10A"], datetime.date(2010, 5, 1)),
        ("Medium Person", ["24A", "10A"], datetime.date(2012, 5, 1)),
        ("Low Person", ["10A"], datetime.date(2009, 5, 1)),
    ):
        child = county.person(display_name=name, born=born)
        county.event(
            child,
            agency="childrens-social-care",
            event_type="referral",
            details={"factor_codes": codes},
            postcode="SN15 1AA",
        )
        people[name] = child
    score_everyone(as_of=AS_OF)
    return people


def open_tracker(client, query=""):
    url = reverse("risk:tracker") + query
    client.post(reverse("access:purpose"), {"purpose": "panel", "next": url})
    return client.get(url)


def names(response) -> list[str]:
    return [row["name"] for row in response.context["rows"]]


def test_rows_show_three_indicators_and_fold_the_rest(client_for, scored):
    response = open_tracker(client_for("panel_chair"))
    row = response.context["rows"][0]
    assert row["name"] == "Many Signs" and len(row["indicators"]) > 3
    page = response.content.decode()
    assert f"and {len(row['indicators']) - 3} more" in page
    assert 'data-testid="more-indicators"' in page


def test_each_heading_sorts_and_the_sort_stays_in_the_address(client_for, scored):
    client = client_for("analyst")
    response = open_tracker(client, "?level=")
    links = response.context["sort"]
    assert links["age"]["href"] == "?level=&sort=age"
    assert names(client.get(reverse("risk:tracker") + links["age"]["href"])) == [
        "Medium Person",
        "Many Signs",
        "Low Person",
    ]
    for sort in ("trend", "new", "area", "score", "level"):
        assert client.get(reverse("risk:tracker"), {"sort": sort}).status_code == 200


def test_counts_of_high_medium_and_rising_are_over_every_page(client_for, scored):
    response = open_tracker(client_for("analyst"), "?size=25")
    counts = response.context["counts"]
    levels = [row["level"] for row in response.context["rows"]]
    assert counts["high"] == levels.count("high")
    assert counts["medium"] == levels.count("medium")
    assert counts["rising"] == 0  # a first scoring: everyone is new
    assert response.context["size"] == 25
    assert open_tracker(client_for("analyst"), "?size=7").context["size"] == 50


def test_the_filters_are_remembered_for_the_session_until_cleared(client_for, scored):
    client = client_for("analyst")
    open_tracker(client, "?level=medium&page=1")
    back = client.get(reverse("risk:tracker"))
    assert back.status_code == 302 and back.url == reverse("risk:tracker") + "?level=medium"
    cleared = client.get(reverse("risk:tracker"), {"clear": "1"})
    assert cleared.url == reverse("risk:tracker")
    assert names(client.get(reverse("risk:tracker")))[0] == "Many Signs"


def test_the_export_applies_the_pages_filters(client_for, scored):
    client = client_for("analyst")
    open_tracker(client)
    exported = client.get(reverse("risk:export"), {"level": "medium"}).content.decode()
    assert exported.splitlines()[1].startswith(str(scored["Medium Person"].pk))
    assert len(exported.splitlines()) == 2


def test_a_level_set_from_the_row_returns_to_the_tracker(client_for, scored):
    client = client_for("panel_chair")
    response = open_tracker(client, "?sort=age")
    page = response.content.decode()
    assert 'data-testid="set-level"' in page
    person = scored["Low Person"]
    form_url = reverse("risk:override", args=[person.pk]) + "?next=/tracker/%3Fsort%3Dage"
    form = client.get(form_url)
    assert form.context["computed"].score == pytest.approx(response.context["rows"][-1]["score"])
    assert 'type="date"' in form.content.decode()
    done = client.post(
        form_url,
        {"level": "high", "reason": "Seen with older males", "review_by": "2026-08-01"},
    )
    assert done.url == "/tracker/?sort=age"
    assert Override.objects.get(person=person).review_by == datetime.date(2026, 8, 1)
    assert "set-level" not in open_tracker(client_for("analyst")).content.decode()


def test_a_level_set_elsewhere_never_returns_to_another_site(client_for, scored):
    client = client_for("panel_chair")
    person = scored["Low Person"]
    url = reverse("risk:override", args=[person.pk]) + "?next=https://example.com/"
    client.post(reverse("access:purpose"), {"purpose": "panel", "next": url})
    done = client.post(url, {"level": "high", "reason": "Because"})
    assert done.url == reverse("people:detail", args=[person.pk]) + "#risk"


def test_each_row_counts_the_persons_open_panel_actions(client_for, cast, scored):
    person = scored["Medium Person"]
    meeting = Meeting.objects.create(title="VACS", held_on=AS_OF, chair=cast["panel_chair"])
    decision = Decision.objects.create(
        agenda_item=AgendaItem.objects.create(meeting=meeting, order=1, person=person),
        text="Keep on the tracker",
    )
    owner = cast["practitioner"]
    for description, status in (("Visit", ActionStatus.OPEN), ("Call", ActionStatus.OPEN)):
        Action.objects.create(
            decision=decision,
            description=description,
            owner=owner,
            owner_agency=owner.agency,
            due_on=AS_OF,
            status=status,
        )
    Action.objects.create(
        decision=decision,
        description="Done already",
        owner=owner,
        owner_agency=owner.agency,
        due_on=AS_OF,
        status=ActionStatus.DONE,
    )
    rows = open_tracker(client_for("panel_chair")).context["rows"]
    assert {row["name"]: row["open_actions"] for row in rows} == {
        "Many Signs": 0,
        "Medium Person": 2,
        "Low Person": 0,
    }


def test_a_person_has_one_level_in_force_at_a_time(cast, scored):
    person = scored["Low Person"]
    Override.objects.create(person=person, level="high", reason="Seen", set_by=cast["panel_chair"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Override.objects.create(
            person=person, level="medium", reason="Again", set_by=cast["panel_chair"]
        )


def test_names_and_places_in_the_rows_are_escaped(client_for, scored):
    """The rows are written in Python (web/tracker_table.py), not by the template: every value
    is still escaped."""
    child = scored["Low Person"]
    child.display_name = "<script>alert('x')</script> O'Neil & Co"
    child.save()
    page = open_tracker(client_for("panel_chair"), "?sort=score").content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; O&#x27;Neil &amp; Co" in page


def test_the_filters_choices_are_escaped_and_the_one_in_force_selected_each_time():
    schools = [("126000", "St Mary's & St John's"), ("126001", "<b>Bold</b> Academy")]

    first = options(schools, selected="126001")
    again = options(schools, selected="126000")  # the escaped choices, kept, are reused

    assert first == (
        '<option value="126000">St Mary&#x27;s &amp; St John&#x27;s</option>'
        '<option value="126001" selected>&lt;b&gt;Bold&lt;/b&gt; Academy</option>'
    )
    assert again == (
        '<option value="126000" selected>St Mary&#x27;s &amp; St John&#x27;s</option>'
        '<option value="126001">&lt;b&gt;Bold&lt;/b&gt; Academy</option>'
    )
    assert options([], selected="") == ""
