"""The chance two random records match, re-estimated from the trained model's own scores."""

import math

import pandas as pd
import pytest

from safeguarding.linkage.model import matches_among


def pairs_with(weights_without_prior: list[float], chance: float) -> pd.DataFrame:
    prior = math.log2(chance / (1 - chance))
    return pd.DataFrame({"match_weight": [prior + w for w in weights_without_prior]})


def test_certain_matches_among_every_pair_of_records_give_the_prior():
    # 100 records, 4,950 pairs: 99 pairs whose evidence is overwhelming are 99 matches.
    pairs = pairs_with([60.0] * 99, chance=1e-4)
    model = {"probability_two_random_records_match": 1e-4}
    assert matches_among(pairs, model, 100) == pytest.approx(99 / 4950, rel=1e-3)


def test_the_prior_is_where_the_expected_matches_agree_with_it():
    evidence = [30.0] * 50 + [12.0] * 40 + [4.0] * 200
    model = {"probability_two_random_records_match": 1e-6}  # far too low to start
    chance = matches_among(pairs_with(evidence, 1e-6), model, 2_000)
    prior = math.log2(chance / (1 - chance))
    expected = sum(1 / (1 + 2 ** -(prior + w)) for w in evidence)
    assert chance == pytest.approx(expected / (2_000 * 1_999 / 2), rel=1e-3)
    assert 50 / 1_999_000 < chance < 290 / 1_999_000


def test_no_pairs_keep_the_first_estimate():
    model = {"probability_two_random_records_match": 3e-5}
    assert matches_among(pd.DataFrame({"match_weight": []}), model, 1_000) == 3e-5
