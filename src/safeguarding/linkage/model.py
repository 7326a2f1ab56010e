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
            # A slip of a few days across a month's end changes two digits. It also sets the
            # dates of brothers and sisters, which differ by a year or more, apart from a
            # slip, so that the level below it weighs heavily against a link.
            cll.AbsoluteDateDifferenceLevel(
                "date_of_birth", input_is_string=True, threshold=31, metric="day"
            ).configure(label_for_charts="Within a month"),
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
        # Splink's annotation leaves out SQL strings, which it takes and turns into rules.
        blocking_rules_to_generate_predictions=BLOCKING_RULES,  # type: ignore[arg-type]
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
        blocking_rules_to_generate_predictions=[
            _rule(keys)  # type: ignore[misc]  # SQL strings, as in settings() above
            for keys in BLOCKING_KEYS
            if _SWAPPED not in keys
        ],
        retain_intermediate_calculation_columns=False,
    )


def _agree(*columns: str) -> tuple[tuple[str, str], ...]:
    return tuple((column, column) for column in columns)


_SWAPPED = ("date_of_birth", "date_of_birth_swapped")
# Each rule lists the columns two records must agree on, as (left, right): a pair is compared
# if any rule finds it. Every rule asks for two things, so one mistake in a record (a typo, a
# nickname, a moved address, a slipped date) leaves another rule to find the pair; none asks
# for one common thing alone (a date of birth is shared by 150 young people in a county of a
# million records), so the comparisons grow with the records, not with their square.
BLOCKING_KEYS: list[tuple[tuple[str, str], ...]] = [
    _agree("date_of_birth", "surname"),
    _agree("date_of_birth", "first_name"),
    _agree("date_of_birth", "postcode_sector"),
    _agree("nhs_number"),
    _agree("upn"),
    _agree("first_name", "surname"),
    _agree("first_name", "postcode"),
    _agree("surname", "postcode"),
    (_SWAPPED, ("surname", "surname")),
    (_SWAPPED, ("first_name", "first_name")),
]


def _rule(keys: tuple[tuple[str, str], ...]) -> str:
    return " AND ".join(f"l.{left} = r.{right}" for left, right in keys)


BLOCKING_RULES = [_rule(keys) for keys in BLOCKING_KEYS]


@dataclass
class Scored:
    """Pairs scored by a model, and the model as Splink saves it."""

    pairs: pd.DataFrame  # unique_id_l, unique_id_r, match_weight, match_probability, gamma_*
    model_json: dict
    labels_used: int = 0


def _pairs(predictions, *, hold: bool = True) -> pd.DataFrame:
    """The scored pairs; `hold` marks those the model must not link alone (ours only: the
    baseline is Splink out of the box)."""
    frame = predictions.as_pandas_dataframe()
    gammas = [c for c in frame.columns if c.startswith("gamma_")]
    frame = frame[["unique_id_l", "unique_id_r", "match_weight", "match_probability", *gammas]]
    return frame.assign(held_for_review=held_for_review(frame) if hold else False)


def held_for_review(pairs: pd.DataFrame) -> pd.Series:
    """Pairs the model may score highly but must not link alone: first names that differ
    entirely (Splink's else level is gamma 0), unless an NHS number or UPN says they are one.

    Twins share a surname, a date of birth, a sex and an address; the model counts each of
    these as independent evidence and would join them. A true match whose first names share
    nothing (not a nickname, a part or a near spelling) is rare, so these wait for a person."""
    same_identifier = (pairs["gamma_nhs_number"] == 1) | (pairs["gamma_upn"] == 1)
    return (pairs["gamma_first_name"] == 0) & ~same_identifier


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
    # Expectation maximisation on pairs that share a postcode takes brothers and sisters for
    # matches, and then learns that a match's first names and dates of birth often differ.
    # So each session blocks on something siblings rarely share, and on two things, so that
    # its pairs stay few in a large county.
    for rule in (
        block_on("date_of_birth", "surname"),
        block_on("date_of_birth", "first_name"),
        block_on("first_name", "surname", "postcode"),
        block_on("nhs_number"),
    ):
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    labels_used = 0
    if labels is not None and len(labels) >= LABELS_TO_TRAIN:
        linker.training.estimate_m_from_pairwise_labels(
            database.register(labels.assign(source_dataset_l="records", source_dataset_r="records"))
        )
        labels_used = len(labels)
    predictions = linker.inference.predict(threshold_match_probability=REVIEW_BAND[0])
    return Scored(
        _pairs(predictions, hold=model_settings is None),
        linker.misc.save_model_to_json(),
        labels_used,
    )


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
    linked = pairs[(pairs["match_probability"] >= threshold) & ~pairs["held_for_review"]]
    return cluster(
        record_ids,
        zip(linked["unique_id_l"], linked["unique_id_r"], linked["match_weight"], strict=True),
    )
