"""The single view over a small synthetic county, imported and linked through the pipeline."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safeguarding.people.models import Event, Involvement, Person
from safeguarding.pipeline import Inputs, run_pipeline
from tests.people.conftest import open_person

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def linked_county(tmp_path, agencies):
    county = tmp_path / "county"
    call_command(
        "synth",
        "--out",
        str(county),
        "--seed",
        "11",
        "--scale",
        "small",
        "--end",
        "2026-10-31",
        verbosity=0,
    )
    run_pipeline(
        inputs=Inputs(extracts=county / "extracts"),
        started_by="the tests",
        stages=["import", "link"],
    )
    return county


def test_a_linked_persons_timeline_holds_every_agency_and_a_misspelt_name_finds_them(
    linked_county, client_for
):
    # The person whose events come from the most agencies.
    spread = (
        Event.objects.values("involvements__person_id")
        .annotate(agencies=Count("feed__agency", distinct=True), events=Count("id"))
        .order_by("-agencies", "-events")
    )[0]
    person = Person.objects.get(pk=spread["involvements__person_id"])
    expected_agencies = set(
        Involvement.objects.filter(person=person).values_list(
            "event__feed__agency__code", flat=True
        )
    )
    assert len(expected_agencies) >= 3

    client = client_for("police_panel_member")
    response = open_person(client, person, purpose="panel")
    view = response.context["view"]
    assert {entry.agency.code for entry in view.timeline} == expected_agencies
    assert view.timeline_total == len(
        set(Involvement.objects.filter(person=person).values_list("event_id", flat=True))
    )
    assert len(view.identity.records) == person.source_records.count() >= 2
    assert [e.event.occurred_at for e in view.timeline] == sorted(
        (e.event.occurred_at for e in view.timeline), reverse=True
    )  # newest first

    record = person.source_records.exclude(family_name="").order_by("id").first()
    family = record.family_name
    misspelt = family[0] + family[2] + family[1] + family[3:]  # two letters swapped
    results = client.get(
        reverse("people:search"), {"q": f"{record.given_names.split()[0]} {misspelt}"}
    ).context["results"]
    assert person in [result.person for result in results]

    # A person with a short history reads in as many queries as this one.
    quiet = Person.objects.annotate(n=Count("involvements")).filter(n=1).order_by("pk").first()
    counts = []
    for someone in (person, quiet):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("people:detail", args=[someone.pk])).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]

    # A sample across the county opens, whatever its history.
    people = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    for person_id in people[:: max(1, len(people) // 40)]:
        response = client.get(reverse("people:detail", args=[person_id]))
        assert response.status_code == 200, person_id
        assert b'id="timeline"' in response.content and b'id="involvement"' in response.content
