"""Weights that can be checked: a logistic regression fitted on the partnership's own history.

Each young person aged 10 to 17, as of each of many past dates, is one case. Its features are
the catalogue's items as the expert scorer sees them that day (1 for a current indicator,
`previous_weight` for a previous one, the faded weight for a vulnerability, over its catalogue
weight); its label is whether the records show exploitation or its crisis in the following
`horizon_days`: a CSE, CCE or trafficking factor at a social care referral or assessment, a
National Referral Mechanism referral, an assault with injury at the emergency department, an
arrest out of the area, or an offence of supply, a weapon or robbery. The model is fitted on
dates up to `train_until` minus the horizon (so no label looks past it) and checked on the dates
after it: a time split.

The model starts from the expert weights and learns corrections to them: its features are the
expert score (one coefficient, `a`) and each item (a coefficient `b` per item, pulled towards
zero by the regularisation). An item's fitted weight is `a * expert weight + b`: with little
evidence the corrections stay small and the fitted weights are the expert ones, rescaled. Fitted
from scratch (every weight free), the few outcomes of a county's first half gave weights that
ranked worse than the expert ones on later dates.

The weights are put in the catalogue's own format (risk/catalogue.py), scaled so the
indicators' median weight matches the expert one and the levels keep their meaning. A weight at
or below zero (an item that, given the rest, did not help) becomes the smallest weight allowed.
"""

import datetime
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from safeguarding.risk.catalogue import Catalogue, parse_catalogue
from safeguarding.risk.facts import ages_on
from safeguarding.risk.scoring import Scorer, end_of_day

OUTCOME_ITEMS = (
    "factor-cce",
    "factor-cse",
    "factor-trafficking",
    "national-referral-mechanism",
    "emergency-assault-injury",
    "arrested-out-of-area",
    "offence-supply-weapon-robbery",
)
# Strong regularisation of the corrections: outcomes are rare (a few dozen in a county's first
# half), and a loose or class-balanced fit chased noise and ranked worse than the expert weights.
REGULARISATION = 0.1
HORIZON_DAYS = 180
SMALLEST_WEIGHT = 0.05


@dataclass(frozen=True)
class FittedWeights:
    weights: dict[str, float]  # item id → weight on the catalogue's scale
    # item id → its log odds per unit: a * expert weight + its own correction b
    coefficients: dict[str, float]
    train_dates: tuple[datetime.date, ...]
    test_dates: tuple[datetime.date, ...]
    cases: int
    positives: int
    test_auc: float  # of the fitted model on the later dates, against the same labels
    expert_test_auc: float  # of the expert score on the later dates
    expert_coefficient: float = float("nan")  # a: log odds per point of the expert score

    def note(self) -> str:
        return (
            f"Logistic regression (expert score plus a correction per item) on "
            f"{self.cases:,} young-person-dates "
            f"({self.positives:,} followed by recorded exploitation within {HORIZON_DAYS} days), "
            f"{self.train_dates[0]} to {self.train_dates[-1]}; on the later dates "
            f"{self.test_dates[0]} to {self.test_dates[-1]} its ROC AUC is {self.test_auc:.3f} "
            f"(expert weights {self.expert_test_auc:.3f})"
        )


def cases(scorer: Scorer, day: datetime.date, horizon_days: int = HORIZON_DAYS) -> pd.DataFrame:
    """One row per young person aged 10 to 17 on the day: each item's feature, the expert
    score and the label."""
    catalogue = scorer.catalogue
    people = scorer.facts.people.set_index("person_id")
    ages = ages_on(people["date_of_birth"], pd.Timestamp(day))
    population = people.index[(ages >= 10) & (ages <= 17)]
    hits = scorer.hits(day)
    hits = hits[hits["person_id"].isin(population)]
    features = item_features(hits, catalogue).reindex(population).fillna(0.0)
    features["expert_score"] = hits.groupby("person_id")["weight"].sum().reindex(population)
    features["expert_score"] = features["expert_score"].fillna(0.0)
    end = end_of_day(day)
    later = scorer.static_matches
    if later is None:
        return features.assign(label=False)
    later = later[
        later["indicator_id"].isin(OUTCOME_ITEMS)
        & (later["occurred_at"] >= end)
        & (later["occurred_at"] < end + pd.Timedelta(days=horizon_days))
    ]
    features["label"] = features.index.isin(set(later["person_id"]))
    return features


def item_features(hits: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """Each person's items as the fitted weights see them: a hit's weight over its catalogue
    weight (1 for a current indicator, `previous_weight` for a previous one, the faded weight for
    a vulnerability), one column per item, 0 where not hit."""
    base_weight = hits["indicator_id"].map({i.id: i.weight for i in catalogue.indicators})
    return (
        hits.assign(value=hits["weight"].astype(float) / base_weight)
        .pivot_table(index="person_id", columns="indicator_id", values="value", aggfunc="sum")
        .reindex(columns=[i.id for i in catalogue.indicators])
        .fillna(0.0)
    )


def fit_weights(
    scorer: Scorer, *, train_dates: list[datetime.date], test_dates: list[datetime.date]
) -> FittedWeights:
    """Fit on the training dates, check on the test dates; weights on the catalogue's scale."""
    catalogue = scorer.catalogue
    items = [i.id for i in catalogue.indicators]
    train = pd.concat([cases(scorer, day) for day in train_dates], ignore_index=True)
    test = pd.concat([cases(scorer, day) for day in test_dates], ignore_index=True)
    columns = [*items, "expert_score"]
    model = LogisticRegression(C=REGULARISATION, max_iter=3000)
    model.fit(train[columns].to_numpy(), train["label"].to_numpy())
    *corrections, expert_coefficient = model.coef_[0].tolist()
    coefficients = {
        indicator.id: expert_coefficient * indicator.weight + correction
        for indicator, correction in zip(catalogue.indicators, corrections, strict=True)
    }
    signs = [i for i in catalogue.indicators if not i.is_vulnerability]
    positive = [coefficients[i.id] for i in signs if coefficients[i.id] > 0]
    scale = float(np.median([i.weight for i in signs]) / np.median(positive)) if positive else 1.0
    weights = {
        item: round(max(coefficient * scale, SMALLEST_WEIGHT), 2)
        for item, coefficient in coefficients.items()
    }
    labels = test["label"].to_numpy()
    both = labels.any() and not labels.all()
    return FittedWeights(
        weights=weights,
        coefficients=coefficients,
        train_dates=tuple(train_dates),
        test_dates=tuple(test_dates),
        cases=len(train),
        positives=int(train["label"].sum()),
        test_auc=float(roc_auc_score(labels, model.decision_function(test[columns].to_numpy())))
        if both
        else float("nan"),
        expert_test_auc=float(roc_auc_score(labels, test["expert_score"]))
        if both
        else float("nan"),
        expert_coefficient=expert_coefficient,
    )


def fitted_catalogue_text(text: str, fitted: FittedWeights, expert: Catalogue) -> str:
    """The catalogue file with the fitted weights in place of the expert ones: each item keeps
    its source, with the expert weight and the coefficient beside it, and [weighting] says
    what the weights were fitted on."""
    blocks = re.split(r"(?m)^(?=\[\[(?:indicator|vulnerability)\]\])", text)
    out = []
    for block in blocks:
        found = re.search(r'(?m)^id = "([^"]+)"', block)
        if found and found.group(1) in fitted.weights and block.startswith("[["):
            item = found.group(1)
            block = re.sub(
                r"(?m)^weight = .*$",
                f"weight = {fitted.weights[item]}\n"
                f"# expert weight {expert.by_id[item].weight:g}; "
                f"fitted coefficient {fitted.coefficients[item]:+.3f} (log odds)",
                block,
                count=1,
            )
        out.append(block)
    result = "".join(out)
    result = re.sub(
        r'(?m)^version = "([^"]+)"', lambda m: f'version = "{m.group(1)}-fit"', result, count=1
    )
    note = fitted.note().replace('"', "'")
    return re.sub(
        r"(?ms)^\[weighting\].*?(?=^\[)",
        f'[weighting]\nkind = "fitted"\nnote = "{note}"\n\n',
        result,
        count=1,
    )


def fitted_catalogue(text: str, fitted: FittedWeights, expert: Catalogue) -> Catalogue:
    return parse_catalogue(fitted_catalogue_text(text, fitted, expert), name="fitted catalogue")


def split_dates(
    grid: list[datetime.date], *, train_until: datetime.date, horizon_days: int = HORIZON_DAYS
) -> tuple[list[datetime.date], list[datetime.date]]:
    """Training dates whose labels end by train_until, and the dates from train_until on."""
    cutoff = train_until - datetime.timedelta(days=horizon_days)
    return [d for d in grid if d <= cutoff], [d for d in grid if d >= train_until]


def fit_on_history(*, catalogue_path, as_of: datetime.date | None = None):
    """Fit on this database's own records: every 4 weeks over the two years before the
    last `HORIZON_DAYS` up to as_of (default today); the second half of those dates is kept
    back to check the weights. Returns the weights and the fitted catalogue's text."""
    from pathlib import Path

    from safeguarding.risk.catalogue import load_catalogue
    from safeguarding.risk.facts import load_facts

    expert = load_catalogue(catalogue_path)
    last = (as_of or datetime.date.today()) - datetime.timedelta(days=HORIZON_DAYS)
    grid = [last - datetime.timedelta(days=28 * k) for k in range(26, -1, -1)]
    middle = grid[len(grid) // 2]
    train, test = split_dates(grid, train_until=middle)
    weights = fit_weights(Scorer(load_facts(), expert), train_dates=train, test_dates=test)
    text = Path(catalogue_path).read_text(encoding="utf-8")
    return weights, fitted_catalogue_text(text, weights, expert)
