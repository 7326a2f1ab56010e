"""Files that add to what another feed imported: identifiers of a kind named in a column,
details on another feed's events (the general language behind the SSD's linked identifiers
and assessment factors)."""

import datetime

import pytest
from django.conf import settings
from django.core.management import call_command

from safeguarding.people.models import Event, Identifier
from tests.sources.onboarding import import_text, quarantined, write_feed

pytestmark = pytest.mark.django_db

VISITS = """
[columns]
VisitID = { required = true }
When = { type = "date", format = "%d/%m/%Y" }

[event]
source_event_id = "VisitID"
type = "concern_report"
occurred_at = "When"
"""

VISIT_NOTES = """
[columns]
NoteID = { required = true }
VisitID = { required = true }
FollowUp = { type = "date", format = "%d/%m/%Y" }
Officers = { type = "integer" }
Flags = { type = "json_list" }

[adds_details]
id = "NoteID"
event = { feed = "visits", column = "VisitID" }
details = { follow_up = "FollowUp", officers = "Officers", flags = "Flags" }
"""


def test_details_of_any_type_are_added_as_json_holds_them(agencies, tmp_path):
    visits = write_feed(tmp_path, "visits", VISITS)
    import_text(tmp_path, visits, "visits.csv", "VisitID,When\nV1,01/10/2026\nV2,02/10/2026\n")
    notes = write_feed(tmp_path, "visit-notes", VISIT_NOTES)
    assert notes.depends_on == {"visits"}
    batch = import_text(
        tmp_path,
        notes,
        "notes.csv",
        'NoteID,VisitID,FollowUp,Officers,Flags\nN1,V1,03/10/2026,2,"[""taxi""]"\n'
        'N2,V2,,,"{""hotel"": true, ""taxi"": false}"\nN3,V3,,,\nN4,V1,,,"{""taxi"": }"\n',
    )
    assert (batch.rows_imported, batch.rows_quarantined) == (2, 2)
    reasons = quarantined(batch)
    assert "matches no event from visits" in reasons[3]
    assert reasons[4].startswith("Flags '{\"taxi\": }' is not valid JSON")
    first = Event.objects.get(source_event_id="V1").details
    assert (first["follow_up"], first["officers"], first["flags"]) == ("2026-10-03", 2, ["taxi"])
    assert Event.objects.get(source_event_id="V2").details["flags"] == ["hotel"]
    assert datetime.date.fromisoformat(first["follow_up"])  # stored as an ISO date


PEOPLE = """
[columns]
ID = { required = true }

[source_record]
source_record_id = "ID"
"""

PNC_NUMBERS = """
[columns]
PersonID = { required = true }
PNC = {}

[adds_identifier]
person = { feed = "people", column = "PersonID" }
kind = "pnc_id"
value = "PNC"
"""


def test_identifiers_of_one_constant_kind_are_added(agencies, tmp_path):
    people = write_feed(tmp_path, "people", PEOPLE)
    import_text(tmp_path, people, "people.csv", "ID\nP1\nP2\n")
    numbers = write_feed(tmp_path, "pnc-numbers", PNC_NUMBERS)
    batch = import_text(
        tmp_path, numbers, "pnc.csv", "PersonID,PNC\nP1,2001/0012345X\nP2,\nP1,2001/0012345X\n"
    )
    assert (batch.rows_imported, batch.rows_quarantined) == (2, 1)
    assert quarantined(batch) == {2: "PNC is blank, and it is required"}
    assert list(
        Identifier.objects.values_list("source_record__source_record_id", "kind", "value")
    ) == [("P1", "pnc_id", "2001/0012345X")]


def test_feeds_show_says_what_a_file_adds_and_to_what(capsys):
    standards = settings.FEEDS_DIR / "standards"
    call_command("feeds", "--feeds", str(standards), "show", "ssd-assessment-factors")
    assert (
        "Adds details to the event ssd-cin-assessments.cinf_assessment_id:\n"
        "  factor_codes                ← cinf_assessment_factors_json"
    ) in capsys.readouterr().out
    call_command("feeds", "--feeds", str(standards), "show", "ssd-linked-identifiers")
    assert (
        "Adds an identifier (from column link_identifier_type) from link_identifier_value to "
        "the record ssd-person.link_person_id"
    ) in capsys.readouterr().out
