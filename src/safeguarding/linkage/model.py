"""The linkage model: Splink (Fellegi–Sunter) comparisons, blocking, training and scoring.

The settings are data a user can read (`settings()`); training gives the model as the JSON
Splink saves, which the same code, or Splink's Spark backend, loads to score new records.
"""

import logging
from dataclasses import dataclass

import pandas as pd
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

from safeguarding.linkage.clustering import cluster

# Splink warns about levels no pair reached (a UPN is held by one agency only): not news.
logging.getLogger("splink").setLevel(logging.ERROR)

DEFAULT_THRESHOLD = 0.95  # match probability at which two records become one person
# Pairs whose match probability falls in this band go to the clerical review queue. Pairs
# below it are not kept: they neither link nor need a person's eye.
REVIEW_BAND = (0.5, 0.99)
# Clerical "same person" decisions train the m-probabilities once there are enough of them
# for the estimate to beat expectation maximisation's.
LABELS_TO_TRAIN = 200


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
            cll.LevenshteinLevel("date_of_birth", 1).configure(
                label_for_charts="One digit different"
            ),
            cll.ElseLevel(),
        ],
    )


def _address() -> cl.CustomComparison:
    """The postcode, finest agreement first; an address either record held earlier counts."""
    return cl.CustomComparison(
        output_column_name="postcode",
        comparison_description="Address",
        comparison_levels=[
            cll.NullLevel("postcode"),
            cll.ExactMatchLevel("postcode").configure(label_for_charts="Same postcode"),
            cll.ArrayIntersectLevel("postcodes", min_intersection=1).configure(
                label_for_charts="A postcode they shared at some time"
            ),
            cll.ExactMatchLevel("postcode_sector").configure(label_for_charts="Same sector"),
            cll.ExactMatchLevel("postcode_district").configure(label_for_charts="Same district"),
            cll.DistanceInKMLevel("latitude", "longitude", 5, not_null=True).configure(
                label_for_charts="Within 5 km"
            ),
            cll.ElseLevel(),
        ],
    )


def _identifier(column: str, label: str) -> cl.CustomComparison:
    """Exact only: standardisation has already dropped identifiers that fail their check."""
    return cl.CustomComparison(
        output_column_name=column,
        comparison_description=label,
        comparison_levels=[cll.NullLevel(column), cll.ExactMatchLevel(column), cll.ElseLevel()],
    )


def settings(*, probability_two_random_records_match: float = 1e-4) -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        probability_two_random_records_match=probability_two_random_records_match,
        comparisons=[
            _names("first_name", "first_name_alternatives", "First name"),
            _names("surname", "surname_alternatives", "Surname"),
            _date_of_birth(),
            _address(),
            _identifier("nhs_number", "NHS number"),
            _identifier("upn", "Unique pupil number"),
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
# is compared if any rule finds it. Together they keep recall high while bounding comparisons:
# none pairs records on anything common, such as a postcode alone or a first name alone.
BLOCKING_RULES = [
    block_on("date_of_birth"),
    block_on("nhs_number"),
    block_on("upn"),
    block_on("surname", "year_of_birth"),
    block_on("first_name", "surname"),
    block_on("first_name", "postcode"),
    "l.date_of_birth = r.date_of_birth_swapped",
]


@dataclass
class Scored:
    """Pairs scored by a model, and the model as Splink saves it."""

    pairs: pd.DataFrame  # unique_id_l, unique_id_r, match_weight, match_probability, gamma_*
    model_json: dict
    labels_used: int = 0


def _pairs(predictions) -> pd.DataFrame:
    frame = predictions.as_pandas_dataframe()
    gammas = [c for c in frame.columns if c.startswith("gamma_")]
    return frame[["unique_id_l", "unique_id_r", "match_weight", "match_probability", *gammas]]


def train_and_score(
    records: pd.DataFrame,
    *,
    seed: int = 1,
    model_settings: SettingsCreator | None = None,
    labels: pd.DataFrame | None = None,
) -> Scored:
    """Train without labels (u by random sampling, m by expectation maximisation; then m from
    people's "same person" decisions when there are enough), and score every blocked pair
    that could link or needs review.

    `labels`: unique_id_l, unique_id_r of pairs people decided are the same person."""
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
    labels_used = 0
    if labels is not None and len(labels) >= LABELS_TO_TRAIN:
        linker.training.estimate_m_from_pairwise_labels(
            database.register(labels.assign(source_dataset_l="records", source_dataset_r="records"))
        )
        labels_used = len(labels)
    predictions = linker.inference.predict(threshold_match_probability=REVIEW_BAND[0])
    return Scored(_pairs(predictions), linker.misc.save_model_to_json(), labels_used)


def score_new(model_json: dict, existing: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Score the new records against each other and against the existing ones with a saved
    model, without comparing existing records among themselves again."""
    database = DuckDBAPI()
    linker = Linker(database.register(pd.concat([existing, new])), model_json, log_level=None)
    existing_table, new_table = database.register(existing), database.register(new)
    frames = [
        _pairs(
            linker.inference.predict_within(
                new_table, threshold_match_probability=REVIEW_BAND[0], warning_mode="never"
            )
        )
    ]
    if len(existing):
        frames.append(
            _pairs(
                linker.inference.predict_between(
                    existing_table,
                    new_table,
                    threshold_match_probability=REVIEW_BAND[0],
                    warning_mode="never",
                )
            )
        )
    return pd.concat(frames, ignore_index=True)


def ordered(pairs: pd.DataFrame) -> pd.DataFrame:
    """Each pair with the lower record id on the left, as the database keeps them."""
    low = pairs[["unique_id_l", "unique_id_r"]].min(axis=1)
    high = pairs[["unique_id_l", "unique_id_r"]].max(axis=1)
    return pairs.assign(unique_id_l=low, unique_id_r=high)


def clusters_at(pairs: pd.DataFrame, record_ids, threshold: float) -> dict[int, int]:
    """The model's own clusters, before any person's decision: for measuring the model."""
    linked = pairs[pairs["match_probability"] >= threshold]
    return cluster(
        record_ids,
        zip(linked["unique_id_l"], linked["unique_id_r"], linked["match_weight"], strict=True),
    )
