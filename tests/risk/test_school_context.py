"""The school as a context (related_exploited, relation "school"): a pupil at a school where
other young people's exploitation was recorded within the year, never showing their records."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from safeguarding.risk.catalogue import CatalogueError, parse_catalogue
from safeguarding.risk.facts import load_facts
from safeguarding.risk.scoring import Scorer
from tests.risk.conftest import AS_OF
from tests.risk.test_indicators import CARE, SCHOOL, event

pytestmark = pytest.mark.django_db

ITEM_ID = "school-context-under-test"
SCHOOL_ITEM = f"""
[[vulnerability]]
id = "{ITEM_ID}"
name = "At a school where other pupils' exploitation is recorded"
domain = "peers"
types = ["cce", "cse", "county_lines"]
weight = 0.6
source = "Firmin, Contextual Safeguarding (2017): schools as contexts of risk"
kind = "related_exploited"
relation = "school"
related_indicators = [
    "factor-cce", "factor-cse", "factor-trafficking", "national-referral-mechanism"
]
min_young_people = 2
lookback_days = 365
"""
SHIPPED = Path(settings.INDICATOR_CATALOGUE).read_text()


def catalogue(item: str = SCHOOL_ITEM):
    return parse_catalogue(SHIPPED + item, name="test catalogue")


def school_hits(person):
    hits = Scorer(load_facts(), catalogue()).hits(AS_OF)
    rows = hits[(hits["person_id"] == person.pk) & (hits["indicator_id"] == ITEM_ID)]
    return None if rows.empty else rows.iloc[0]


def at_school(county, child, urn="100001", days_before=20):
    details = {"school_urn": urn, "possible_sessions": 70, "sessions_attended": 70}
    return event(SCHOOL, "attendance", days_before=days_before, details=details)(county, child)


def exploited_pupil(county, urn="100001", *, days_before=30):
    """A pupil at the school with a CCE assessment (factor 24A) that many days ago."""
    child = county.person()
    at_school(county, child, urn)
    factor = {"factor_codes": ["24A"]}
    event(CARE, "referral", days_before=days_before, details=factor)(county, child)
    return child


def test_a_pupil_at_a_school_with_two_others_exploited_is_hit_with_only_their_own_record(county):
    pupil = county.person()
    own_record = at_school(county, pupil)
    exploited_pupil(county)
    exploited_pupil(county)
    hit = school_hits(pupil)
    assert hit is not None
    assert hit["part"] == "vulnerability"
    assert hit["evidence"] == (own_record.pk,)  # their own record at the school, no one else's
    # Fading from the latest other's record (30 days ago, of a 365-day lookback).
    assert hit["weight"] == pytest.approx(0.6 * (1 - 0.5 * 30 / 365), abs=0.01)


def test_one_other_exploited_pupil_is_not_enough(county):
    pupil = county.person()
    at_school(county, pupil)
    exploited_pupil(county)
    assert school_hits(pupil) is None


def test_an_exploited_pupil_does_not_count_themselves(county):
    first, second = exploited_pupil(county), exploited_pupil(county)
    pupil = county.person()
    at_school(county, pupil)
    # Each exploited pupil has one other; the pupil who is not has two.
    assert school_hits(first) is None
    assert school_hits(second) is None
    assert school_hits(pupil) is not None
    third = exploited_pupil(county)
    assert all(school_hits(child) is not None for child in (first, second, third))


def test_records_outside_the_year_do_not_count_but_those_within_it_do(county):
    pupil = county.person()
    at_school(county, pupil)
    exploited_pupil(county, days_before=400)
    exploited_pupil(county, days_before=400)
    assert school_hits(pupil) is None
    # Seven months ago: beyond the six months a sign counts for, within the school's year.
    exploited_pupil(county, days_before=210)
    assert school_hits(pupil) is None  # one within the year, one needed more
    exploited_pupil(county, days_before=210)
    assert school_hits(pupil) is not None


def test_another_school_or_a_school_left_long_ago_does_not_count(county):
    elsewhere, moved, left = county.person(), county.person(), county.person()
    at_school(county, elsewhere, urn="200002")
    at_school(county, moved, urn="100001", days_before=200)
    at_school(county, moved, urn="200002", days_before=20)  # the latest record says the school
    at_school(county, left, urn="100001", days_before=400)
    exploited_pupil(county)
    exploited_pupil(county)
    assert school_hits(elsewhere) is None
    assert school_hits(moved) is None
    assert school_hits(left) is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('relation = "school"', 'relation = "college"'), "needs relation (household, school"),
        (("min_young_people = 2", "min_young_people = 0"), "min_young_people must be at least 1"),
        (("min_young_people = 2", "min_young_people = 1.5"), "must be a whole number"),
        (("lookback_days = 365", "lookback_days = 0"), "lookback_days must be a whole number"),
        (('"factor-cce", ', '"factor-cc", '), "no indicator factor-cc"),
    ],
)
def test_a_broken_school_item_is_reported_with_its_id(change, message):
    with pytest.raises(CatalogueError, match=re.escape(message)) as raised:
        catalogue(SCHOOL_ITEM.replace(*change))
    assert ITEM_ID in str(raised.value)
