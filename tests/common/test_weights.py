"""The one conversion between match weights and probabilities, both ways."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeguarding.common.weights import match_probability, match_weight


def test_known_weights_and_probabilities():
    assert match_weight(0.5) == 0
    assert match_weight(0.99) == pytest.approx(6.6294, abs=1e-4)  # the conflicts' joins_at
    assert match_probability(20.0) == pytest.approx(0.999999, abs=1e-6)
    assert match_weight(1.0) == math.inf


# Within the weights pairs get (about ±30): beyond, 1 - p is below float precision.
@given(st.floats(min_value=-30, max_value=30))
def test_a_weight_comes_back_from_its_probability(weight):
    assert match_weight(match_probability(weight)) == pytest.approx(weight, abs=1e-4)
