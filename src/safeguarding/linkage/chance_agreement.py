"""u-probabilities (how often two different people's records agree at each level), estimated
over the distinct values a random sample of records holds rather than over its record pairs.

Splink compares every pair among about 2,000 sampled records (two million pairs), each
through every level of every comparison. Records share values: 2,000 records of a county hold
about 280 first names, so a name's levels need evaluating once per pair of distinct values,
weighted by how many record pairs hold them: the same counts as Splink's for a fiftieth of the
work (the costly levels, nicknames with a typo and one letter different, took 60% of a full
run). A level over a column that sets nearly every record apart (the whole name, for a given
name and surname swapped) is counted over the record pairs it holds for, which are few.

Where nearly every record's values are its own (FEBRL's addresses, dates and social security
numbers; a county's addresses), counting over distinct values saves nothing, and two million
pairs through a list intersection took a quarter of a FEBRL run. A comparison whose values
would make more than `max_value_pairs` pairs of distinct values is counted over the first
records of the (random) sample that stay within it: by default half a million pairs, Splink's
own default sample being a million. A level as rare as one pair in 10,000 is then seen about
50 times, so its u is known to within about 14% (one standard error, 1/sqrt(50)): 0.2 in a
match weight, where the level's weight is about 13.

The SQL is built from Splink's own levels and runs through Splink's database API, so it is
the same on DuckDB and Spark.
"""

import numpy as np
import pandas as pd
from splink import Linker
from splink.internals.comparison import Comparison
from splink.internals.comparison_level import ComparisonLevel
from splink.internals.m_u_records_to_parameters import (
    append_u_probability_to_comparison_level_trained_probabilities,
    m_u_records_to_lookup_dict,
)
from splink.internals.pipeline import CTEPipeline

TRAINING = "estimate u by random sampling"  # Splink's own description, which charts show


def sample_size(max_pairs: float) -> int:
    """Records whose pairs number `max_pairs`: n (n - 1) / 2 = max_pairs, as Splink samples."""
    return round(0.5 * ((8 * max_pairs + 1) ** 0.5 + 1))


def estimate_u(
    linker: Linker,
    records: pd.DataFrame,
    *,
    max_pairs: float,
    seed: int,
    per_record_columns: frozenset[str] = frozenset(),
    max_value_pairs: float | None = None,
    rare_agreement: frozenset[str] = frozenset(),
) -> None:
    """Set the u-probability of every level of the linker's comparisons from the record pairs
    of a random sample (`max_pairs` of them), as Splink's `estimate_u_using_random_sampling`
    records it. `per_record_columns`: columns nearly every record holds alone; levels over
    them are counted over the record pairs they hold for. `max_value_pairs`: the most pairs
    of distinct values a comparison is counted over (fewer records of the sample if need be).
    `rare_agreement`: comparisons (identifiers) whose levels no sampled pair reached get a u of
    one in the pairs compared (`_proportions`)."""
    db = linker._db_api
    sample = records.sample(n=min(len(records), sample_size(max_pairs)), random_state=seed)
    sample = sample.reset_index(drop=True)
    table = db.register(sample)
    try:
        records_for_u = []
        for comparison in linker._settings_obj.comparisons:
            by_values = [
                level
                for level in comparison.comparison_levels
                if not set(_columns([level])) & per_record_columns
            ]
            kept = _within(sample, _columns(by_values), max_value_pairs)
            if kept == len(sample):
                counts = _counts(db, table, comparison, per_record_columns)
            else:
                fewer = db.register(sample.head(kept))
                try:
                    counts = _counts(db, fewer, comparison, per_record_columns)
                finally:
                    fewer.drop_table_from_database_and_remove_from_cache(
                        force_non_splink_table=True
                    )
            records_for_u += _proportions(
                comparison, counts, bound_unseen=comparison.output_column_name in rare_agreement
            )
        lookup = m_u_records_to_lookup_dict(records_for_u)
        for comparison in linker._settings_obj.comparisons:
            for level in comparison._comparison_levels_excluding_null:
                append_u_probability_to_comparison_level_trained_probabilities(
                    level, lookup, comparison.output_column_name, TRAINING
                )
        linker._populate_m_u_from_trained_values()
    finally:
        table.drop_table_from_database_and_remove_from_cache(force_non_splink_table=True)


def _within(sample: pd.DataFrame, columns: list[str], max_value_pairs: float | None) -> int:
    """How many of the sample's first records hold few enough distinct combinations of these
    columns that their pairs (a combination with itself included) number `max_value_pairs`
    at most: all of them unless the values are mostly distinct."""
    if max_value_pairs is None or not columns:
        return len(sample)
    values = sample[columns].map(lambda v: tuple(v) if isinstance(v, list | np.ndarray) else v)
    distinct = (~values.duplicated()).cumsum().to_numpy()
    return int((distinct * (distinct + 1) / 2 <= max_value_pairs).sum())


def _counts(db, table, comparison: Comparison, per_record: frozenset[str]) -> dict[int, float]:
    """Record pairs of the sample at each level (comparison vector value) of the comparison."""
    levels = comparison.comparison_levels
    by_values = [level for level in levels if not set(_columns([level])) & per_record]
    by_pairs = [level for level in levels if level not in by_values]
    counts: dict[int, float] = {}
    pipeline = CTEPipeline([table])
    pipeline.enqueue_list_of_sqls(_distinct_value_pairs_sqls(table.physical_name, by_values))
    for row in _rows(db, pipeline):
        counts[int(row["gamma"])] = counts.get(int(row["gamma"]), 0.0) + float(row["pairs"])
    if by_pairs:
        # The few record pairs a per-record level holds for move from the level the values
        # alone gave them to the level the whole comparison gives them.
        pipeline = CTEPipeline([table])
        pipeline.enqueue_sql(
            _per_record_pairs_sql(table.physical_name, levels, by_values, by_pairs),
            "__splink__per_record_pairs",
        )
        for row in _rows(db, pipeline):
            counts[int(row["gamma_by_values"])] -= float(row["pairs"])
            counts[int(row["gamma"])] = counts.get(int(row["gamma"]), 0.0) + float(row["pairs"])
    return counts


# The SQL: Splink's own levels over the sample's rows. Table and column names come from
# Splink's settings, never from records; they are plain words (identifier kinds are checked
# at load), left unquoted as DuckDB and Spark both read them.


def _distinct_value_pairs_sqls(sample: str, levels: list[ComparisonLevel]) -> list[dict]:
    """Each distinct combination of the values the levels read, with how many records hold
    it; then every pair of combinations at its level, weighted by the record pairs it is."""
    columns = _columns(levels)
    grouped = ", ".join(columns)
    values = (
        f"SELECT {grouped}, count(*) AS records, row_number() OVER () AS value_id "  # noqa: S608
        f"FROM {sample} GROUP BY {grouped}"
        if columns
        else f"SELECT count(*) AS records, 1 AS value_id FROM {sample}"  # noqa: S608
    )
    left, right = _sides(columns, "__splink__distinct_values", key="value_id", weight="records")
    pairs = (
        f"SELECT {_case(levels)} AS gamma, sum(CASE WHEN key_l = key_r "  # noqa: S608
        "THEN records_l * (records_l - 1) / 2 ELSE records_l * records_r END) AS pairs "
        f"FROM {left} JOIN {right} ON key_l <= key_r GROUP BY 1"
    )
    return [
        {"sql": values, "output_table_name": "__splink__distinct_values"},
        {"sql": pairs, "output_table_name": "__splink__distinct_value_pairs"},
    ]


def _per_record_pairs_sql(
    sample: str,
    levels: list[ComparisonLevel],
    by_values: list[ComparisonLevel],
    by_pairs: list[ComparisonLevel],
) -> str:
    """The record pairs a per-record level holds for, at the level the whole comparison gives
    them and at the level the values alone gave them."""
    left, right = _sides(_columns(levels), sample, key="unique_id", weight="1")
    condition = " OR ".join(f"({level._sql_condition})" for level in by_pairs)
    return (
        f"SELECT {_case(levels)} AS gamma, {_case(by_values)} AS gamma_by_values, "  # noqa: S608
        f"count(*) AS pairs FROM {left} JOIN {right} ON key_l < key_r AND ({condition}) "
        "GROUP BY 1, 2"
    )


def _columns(levels: list[ComparisonLevel]) -> list[str]:
    read = (c.input_name for level in levels for c in level._input_columns_used_by_sql_condition)
    return list(dict.fromkeys(read))


def _case(levels: list[ComparisonLevel]) -> str:
    whens = " ".join(level._when_then_comparison_vector_value_sql for level in levels)
    return f"CASE {whens} END"


def _sides(columns: list[str], source: str, *, key: str, weight: str) -> tuple[str, str]:
    """The same rows twice, their columns named as Splink's levels read them (`x_l`, `x_r`),
    with a key that orders them and the records each row stands for."""
    sides = []
    for side in ("l", "r"):
        selected = [f"{key} AS key_{side}", f"{weight} AS records_{side}"]
        selected += [f"{c} AS {c}_{side}" for c in columns]
        sides.append(f"(SELECT {', '.join(selected)} FROM {source}) AS {side}")  # noqa: S608
    return sides[0], sides[1]


def _rows(db, pipeline: CTEPipeline) -> list[dict]:
    frame = db.sql_pipeline_to_splink_dataframe(pipeline)
    try:
        return frame.as_record_list()
    finally:
        frame.drop_table_from_database_and_remove_from_cache()


def _proportions(
    comparison: Comparison, counts: dict[int, float], *, bound_unseen: bool = False
) -> list[dict]:
    """u for each level: its share of the pairs where neither value is missing. A level no
    pair reached is left out, so Splink marks it as not observed and keeps its starting u
    (about one in a thousand); with `bound_unseen`, it gets one in the pairs compared instead.

    Two different people's records almost never share an NHS number: among a sample's tens of
    thousands of pairs none does, and a starting u of one in a thousand would weigh the same
    number at 10 bits where it deserves 16 or more (measured on the million-record county:
    27 pairs with the same NHS number, first name and date of birth left apart)."""
    compared = {gamma: n for gamma, n in counts.items() if gamma != -1 and n > 0}
    total = sum(compared.values())
    if bound_unseen and total:
        for level in comparison._comparison_levels_excluding_null:
            compared.setdefault(level.comparison_vector_value, 1)
    return [
        {
            "output_column_name": comparison.output_column_name,
            "comparison_vector_value": gamma,
            "m_probability": None,
            "u_probability": n / total,
        }
        for gamma, n in compared.items()
    ]
