"""u estimated over distinct values gives Splink's own counts, and the name comparisons train
in sessions blocked on the other name."""

import json

import pandas as pd
import pytest
from splink import Linker

from safeguarding.linkage.chance_agreement import _within, estimate_u, sample_size
from safeguarding.linkage.configuration import LinkageSettings, linkage_settings
from safeguarding.linkage.model import PER_RECORD, database, settings, train_and_score
from safeguarding.linkage.standardise import standardise
from safeguarding.linkage.waterfall import model_weights
from tests.linkage.febrl import febrl_records


def febrl_config(**changes) -> LinkageSettings:
    return LinkageSettings(
        **{
            **vars(linkage_settings()),
            "postcode": None,
            "identifier_kinds": ("social_security_number",),
            **changes,
        }
    )


def fresh_linker(records: pd.DataFrame, config: LinkageSettings) -> Linker:
    """An untrained linker over these records, in a DuckDB of its own."""
    return Linker(database().register(records), settings(records, config), log_level=None)


def u_of(linker: Linker) -> dict[tuple[str, str], float | None]:
    return {
        (comparison.output_column_name, level.label_for_charts): level.u_probability
        for comparison in linker._settings_obj.comparisons
        for level in comparison._comparison_levels_excluding_null
    }


def test_the_sample_holds_as_many_pairs_as_asked():
    n = sample_size(2e6)
    assert n * (n - 1) / 2 == pytest.approx(2e6, rel=1e-3)


def test_u_over_distinct_values_is_splinks_count_over_every_pair():
    # A sample as large as the records: both count every pair, so they must agree exactly,
    # the swapped names (counted pair by pair) among them.
    records = standardise(
        febrl_records(["dataset4a.csv", "dataset4b.csv"], below=300),
        identifier_kinds=["social_security_number"],
    )
    config = febrl_config()
    every_pair = len(records) * (len(records) - 1) / 2

    ours = fresh_linker(records, config)
    estimate_u(ours, records, max_pairs=every_pair, seed=1, per_record_columns=PER_RECORD)
    splinks = fresh_linker(records, config)
    splinks.training.estimate_u_using_random_sampling(
        max_pairs=every_pair, min_count_per_level=None, num_chunks=1
    )

    expected = u_of(splinks)
    assert u_of(ours) == pytest.approx(expected)
    # Some pair reached the swap: the per-record count was exercised.
    assert expected[("first_name", "Given name and surname swapped")] > 0.0


@pytest.mark.parametrize(
    ("blocked_on", "trained"), [("surname", "first_name"), ("first_name", "surname")]
)
def test_a_session_blocked_on_one_name_trains_the_other_names_comparison(
    tmp_path, blocked_on, trained
):
    # Before, the swapped-names level read both name columns, so Splink left both name
    # comparisons out of any session blocked on either name.
    records = febrl_records(["dataset4a.csv", "dataset4b.csv"], below=800)
    config = febrl_config(training=(("date_of_birth", blocked_on),))
    standardised = standardise(records, identifier_kinds=["social_security_number"])
    scored = train_and_score(standardised, config=config)
    path = tmp_path / "model.json"
    path.write_text(json.dumps(scored.model_json))
    weights = {c.column: c for c in model_weights(str(path)).comparisons}
    estimated = {level.label for level in weights[trained].levels.values() if level.estimated}
    # Levels no pair in the session reached (nicknames, which FEBRL lacks; the swap, which
    # needs names the session holds equal to differ) stay unestimated, as anywhere.
    assert {f"Exact match on {trained}", "All other comparisons"} <= estimated
    assert not any(
        level.estimated for gamma, level in weights[blocked_on].levels.items() if gamma >= 0
    )
    assert f"no training session estimated {trained}: it keeps its starting values" not in (
        scored.notes
    )


def test_a_comparison_whose_values_are_all_distinct_is_counted_over_fewer_records():
    # Ten distinct addresses make 55 pairs of values (each with itself included): a budget
    # of 15 keeps the first five records (15 pairs), and repeated values cost nothing more.
    sample = pd.DataFrame(
        {"street_words": [[f"road{i}"] for i in range(10)], "first_name": ["ann"] * 10}
    )
    assert _within(sample, ["street_words"], 15) == 5
    assert _within(sample, ["first_name"], 15) == 10
    assert _within(sample, ["street_words"], None) == 10


def test_u_counted_over_fewer_records_stays_near_the_full_count():
    records = standardise(
        febrl_records(["dataset4a.csv", "dataset4b.csv"], below=600),
        identifier_kinds=["social_security_number"],
    )
    config = febrl_config()
    every_pair = len(records) * (len(records) - 1) / 2
    full = fresh_linker(records, config)
    estimate_u(full, records, max_pairs=every_pair, seed=1, per_record_columns=PER_RECORD)
    fewer = fresh_linker(records, config)
    estimate_u(
        fewer,
        records,
        max_pairs=every_pair,
        seed=1,
        per_record_columns=PER_RECORD,
        max_value_pairs=every_pair / 4,
    )
    # The else levels, which hold nearly every pair, agree closely; and every comparison
    # over distinct values was counted over fewer records (its u differs a little).
    full_u, fewer_u = u_of(full), u_of(fewer)
    assert fewer_u[("address", "All other comparisons")] == pytest.approx(
        full_u[("address", "All other comparisons")], rel=0.01
    )
    assert (
        fewer_u[("address", "All other comparisons")]
        != full_u[("address", "All other comparisons")]
    )
    assert fewer_u[("date_of_birth", "All other comparisons")] == pytest.approx(
        full_u[("date_of_birth", "All other comparisons")], rel=0.01
    )


def test_an_identifier_no_two_sampled_records_share_gets_a_u_of_one_in_the_pairs_compared():
    # FEBRL 4's first file holds each person once: no pair shares a social security number.
    records = standardise(
        febrl_records(["dataset4a.csv"], below=300), identifier_kinds=["social_security_number"]
    )
    held = int(records["social_security_number"].notna().sum())
    every_pair = len(records) * (len(records) - 1) / 2
    exact = ("social_security_number", "Exact match on social_security_number")

    bounded = fresh_linker(records, febrl_config())
    estimate_u(
        bounded,
        records,
        max_pairs=every_pair,
        seed=1,
        per_record_columns=PER_RECORD,
        rare_agreement=frozenset({"social_security_number"}),
    )
    starting = fresh_linker(records, febrl_config())
    estimate_u(starting, records, max_pairs=every_pair, seed=1, per_record_columns=PER_RECORD)

    assert u_of(bounded)[exact] == pytest.approx(1 / (held * (held - 1) / 2))
    # Without the bound, Splink's starting value: about one in a thousand.
    assert u_of(starting)[exact] > 10 * u_of(bounded)[exact]
