"""Splink's match weights as probabilities and back, the one conversion for pages and linkage."""

import math


def match_probability(match_weight: float) -> float:
    """A match weight is log2 of the odds that the records are the same person."""
    return 1 / (1 + 2 ** (-match_weight))


def match_weight(probability: float) -> float:
    """The match weight of a probability: infinite at 1."""
    return math.log2(probability / (1 - probability)) if probability < 1 else math.inf
