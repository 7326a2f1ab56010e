from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from safeguarding.sources.feeds import FeedError, load_feed
from safeguarding.sources.readers import ROW
from safeguarding.sources.validation import ERROR, WARNING, MissingColumnsError, validate_chunk

FEED = """
[feed]
name = "test-nominals"
agency = "wiltshire-police"
lawful_basis = "DPA 2018 Part 3"
isa_reference = "ISA-TEST-1"
isa_review_date = 2027-06-30
retention_days = 2190
file_patterns = ["nominals_*.csv"]

[columns]
NominalID = { required = true }
Surname = { required = true }
DOB = { type = "date", format = "%d/%m/%Y", not_after_today = true, not_before = "1900-01-01" }
Sex = { type = "code", codes = { M = "male", F = "female", U = "unknown" } }
NHS = { type = "nhs_number", flag_only = true }
Postcode = { type = "postcode" }
Lat = { type = "latitude" }

[source_record]
source_record_id = "NominalID"
family_name = "Surname"
date_of_birth = "DOB"
sex = "Sex"
postcode = "Postcode"
identifiers = { nhs_number = "NHS" }
"""


def write_feed(tmp_path: Path, text: str = FEED) -> Path:
    path = tmp_path / "feed.toml"
    path.write_text(text, encoding="utf-8")
    return path


def frame(**columns) -> pd.DataFrame:
    rows = pd.DataFrame(columns)
    rows.insert(0, ROW, range(1, len(rows) + 1))
    return rows


def test_a_feed_loads_into_typed_columns_and_claims_its_files(tmp_path):
    feed = load_feed(write_feed(tmp_path))
    assert feed.name == "test-nominals"
    assert feed.columns["DOB"].format == "%d/%m/%Y"
    assert feed.claims("nominals_2026-11.csv")
    assert not feed.claims("occurrences_2026-11.csv")


def test_a_date_column_without_a_format_is_refused_because_dates_are_ambiguous(tmp_path):
    text = FEED.replace('DOB = { type = "date", format = "%d/%m/%Y",', 'DOB = { type = "date",')
    with pytest.raises(FeedError, match="03/04/2025 could be 3 April or 4 March"):
        load_feed(write_feed(tmp_path, text))


def test_a_mapped_column_must_be_declared(tmp_path):
    text = FEED.replace('family_name = "Surname"', 'family_name = "LastName"')
    with pytest.raises(
        FeedError, match=r"line \d+: the column 'LastName' is mapped but not declared"
    ):
        load_feed(write_feed(tmp_path, text))


def test_validation_reports_each_bad_value_with_row_column_and_reason(tmp_path):
    feed = load_feed(write_feed(tmp_path))
    rows = frame(
        NominalID=["N1", "N2", "", "N4", "N5", "N6"],
        Surname=["Smith", "Jones", "Brown", "Green", "White", "Black"],
        DOB=["03/04/2010", "31/02/2010", "01/01/2011", "01/01/2999", "", "02/02/2012"],
        Sex=["M", "f", "F", "X", "U", "F"],
        NHS=["9434765919", "", "", "", "9434765918", ""],
        Postcode=["sn15 1aa", "", "SN15 1AA", "", "", "NOT A CODE"],
        Lat=["51.4", "", "", "", "", "95"],
    )
    result = validate_chunk(rows, feed, today=date(2026, 11, 23))
    problems = {(issue.row, issue.column, issue.severity): issue.reason for issue in result.issues}
    assert problems == {
        (2, "DOB", ERROR): "DOB '31/02/2010' is not a real date in the form dd/mm/yyyy",
        (3, "NominalID", ERROR): "NominalID is blank, and it is required",
        (4, "DOB", ERROR): "DOB '01/01/2999' is in the future",
        (4, "Sex", ERROR): "Sex 'X' is not one of the codes this feed knows (M, F, U): "
        "add it to the feed's codes if it is new",
        (5, "NHS", WARNING): "NHS '9434765918' is not a valid NHS number (10 digits, check digit)",
        (6, "Postcode", ERROR): "Postcode 'NOT A CODE' is not a UK postcode (e.g. SN15 1AA)",
        (6, "Lat", ERROR): "Lat '95' is outside -90 to 90",
    }
    assert result.error_rows == {2, 3, 4, 6}
    values = result.values.set_index(ROW)
    assert values.loc[1, "DOB"] == date(2010, 4, 3)
    assert values.loc[2, "Sex"] == "female"
    assert values.loc[1, "Postcode"] == "SN15 1AA"
    assert result.invalid["NHS"].tolist() == [False, False, False, False, True, False]


def test_a_file_missing_an_expected_column_is_refused_whole(tmp_path):
    feed = load_feed(write_feed(tmp_path))
    rows = frame(NominalID=["N1"], Surname=["Smith"])
    with pytest.raises(MissingColumnsError, match="no column\\(s\\) DOB, Sex, NHS, Postcode, Lat"):
        validate_chunk(rows, feed, today=date(2026, 11, 23))
