"""Each comparison level on a hand-made pair of records, through standardisation and Splink."""

import datetime
import itertools

import duckdb
import pandas as pd
import pytest
from splink import Linker
from splink.internals.dialects import SplinkDialect

from safeguarding.common.identifiers import upn_check_letter
from safeguarding.linkage.configuration import LinkageSettings, linkage_settings
from safeguarding.linkage.model import _one_edit_apart, database, held_for_review, rules, settings
from safeguarding.linkage.standardise import standardise

CHILD = {
    "id": 1,
    "feed": "police-nominals",
    "given_names": "Anthony",
    "family_name": "Walsh",
    "aliases": [],
    "date_of_birth": datetime.date(2010, 3, 4),
    "sex": "male",
    "postcode": "SN15 1AA",
    "nhs_number": "9434765919",
    "upn": None,
    "history": [],
    "latitude": 51.46,
    "longitude": -2.12,
}


# Both identifiers compared even where the two records do not hold them.
COMPARE_BOTH = LinkageSettings(identifier_kinds=("nhs_number", "upn"))


def scored_pair(other: dict, child: dict | None = None) -> tuple[Linker, pd.Series]:
    """The child and the other record scored by an untrained model: its levels are real."""
    frame = standardise(pd.DataFrame([child or CHILD, {**CHILD, "id": 2, **other}]))
    db = database()
    linker = Linker(db.register(frame), settings(frame, COMPARE_BOTH), log_level=None)
    left, right = (db.register(frame.iloc[[i]]) for i in (0, 1))
    return linker, linker.inference.score_pairs(left, right).as_pandas_dataframe().iloc[0]


def levels(other: dict, child: dict | None = None) -> dict[str, str]:
    """The level each comparison reaches for the child and the other record."""
    linker, scored = scored_pair(other, child)
    found = {}
    for comparison in linker._settings_obj.comparisons:
        gamma = int(scored[f"gamma_{comparison.output_column_name}"])
        level = next(
            level
            for level in comparison.comparison_levels
            if level.comparison_vector_value == gamma
        )
        found[comparison.output_column_name] = level.label_for_charts
    return found


@pytest.mark.parametrize(
    ("given_names", "expected"),
    [
        ("Anthony", "Exact match on first_name"),
        ("Tony", "First name: a shared part, nickname or alias"),
        ("Antony", "Jaro-Winkler distance of first_name >= 0.92"),
        ("Simon", "All other comparisons"),
    ],
)
def test_first_names(given_names, expected):
    assert levels({"given_names": given_names})["first_name"] == expected


def test_a_short_name_with_two_letters_swapped_is_one_letter_different():
    # Jaro-Winkler, as DuckDB computes it, finds Kai and Kia no nearer than Simon.
    found = levels({"given_names": "Kia"}, child={**CHILD, "given_names": "Kai"})
    assert found["first_name"] == "First name: one letter different"


def test_a_double_barrelled_surname_matches_either_part():
    found = levels({"family_name": "Walsh-Okafor"})
    assert found["surname"] == "Surname: a shared part, nickname or alias"


def test_a_police_alias_matches_the_surname_another_agency_holds():
    found = levels({"family_name": "Byrne"}, child={**CHILD, "aliases": ["Tony Byrne"]})
    assert found["surname"] == "Surname: a shared part, nickname or alias"


@pytest.mark.parametrize(
    ("born", "expected"),
    [
        (datetime.date(2010, 3, 4), "Exact match on date_of_birth"),
        (datetime.date(2010, 4, 3), "Day and month swapped"),
        (datetime.date(2010, 3, 5), "One digit different"),
        (datetime.date(2011, 9, 28), "All other comparisons"),
    ],
)
def test_dates_of_birth(born, expected):
    assert levels({"date_of_birth": born})["date_of_birth"] == expected


@pytest.mark.parametrize(
    ("other", "expected"),
    [
        ({"postcode": "SN15 1AA"}, "Same postcode"),
        (
            {"postcode": "SN14 6QQ", "history": [{"postcode": "SN15 1AA"}]},
            ("A postcode they shared at some time"),
        ),
        # A mistyped character, in another sector, or the next street in the same one.
        ({"postcode": "SN15 2AA"}, "One character different"),
        ({"postcode": "SN15 1AB"}, "One character different"),
        ({"postcode": "SN15 1ZZ"}, "Same sector"),
        ({"postcode": "SN15 9ZZ"}, "Same district"),
        ({"postcode": "SN14 6QQ", "latitude": 51.48, "longitude": -2.15}, "Within 5 km"),
        ({"postcode": "BA14 8AA", "latitude": 51.32, "longitude": -2.21}, "All other comparisons"),
    ],
)
def test_addresses(other, expected):
    assert levels(other)["postcode"] == expected


def test_an_nhs_number_counts_only_when_both_pass_the_check_digit():
    assert levels({})["nhs_number"] == "Exact match on nhs_number"
    bad = {**CHILD, "nhs_number": "9434765918"}  # fails its check digit
    assert levels({"nhs_number": "9434765918"}, child=bad)["nhs_number"] == "nhs_number is NULL"
    assert levels({"nhs_number": "4010232137"})["nhs_number"] == "All other comparisons"


def test_a_upn_counts_only_when_its_check_letter_is_right():
    rest = "820200101001"
    valid = upn_check_letter(rest) + rest
    invalid = next(letter for letter in "ABC" if letter != valid[0]) + rest
    pupil = {**CHILD, "upn": valid}
    assert levels({"upn": valid}, child=pupil)["upn"] == "Exact match on upn"
    assert levels({"upn": invalid}, child={**CHILD, "upn": invalid})["upn"] == "upn is NULL"


@pytest.mark.parametrize(
    ("given_names", "held"),
    [("Simon", True), ("Tony", False), ("Antony", False), ("Anthony", False)],
)
def test_records_whose_first_names_share_nothing_wait_for_a_person(given_names, held):
    # A twin: same surname, date of birth, sex and address; only the first name differs.
    _, scored = scored_pair({"given_names": given_names, "nhs_number": None})
    assert bool(held_for_review(pd.DataFrame([scored])).iloc[0]) is held


def test_the_same_nhs_number_links_records_whatever_their_first_names():
    _, scored = scored_pair({"given_names": "Simon"})
    assert not held_for_review(pd.DataFrame([scored])).iloc[0]


def test_a_given_name_and_surname_swapped_meet():
    found = levels({"given_names": "Walsh", "family_name": "Anthony"})
    assert found["first_name"] == found["surname"] == "Given name and surname swapped"


def test_a_nickname_with_a_typo_meets_the_name():
    found = levels({"given_names": "Elizabteh"}, child={**CHILD, "given_names": "Lizzy"})
    assert found["first_name"] == "First name: a near spelling of a nickname or part"


@pytest.mark.parametrize(
    ("given_names", "other", "expected"),
    [
        # Misspelt, so the nickname table does not know them; one letter from a nickname of
        # the other's name (Robby, Sammy, Zeke, Theodore's spelling), too short or too
        # changed for Jaro-Winkler.
        ("Rgbby", "Robert", "First name: a nickname one letter different"),
        ("Samxy", "Samantha", "First name: a nickname one letter different"),
        ("Zmke", "Isaac", "First name: a nickname one letter different"),
        ("Theldore", "Ted", "First name: a nickname one letter different"),
        # Nicknames under four letters are one letter from too many others: Emma's Em and
        # Evelyn's Ev, Albert's Al and Harold's Hal, Melissa's Mel and Megan's Meg.
        ("Emma", "Evelyn", "All other comparisons"),
        ("Albert", "Harold", "All other comparisons"),
        ("Melissa", "Megan", "All other comparisons"),
        # Two names the nickname table knows are two names, though Aaron's Erin and Rick's
        # Eric are one letter apart.
        ("Aaron", "Rick", "All other comparisons"),
    ],
)
def test_a_nickname_one_letter_different(given_names, other, expected):
    found = levels({"given_names": other}, child={**CHILD, "given_names": given_names})
    assert found["first_name"] == expected


def test_a_whole_name_in_one_cell_is_split():
    frame = standardise(
        pd.DataFrame([{**CHILD, "given_names": "Anthony Walsh", "family_name": ""}])
    )
    assert frame.loc[0, ["first_name", "surname"]].tolist() == ["anthony", "walsh"]


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("12 Acacia Avenue Chippenham", "Same address"),
        ("12 Acacia Road Calne", "Same house number, a street word shared"),
        ("12 Acacia Avenue Chipenham", "Same house number, two street words shared"),
        ("14 Acacia Avenue Chippenham", "Two street words shared"),
        ("3 Mill Lane Calne", "All other comparisons"),
    ],
)
def test_addresses_by_house_number_and_street_words(address, expected):
    child = {**CHILD, "address": "12 Acacia Avenue Chippenham"}
    assert levels({"address": address}, child=child)["address"] == expected


def test_any_identifier_kind_a_feed_declares_is_compared():
    child = {**CHILD, "social_security_number": "5304218"}
    frame = standardise(
        pd.DataFrame(
            [child, {**child, "id": 2}, {**child, "id": 3, "social_security_number": "1"}]
        ),
        identifier_kinds=["nhs_number", "social_security_number"],
    )
    compared = [
        c.output_column_name
        for c in settings(frame, LinkageSettings()).get_settings("duckdb").comparisons
    ]
    # Shared by two records, so compared; the UPN nobody holds is not.
    assert "social_security_number" in compared and "upn" not in compared


def test_an_identifier_without_a_check_may_differ_by_one_character():
    child = {**CHILD, "social_security_number": "5304218"}
    frame = standardise(
        pd.DataFrame([child, {**child, "id": 2, "social_security_number": "5304281"}]),
        identifier_kinds=["social_security_number"],
    )
    config = LinkageSettings(identifier_kinds=("social_security_number",))
    db = database()
    linker = Linker(db.register(frame), settings(frame, config), log_level=None)
    left, right = (db.register(frame.iloc[[i]]) for i in (0, 1))
    scored = linker.inference.score_pairs(left, right).as_pandas_dataframe().iloc[0]
    assert scored["gamma_social_security_number"] == 1  # one character (a transposition)


def test_one_edit_apart_holds_exactly_where_the_distance_is_one_or_less():
    # The cheap tests before the distance must never turn a pair away: short names, an edit
    # at either end, two letters swapped at the start.
    names = ["a", "b", "ab", "ba", "b", "abc", "xbc", "abx", "bac", "acb", "xabc", "abcx", "kai"]
    names += ["kia", "mia", "ma", "sean", "shaun", "elizabeth", "elisabeth", "lizabeth"]
    condition = _one_edit_apart("name", "").create_sql(SplinkDialect.from_string("duckdb"))
    pairs = [(a, b) for a, b in itertools.product(names, names) if a != b]
    connection = duckdb.connect()
    connection.execute("CREATE TABLE pairs (name_l VARCHAR, name_r VARCHAR)")
    connection.executemany("INSERT INTO pairs VALUES (?, ?)", pairs)
    found = connection.execute(
        f"SELECT count(*) FILTER (WHERE ({condition}) <> "  # noqa: S608 (our own level)
        "(damerau_levenshtein(name_l, name_r) <= 1)), "
        f"count(*) FILTER (WHERE {condition}) FROM pairs"
    ).fetchone()
    disagreeing, one_edit_apart = found
    assert disagreeing == 0
    assert one_edit_apart > 10


def test_records_at_one_postcode_of_one_sex_are_compared_whatever_their_names():
    # Both names misspelt or changed and no date of birth: only the address is left.
    frame = standardise(
        pd.DataFrame(
            [
                CHILD,
                {
                    **CHILD,
                    "id": 2,
                    "given_names": "Tnoy",
                    "family_name": "Walsh-Byrne",
                    "date_of_birth": None,
                },
                {**CHILD, "id": 3, "sex": "female", "given_names": "Jade"},
            ]
        )
    )
    shipped = linkage_settings()
    assert ("postcode", "sex") in shipped.blocking
    found = rules(frame, shipped.blocking, [])
    assert "l.postcode = r.postcode AND l.sex = r.sex" in found
    linker = Linker(database().register(frame), settings(frame, shipped), log_level=None)
    compared = linker.inference.predict().as_pandas_dataframe()
    assert {(1, 2)} <= set(zip(compared["unique_id_l"], compared["unique_id_r"], strict=True))
