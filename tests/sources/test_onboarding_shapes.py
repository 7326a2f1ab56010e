"""Extracts in the shapes real partnerships send, each imported through a feed alone, with the
values stored and the bad rows quarantined with their reasons."""

from datetime import date, datetime

import openpyxl
import pytest
from django.utils import timezone

from safeguarding.people.models import Event, Identifier, Location, SourceRecord
from tests.sources.onboarding import import_text, quarantined, write_feed

pytestmark = pytest.mark.django_db

NOMINALS = """
[columns]
NominalID = { required = true }
Surname = { required = true }
DOB = { type = "date", format = "%d/%m/%Y" }

[source_record]
source_record_id = "NominalID"
family_name = "Surname"
date_of_birth = "DOB"
"""


def stored(field: str = "family_name") -> dict[str, object]:
    return dict(SourceRecord.objects.values_list("source_record_id", field))


# 1. Where the table starts


def test_a_header_below_a_title_and_a_trailing_total_row(agencies, tmp_path):
    feed = write_feed(
        tmp_path,
        "titled",
        '[format]\nheader_row = 3\nskip_rows = { NominalID = "^(Total|Grand total)" }\n' + NOMINALS,
    )
    batch = import_text(
        tmp_path,
        feed,
        "titled.csv",
        "Police nominals extract,,\nRun on 30/11/2026,,\nNominalID,Surname,DOB\n"
        "WP1,Smith,03/04/2009\nWP2,Jones,31/02/2010\nWP3,Brown,05/06/2010\nTotal,3,\n",
    )
    assert (batch.rows_read, batch.rows_imported, batch.rows_quarantined) == (3, 2, 1)
    assert stored("date_of_birth") == {"WP1": date(2009, 4, 3), "WP3": date(2010, 6, 5)}
    # Row 1 is the first row after the header, wherever the header is.
    assert quarantined(batch) == {2: "DOB '31/02/2010' is not a real date in the form dd/mm/yyyy"}
    assert SourceRecord.objects.get(source_record_id="WP3").row_number == 3


def test_a_csv_with_no_header_row_takes_the_feeds_column_names(agencies, tmp_path):
    feed = write_feed(
        tmp_path,
        "headless",
        '[format]\ncolumn_names = ["NominalID", "Surname", "DOB"]\n' + NOMINALS,
    )
    batch = import_text(tmp_path, feed, "headless.csv", "WP1,Smith,03/04/2009\nWP2,Jones,\n")
    assert (batch.rows_read, batch.rows_imported) == (2, 2)
    assert stored() == {"WP1": "Smith", "WP2": "Jones"}
    assert SourceRecord.objects.get(source_record_id="WP1").row_number == 1


def _workbook(path, sheets: dict[str, list[list]], *, title: str | None = None):
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        if title:
            sheet.append([title])
            sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=3)
            sheet.append([])
        for row in rows:
            sheet.append(row)
    workbook.save(path)


def test_chosen_sheets_of_a_workbook_with_merged_titles_and_totals(agencies, tmp_path):
    feed = write_feed(
        tmp_path,
        "workbook",
        '[format]\nkind = "xlsx"\nsheets = ["North", "South"]\nheader_row = 3\n'
        'skip_rows = { NominalID = "^Total" }\n' + NOMINALS,
    )
    header = ["NominalID", "Surname", "DOB"]
    _workbook(
        tmp_path / "nominals.xlsx",
        {
            "Summary": [["not", "read", "at all"]],
            "North": [header, ["WP1", "Smith", "03/04/2009"], ["Total", "1", ""]],
            "South": [header, ["WP2", "Jones", "04/05/2010"], ["WP3", "", "01/01/2011"]],
        },
        title="Nominals by area (merged title)",
    )
    from safeguarding.sources.importing import import_file

    batch = import_file(feed=feed, path=tmp_path / "nominals.xlsx").batch
    assert (batch.rows_read, batch.rows_imported, batch.rows_quarantined) == (3, 2, 1)
    assert stored() == {"WP1": "Smith", "WP2": "Jones"}
    # Rows of the second sheet are numbered on from the first sheet's last row.
    assert quarantined(batch) == {4: "Surname is blank, and it is required"}
    assert SourceRecord.objects.get(source_record_id="WP2").row_number == 3


# 2. Line endings and quoting together

OCCURRENCES = """
[columns]
Ref = { required = true }
When = { type = "date", format = "%d/%m/%Y", required = true }
Summary = {}

[event]
source_event_id = "Ref"
type = "incident"
occurred_at = "When"
description = "Summary"
"""


@pytest.mark.parametrize("newline", ["\r", "\n", "\r\n"])
def test_line_breaks_in_values_beside_malformed_rows_quarantine_only_the_bad(
    agencies, tmp_path, newline
):
    feed = write_feed(tmp_path, "occurrences", OCCURRENCES)
    lines = [
        "Ref,When,Summary",
        'OCC1,01/11/2026,"Seen at the station,' + newline + 'then left by car"',
        "OCC2,02/11/2026",
        'OCC3,03/11/2026,"Two' + newline + "line" + newline + 'breaks"',
        "OCC4,04/11/2026,plain,extra",
        "OCC5,05/11/2026,last",
    ]
    batch = import_text(tmp_path, feed, "occurrences.csv", newline.join(lines) + newline)
    assert (batch.rows_read, batch.rows_imported, batch.rows_quarantined) == (5, 3, 2)
    descriptions = dict(Event.objects.values_list("source_event_id", "description"))
    assert descriptions == {
        "OCC1": f"Seen at the station,{newline}then left by car",
        "OCC3": f"Two{newline}line{newline}breaks",
        "OCC5": "last",
    }
    assert dict(Event.objects.values_list("source_event_id", "row_number")) == {
        "OCC1": 1,
        "OCC3": 3,
        "OCC5": 5,
    }
    reasons = quarantined(batch)
    assert set(reasons) == {2, 4}
    assert reasons[2].startswith("The row has fewer columns than the header")
    assert reasons[4].startswith("The row has more columns than the header")


# 3. Identifiers that are not one column; terms instead of dates

ATTENDANCE = """
[columns]
UPN = { required = true }
StartDate = { type = "date", format = "%d/%m/%Y", required = true }
AcademicYear = { required = true }
Sessions = { type = "integer", min = 0 }

[columns.Term]
type = "term"
year_column = "AcademicYear"
terms = { Autumn = "09-01", Spring = "01-05", Summer = "04-20" }

[event]
source_event_id = ["UPN", "StartDate"]
type = "attendance"
occurred_at = "Term"
details = { sessions_missed = "Sessions" }
"""


def test_a_composite_id_and_a_term_mapped_to_a_date(agencies, tmp_path):
    feed = write_feed(tmp_path, "attendance", ATTENDANCE)
    batch = import_text(
        tmp_path,
        feed,
        "attendance.csv",
        "UPN,StartDate,AcademicYear,Term,Sessions\n"
        "A123,01/09/2024,2024/25,Autumn,4\n"
        "A123,06/01/2025,2024/25,spring,2\n"
        "B456,01/09/2024,2024,Summer,0\n"
        "B456,02/09/2024,2024/25,Winter,1\n"
        "C789,01/09/2024,2024/25,Autumn,-3\n",
    )
    assert (batch.rows_imported, batch.rows_quarantined) == (3, 2)
    events = {
        event.source_event_id: (
            timezone.localtime(event.occurred_at).date(),
            event.details["sessions_missed"],
        )
        for event in Event.objects.all()
    }
    assert events == {
        "A123 + 01/09/2024": (date(2024, 9, 1), 4),
        "A123 + 06/01/2025": (date(2025, 1, 5), 2),
        "B456 + 01/09/2024": (date(2025, 4, 20), 0),
    }
    assert quarantined(batch) == {
        4: "Term 'Winter' is not one of the terms (Autumn, Spring, Summer)",
        5: "Sessions '-3' is outside the least allowed, 0",
    }


def test_the_row_number_as_the_id_when_nothing_else_is_unique(agencies, tmp_path):
    feed = write_feed(
        tmp_path,
        "rowids",
        OCCURRENCES.replace('source_event_id = "Ref"', 'source_event_id = "@row"').replace(
            "Ref = { required = true }", "Ref = {}"
        ),
    )
    text = "Ref,When,Summary\nX,01/11/2026,a\nX,02/11/2026,b\n"
    import_text(tmp_path, feed, "log.csv", text)
    assert sorted(Event.objects.values_list("source_event_id", "description")) == [
        ("log.csv:1", "a"),
        ("log.csv:2", "b"),
    ]


# 4. Cells that hold several fields

PEOPLE = """
[columns]
ID = { required = true }
Name = { type = "person_name", form = "family, given" }
Address = { type = "address" }

[source_record]
source_record_id = "ID"
given_names = "Name.given"
family_name = "Name.family"
address = "Address"
postcode = "Address.postcode"
"""


def test_surname_comma_forenames_and_a_whole_address_in_one_cell(agencies, tmp_path):
    feed = write_feed(tmp_path, "people", PEOPLE)
    batch = import_text(
        tmp_path,
        feed,
        "people.csv",
        'ID,Name,Address\nP1,"SMITH, Jayden Lee","12a High Street, Chippenham, sn151aa"\n'
        'P2,"JONES, J.A.","Flat above the shop, Market Place, Devizes"\nP3,Brown,\n',
    )
    assert batch.rows_imported == 2
    smith = SourceRecord.objects.get(source_record_id="P1")
    assert (smith.given_names, smith.family_name, smith.postcode) == (
        "Jayden Lee",
        "SMITH",
        "SN15 1AA",
    )
    assert smith.address == "12a High Street, Chippenham, sn151aa"
    jones = SourceRecord.objects.get(source_record_id="P2")
    assert (jones.given_names, jones.family_name, jones.postcode) == ("J A", "JONES", "")
    assert quarantined(batch) == {
        3: "Name 'Brown' is not in the form SURNAME, Forenames: it has no comma"
    }


def test_forename_middle_surname_and_address_parts_in_event_details(agencies, tmp_path):
    feed = write_feed(
        tmp_path,
        "stops",
        """
[columns]
Ref = { required = true }
When = { type = "date", format = "%d/%m/%Y" }
Person = { type = "person_name", form = "given family" }
Where = { type = "address" }
District = { type = "postcode", allow_district = true }

[event]
source_event_id = "Ref"
type = "stop_and_search"
occurred_at = "When"
postcode = "District"

[event.details]
given = "Person.given"
family = "Person.family"
initials = "Person.initials"
house = "Where.house_number"
street = "Where.street"
town = "Where.town"
postcode = "Where.postcode"
""",
    )
    import_text(
        tmp_path,
        feed,
        "stops.csv",
        "Ref,When,Person,Where,District\n"
        'S1,01/11/2026,Jayden Lee SMITH,"4 Station Road, Swindon SN1 1AA",sn1\n',
    )
    event = Event.objects.get()
    assert event.details == {
        "given": "Jayden Lee",
        "family": "SMITH",
        "initials": "JL",
        "house": "4",
        "street": "Station Road",
        "town": "Swindon",
        "postcode": "SN1 1AA",
    }
    assert event.location.postcode == "SN1"


# 5. Mixed date formats in one column


def test_text_dates_beside_spreadsheet_dates_and_ambiguous_ones_quarantined(agencies, tmp_path):
    feed = write_feed(
        tmp_path,
        "mixed",
        '[format]\nkind = "xlsx"\n'
        + NOMINALS.replace(
            'DOB = { type = "date", format = "%d/%m/%Y" }',
            'DOB = { type = "date", format = ["%Y-%m-%d %H:%M:%S", "%d/%m/%Y", "%m/%d/%Y", '
            '"%d %b %Y"] }',
        ),
    )
    _workbook(
        tmp_path / "mixed.xlsx",
        {
            "Sheet1": [
                ["NominalID", "Surname", "DOB"],
                ["WP1", "Smith", datetime(2009, 4, 3)],  # a real spreadsheet date
                ["WP2", "Jones", "25/12/2010"],  # only d/m reads it
                ["WP3", "Brown", "12/25/2010"],  # only m/d reads it
                ["WP4", "Green", "03/04/2011"],  # both read it, differently: never guessed
                ["WP5", "White", "5 Jun 2012"],
                ["WP6", "Black", "04/04/2011"],  # both read it the same
            ]
        },
    )
    from safeguarding.sources.importing import import_file

    batch = import_file(feed=feed, path=tmp_path / "mixed.xlsx").batch
    assert stored("date_of_birth") == {
        "WP1": date(2009, 4, 3),
        "WP2": date(2010, 12, 25),
        "WP3": date(2010, 12, 25),
        "WP5": date(2012, 6, 5),
        "WP6": date(2011, 4, 4),
    }
    assert quarantined(batch) == {
        4: "DOB '03/04/2011' is ambiguous: it reads as different dates in yyyy-mm-dd HH:MM:SS "
        "or dd/mm/yyyy or mm/dd/yyyy or dd Mon yyyy"
    }


# 6. Coordinates: British National Grid, WGS84, or neither

LOCATED = """
[columns]
Ref = { required = true }
When = { type = "date", format = "%d/%m/%Y" }
Place = {}
Easting = { type = "easting" }
Northing = { type = "northing" }
Lat = { type = "latitude" }
Lon = { type = "longitude" }

[event]
source_event_id = "Ref"
type = "incident"
occurred_at = "When"
location_name = "Place"
easting = "Easting"
northing = "Northing"
latitude = "Lat"
longitude = "Lon"
"""


def test_grid_references_are_converted_and_latitude_longitude_kept(agencies, tmp_path):
    feed = write_feed(tmp_path, "located", LOCATED)
    batch = import_text(
        tmp_path,
        feed,
        "located.csv",
        "Ref,When,Place,Easting,Northing,Lat,Lon\n"
        "E1,01/11/2026,Ben Nevis summit,216666,771288,,\n"
        "E2,01/11/2026,Swindon bus station,,,51.5626,-1.7856\n"
        "E3,01/11/2026,Somewhere,,,,\n"
        "E4,01/11/2026,Off the grid,912345,173640,,\n",
    )
    assert batch.rows_quarantined == 1
    places = {
        location.name: (location.latitude, location.longitude)
        for location in Location.objects.all()
    }
    latitude, longitude = places["Ben Nevis summit"]
    # The summit's trig point, grid reference NN 16666 71288, lies at 56.7969 N, 5.0037 W.
    assert latitude == pytest.approx(56.7969, abs=0.0002)
    assert longitude == pytest.approx(-5.0037, abs=0.0002)
    assert places["Swindon bus station"] == (51.5626, -1.7856)
    assert places["Somewhere"] == (None, None)
    assert quarantined(batch) == {4: "Easting '912345' is outside 0 to 700000"}


# 12. Identifiers of any kind the feed declares


def test_identifiers_of_any_declared_kind_are_stored_with_their_kind(agencies, tmp_path):
    feed = write_feed(
        tmp_path,
        "identified",
        """
[columns]
ID = { required = true }
PNC = {}
NINO = {}
YJ = {}

[source_record]
source_record_id = "ID"
identifiers = { pnc_id = "PNC", national_insurance_number = "NINO", youth_justice_id = "YJ" }
""",
    )
    import_text(tmp_path, feed, "ids.csv", "ID,PNC,NINO,YJ\nP1,12/345678A,QQ123456C,YJ9\n")
    assert set(Identifier.objects.values_list("kind", "value")) == {
        ("pnc_id", "12/345678A"),
        ("national_insurance_number", "QQ123456C"),
        ("youth_justice_id", "YJ9"),
    }
