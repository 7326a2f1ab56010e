"""A mistake in a feed file is refused when it is loaded, with the file, the line and the
nearest word the feed language knows; never a bare TypeError."""

import pytest

from safeguarding.sources.feeds import FeedError, load_feed
from tests.sources.onboarding import feed_text, write_feed

GOOD = """
[format]
kind = "csv"

[columns]
Ref = { required = true }
ID = { required = true }
DOB = { type = "date", format = "%d/%m/%Y" }
When = { type = "date", format = "%d/%m/%Y" }
Kind = { type = "code", codes = { MISP = "missing_episode", SS = "stop_and_search" } }

[source_record]
source_record_id = "ID"
date_of_birth = "DOB"

[event]
source_event_id = "Ref"
type = "Kind"
occurred_at = "When"

[[involvements]]
role = "missing_person"
"""


def refused(tmp_path, body: str) -> str:
    with pytest.raises(FeedError) as error:
        write_feed(tmp_path, "broken", body)
    return str(error.value)


def line_holding(body: str, text: str) -> int:
    """The line of the written feed file holding text (the header takes the first lines)."""
    lines = feed_text("broken", body).splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def test_the_good_feed_loads(tmp_path):
    feed = write_feed(tmp_path, "good", GOOD)
    assert feed.involvements[0].role == "missing_person"


@pytest.mark.parametrize(
    "wrong,right,expected,marker",
    [
        (
            'kind = "csv"',
            'delimeter = ";"',
            "[format] has no option 'delimeter' (did you mean 'delimiter'?)",
            "delimeter",
        ),
        (
            'DOB = { type = "date", format = "%d/%m/%Y" }',
            'DOB = { type = "date", fromat = "%d/%m/%Y" }',
            "column 'DOB' has no option 'fromat' (did you mean 'format'?)",
            "fromat",
        ),
        (
            'role = "missing_person"',
            'role = "missing_persn"',
            "'missing_persn' is not a role (did you mean 'missing_person'?)",
            "missing_persn",
        ),
        (
            'SS = "stop_and_search"',
            'SS = "stop_and_serch"',
            "column 'Kind' maps the code 'SS' to 'stop_and_serch', which is not a event type "
            "(did you mean 'stop_and_search'?)",
            "stop_and_serch",
        ),
        (
            'DOB = { type = "date", format = "%d/%m/%Y" }',
            "DOB = {}",
            "date_of_birth is fed by 'DOB', a text column: declare it as date or datetime",
            'date_of_birth = "DOB"',
        ),
        (
            'source_record_id = "ID"',
            'source_record_id = "ID"\ndate_of_brith = "DOB"',
            "[source_record] has no option 'date_of_brith' (did you mean 'date_of_birth'?)",
            "date_of_brith",
        ),
        (
            "[[involvements]]",
            "[[involvement]]",
            "A feed file has no option 'involvement' (did you mean 'involvements'?)",
            "[[involvement]]",
        ),
        (
            "ID = { required = true }",
            'ID = { type = "txt" }',
            "'txt' is not a column type (did you mean 'text'?)",
            '"txt"',
        ),
    ],
)
def test_a_mistake_is_refused_with_its_line_and_a_suggestion(
    tmp_path, wrong, right, expected, marker
):
    body = GOOD.replace(wrong, right if wrong != 'kind = "csv"' else f"{wrong}\n{right}")
    message = refused(tmp_path, body)
    assert expected in message
    assert message.startswith(f"broken.toml, line {line_holding(body, marker)}: ")


def test_a_value_of_the_wrong_form_is_a_feed_error_not_a_type_error(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text(feed_text("broken", GOOD).replace('file_patterns = ["*"]', "file_patterns = 3"))
    with pytest.raises(FeedError) as error:
        load_feed(path)
    assert str(error.value) == (
        "broken.toml, line 9: [feed]: file_patterns is 3, but must be a list [...]"
    )


def test_a_required_value_given_as_text_is_refused_plainly(tmp_path):
    body = GOOD.replace("ID = { required = true }", 'ID = { required = "yes" }')
    message = refused(tmp_path, body)
    assert message == (
        f"broken.toml, line {line_holding(body, 'ID = ')}: column 'ID': required is 'yes', "
        "but must be true or false"
    )


ADDS = """
[columns]
LinkID = { required = true }
PersonID = { required = true }
Type = { type = "code", codes = { NHS = "nhs_number", UPN = "upn" } }
Value = {}

[adds_identifier]
id = "LinkID"
person = { feed = "people", column = "PersonID" }
kind_column = "Type"
value = "Value"
"""


@pytest.mark.parametrize(
    "wrong,right,expected,marker",
    [
        (
            'kind_column = "Type"',
            'kind_colum = "Type"',
            "[adds_identifier] has no option 'kind_colum' (did you mean 'kind_column'?)",
            "kind_colum",
        ),
        (
            'kind_column = "Type"',
            'kind = "nhs_numbr"',
            "'nhs_numbr' is not a identifier kind (did you mean 'nhs_number'?)",
            "nhs_numbr",
        ),
        (
            'UPN = "upn"',
            'UPN = "upm"',
            "column 'Type' maps the code 'UPN' to 'upm', which is not a identifier kind "
            "(did you mean 'upn'?)",
            "upm",
        ),
        (
            'Type = { type = "code", codes = { NHS = "nhs_number", UPN = "upn" } }',
            "Type = {}",
            "'Type' feeds a identifier kind, so it must be a code column",
            'kind_column = "Type"',
        ),
        (
            'value = "Value"',
            'value = "Valeu"',
            "the column 'Valeu' is mapped but not declared in [columns] (did you mean 'Value'?)",
            "[adds_identifier]",
        ),
        (
            "[adds_identifier]",
            "[adds_identifiers]",
            "A feed file has no option 'adds_identifiers' (did you mean 'adds_identifier'?)",
            "[adds_identifiers]",
        ),
        (
            'kind_column = "Type"',
            'kind_column = "Type"\nkind = "upn"',
            "[adds_identifier] needs exactly one of 'kind' (an identifier kind) or 'kind_column'",
            "",
        ),
    ],
)
def test_a_mistake_in_adding_identifiers_is_refused_with_its_line(
    tmp_path, wrong, right, expected, marker
):
    body = ADDS.replace(wrong, right)
    message = refused(tmp_path, body)
    assert expected in message
    if marker:
        assert message.startswith(f"broken.toml, line {line_holding(body, marker)}: ")


ADDS_DETAILS = """
[columns]
FactorID = { required = true }
AssessmentID = { required = true }
Factors = { type = "json_list", codes = { 11A = "11A", 24A = "24A" } }

[adds_details]
id = "FactorID"
event = { feed = "assessments", column = "AssessmentID" }
details = { factor_codes = "Factors" }
"""


@pytest.mark.parametrize(
    "wrong,right,expected",
    [
        (
            'event = { feed = "assessments", column = "AssessmentID" }',
            'event = { feed = "assessments" }',
            "event needs both 'feed' and 'column'",
        ),
        (
            'event = { feed = "assessments", column = "AssessmentID" }',
            'event = { feed = "assessments", colum = "AssessmentID" }',
            "event has no option 'colum' (did you mean 'column'?)",
        ),
        (
            'details = { factor_codes = "Factors" }',
            'details = { factor_codes = "Factor" }',
            "the column 'Factor' is mapped but not declared in [columns] (did you mean 'Factors'?)",
        ),
        ('details = { factor_codes = "Factors" }', "details = {}", "details must name at least"),
        (
            'feed = "assessments"',
            'feed = "broken"',
            "[adds_details] adds to events of another feed",
        ),
        (
            'Factors = { type = "json_list"',
            'Factors = { type = "json_lst"',
            "'json_lst' is not a column type (did you mean 'json_list'?)",
        ),
        (
            'details = { factor_codes = "Factors" }',
            'details = "Factors"',
            "[adds_details]: details is 'Factors', but must be a table { ... }",
        ),
    ],
)
def test_a_mistake_in_adding_details_is_refused_plainly(tmp_path, wrong, right, expected):
    message = refused(tmp_path, ADDS_DETAILS.replace(wrong, right))
    assert expected in message
    assert message.startswith("broken.toml, line ")


def test_a_file_that_adds_to_others_has_no_record_or_event_of_its_own(tmp_path):
    body = ADDS + '\n[source_record]\nsource_record_id = "LinkID"\n'
    assert "has no [source_record] or [event] of its own" in refused(tmp_path, body)
