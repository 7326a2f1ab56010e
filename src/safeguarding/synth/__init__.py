"""The synthetic county: a seeded generator of agency extracts with ground truth."""
