"""Splink's match weights as probabilities, the one conversion for pages and linkage."""


def match_probability(match_weight: float) -> float:
    """A match weight is log2 of the odds that the records are the same person."""
    return 1 / (1 + 2 ** (-match_weight))
