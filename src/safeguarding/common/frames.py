"""Small operations on data frames that several stages need."""

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
