"""The linkage model: Splink (Fellegi–Sunter) comparisons, blocking, training and scoring.

The settings are data a user can read (`settings()`); training gives the model as the JSON
Splink saves, which the same code, or Splink's Spark backend, loads to score new records.
"""

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from django.conf import settings as site
from splink import DuckDBAPI, Linker, SettingsCreator
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.comparison_level_creator import ComparisonLevelCreator
from splink.internals.exceptions import EMTrainingException, SplinkException
from splink.internals.splink_dataframe import SplinkDataFrame

from safeguarding.common.weights import match_weight
from safeguarding.linkage.chance_agreement import estimate_u
from safeguarding.linkage.clustering import cluster
from safeguarding.linkage.configuration import LinkageSettings
from safeguarding.linkage.standardise import STANDARD_COLUMNS
from safeguarding.linkage.waterfall import TERM_FREQUENCY, weights_of

# Splink warns about levels no pair reached (a UPN is held by one agency only): not news.
logging.getLogger("splink").setLevel(logging.ERROR)
logger = logging.getLogger(__name__)

DEFAULT_THRESHOLD = LinkageSettings.threshold  # for callers without settings
RULE_BASED = "rule-based"  # the model version summary's `linker` when training was not possible
# Random pairs u is estimated over: as many as tuned Splink's, for u's of one in 10,000.
U_PAIRS = 2e6
# Pairs of distinct values a comparison's u is counted over at most: where every record's
# values are its own (FEBRL's addresses), 1,000 of the sample's records (chance_agreement.py).
U_VALUE_PAIRS = 5e5
# Columns nearly every record holds alone (estimating u counts their levels pair by pair).
PER_RECORD = frozenset({"full_name", "full_name_swapped"})


def database() -> DuckDBAPI:
    """A DuckDB connection for Splink that accepts the arrow lambdas (`x -> ...`) Splink writes
    for comparing arrays (Spark's syntax too, which DuckDB is deprecating for its own), within
    the memory the settings give linking, spilling beyond it to the var folder's cache."""
    connection = duckdb.connect(
        config={
            "memory_limit": f"{site.LINKAGE_MEMORY_MB}MB",
            "temp_directory": str(Path(site.VAR_DIR) / "cache" / "linkage"),
        }
    )
    connection.execute("SET lambda_syntax = 'ENABLE_SINGLE_ARROW'")
    return DuckDBAPI(connection=connection)


def present(records: pd.DataFrame, column: str) -> bool:
    """Whether any record holds a value in this column: a comparison or rule over a column
    nobody holds (no NHS numbers in this county) would only give training nothing to learn."""
    return column in records and bool(records[column].notna().any())


def identifier_kinds(records: pd.DataFrame, config: LinkageSettings) -> list[str]:
    """The identifier columns compared: the kinds the settings name, or (by default) every
    kind some value of which two records share: an agency's own key, never shared, tells
    nothing and gives training no pairs."""
    columns = [c for c in records.columns if c not in STANDARD_COLUMNS]
    if config.identifier_kinds is not None:
        return [kind for kind in columns if kind in config.identifier_kinds]
    return [c for c in columns if records[c].dropna().duplicated().any()]


def _names(
    column: str,
    alternatives: str,
    label: str,
    config: LinkageSettings,
    *,
    misspelt_nicknames: bool = False,
) -> cl.CustomComparison:
    names = config.names
    levels: list[ComparisonLevelCreator | dict[str, Any]] = [
        cll.NullLevel(column),
        cll.ExactMatchLevel(column, term_frequency_adjustments=names.term_frequency),
    ]
    if names.swapped:
        # FEBRL and some case systems put the surname in the given name's place.
        # Read from the whole name both ways round, not from the other name's column: a
        # session blocked on the other name then still trains this comparison.
        levels.append(
            cll.CustomLevel(
                "full_name_l = full_name_swapped_r",
                label_for_charts="Given name and surname swapped",
            )
        )
    levels += [
        cll.ArrayIntersectLevel(alternatives, min_intersection=1).configure(
            label_for_charts=f"{label}: a shared part, nickname or alias"
        ),
        cll.JaroWinklerLevel(column, names.near),
        # One letter added, lost, changed or two swapped: in a short name (Kai and Kia, Mia
        # and Ma) Jaro-Winkler sees too little to call it near.
        _one_edit_apart(column, f"{label}: one letter different"),
        # A nickname with a typo (Lizzy and Elizabteh): the closest pair of alternatives.
        cll.PairwiseStringDistanceFunctionLevel(
            alternatives, "jaro_winkler", names.alternatives_near
        ).configure(label_for_charts=f"{label}: a near spelling of a nickname or part"),
    ]
    if misspelt_nicknames:
        # A misspelt nickname or name the nickname table does not know (Rgbby, Samxy): one
        # letter from an alternative of the other's name (Robby of Robert, Sammy of
        # Samantha), where Jaro-Winkler sees too little in a short name. Over alternatives of
        # four letters or more (standardise.py): with Em and Ev, Mel and Meg it joined
        # sisters. Only where the table does not know one of the names: two names it knows
        # are two names, whatever their nicknames, and the test spares the distances for
        # most pairs (a CPU second of a FEBRL link).
        levels.append(
            cll.And(
                cll.CustomLevel(f"NOT ({column}_known_l AND {column}_known_r)"),
                cll.PairwiseStringDistanceFunctionLevel(
                    f"{column}_long_alternatives", "damerau_levenshtein", 1
                ),
            ).configure(label_for_charts=f"{label}: a nickname one letter different")
        )
    levels += [
        cll.JaroWinklerLevel(column, names.far),
        cll.ElseLevel(),
    ]
    return cl.CustomComparison(
        output_column_name=column, comparison_description=label, comparison_levels=levels
    )


def _one_edit_apart(column: str, label: str) -> cll.CustomLevel:
    """Damerau-Levenshtein distance of at most one, computed only where it can be: lengths
    within one, and the first or the last character the same (an edit touches both ends only
    of a string of one or two characters). The test costs a fifth of the distance, which
    most pairs never need, and the level holds for exactly the same pairs."""
    left, right = f"{column}_l", f"{column}_r"
    return cll.CustomLevel(
        f"abs(length({left}) - length({right})) <= 1"
        f" AND (substr({left}, 1, 1) = substr({right}, 1, 1)"
        f" OR right({left}, 1) = right({right}, 1)"
        f" OR greatest(length({left}), length({right})) <= 2)"
        f" AND damerau_levenshtein({left}, {right}) <= 1",
        label_for_charts=label,
    )


def _date_of_birth(config: LinkageSettings) -> cl.CustomComparison:
    assert config.date_of_birth is not None
    levels: list[ComparisonLevelCreator | dict[str, Any]] = [
        cll.NullLevel("date_of_birth"),
        cll.ExactMatchLevel("date_of_birth"),
    ]
    if config.date_of_birth.swapped:
        levels.append(
            cll.CustomLevel(
                "date_of_birth_l = date_of_birth_swapped_r",
                label_for_charts="Day and month swapped",
            )
        )
    levels += [
        cll.LevenshteinLevel("date_of_birth", 1).configure(label_for_charts="One digit different"),
        # A slip of a few days across a month's end changes two digits. It also sets the
        # dates of brothers and sisters, which differ by a year or more, apart from a
        # slip, so that the level below it weighs heavily against a link.
        cll.AbsoluteDateDifferenceLevel(
            "date_of_birth",
            input_is_string=True,
            threshold=config.date_of_birth.within_days,
            metric="day",
        ).configure(label_for_charts=f"Within {config.date_of_birth.within_days} days"),
        cll.ElseLevel(),
    ]
    return cl.CustomComparison(
        output_column_name="date_of_birth",
        comparison_description="Date of birth",
        comparison_levels=levels,
    )


def _postcode(records: pd.DataFrame, config: LinkageSettings) -> cl.CustomComparison:
    """The postcode, finest agreement first; a postcode either record held earlier counts."""
    assert config.postcode is not None
    levels: list[ComparisonLevelCreator | dict[str, Any]] = [
        cll.NullLevel("postcode"),
        cll.ExactMatchLevel(
            "postcode", term_frequency_adjustments=config.postcode.term_frequency
        ).configure(label_for_charts="Same postcode"),
        cll.ArrayIntersectLevel("postcodes", min_intersection=1).configure(
            label_for_charts="A postcode they shared at some time"
        ),
    ]
    if config.postcode.style == "uk":
        # A mistyped character (SN14 5QE for SN14 6QE, another sector) or the next street's
        # postcode: nearer than the rest of a sector, and training weighs how much nearer.
        levels.append(
            cll.LevenshteinLevel("postcode", 1).configure(
                label_for_charts="One character different"
            )
        )
        for column, label in (("postcode_sector", "sector"), ("postcode_district", "district")):
            if present(records, column):
                levels.append(
                    cll.ExactMatchLevel(column).configure(label_for_charts=f"Same {label}")
                )
        if present(records, "latitude"):
            levels.append(
                cll.DistanceInKMLevel("latitude", "longitude", 5, not_null=True).configure(
                    label_for_charts="Within 5 km"
                )
            )
    else:
        levels.append(cll.LevenshteinLevel("postcode", 1).configure(label_for_charts="A typo"))
    levels.append(cll.ElseLevel())
    return cl.CustomComparison(
        output_column_name="postcode", comparison_description="Postcode", comparison_levels=levels
    )


def _address() -> cl.CustomComparison:
    """House number and street words: the same street in other words, or the next door."""
    return cl.CustomComparison(
        output_column_name="address",
        comparison_description="Address",
        comparison_levels=[
            cll.NullLevel("address"),
            cll.ExactMatchLevel("address").configure(label_for_charts="Same address"),
            cll.And(
                cll.ExactMatchLevel("house_number"), cll.ArrayIntersectLevel("street_words", 2)
            ).configure(label_for_charts="Same house number, two street words shared"),
            cll.And(
                cll.ExactMatchLevel("house_number"), cll.ArrayIntersectLevel("street_words", 1)
            ).configure(label_for_charts="Same house number, a street word shared"),
            cll.ArrayIntersectLevel("street_words", 2).configure(
                label_for_charts="Two street words shared"
            ),
            cll.ElseLevel(),
        ],
    )


def _identifier(column: str) -> cl.CustomComparison:
    """Exact only, and only when both hold a valid one: standardisation has dropped the rest."""
    return cl.CustomComparison(
        output_column_name=column,
        comparison_description=column.replace("_", " ").capitalize(),
        comparison_levels=[
            cll.NullLevel(column),
            cll.ExactMatchLevel(column),
            # A mistyped or transposed character; no check digit caught it (or there is none).
            _one_edit_apart(column, "One character different"),
            cll.ElseLevel(),
        ],
    )


def comparisons(records: pd.DataFrame, config: LinkageSettings) -> list[ComparisonCreator]:
    """The comparisons the settings ask for, over the fields these records hold."""
    found: list[ComparisonCreator] = []
    if present(records, "first_name"):
        found.append(
            _names(
                "first_name",
                "first_name_alternatives",
                "First name",
                config,
                misspelt_nicknames=True,
            )
        )
    if present(records, "surname"):
        found.append(_names("surname", "surname_alternatives", "Surname", config))
    if config.date_of_birth and present(records, "date_of_birth"):
        found.append(_date_of_birth(config))
    if config.postcode and present(records, "postcode"):
        found.append(_postcode(records, config))
    if config.compare_address and present(records, "address"):
        found.append(_address())
    found += [_identifier(kind) for kind in identifier_kinds(records, config)]
    if config.compare_sex and present(records, "sex"):
        found.append(cl.ExactMatch("sex"))
    return found


def _conditions(name: str, kinds: list[str]) -> list[list[str]]:
    """One field of a rule as alternative lists of SQL conditions (a rule per alternative)."""
    if name == "identifier":
        return [[f"l.{kind} = r.{kind}"] for kind in kinds]
    if name == "names_swapped":
        return [["l.first_name = r.surname", "l.surname = r.first_name"]]
    if name == "date_of_birth_swapped":
        # Both ways round: Splink compares each pair once, with the lower id on the left.
        return [
            ["l.date_of_birth_swapped = r.date_of_birth"],
            ["l.date_of_birth = r.date_of_birth_swapped"],
        ]
    return [[f"l.{name} = r.{name}"]]


COLUMNS_OF_FIELD = {
    "names_swapped": ("first_name", "surname"),
    "date_of_birth_swapped": ("date_of_birth",),
}


def rules(
    records: pd.DataFrame, fields: tuple[tuple[str, ...], ...], kinds: list[str]
) -> list[str]:
    """The SQL rules for lists of fields, leaving out those over fields nobody holds."""
    found: list[str] = []
    for rule in fields:
        needed = [
            c for name in rule if name != "identifier" for c in COLUMNS_OF_FIELD.get(name, (name,))
        ]
        if not all(present(records, column) for column in needed):
            continue
        combined: list[list[str]] = [[]]
        for name in rule:
            combined = [done + more for done in combined for more in _conditions(name, kinds)]
        found += [" AND ".join(conditions) for conditions in combined if conditions]
    return list(dict.fromkeys(found))


def settings(
    records: pd.DataFrame, config: LinkageSettings, *, probability: float | None = None
) -> SettingsCreator:
    """Splink's settings for these records: the comparisons and blocking rules the settings
    file asks for, over the fields the records hold."""
    kinds = identifier_kinds(records, config)
    return SettingsCreator(
        link_type="dedupe_only",
        probability_two_random_records_match=probability
        or config.probability_two_random_records_match,
        comparisons=comparisons(records, config),  # type: ignore[arg-type]
        # Splink's annotation leaves out SQL strings, which it takes and turns into rules.
        blocking_rules_to_generate_predictions=rules(records, config.blocking, kinds),  # type: ignore[arg-type]
        retain_intermediate_calculation_columns=False,
        additional_columns_to_retain=["source"],
    )


@dataclass
class Scored:
    """Pairs scored by a model, the model as Splink saves it, and what training said."""

    pairs: pd.DataFrame  # unique_id_l, unique_id_r, match_weight, match_probability, gamma_*
    model_json: dict
    labels_used: int = 0
    linker: str = "trained"  # or RULE_BASED
    notes: list[str] = field(default_factory=list)
    # column → [[value, frequency], ...] over the records trained on, kept with the model so
    # that scoring a few new records weighs a common name as training did.
    term_frequencies: dict[str, list] = field(default_factory=dict)


def _term_frequency_columns(model_json: dict) -> list[str]:
    return sorted(
        {
            level["tf_adjustment_column"]
            for comparison in model_json["comparisons"]
            for level in comparison["comparison_levels"]
            if level.get("tf_adjustment_column")
        }
    )


# Pairs scored at least this likely count towards the prior's estimate (`matches_among`);
# together the rest would add a few matches in ten thousand.
COUNTED = 0.01


def matches_among(pairs: pd.DataFrame, model_json: dict, records: int) -> float:
    """The chance two random records match, as the trained model itself counts the matches:
    the fixed point of "the prior is the expected number of matches among the scored pairs,
    over every pair of records" (expectation maximisation's step for the prior, m and u held).

    The first estimate, from rules assumed to find 80% of the true pairs, is far off where
    names, dates and identifiers are often missing or wrong (the rules then find half), and
    every match probability inherits the error. On the synthetic counties and FEBRL this
    lands within 2% of the true prior, from 36% below it on the messy county."""
    chance = model_json["probability_two_random_records_match"]
    every_pair = records * (records - 1) / 2
    evidence = pairs["match_weight"].to_numpy() - match_weight(chance)
    for _ in range(100):
        prior = match_weight(chance)
        expected = float((1 / (1 + np.exp2(-(prior + evidence)))).sum())
        if not every_pair or not expected:
            return model_json["probability_two_random_records_match"]
        chance, before = min(expected / every_pair, 0.5), chance
        if abs(chance - before) < 1e-4 * before:
            break
    return chance


def _with_prior(pairs: pd.DataFrame, model_json: dict, chance: float) -> pd.DataFrame:
    """The pairs re-weighed with a new prior, which the model file keeps."""
    old = model_json["probability_two_random_records_match"]
    shift = match_weight(chance) - match_weight(old)
    model_json["probability_two_random_records_match"] = chance
    weights = pairs["match_weight"] + shift
    return pairs.assign(match_weight=weights, match_probability=1 / (1 + np.exp2(-weights)))


def scored_pairs(predictions: SplinkDataFrame) -> pd.DataFrame:
    """Splink's predictions as a frame of the columns kept: the pair, its weight and each
    comparison's level. Splink's own frame also holds both records' compared values beside
    them, several times these columns for every pair scored."""
    gammas = [c.name for c in predictions.columns if c.input_name.startswith("gamma_")]
    kept = ", ".join(["unique_id_l", "unique_id_r", "match_weight", "match_probability", *gammas])
    return predictions.db_api.query_sql(
        f"SELECT {kept} FROM {predictions.physical_name}",  # noqa: S608 (Splink's names)
        output_type="pandas",
    )


def _pairs(predictions, model_json: dict, *, hold: bool = True) -> pd.DataFrame:
    """The scored pairs; `hold` marks those the model must not link alone;
    `term_frequency` is what term frequencies added to the levels' weights (for the
    waterfall: Splink scores it without keeping it)."""
    frame = predictions if isinstance(predictions, pd.DataFrame) else scored_pairs(predictions)
    gammas = [c for c in frame.columns if c.startswith("gamma_")]
    frame = frame[["unique_id_l", "unique_id_r", "match_weight", "match_probability", *gammas]]
    weights = weights_of(model_json)
    explained = pd.Series(weights.prior_match_weight, index=frame.index)
    for comparison in weights.comparisons:
        by_gamma = {g: level.match_weight for g, level in comparison.levels.items()}
        explained += frame[f"gamma_{comparison.column}"].map(by_gamma).fillna(0.0)
    frame[TERM_FREQUENCY] = (frame["match_weight"] - explained).round(9)
    return frame.assign(held_for_review=held_for_review(frame) if hold else False)


def held_for_review(pairs: pd.DataFrame) -> pd.Series:
    """Pairs the model may score highly but must not link alone: the same date of birth, a
    surname in common and first names that differ entirely (Splink's else level is gamma 0),
    unless an identifier says they are one.

    Twins share a surname, a date of birth, a sex and an address; the model counts each of
    these as independent evidence and would join them. A true match whose first names share
    nothing (not a nickname, a part, a near spelling or a swap) is rare, so these wait."""
    if "gamma_first_name" not in pairs or "gamma_date_of_birth" not in pairs:
        return pd.Series(False, index=pairs.index)
    identifiers = [
        c
        for c in pairs.columns
        if c.startswith("gamma_") and c.removeprefix("gamma_") not in COMPARED
    ]
    same_identifier = pd.Series(False, index=pairs.index)
    for column in identifiers:
        same_identifier |= pairs[column] == _SAME_IDENTIFIER
    # The exact date of birth is the comparison's best level: the highest gamma.
    same_birthday = pairs["gamma_date_of_birth"] >= _EXACT_DATE_OF_BIRTH
    family = pairs["gamma_surname"] != 0 if "gamma_surname" in pairs else True
    return (pairs["gamma_first_name"] == 0) & same_birthday & family & ~same_identifier


# Gamma of the exact date of birth: above else, within days, one digit (and a swap).
_EXACT_DATE_OF_BIRTH = 3
# Gamma of an identifier's exact level: above else and one character different.
_SAME_IDENTIFIER = 2
# The comparisons that are not identifiers, by the column each writes.
COMPARED = {"first_name", "surname", "date_of_birth", "postcode", "address", "sex"}


def train_and_score(
    records: pd.DataFrame,
    *,
    config: LinkageSettings,
    seed: int = 1,
    labels: pd.DataFrame | None = None,
) -> Scored:
    """Train without labels (u by random sampling, m by expectation maximisation; then m from
    people's "same person" decisions when there are enough), and score every blocked pair
    that could link or needs review. Sessions that find no pairs are skipped; with too few
    records, or no session trained, the rule-based linker links instead (`rule_based`).

    `labels`: unique_id_l, unique_id_r of pairs people decided are the same person."""
    notes: list[str] = []
    model_settings = settings(records, config)
    if len(records) < config.minimum_records_to_train:
        notes.append(
            f"{len(records)} records are fewer than the {config.minimum_records_to_train} "
            "needed to train a model: linked by the rule-based linker"
        )
        return rule_based(records, config=config, notes=notes)
    kinds = identifier_kinds(records, config)
    db = database()
    # Without Splink's check that the settings name only the records' columns: they were made
    # from these records (`settings`), and the check parsed every level's SQL (0.2 s).
    linker = Linker(db.register(records), model_settings, log_level=None, validate_settings=False)
    prior_rules: list[str | BlockingRuleCreator] = list(
        rules(records, (("identifier",), ("first_name", "surname", "date_of_birth")), kinds)
    )
    try:
        linker.training.estimate_probability_two_random_records_match(prior_rules, recall=0.8)
    except (SplinkException, ZeroDivisionError, ValueError) as error:
        notes.append(f"the chance two records match keeps its starting value: {error}")
    # Over the distinct values a sample holds (chance_agreement.py): Splink's own estimate
    # over the same two million pairs took 60% of a full run.
    estimate_u(
        linker,
        records,
        max_pairs=U_PAIRS,
        seed=seed,
        per_record_columns=PER_RECORD,
        max_value_pairs=U_VALUE_PAIRS,
        rare_agreement=frozenset(kinds),
    )
    trained = 0
    compared = [c.output_column_name for c in linker._settings_obj.comparisons]
    for rule in rules(records, config.training, kinds):
        # Splink's session leaves out of the linker's own settings the comparisons it blocks
        # on, and sets its own prior, putting them back only when it succeeds: a session that
        # fails would take them from every later session and from scoring.
        before = linker._settings_obj.core_model_settings.copy()
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(rule)
            trained += 1
        except SplinkException as error:
            linker._settings_obj.core_model_settings = before
            # The parameters this session would have trained keep their starting values,
            # which the waterfall marks as never estimated.
            reason = "found no pairs" if isinstance(error, EMTrainingException) else str(error)
            notes.append(f"training session {rule} skipped ({reason[:200]})")
    if not trained:
        notes.append("no training session found pairs: linked by the rule-based linker")
        return rule_based(records, config=config, notes=notes)
    labels_used = 0
    if labels is not None and len(labels) >= config.labels_to_train:
        linker.training.estimate_m_from_pairwise_labels(
            db.register(labels.assign(source_dataset_l="records", source_dataset_r="records"))
        )
        labels_used = len(labels)
    # Every pair that could count towards the number of matches, to re-estimate the prior.
    predictions = linker.inference.predict(threshold_match_probability=COUNTED)
    for note in notes:
        logger.info("linkage: %s", note)
    # A session estimates m for every comparison but those reading a column it blocks on:
    # as Splink recorded it, not as the rules' columns suggest.
    estimated = {
        comparison.output_column_name
        for comparison in linker._settings_obj.comparisons
        if any(
            level._has_estimated_m_values for level in comparison._comparison_levels_excluding_null
        )
    }
    model_json = _unestimated_marked(linker.misc.save_model_to_json(), estimated)
    for column in sorted(set(compared) - estimated):
        notes.append(f"no training session estimated {column}: it keeps its starting values")
    frequencies = {
        column: linker.table_management.compute_tf_table(column)
        .as_pandas_dataframe()[[column, f"tf_{column}"]]
        .values.tolist()
        for column in _term_frequency_columns(model_json)
    }
    pairs = scored_pairs(predictions)
    pairs = _with_prior(pairs, model_json, matches_among(pairs, model_json, len(records)))
    pairs = pairs[pairs["match_probability"] >= config.review_band[0]]
    return Scored(
        _pairs(pairs, model_json, hold=config.twin_hold),
        model_json,
        labels_used,
        notes=notes,
        term_frequencies=frequencies,
    )


def _unestimated_marked(model_json: dict, estimated: set[str]) -> dict:
    """The saved model without the m-probabilities no session estimated: Splink fills in the
    same starting values when it loads the file, and the waterfall marks them as never
    estimated."""
    for comparison in model_json["comparisons"]:
        if comparison["output_column_name"] not in estimated:
            for level in comparison["comparison_levels"]:
                level.pop("m_probability", None)
    return model_json


def rule_based(records: pd.DataFrame, *, config: LinkageSettings, notes: list[str]) -> Scored:
    """The fallback when there is too little to train on: records link when they agree on a
    valid identifier, or on first name, surname and date of birth (either way round). Nothing
    goes to review; the model file is the untrained settings, so a later run can score."""
    kinds = identifier_kinds(records, config)
    deterministic = rules(
        records,
        (
            ("identifier",),
            ("first_name", "surname", "date_of_birth"),
            ("names_swapped", "date_of_birth"),
        ),
        kinds,
    )
    model_settings = settings(records, config)
    pairs = pd.DataFrame(
        columns=["unique_id_l", "unique_id_r", "match_weight", "match_probability"]
    )
    if deterministic and len(records) > 1:
        creator = SettingsCreator(
            link_type="dedupe_only",
            blocking_rules_to_generate_predictions=deterministic,  # type: ignore[arg-type]
        )
        linker = Linker(database().register(records), creator, log_level=None)
        found = linker.inference.deterministic_link().as_pandas_dataframe()
        pairs = found[["unique_id_l", "unique_id_r"]].drop_duplicates()
        # Certain by rule: a weight of 20 is a probability of 0.999999.
        pairs = pairs.assign(match_weight=20.0, match_probability=1.0)
    for note in notes:
        logger.info("linkage: %s", note)
    model_json = Linker(
        database().register(records.head(0)), model_settings, log_level=None
    ).misc.save_model_to_json()
    return Scored(pairs.assign(held_for_review=False), model_json, linker=RULE_BASED, notes=notes)


def score_new(
    model_json: dict,
    existing: pd.DataFrame,
    new: pd.DataFrame,
    *,
    config: LinkageSettings,
    term_frequencies: dict[str, list] | None = None,
) -> pd.DataFrame:
    """Score the new records against each other and against the existing ones with a saved
    model, without comparing existing records among themselves again."""
    db = database()
    linker = Linker(db.register(pd.concat([existing, new])), model_json, log_level=None)
    existing_table, new_table = db.register(existing), db.register(new)
    # Term frequencies as training saw them; over every record now when the model has none.
    for column in _term_frequency_columns(model_json):
        saved = (term_frequencies or {}).get(column)
        if saved:
            table = pd.DataFrame(saved, columns=[column, f"tf_{column}"])
            linker.table_management.register_term_frequency_lookup(db.register(table), column)
        else:
            linker.table_management.compute_tf_table(column)
    frames = [
        _pairs(
            linker.inference.predict_within(
                new_table, threshold_match_probability=config.review_band[0], warning_mode="never"
            ),
            model_json,
            hold=config.twin_hold,
        )
    ]
    if len(existing):
        frames.append(
            _pairs(
                linker.inference.predict_between(
                    existing_table,
                    new_table,
                    threshold_match_probability=config.review_band[0],
                    warning_mode="never",
                ),
                model_json,
                hold=config.twin_hold,
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
