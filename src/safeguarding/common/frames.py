"""Small operations on data frames that several stages need."""

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd


def most_common(
    frame: pd.DataFrame, column: str, *, by: str = "person_id", skip_blank: bool = False
) -> pd.Series:
    """Per `by`, the value of column that most rows give (on a tie, the one met last in
    sorted order), skipping missing values and, with skip_blank, empty text."""
    held = frame.dropna(subset=[column])
    if skip_blank:
        held = held[held[column] != ""]
    counts = held.groupby([by, column]).size().rename("n")
    ordered = counts.reset_index().sort_values([by, "n"], kind="stable")
    return ordered.drop_duplicates(by, keep="last").set_index(by)[column]


def each_distinct(values: pd.Series, function: Callable[[Any], Any]) -> pd.Series:
    """function(value) for each value, worked out once per distinct value, typed as
    `Series.map` would type it; a missing value (None or NaN) is given to it as None. Records
    share names, postcodes and empty lists: working each out again per record was a tenth of
    a first link's time."""
    codes, distinct = pd.factorize(values)  # missing values: code -1
    results = np.empty(len(distinct) + 1, dtype=object)
    for position, value in enumerate(distinct):
        # One at a time: numpy would read a list as a row of the array, not as one value.
        results[position] = function(value)
    if (codes == -1).any():
        results[-1] = function(None)
    return pd.Series(results[codes], index=values.index, dtype=object).infer_objects()
