"""The waterfall: how a saved model reached a pair's match weight, step by step.

Fellegi–Sunter scoring adds up evidence: the prior (how likely two records picked at random
are the same young person) as a match weight, then, for each comparison, the partial match
weight log2(m/u) of the level the pair reached. Their sum is the pair's match weight. The
levels come from the pair as it was scored (`LinkPair.levels`) and m and u from the model file
it was scored with, so the page shows the model's own arithmetic, drawn without Splink's chart
(which needs Vega from the internet).
"""

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from splink import SettingsCreator

from safeguarding.common.weights import match_probability, match_weight

# Splink saves our comparisons' descriptions as their class name ("CustomComparison"), so the
# titles people read are kept here, by the column each comparison writes.
COMPARISON_TITLES = {
    "first_name": "First name",
    "surname": "Surname",
    "date_of_birth": "Date of birth",
    "postcode": "Postcode",
    "address": "Address",
    "nhs_number": "NHS number",
    "upn": "Unique pupil number",
    "sex": "Sex",
}


# The key under which a pair's levels keep its term-frequency adjustment, as a match weight.
TERM_FREQUENCY = "term_frequency"


class WaterfallError(ValueError):
    """The pair and the model do not fit together: the message says how."""


@dataclass(frozen=True)
class LevelWeight:
    label: str
    m_probability: float | None
    u_probability: float | None
    match_weight: float
    # False when training never saw the level and Splink scores it with a starting value.
    estimated: bool

    @property
    def is_missing(self) -> bool:
        return self.m_probability is None


@dataclass(frozen=True)
class ComparisonWeights:
    column: str
    title: str
    levels: dict[int, LevelWeight]  # by Splink's gamma: -1 a missing value, 0 "all other"


@dataclass(frozen=True)
class ModelWeights:
    probability_two_random_records_match: float
    comparisons: list[ComparisonWeights]

    @property
    def prior_match_weight(self) -> float:
        chance = self.probability_two_random_records_match
        return match_weight(chance)


@dataclass(frozen=True)
class Step:
    title: str
    level: str
    match_weight: float
    before: float  # the running total before this step
    m_probability: float | None = None
    u_probability: float | None = None
    estimated: bool = True

    @property
    def after(self) -> float:
        return self.before + self.match_weight


@dataclass(frozen=True)
class Bar:
    """One step drawn on the chart's shared scale: where it starts and how wide it is."""

    x: float
    width: float
    direction: str  # "for", "against" or "none"


@dataclass(frozen=True)
class Waterfall:
    prior: Step
    steps: list[Step]  # one per comparison, in the model's order

    @property
    def match_weight(self) -> float:
        return self.steps[-1].after if self.steps else self.prior.after

    @property
    def match_probability(self) -> float:
        return match_probability(self.match_weight)

    @property
    def prior_probability(self) -> float:
        return match_probability(self.prior.match_weight)


# A saved model never changes (its file name carries its version): read each once a process.
@lru_cache(maxsize=8)
def model_weights(path: str) -> ModelWeights:
    """Each comparison level's m, u and partial match weight from a saved Splink model file."""
    return weights_of(json.loads(Path(path).read_text()))


def weights_of(model_json: dict) -> ModelWeights:
    """Each comparison level's m, u and partial match weight from a Splink model.

    Read through Splink itself, so a level training never estimated gets the same starting
    value Splink scores it with when it loads the file."""
    model = SettingsCreator.from_path_or_dict(model_json).get_settings("duckdb")
    comparisons = []
    for saved, comparison in zip(model_json["comparisons"], model.comparisons, strict=True):
        levels = {}
        for saved_level, level in zip(
            saved["comparison_levels"], comparison.comparison_levels, strict=True
        ):
            levels[level.comparison_vector_value] = _level_weight(saved_level, level)
        comparisons.append(
            ComparisonWeights(
                column=comparison.output_column_name,
                title=_title(comparison.output_column_name),
                levels=levels,
            )
        )
    return ModelWeights(model_json["probability_two_random_records_match"], comparisons)


def _level_weight(saved: dict, level) -> LevelWeight:
    if level.is_null_level:
        # A value missing from either record counts neither for nor against.
        return LevelWeight("Not recorded on one or both", None, None, 0.0, estimated=True)
    m, u = level.m_probability, level.u_probability
    return LevelWeight(
        label=level.label_for_charts,
        m_probability=m,
        u_probability=u,
        match_weight=math.log2(m / u),
        estimated="m_probability" in saved and "u_probability" in saved,
    )


def _title(column: str) -> str:
    return COMPARISON_TITLES.get(column, column.replace("_", " ").capitalize())


def waterfall(*, levels: dict[str, int], model: ModelWeights) -> Waterfall:
    """The prior, then each comparison's level and partial match weight, with running totals."""
    prior = Step(
        title="Before comparing anything",
        level="Two records picked at random",
        match_weight=model.prior_match_weight,
        before=0.0,
    )
    steps: list[Step] = []
    total = prior.after
    for comparison in model.comparisons:
        if comparison.column not in levels:
            raise WaterfallError(f"The pair was not scored on {comparison.title.lower()}.")
        gamma = int(levels[comparison.column])
        if gamma not in comparison.levels:
            raise WaterfallError(f"The model has no level {gamma} for {comparison.title}.")
        level = comparison.levels[gamma]
        step = Step(
            title=comparison.title,
            level=level.label,
            match_weight=level.match_weight,
            before=total,
            m_probability=level.m_probability,
            u_probability=level.u_probability,
            estimated=level.estimated,
        )
        steps.append(step)
        total = step.after
    adjustment = float(levels.get(TERM_FREQUENCY, 0.0))
    if abs(adjustment) > 1e-9:
        steps.append(
            Step(
                title="How common the names or postcode are",
                level="A rare name or postcode shared counts for more, a common one for less",
                match_weight=adjustment,
                before=total,
            )
        )
    return Waterfall(prior=prior, steps=steps)


@dataclass(frozen=True)
class _Scale:
    """The shared horizontal scale every bar is drawn on, in SVG user units."""

    width: int
    low: float
    high: float
    padding: int = 4

    def x(self, weight: float) -> float:
        usable = self.width - 2 * self.padding
        return round(self.padding + (weight - self.low) / (self.high - self.low) * usable, 1)

    def bar(self, start: float, end: float) -> Bar:
        left, right = sorted((self.x(start), self.x(end)))
        direction = "for" if end > start else "against" if end < start else "none"
        # A step that changes nothing still shows, as a hairline.
        return Bar(x=left, width=max(round(right - left, 1), 1.0), direction=direction)


@dataclass(frozen=True)
class Drawing:
    """Each step of a waterfall with its bar, all on one scale so the bars line up."""

    width: int
    zero: float  # where a match weight of 0 (even odds) falls
    prior: Bar
    steps: list[tuple[Step, Bar]]
    total: Bar


def draw(result: Waterfall, *, width: int = 240) -> Drawing:
    """Bars for the prior, each comparison (from the running total before it to after it)
    and the final match weight, on a scale wide enough for zero and every running total."""
    points = [0.0, result.prior.after, *(step.after for step in result.steps)]
    low, high = min(points), max(points)
    if high - low < 1:
        low, high = low - 1, high + 1
    scale = _Scale(width=width, low=low, high=high)
    return Drawing(
        width=width,
        zero=scale.x(0.0),
        prior=scale.bar(0.0, result.prior.after),
        steps=[(step, scale.bar(step.before, step.after)) for step in result.steps],
        total=scale.bar(0.0, result.match_weight),
    )
