"""The waterfall adds up to the match weight the model stored, from the levels and the saved
model file alone."""

import json
import math

import pytest

from safeguarding.linkage.models import LinkModelVersion, LinkPair
from safeguarding.linkage.pipeline import link_all
from safeguarding.linkage.waterfall import (
    WaterfallError,
    draw,
    model_weights,
    waterfall,
)
from tests.linkage.conftest import import_county, stored_pair

pytestmark = pytest.mark.django_db


def waterfall_of(pair: LinkPair):
    model = LinkModelVersion.objects.get(version=pair.model_version)
    return waterfall(levels=pair.levels, model=model_weights(model.path))


@pytest.mark.slow
def test_every_pair_a_full_link_of_the_county_scored_adds_up_to_its_stored_weight(
    county_dir, agencies
):
    import_county(county_dir)
    link_all(full=True)
    pairs = list(LinkPair.objects.all())
    assert len(pairs) > 500
    for pair in pairs:
        result = waterfall_of(pair)
        assert result.match_weight == pytest.approx(pair.match_weight, abs=1e-6)
        assert result.match_probability == pytest.approx(pair.match_probability, abs=1e-9)
    # The county gives both strong links and pairs for review: the sums were tested on both.
    assert min(p.match_probability for p in pairs) < 0.95 < max(p.match_probability for p in pairs)


def test_pairs_scored_with_the_saved_model_add_up_to_their_stored_weight(scored):
    pairs = list(LinkPair.objects.all())
    assert len(pairs) == 3
    for pair in pairs:
        assert waterfall_of(pair).match_weight == pytest.approx(pair.match_weight, abs=1e-6)


def test_the_prior_is_the_log_odds_of_two_random_records_being_the_same(county_model_file):
    chance = json.loads(county_model_file.read_text())["probability_two_random_records_match"]
    model = model_weights(str(county_model_file))
    assert model.prior_match_weight == pytest.approx(math.log2(chance / (1 - chance)))
    assert model.prior_match_weight < -5  # most pairs of records are not the same person


def test_each_step_is_the_level_reached_with_its_weight_from_m_and_u(scored):
    result = waterfall_of(stored_pair(scored.police, scored.school))
    steps = {step.title: step for step in result.steps}
    assert list(steps) == [
        "First name",
        "Surname",
        "Date of birth",
        "Postcode",
        "NHS number",
        "Sex",
        # Splink adjusts an exact name or postcode for how common it is: shown as its own step.
        "How common the names or postcode are",
    ]
    assert result.match_weight == pytest.approx(
        stored_pair(scored.police, scored.school).match_weight, abs=1e-6
    )
    assert steps["First name"].level == "Exact match on first_name"
    assert steps["Surname"].level == "All other comparisons"
    assert steps["Postcode"].level == "Same sector"
    for step in result.steps:
        if step.m_probability is not None and step.u_probability is not None:
            assert step.match_weight == pytest.approx(
                math.log2(step.m_probability / step.u_probability)
            )
    assert steps["First name"].match_weight > 0 > steps["Surname"].match_weight
    # Neither record holds an NHS number: a missing value counts neither for nor against.
    assert steps["NHS number"].level == "Not recorded on one or both"
    assert steps["NHS number"].match_weight == 0
    # Each step starts where the one before ended.
    totals = [result.prior.after, *(step.after for step in result.steps)]
    assert [step.before for step in result.steps] == pytest.approx(totals[:-1])


def test_a_pair_scored_on_comparisons_the_model_lacks_is_not_drawn(scored, county_model_file):
    model = model_weights(str(county_model_file))
    levels = stored_pair(scored.police, scored.school).levels
    with pytest.raises(WaterfallError, match="sex"):
        waterfall(levels={k: v for k, v in levels.items() if k != "sex"}, model=model)
    with pytest.raises(WaterfallError, match="level 9"):
        waterfall(levels={**levels, "sex": 9}, model=model)


def test_the_bars_share_one_scale_and_run_from_each_total_to_the_next(scored):
    result = waterfall_of(stored_pair(scored.police, scored.school))
    drawing = draw(result, width=240)
    assert 0 <= drawing.zero <= 240
    # The prior is negative: its bar ends at zero, and the total's bar starts there.
    assert drawing.prior.x + drawing.prior.width == pytest.approx(drawing.zero, abs=0.2)
    assert drawing.total.x == pytest.approx(drawing.zero, abs=0.2)
    previous_end = drawing.prior.x
    for step, bar in drawing.steps:
        assert bar.direction == (
            "for" if step.match_weight > 0 else "against" if step.match_weight < 0 else "none"
        )
        start = bar.x + bar.width if bar.direction == "against" else bar.x
        if bar.direction != "none":
            assert start == pytest.approx(previous_end, abs=0.2)
            previous_end = bar.x if bar.direction == "against" else bar.x + bar.width
        assert bar.width >= 1 and 0 <= bar.x <= 240
