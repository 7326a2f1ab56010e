"""One row, several facts; relationship and contact files; checks beyond a value's type."""

from datetime import date

import pytest

from safeguarding.people.models import (
    Event,
    Involvement,
    ObjectContact,
    ObjectLink,
    Relationship,
    SourceRecord,
)
from safeguarding.sources.preparing import prepare_chunks
from tests.sources.onboarding import TODAY, import_text, quarantined, write_feed

pytestmark = pytest.mark.django_db

PEOPLE = """
[columns]
ID = { required = true }
Surname = { required = true }

[source_record]
source_record_id = "ID"
family_name = "Surname"
"""


@pytest.fixture
def people(agencies, tmp_path):
    feed = write_feed(tmp_path, "people", PEOPLE)
    import_text(tmp_path, feed, "people.csv", "ID,Surname\nP1,Smith\nP2,Jones\nP3,Brown\n")
    return feed


# 7. One row, several facts

REFERRALS = """
[columns]
Ref = { required = true }
ID = { required = true }
Surname = {}
When = { type = "date", format = "%d/%m/%Y", required = true }
NRM = {}
Outcome = {}

[source_record]
source_record_id = "ID"
family_name = "Surname"

[event]
source_event_id = "Ref"
type = "stop_and_search"
occurred_at = "When"
description = "Outcome"

[[involvements]]
role = "subject"

[[derived_events]]
name = "nrm"
type = "nrm_referral"
when = { column = "NRM", equals = ["Y", "Yes"] }

[[derived_events]]
name = "found"
type = "finding"
when = { column = "Outcome", contains_any = ["cash", "phones", "drugs", "knife", "bladed article"] }
description = "Outcome"
"""


def test_a_row_flagging_an_nrm_referral_or_finding_cash_makes_further_events(agencies, tmp_path):
    feed = write_feed(tmp_path, "searches", REFERRALS)
    import_text(
        tmp_path,
        feed,
        "searches.csv",
        "Ref,ID,Surname,When,NRM,Outcome\n"
        "S1,P1,Smith,01/11/2026,Y,Found cash and two phones\n"
        "S2,P2,Jones,02/11/2026,N,Nothing found\n"
        "S3,P3,Brown,03/11/2026,yes,Cashew nuts only\n"
        "S4,P1,Smith,04/11/2026,,Bladed article seized\n",
    )
    events = {
        e.source_event_id: (e.event_type, e.row_number, e.details) for e in Event.objects.all()
    }
    assert events["S1/nrm"] == (
        "nrm_referral",
        1,
        {"derived_by": "nrm", "derived_from_column": "NRM", "matched": "Y"},
    )
    assert events["S1/found"] == (
        "finding",
        1,
        {"derived_by": "found", "derived_from_column": "Outcome", "matched": "cash, phones"},
    )
    assert events["S3/nrm"][0] == "nrm_referral"
    assert "S3/found" not in events  # "cashew" is not "cash"
    assert events["S4/found"][2]["matched"] == "bladed article"
    assert not any(key.startswith("S2/") for key in events)
    assert Event.objects.get(source_event_id="S1/found").description == (
        "Found cash and two phones"
    )
    # The row's person is the subject of each event the row implies.
    assert sorted(
        Involvement.objects.filter(event__source_event_id__contains="/").values_list(
            "event__source_event_id", "source_record__source_record_id", "role"
        )
    ) == [
        ("S1/found", "P1", "subject"),
        ("S1/nrm", "P1", "subject"),
        ("S3/nrm", "P3", "subject"),
        ("S4/found", "P1", "subject"),
    ]


# 8. Relationship files


def test_person_to_person_relationships_from_a_family_file(people, tmp_path):
    feed = write_feed(
        tmp_path,
        "family",
        """
[columns]
From = { required = true }
To = { required = true }
Since = { type = "date", format = "%d/%m/%Y" }

[columns.Relation]
type = "code"
required = true
codes = { MOTHER = "parent", SIB = "sibling", FRIEND = "knows", ASSOC = "associate" }

[relationship]
kind_column = "Relation"
from = { feed = "people", column = "From" }
to = { feed = "people", column = "To" }
started_at = "Since"
""",
    )
    batch = import_text(
        tmp_path,
        feed,
        "family.csv",
        "From,To,Relation,Since\nP1,P2,MOTHER,\nP2,P3,ASSOC,01/06/2026\nP1,P9,SIB,\nP3,P1,COUSIN,\n",
    )
    assert sorted(
        (r.from_record.source_record_id, r.to_record.source_record_id, r.kind, r.started_at)
        for r in Relationship.objects.all()
    ) == [("P1", "P2", "parent", None), ("P2", "P3", "associate", date(2026, 6, 1))]
    assert Relationship.objects.get(kind="parent").row_number == 1
    assert Relationship.objects.get(kind="parent").import_batch == batch
    reasons = quarantined(batch)
    assert reasons[3] == "To 'P9' matches no record from people: import that feed's file first"
    assert reasons[4].startswith("Relation 'COUSIN' is not one of the codes")


def test_calls_between_phones_and_a_vehicle_shared_by_two_people(people, tmp_path):
    calls = write_feed(
        tmp_path,
        "calls",
        """
[columns]
CallID = { required = true }
Caller = { required = true }
Called = { required = true }
At = { type = "datetime", format = "%d/%m/%Y %H:%M" }

[object_contact]
kind = "call"
from_kind = "phone"
to_kind = "phone"
from = "Caller"
to = "Called"
occurred_at = "At"
source_contact_id = "CallID"
""",
    )
    import_text(
        tmp_path,
        calls,
        "calls.csv",
        "CallID,Caller,Called,At\nC1,07700900001,07700900002,01/11/2026 23:15\n"
        "C2,07700900002,07700900001,\n",
    )
    contacts = {
        c.source_contact_id: (c.from_object.value, c.to_object.value, c.kind, c.row_number)
        for c in ObjectContact.objects.all()
    }
    assert contacts == {
        "C1": ("07700900001", "07700900002", "call", 1),
        "C2": ("07700900002", "07700900001", "call", 2),
    }
    assert ObjectContact.objects.get(source_contact_id="C1").occurred_at.isoformat() == (
        "2026-11-01T23:15:00+00:00"
    )
    vehicles = write_feed(
        tmp_path,
        "vehicles",
        """
[columns]
VRM = { required = true }
Driver = { required = true }
Passenger = {}

[[object_links]]
kind = "vehicle"
column = "VRM"
person = { feed = "people", column = "Driver" }

[[object_links]]
kind = "vehicle"
column = "VRM"
person = { feed = "people", column = "Passenger" }
""",
    )
    import_text(tmp_path, vehicles, "vehicles.csv", "VRM,Driver,Passenger\nAB12CDE,P1,P2\n")
    assert sorted(
        ObjectLink.objects.filter(object__kind="vehicle").values_list(
            "object__value", "source_record__source_record_id", "row_number"
        )
    ) == [("AB12CDE", "P1", 1), ("AB12CDE", "P2", 1)]


# 10. Checks beyond type

EPISODES = """
[columns]
EpisodeID = { required = true }
ID = { required = true }
DOB = { type = "date", format = "%d/%m/%Y" }
Start = { type = "date", format = "%d/%m/%Y", required = true }
End = { type = "date", format = "%d/%m/%Y" }
Attendance = { type = "number", min = 0, max = 100 }

[source_record]
source_record_id = "ID"
date_of_birth = "DOB"

[event]
source_event_id = "EpisodeID"
type = "missing_episode"
occurred_at = "Start"
ended_at = "End"
details = { attendance = "Attendance" }

[[checks]]
rule = "End >= Start"
message = "The episode ends before it starts"

[[checks]]
rule = "DOB <= Start"
message = "The date of birth is after the episode"
"""


def test_ranges_cross_field_rules_and_ids_given_twice(agencies, tmp_path):
    feed = write_feed(tmp_path, "episodes", EPISODES)
    batch = import_text(
        tmp_path,
        feed,
        "episodes.csv",
        "EpisodeID,ID,DOB,Start,End,Attendance\n"
        "M1,P1,01/01/2010,01/11/2026,02/11/2026,95.5\n"
        "M2,P1,01/01/2010,05/11/2026,04/11/2026,90\n"
        "M3,P2,01/12/2026,03/11/2026,,80\n"
        "M4,P3,01/01/2011,03/11/2026,,104.5\n"
        "M5,P4,01/01/2011,03/11/2026,,70\n"
        "M5,P5,01/01/2012,04/11/2026,,71\n",
    )
    assert list(Event.objects.values_list("source_event_id", flat=True)) == ["M1"]
    assert quarantined(batch) == {
        2: "The episode ends before it starts (End 04/11/2026, Start 05/11/2026)",
        3: "The date of birth is after the episode (DOB 01/12/2026, Start 03/11/2026)",
        4: "Attendance '104.5' is outside 0 to 100",
        5: "EpisodeID 'M5' is given on rows 5 and 6 of this file: neither is imported until "
        "the file says which is right",
        6: "EpisodeID 'M5' is given on rows 6 and 5 of this file: neither is imported until "
        "the file says which is right",
    }
    assert not SourceRecord.objects.filter(source_record_id__in=["P4", "P5"]).exists()


def test_an_id_repeated_in_a_later_chunk_is_quarantined_naming_the_first(agencies, tmp_path):
    feed = write_feed(tmp_path, "episodes", EPISODES)
    rows = [f"M{n},P{n},01/01/2010,01/11/2026,,50\n" for n in range(1, 3001)]
    path = tmp_path / "episodes.csv"
    path.write_text("EpisodeID,ID,DOB,Start,End,Attendance\n" + "".join(rows) + rows[0])
    chunks = list(prepare_chunks(path, feed=feed, today=TODAY, vendor="sqlite", chunk_rows=2048))
    assert len(chunks) == 2
    # The first was imported with its chunk, so only the later row can still be held back.
    assert [(i.row, i.reason) for i in chunks[1].issues] == [
        (
            3001,
            "EpisodeID 'M1' is also given on row 1 of this file, which was imported: "
            "correct the file and import it again",
        )
    ]
    assert not chunks[0].issues
