"""Counties from other parameters: recording bias, silent victims, thin signals (docs/risk.md)."""

import json
from pathlib import Path

import pandas as pd
import pytest

from safeguarding.synth.county import build_county
from safeguarding.synth.parameters import (
    PROFILES,
    REFERENCE_END,
    STOP_SEARCH_RATIO,
    parameters_for,
    parameters_from,
)
from safeguarding.synth.signals import recording_ratio


@pytest.fixture(scope="module")
def biased_county(tmp_path_factory) -> Path:
    """A hard, diverse county with frequent background stops, so the bias shows in numbers."""
    out = tmp_path_factory.mktemp("biased")
    overrides = out.parent / "overrides.json"
    overrides.write_text(json.dumps({"background_stop_search_per_year": 0.5}))
    build_county(
        out_dir=out / "county",
        seed=5,
        scale=3000,
        window_end=REFERENCE_END,
        profile="hard-urban",
        parameters_file=overrides,
    )
    return out / "county"


def truth(county: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(county / "truth" / name, dtype=str, keep_default_na=False)


def test_stops_of_young_people_not_exploited_follow_the_home_office_ratios(biased_county):
    people = truth(biased_county, "people.csv")
    people = people[people["kind"] == "young_person"]
    events = truth(biased_county, "events.csv")
    stops = events[(events["signal"] == "stop_and_search") & (events["exploited"] == "False")]
    per_person = stops.groupby("person_id").size().reindex(people["person_id"]).fillna(0)
    group = people.set_index("person_id")["ethnicity"].str[0]
    rate = per_person.groupby(group.reindex(per_person.index)).mean()
    # Black young people are stopped about four times as often as White ones doing the same.
    assert rate["B"] / rate["W"] == pytest.approx(STOP_SEARCH_RATIO["Black"], rel=0.35)
    assert rate["M"] / rate["W"] > 1.3
    assert json.loads((biased_county / "truth" / "parameters.json").read_text())[
        "background_stop_search_per_year"
    ] == pytest.approx(0.5)


def test_silent_victims_leave_no_sign_before_their_crisis(biased_county):
    victims = truth(biased_county, "exploitation.csv")
    silent = victims[victims["silent"] == "True"]
    # 0.3 in this profile: with about 30 victims in a small county the share varies a lot.
    assert 1 <= len(silent) < 0.7 * len(victims)
    events = truth(biased_county, "events.csv")
    signs = events[(events["exploited"] == "True") & events["person_id"].isin(silent["person_id"])]
    first_sign = signs.groupby("person_id")["occurred_at"].min()
    crisis = silent.set_index("person_id")["crisis_date"]
    for person, moment in first_sign.items():
        assert crisis[person] != "" and moment[:10] >= crisis[person]


def test_vulnerable_young_people_are_targeted_more_often(biased_county):
    people = truth(biased_county, "people.csv")
    victims = truth(biased_county, "exploitation.csv")
    parameters = json.loads((biased_county / "truth" / "parameters.json").read_text())
    assert parameters["vulnerable_victim_odds"] > 1
    young = people[people["kind"] == "young_person"]
    share = (young["vulnerable"] == "True").mean()
    victim_share = young.set_index("person_id").loc[victims["person_id"], "vulnerable"]
    assert 0.1 < share < 0.2  # 15% in this profile
    assert (victim_share == "True").mean() > share * 1.5  # odds of 3: about a third of victims


def test_the_profiles_differ_and_unknown_parameters_are_refused(tmp_path):
    base = parameters_for(1000)
    hard = parameters_from(base, profile="hard")
    urban = parameters_from(base, profile="hard-urban")
    assert hard.silent_share == pytest.approx(0.33) and base.silent_share == 0
    assert urban.ethnicity_multipliers["B"] > 1 and urban.exploited_rate != hard.exploited_rate
    assert set(PROFILES) >= {"default", "hard", "hard-urban"}
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"exploited_rat": 0.1}))
    with pytest.raises(ValueError, match="exploited_rat"):
        parameters_from(base, file=wrong)
    with pytest.raises(ValueError, match="profile"):
        parameters_from(base, profile="nowhere")


def test_recording_ratio_is_by_ons_group_and_one_when_switched_off():
    codes = pd.Series(["W1", "B2", "M3", "A1", "O2", ""])
    assert list(recording_ratio(codes, STOP_SEARCH_RATIO)) == [1.0, 4.1, 1.9, 1.5, 1.6, 1.0]
    assert set(recording_ratio(codes, STOP_SEARCH_RATIO, strength=0)) == {1.0}
