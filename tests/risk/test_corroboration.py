"""Indicators that count only alongside another sign: arrests and stops, recorded at rates that
differ by ethnic group for the same behaviour (docs/risk.md, fairness)."""

import datetime

import pandas as pd
import pytest

from safeguarding.risk.catalogue import CatalogueError, load_catalogue, parse_catalogue
from safeguarding.risk.scoring import corroborated
from tests.risk.conftest import assessment_of, hits_of

POLICE, YJ, PARTNER, CARE = (
    "wiltshire-police",
    "youth-justice",
    "voluntary-sector",
    "childrens-social-care",
)
CATALOGUE = load_catalogue()


def test_the_catalogue_asks_corroboration_of_suspects_youth_justice_outcomes_and_weapons():
    needing = {i.id for i in CATALOGUE.indicators if i.needs_corroboration}
    assert needing == {"police-suspect", "youth-justice-outcome", "weapon-found"}
    for indicator_id in needing:
        assert "needs_corroboration" in CATALOGUE.indicator(indicator_id).source


# -- the rule on hand-made hits ----------------------------------------------------------------


def hits(*rows: tuple[int, str, str]) -> pd.DataFrame:
    """(person_id, indicator_id, part) rows, with the columns a Scorer's hits have."""
    return pd.DataFrame(
        [
            {
                "person_id": person,
                "indicator_id": item,
                "recency": "current",
                "weight": 1.0,
                "count": 1,
                "latest": pd.Timestamp("2026-06-01"),
                "evidence": (1,),
                "part": part,
            }
            for person, item, part in rows
        ]
    )


def kept(frame: pd.DataFrame) -> set[tuple[int, str]]:
    return set(zip(frame["person_id"], frame["indicator_id"], strict=True))


def test_an_indicator_that_needs_corroboration_is_dropped_when_alone():
    frame = hits((1, "police-suspect", "indicator"))
    assert kept(corroborated(frame, CATALOGUE)) == set()


def test_another_sign_corroborates_it():
    frame = hits((1, "police-suspect", "indicator"), (1, "missing-episode", "indicator"))
    assert kept(corroborated(frame, CATALOGUE)) == {(1, "police-suspect"), (1, "missing-episode")}


def test_two_that_both_need_corroboration_do_not_corroborate_each_other():
    frame = hits((1, "police-suspect", "indicator"), (1, "youth-justice-outcome", "indicator"))
    assert kept(corroborated(frame, CATALOGUE)) == set()


def test_a_vulnerability_does_not_corroborate_and_is_itself_kept():
    frame = hits((1, "police-suspect", "indicator"), (1, "looked-after", "vulnerability"))
    assert kept(corroborated(frame, CATALOGUE)) == {(1, "looked-after")}


def test_another_young_persons_sign_does_not_corroborate():
    frame = hits((1, "weapon-found", "indicator"), (2, "partner-concern", "indicator"))
    assert kept(corroborated(frame, CATALOGUE)) == {(2, "partner-concern")}


# -- the rule in the score, on database rows ---------------------------------------------------


@pytest.mark.django_db
def test_a_suspect_record_alone_scores_nothing(county):
    child = county.person()
    county.event(child, agency=POLICE, event_type="incident", role="suspect", days_before=10)
    assert "police-suspect" not in hits_of(child)
    assert assessment_of(child) is None


@pytest.mark.django_db
def test_a_partners_concern_in_the_six_months_lets_the_suspect_record_count(county):
    child = county.person()
    county.event(child, agency=POLICE, event_type="incident", role="suspect", days_before=10)
    county.event(child, agency=PARTNER, event_type="concern_report", days_before=150)
    found = hits_of(child)
    assert found["police-suspect"].weight == 1.0
    assert assessment_of(child).indicator_score == 1.0 + found["partner-concern"].weight


@pytest.mark.django_db
def test_a_sign_older_than_six_months_does_not_corroborate(county):
    child = county.person()
    county.event(child, agency=POLICE, event_type="incident", role="suspect", days_before=10)
    county.event(child, agency=PARTNER, event_type="concern_report", days_before=200)
    assert "police-suspect" not in hits_of(child)


@pytest.mark.django_db
def test_an_arrest_and_its_youth_justice_outcome_do_not_corroborate_each_other(county):
    child = county.person()
    county.event(child, agency=POLICE, event_type="incident", role="suspect", days_before=40)
    county.event(child, agency=YJ, event_type="youth_justice_outcome", details={"offence": "Theft"})
    assert not {"police-suspect", "youth-justice-outcome"} & set(hits_of(child))


@pytest.mark.django_db
def test_an_uncorroborated_sign_does_not_raise_a_child_under_13_to_medium(county):
    child = county.person(born=datetime.date(2014, 1, 1))  # 12 on the as-of date
    county.event(child, agency=POLICE, event_type="stop_and_search", details={"found": ["knife"]})
    county.event(child, agency=CARE, event_type="referral", details={"factor_codes": ["1B"]})
    assessment = assessment_of(child)  # known to social care, abuse at home: vulnerabilities
    assert assessment.indicator_score == 0.0
    assert assessment.level == "low" and assessment.rules_applied == ""


# -- the catalogue's checks --------------------------------------------------------------------

ITEM = """
[[{part}]]
id = "{id}"
name = "An item"
domain = "police"
types = ["cce"]
weight = 1
source = "A source"
kind = "events"
{extra}
"""
HEAD = '[catalogue]\nversion = "test"\n[levels]\nmedium = 4\nhigh = 8\n'


def catalogue_with(*items: tuple[str, str, str]) -> str:
    return HEAD + "".join(ITEM.format(part=p, id=i, extra=e) for p, i, e in items)


def test_needs_corroboration_must_be_true_or_false():
    with pytest.raises(CatalogueError, match="needs_corroboration must be true or false"):
        parse_catalogue(
            catalogue_with(
                ("indicator", "a", 'needs_corroboration = "yes"'), ("indicator", "b", "")
            )
        )


def test_a_vulnerability_cannot_need_corroboration():
    with pytest.raises(CatalogueError, match="only an indicator can need corroboration"):
        parse_catalogue(
            catalogue_with(
                ("indicator", "a", ""), ("vulnerability", "v", "needs_corroboration = true")
            )
        )


def test_a_catalogue_where_every_indicator_needs_corroboration_is_refused():
    with pytest.raises(CatalogueError, match="every indicator needs corroboration"):
        parse_catalogue(catalogue_with(("indicator", "a", "needs_corroboration = true")))
