"""The linkage model: Splink (Fellegi–Sunter) comparisons, blocking, training and clustering.

The settings are data a user can read (`settings()`); training writes the model to a versioned
JSON file that the same code, or Splink's Spark backend, can load.
"""

import logging
from dataclasses import dataclass

import pandas as pd
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

logging.getLogger("splink").setLevel(logging.WARNING)

DEFAULT_THRESHOLD = 0.95  # match probability at which two records become one person


def _names(column: str, alternatives: str, label: str) -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name=column,
        comparison_description=label,
        comparison_levels=[
            cll.NullLevel(column),
            cll.ExactMatchLevel(column),
            cll.ArrayIntersectLevel(alternatives, min_intersection=1).configure(
                label_for_charts=f"{label}: a shared part, nickname or alias"
            ),
            cll.JaroWinklerLevel(column, 0.92),
            cll.JaroWinklerLevel(column, 0.80),
            cll.ElseLevel(),
        ],
    )


def _date_of_birth() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="date_of_birth",
        comparison_description="Date of birth",
        comparison_levels=[
            cll.NullLevel("date_of_birth"),
            cll.ExactMatchLevel("date_of_birth"),
            cll.CustomLevel(
                "date_of_birth_l = date_of_birth_swapped_r",
                label_for_charts="Day and month swapped",
            ),
            cll.LevenshteinLevel("date_of_birth", 1),
            cll.ElseLevel(),
        ],
    )


def settings(*, probability_two_random_records_match: float = 1e-4) -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        probability_two_random_records_match=probability_two_random_records_match,
        comparisons=[
            _names("first_name", "first_name_alternatives", "First name"),
            _names("surname", "surname_alternatives", "Surname"),
            _date_of_birth(),
            cl.PostcodeComparison("postcode"),
            cl.ExactMatch("nhs_number"),
            cl.ExactMatch("sex"),
        ],
        blocking_rules_to_generate_predictions=BLOCKING_RULES,
        retain_intermediate_calculation_columns=False,
        additional_columns_to_retain=["source"],
    )


def baseline_settings(*, probability_two_random_records_match: float = 1e-4) -> SettingsCreator:
    """Splink out of the box, to measure ours against: Jaro-Winkler names, exact date of
    birth and postcode, no nicknames, no swapped dates, no name parts."""
    return SettingsCreator(
        link_type="dedupe_only",
        probability_two_random_records_match=probability_two_random_records_match,
        comparisons=[
            cl.NameComparison("first_name"),
            cl.NameComparison("surname"),
            cl.ExactMatch("date_of_birth"),
            cl.ExactMatch("postcode"),
            cl.ExactMatch("nhs_number"),
            cl.ExactMatch("sex"),
        ],
        blocking_rules_to_generate_predictions=BLOCKING_RULES[:-1],
        retain_intermediate_calculation_columns=False,
    )


# Each rule finds candidate pairs that agree on something hard to get wrong by chance; a pair
# is compared if any rule finds it. Together they keep recall high while bounding comparisons.
BLOCKING_RULES = [
    block_on("date_of_birth"),
    block_on("nhs_number"),
    block_on("surname", "year_of_birth"),
    block_on("first_name", "surname"),
    block_on("first_name", "postcode"),
    "l.date_of_birth = r.date_of_birth_swapped",
]


@dataclass
class LinkResult:
    clusters: pd.DataFrame  # unique_id, cluster_id
    pairs: pd.DataFrame  # unique_id_l, unique_id_r, match_weight, match_probability
    model_json: dict


def train_and_link(
    records: pd.DataFrame,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    seed: int = 1,
    model_settings: SettingsCreator | None = None,
) -> LinkResult:
    """Train without labels (u by random sampling, m by EM), score candidate pairs, cluster."""
    database = DuckDBAPI()
    linker = Linker(database.register(records), model_settings or settings(), log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("nhs_number"), block_on("first_name", "surname", "date_of_birth")], recall=0.8
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=seed)
    for rule in (
        block_on("date_of_birth"),
        block_on("surname", "first_name"),
        block_on("postcode"),
    ):
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    predictions = linker.inference.predict(threshold_match_probability=0.05)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold
    )
    pairs = predictions.as_pandas_dataframe()[
        ["unique_id_l", "unique_id_r", "match_weight", "match_probability"]
    ]
    return LinkResult(
        clusters=clusters.as_pandas_dataframe()[["unique_id", "cluster_id"]],
        pairs=pairs,
        model_json=linker.misc.save_model_to_json(),
    )
