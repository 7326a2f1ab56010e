from datetime import date

import pandas as pd

from safeguarding.sources.feeds import load_feed
from safeguarding.sources.quality import QualityTally
from safeguarding.sources.readers import ROW
from safeguarding.sources.validation import validate_chunk
from tests.sources.test_feeds_and_validation import write_feed

VALID_NHS = "9434765919"


def tally_of(tmp_path, nhs_values: list[str]) -> dict:
    feed = load_feed(write_feed(tmp_path))
    rows = pd.DataFrame(
        {
            ROW: range(1, len(nhs_values) + 1),
            "NominalID": [f"N{n}" for n in range(len(nhs_values))],
            "Surname": "SMITH",
            "DOB": "",
            "Sex": "",
            "NHS": nhs_values,
            "Postcode": "",
            "Lat": "",
        }
    )
    validated = validate_chunk(rows, feed, today=date(2026, 12, 1))
    tally = QualityTally(feed)
    tally.add_chunk(rows, validated.issues, rejected=0)
    return tally.report(rows_imported=0, rows_quarantined=0)["columns"]["NHS"]


def test_a_value_with_an_error_and_a_warning_counts_once_and_validity_is_never_negative(
    tmp_path,
):
    # A NUL character (an error) in a number that also fails its check digit (a warning, as
    # the column is flag_only): two issues on one value. Validity was 1 - 2/1 = -100% before.
    figures = tally_of(tmp_path, ["12345\x00"])
    assert figures == {"completeness": 1.0, "validity": 0.0, "errors": 1, "warnings": 1}


def test_validity_is_the_share_of_filled_values_without_a_problem(tmp_path):
    figures = tally_of(tmp_path, [VALID_NHS, "12345\x00", "1234567890", ""])
    assert figures["completeness"] == 0.75
    assert figures["validity"] == round(1 / 3, 4)
    assert (figures["errors"], figures["warnings"]) == (1, 2)
