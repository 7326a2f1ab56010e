"""Measuring the tracker against the synthetic county's truth, with the baselines beside it.

Accuracy (ROC AUC, average precision, precision at k), lead time (the share of crises preceded
by a medium or high level, and the days of warning, scored as of many past dates) and fairness
(risk.fairness) for every method: the tracker with expert weights, with fitted weights if given,
counting missing episodes, and each agency alone.

A young person counts as truly at risk on a date when their (hidden) exploitation has begun and
its signs are still arriving: from onset to 60 days after their crisis, or to the end of the
county's window. The population is every young person aged 10 to 17 on the date; those no
agency knows score nothing. Scores of linked people are carried to the true person they mostly
hold records of (under-linking splits a child; the higher score counts).
"""

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from safeguarding.risk.catalogue import Catalogue
from safeguarding.risk.facts import Facts, ages_on
from safeguarding.risk.fairness import Ratio, fairness_ratios, group_rates
from safeguarding.risk.intervals import auc_interval
from safeguarding.risk.scoring import Scorer, end_of_day

EXPOSURE_AFTER_CRISIS = pd.Timedelta(days=60)
FLAGGED_LEVELS = {"medium", "high"}
TOP = (25, 50, 100)


@dataclass(frozen=True)
class Truth:
    people: pd.DataFrame  # true_id, date_of_birth, sex, ethnicity
    victims: pd.DataFrame  # true_id, onset, crisis_date, exposure_end
    person_to_true: pd.Series  # linked person id → true id
    # true id → the first day any agency recorded a sign of their exploitation (none: silent)
    first_signal: pd.Series = field(default_factory=lambda: pd.Series(dtype="datetime64[ns]"))


@dataclass
class Measures:
    as_of: datetime.date
    population: int
    positives: int
    flagged: int
    precision_at: dict[int, float]
    recall: float  # of the truly at risk, the share flagged medium or high
    roc_auc: float
    average_precision: float
    flag_rate_by_sex: dict[str, float] = field(default_factory=dict)
    flag_rate_by_ethnicity: dict[str, float] = field(default_factory=dict)
    recall_by_sex: dict[str, float] = field(default_factory=dict)
    # One row per person in the population: ethnicity, sex, positive, flagged, top (for fairness)
    frame: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)


def load_truth(truth_dir: Path, linked: pd.DataFrame, feeds: dict) -> Truth:
    """`linked`: feed, source_record_id, person_id for every source record."""
    from safeguarding.linkage.evaluate import truth_clusters

    people = pd.read_csv(truth_dir / "people.csv", dtype=str, keep_default_na=False)
    people = people[people["kind"] == "young_person"]
    people = pd.DataFrame(
        {
            "true_id": people["person_id"],
            "date_of_birth": pd.to_datetime(people["date_of_birth"]),
            "sex": people["sex"],
            # ONS 2021 high-level groups: White, Mixed, Asian, Black, Other.
            "ethnicity": people["ethnicity"]
            .str[0]
            .map({"W": "White", "M": "Mixed", "A": "Asian", "B": "Black", "O": "Other"}),
        }
    ).fillna({"ethnicity": "Not known"})
    victims = pd.read_csv(truth_dir / "exploitation.csv", dtype=str, keep_default_na=False)
    window_end = pd.Timestamp(json.loads((truth_dir / "parameters.json").read_text())["window_end"])
    crisis = pd.to_datetime(victims["crisis_date"].replace("", None))
    victims = pd.DataFrame(
        {
            "true_id": victims["person_id"],
            "onset": pd.to_datetime(victims["onset"]),
            "crisis_date": crisis,
            "exposure_end": (crisis + EXPOSURE_AFTER_CRISIS)
            .fillna(window_end)
            .clip(upper=window_end),
        }
    )
    events = pd.read_csv(
        truth_dir / "events.csv", usecols=["person_id", "occurred_at", "exploited"]
    )
    signs = events[events["exploited"].astype(str) == "True"]
    first_signal = pd.to_datetime(signs.groupby("person_id")["occurred_at"].min())
    clusters = truth_clusters(truth_dir=truth_dir, feeds=feeds)
    joined = linked.dropna(subset=["person_id"]).merge(clusters, on=["feed", "source_record_id"])
    majority = (
        joined.groupby(["person_id", "true"])
        .size()
        .rename("n")
        .reset_index()
        .sort_values(["person_id", "n"], kind="stable")
        .drop_duplicates("person_id", keep="last")
    )
    return Truth(
        people=people,
        victims=victims,
        person_to_true=majority.set_index("person_id")["true"],
        first_signal=first_signal,
    )


def roc_auc(scores: np.ndarray, labels: np.ndarray) -> float:
    positives, negatives = labels.sum(), (~labels).sum()
    if not positives or not negatives:
        return float("nan")
    ranks = rankdata(scores)  # ties share their mean rank (Mann–Whitney)
    return float((ranks[labels].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def average_precision(scores: np.ndarray, labels: np.ndarray) -> float:
    if not labels.sum():
        return float("nan")
    order = np.lexsort((np.arange(len(scores)), -scores))
    hits = labels[order]
    precision = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    return float(precision[hits].sum() / labels.sum())


def ranking(scores: np.ndarray) -> np.ndarray:
    """Positions from the highest score down; ties in score are broken by a fixed shuffle, not
    by who happens to come first."""
    tie_break = np.random.default_rng(0).random(len(scores))
    return np.lexsort((tie_break, -scores))


def true_people_scores(assessments: pd.DataFrame, truth: Truth) -> pd.DataFrame:
    """Scores and levels carried from linked people to true people (the higher one wins)."""
    frame = assessments.assign(true_id=assessments["person_id"].map(truth.person_to_true))
    frame = frame.dropna(subset=["true_id"])
    frame = frame.sort_values("score", ascending=False, kind="stable")
    return frame.drop_duplicates("true_id")[["true_id", "score", "level"]]


def measure(
    as_of: datetime.date, assessments: pd.DataFrame, truth: Truth, *, top: int = 100
) -> Measures:
    """assessments: person_id, score, level (people not listed scored nothing)."""
    day = pd.Timestamp(as_of)
    ages = ages_on(truth.people["date_of_birth"], day)
    population = truth.people[(ages >= 10) & (ages <= 17)]
    scored = true_people_scores(assessments, truth)
    frame = population.merge(scored, on="true_id", how="left")
    # With no one scored the level column is all missing numbers: made text before filling.
    frame = frame.assign(
        score=frame["score"].fillna(0.0), level=frame["level"].astype(object).fillna("")
    )
    at_risk = truth.victims[
        (truth.victims["onset"] <= day) & (truth.victims["exposure_end"] >= day)
    ]
    frame["positive"] = frame["true_id"].isin(at_risk["true_id"])
    frame["flagged"] = frame["level"].isin(FLAGGED_LEVELS)
    ranked = frame.iloc[ranking(frame["score"].to_numpy())]
    frame["top"] = frame.index.isin(ranked.index[:top])
    scores, labels = frame["score"].to_numpy(), frame["positive"].to_numpy()
    positives = frame[frame["positive"]]
    return Measures(
        as_of=as_of,
        population=len(frame),
        positives=int(labels.sum()),
        flagged=int(frame["flagged"].sum()),
        precision_at={
            k: float(ranked.head(k)["positive"].mean()) if len(ranked) else float("nan")
            for k in TOP
        },
        recall=float(positives["flagged"].mean()) if len(positives) else float("nan"),
        roc_auc=roc_auc(scores, labels),
        average_precision=average_precision(scores, labels),
        flag_rate_by_sex=frame.groupby("sex")["flagged"].mean().to_dict(),
        flag_rate_by_ethnicity=frame.groupby("ethnicity")["flagged"].mean().to_dict(),
        recall_by_sex=positives.groupby("sex")["flagged"].mean().to_dict(),
        frame=frame[["true_id", "ethnicity", "sex", "positive", "flagged", "top", "score"]],
    )


def missing_rule_assessments(facts: Facts, as_of: datetime.date) -> pd.DataFrame:
    """The common local rule: 3 or more missing episodes in the 90 days to the date."""
    end = end_of_day(as_of)
    events = facts.events
    missing = events[
        (events["event_type"] == "missing_episode")
        & (events["role"] == "missing_person")
        & (events["occurred_at"] < end)
        & (events["occurred_at"] >= end - pd.Timedelta(days=90))
    ]
    counts = missing.groupby("person_id")["unit"].nunique().rename("score").reset_index()
    counts["score"] = counts["score"].astype(float)
    counts["level"] = np.where(counts["score"] >= 3, "high", "low")
    return counts


def single_agency_facts(facts: Facts, agency: str) -> Facts:
    """What one agency alone would see: only its own events."""
    return Facts(events=facts.events[facts.events["agency"] == agency], people=facts.people)


@dataclass
class Comparison:
    name: str
    measures: list[Measures]
    lead_days: list[int]  # per crisis first seen in the top 100 beforehand
    crises: int  # crises in the evaluated period
    warning: "EarlyWarning | None" = None
    fairness: list[Ratio] = field(default_factory=list)
    # 90% interval of the mean ROC AUC, from a bootstrap by young person (trackers only)
    auc_interval: tuple[float, float] = (float("nan"), float("nan"))


@dataclass(frozen=True)
class EarlyWarning:
    """How often, and how early, a method graded someone medium or high before their crisis."""

    crises: int  # in the period scored
    signalled: int  # of them, with a sign recorded by some agency before the crisis
    warned: int  # of the signalled, graded medium or high on a scored date before the crisis
    days: list[int]  # for each warned crisis: days from the first such date to the crisis

    @property
    def share(self) -> float:
        return self.warned / self.signalled if self.signalled else float("nan")

    @property
    def median_days(self) -> float:
        return float(np.median(self.days)) if self.days else float("nan")


def warnings_before_crises(
    assessed_by_date: dict[datetime.date, pd.DataFrame], truth: Truth
) -> EarlyWarning:
    """Scored as of each past date: was each crisis preceded by a medium or high level (after
    its exploitation began), and how many days ahead? Crises of young people no agency had
    recorded a sign for before the crisis cannot be warned of and are counted apart."""
    dates = sorted(assessed_by_date)
    first_flag: dict[str, datetime.date] = {}
    for day in dates:
        scored = true_people_scores(assessed_by_date[day], truth)
        for true_id in _flagged_after_onset(scored, truth, day):
            first_flag.setdefault(true_id, day)
    crises = truth.victims.dropna(subset=["crisis_date"])
    crises = crises[
        (crises["crisis_date"] > pd.Timestamp(dates[0]))
        & (crises["crisis_date"] <= pd.Timestamp(dates[-1]))
    ]
    first_signal = crises["true_id"].map(truth.first_signal)
    signalled = crises[
        first_signal.notna() & (first_signal < crises["crisis_date"])
        if len(truth.first_signal)
        else np.ones(len(crises), dtype=bool)
    ]
    days = []
    for true_id, crisis in zip(signalled["true_id"], signalled["crisis_date"], strict=True):
        seen = first_flag.get(true_id)
        if seen is not None and pd.Timestamp(seen) < crisis:
            days.append((crisis - pd.Timestamp(seen)).days)
    return EarlyWarning(crises=len(crises), signalled=len(signalled), warned=len(days), days=days)


def _flagged_after_onset(scored: pd.DataFrame, truth: Truth, day: datetime.date):
    flagged = scored[scored["level"].isin(FLAGGED_LEVELS)]
    onset = flagged["true_id"].map(truth.victims.set_index("true_id")["onset"])
    keep = onset.notna() & (onset <= pd.Timestamp(day))
    return flagged["true_id"][keep].tolist()


def lead_times(
    ranked_by_date: dict[datetime.date, pd.DataFrame], truth: Truth, *, top: int = 100
) -> tuple[list[int], int]:
    """Days between first appearing in the top `top` and the crisis, for each crisis."""
    dates = sorted(ranked_by_date)
    first_seen: dict[str, datetime.date] = {}
    for day in dates:
        scored = true_people_scores(ranked_by_date[day], truth)
        for true_id in scored.head(top)["true_id"]:
            first_seen.setdefault(true_id, day)
    crises = truth.victims.dropna(subset=["crisis_date"])
    crises = crises[
        (crises["crisis_date"] > pd.Timestamp(dates[0]))
        & (crises["crisis_date"] <= pd.Timestamp(dates[-1]))
    ]
    leads = []
    for true_id, crisis, onset in zip(
        crises["true_id"], crises["crisis_date"], crises["onset"], strict=True
    ):
        seen = first_seen.get(true_id)
        if seen is not None and onset <= pd.Timestamp(seen) < crisis:
            leads.append((crisis - pd.Timestamp(seen)).days)
    return leads, len(crises)


def _assessed_by(scorer: Scorer) -> Callable[[datetime.date], pd.DataFrame]:
    # A function of its own so that each agency's method keeps its own scorer (a lambda in
    # the loop would see only the last one).
    return lambda day: scorer.score(day).assessments


def compare(
    facts: Facts,
    catalogue: Catalogue,
    truth: Truth,
    *,
    dates: list[datetime.date],
    lead_dates: list[datetime.date],
    agencies: list[str],
    progress=None,
    fitted: Catalogue | None = None,
) -> list[Comparison]:
    """The tracker (expert weights, and fitted ones if given), the missing rule and each single
    agency, on the same dates."""
    tracker = Scorer(facts, catalogue)
    methods: dict[str, Callable[[datetime.date], pd.DataFrame]] = {
        "tracker (all agencies)": _assessed_by(tracker),
    }
    if fitted is not None:
        methods["tracker (fitted weights)"] = _assessed_by(Scorer(facts, fitted))
    methods["rule: 3+ missing in 90 days"] = lambda day: missing_rule_assessments(facts, day)
    for agency in agencies:
        alone = Scorer(single_agency_facts(facts, agency), catalogue)
        methods[f"{agency} alone"] = _assessed_by(alone)
    comparisons = []
    steps = methods.items() if progress is None else progress(methods.items(), desc="methods")
    for name, method in steps:
        assessed = {day: method(day) for day in sorted({*dates, *lead_dates})}
        leads, crises = lead_times({d: assessed[d] for d in lead_dates}, truth)
        measures = [measure(day, assessed[day], truth, top=catalogue.fairness_top) for day in dates]
        pooled = pd.concat([m.frame for m in measures], ignore_index=True)
        comparisons.append(
            Comparison(
                name=name,
                measures=measures,
                lead_days=leads,
                crises=crises,
                warning=warnings_before_crises({d: assessed[d] for d in lead_dates}, truth),
                fairness=fairness_ratios(pooled),
                auc_interval=auc_interval([m.frame for m in measures])
                if name.startswith("tracker")
                else (float("nan"), float("nan")),
            )
        )
    return comparisons


def _mean(values) -> float:
    values = [v for v in values if not pd.isna(v)]
    return float(np.mean(values)) if values else float("nan")


def _group_means(measures: list[Measures], attribute: str) -> dict[str, float]:
    groups = sorted({key for m in measures for key in getattr(m, attribute)})
    return {g: _mean([getattr(m, attribute).get(g, np.nan) for m in measures]) for g in groups}


def _ratio_of(comparison: Comparison, attribute: str, measure_name: str) -> Ratio | None:
    return next(
        (r for r in comparison.fairness if (r.attribute, r.measure) == (attribute, measure_name)),
        None,
    )


def _fmt_ratio(ratio: Ratio | None) -> str:
    return "-" if ratio is None else f"{ratio.ratio:.2f}"


def summary_rows(comparisons: list[Comparison]) -> list[dict]:
    """One row of figures per method (means over the dates; fairness pooled over them)."""
    rows = []
    for c in comparisons:
        m, w = c.measures, c.warning
        rows.append(
            {
                "method": c.name,
                "precision_at_50": _mean([x.precision_at[50] for x in m]),
                "precision_at_100": _mean([x.precision_at[100] for x in m]),
                "recall": _mean([x.recall for x in m]),
                "roc_auc": _mean([x.roc_auc for x in m]),
                "roc_auc_interval": list(c.auc_interval),
                "average_precision": _mean([x.average_precision for x in m]),
                "flagged": _mean([x.flagged for x in m]),
                "warned_share": w.share if w else float("nan"),
                "warned": w.warned if w else 0,
                "signalled_crises": w.signalled if w else 0,
                "crises": w.crises if w else c.crises,
                "median_warning_days": w.median_days if w else float("nan"),
                "fairness": {
                    f"{r.attribute}:{r.measure}": {
                        "ratio": r.ratio,
                        "high": r.high,
                        "low": r.low,
                        "interval": list(r.interval),
                        "chance": r.chance,
                    }
                    for r in c.fairness
                },
            }
        )
    return rows


# What `score --evaluate --person-dates` writes: one row per tracker, date and young person.
PERSON_DATE_COLUMNS = [
    "method",
    "as_of",
    "true_id",
    "ethnicity",
    "sex",
    "positive",
    "flagged",
    "top",
    "score",
]


def tracker_person_dates(comparisons: list[Comparison]) -> pd.DataFrame:
    """The person-dates each tracker was measured on, one row each: what its fairness figures
    are computed from, kept so that they can be pooled over several counties."""
    frames = [
        m.frame.assign(method=c.name, as_of=m.as_of)
        for c in comparisons
        if c.name.startswith("tracker")
        for m in c.measures
    ]
    if not frames:
        return pd.DataFrame(columns=PERSON_DATE_COLUMNS)
    return pd.concat(frames, ignore_index=True)[PERSON_DATE_COLUMNS]


def report(comparisons: list[Comparison]) -> str:
    """The comparison as a plain-text table, means over the evaluation dates."""
    first = comparisons[0].measures
    lines = [
        f"Evaluated as of {len(first)} dates from {first[0].as_of} to {first[-1].as_of}; "
        f"on average {_mean([m.population for m in first]):,.0f} young people aged 10 to 17, "
        f"{_mean([m.positives for m in first]):.0f} of them truly at risk.",
        "",
        f"{'method':<30}{'P@50':>6}{'P@100':>7}{'recall':>8}{'AUC':>7}{'AP':>7}{'flagged':>9}"
        f"{'warned':>11}{'days':>6}{'FPR eth':>9}{'FPR sex':>9}{'flag eth':>10}",
    ]
    for c, row in zip(comparisons, summary_rows(comparisons), strict=True):
        warned = f"{row['warned']}/{row['signalled_crises']}"
        days = row["median_warning_days"]
        lines.append(
            f"{c.name:<30}{row['precision_at_50']:>6.2f}{row['precision_at_100']:>7.2f}"
            f"{row['recall']:>8.2f}{row['roc_auc']:>7.3f}{row['average_precision']:>7.3f}"
            f"{row['flagged']:>9.0f}{warned:>11}{'-' if pd.isna(days) else f'{days:.0f}':>6}"
            f"{_fmt_ratio(_ratio_of(c, 'ethnicity', 'fpr_top')):>9}"
            f"{_fmt_ratio(_ratio_of(c, 'sex', 'fpr_top')):>9}"
            f"{_fmt_ratio(_ratio_of(c, 'ethnicity', 'flag_rate')):>10}"
        )
    for c in comparisons:
        if not c.name.startswith("tracker"):
            continue
        pooled = pd.concat([m.frame for m in c.measures], ignore_index=True)
        low, high = c.auc_interval
        lines += [
            "",
            f"{c.name}: ROC AUC 90% interval {low:.3f} to {high:.3f} (bootstrap by young person)",
            f"{c.name}: by group, pooled over the dates",
        ]
        lines.append(
            f"  {'group':<10}{'person-dates':>13}{'exploited':>10}{'FPR top':>9}{'flag rate':>10}"
            f"{'FPR flag':>9}{'recall':>8}"
        )
        for attribute in ("ethnicity", "sex"):
            for group, r in group_rates(pooled, attribute).iterrows():
                lines.append(
                    f"  {group:<10}{r['people']:>13,.0f}{r['positives']:>10,.0f}"
                    f"{r['fpr_top']:>9.4f}{r['flag_rate']:>10.4f}{r['fpr_flag']:>9.4f}"
                    f"{r['recall_flag']:>8.2f}"
                )
        for ratio in c.fairness:
            lines.append(f"  worst {ratio.attribute} {ratio.measure} ratio: {ratio.describe()}")
    lines += [
        "",
        "P@k: share truly at risk among the k highest scores. Recall: share of those truly at "
        "risk flagged medium or high. Warned: crises preceded by a medium or high level (on a "
        "date after onset), of those with any sign recorded before the crisis; days: median "
        "days of that warning. FPR eth/sex: highest over lowest false-positive rate among the "
        "top 100 between ethnic groups / sexes; flag eth: the same for the share graded medium "
        "or high.",
    ]
    return "\n".join(lines)


@dataclass(frozen=True)
class BoundDay:
    """One date's young people, in one order: the tracker's scores, who is truly at risk, who of
    them has a sign in the six months, each one's items as the fitted weights see them, and
    their true ids."""

    scores: np.ndarray
    labels: np.ndarray
    signed: np.ndarray
    features: np.ndarray
    true_ids: np.ndarray


def ranked_measures(scores: np.ndarray, labels: np.ndarray) -> tuple[float, float, float]:
    """ROC AUC, average precision and precision at 50, ties broken as `measure` breaks them."""
    top = ranking(scores)[:50]
    return roc_auc(scores, labels), average_precision(scores, labels), float(labels[top].mean())


def fit_on_truth(features: np.ndarray, labels: np.ndarray):
    """A logistic regression of who is truly at risk on the features, each standardised and the
    weights regularised (C = 0.1) so that items hit on a handful of young people do not take
    extreme weights: the bounds' weights fitted on the truth."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    model = make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=5000))
    return model.fit(features, labels)


def bounds(days: list[BoundDay]) -> dict[str, tuple[float, float, float]]:
    """How far any weighting of the recorded items could go, against the tracker (means over the
    dates of ROC AUC, average precision and precision at 50). None of these is a method: each
    knows the truth.

    - *signs first*: every young person truly at risk who has a sign ranked first, everyone
      else where the tracker put them (the best any ordering of the signs could do);
    - *truth-fitted weights*: everyone ranked by weights for the items fitted on the truth of
      these very dates (`fit_on_truth`): weights only knowing the truth could choose, which no
      history of recorded outcomes would give;
    - *both*: those at risk with a sign first, everyone else by the truth-fitted weights.
    What is left below a target then cannot be made up by weighting the items differently."""
    labels = np.concatenate([day.labels for day in days])
    fitted: list[np.ndarray] = [np.zeros(len(day.labels)) for day in days]
    if labels.any() and not labels.all():
        model = fit_on_truth(np.vstack([day.features for day in days]), labels)
        fitted = [model.decision_function(day.features) for day in days]
    found: dict[str, list] = {
        "tracker": [],
        "signs first": [],
        "truth-fitted weights": [],
        "both": [],
    }
    for day, fitted_scores in zip(days, fitted, strict=True):
        found["tracker"].append(ranked_measures(day.scores, day.labels))
        found["signs first"].append(
            ranked_measures(np.where(day.signed, np.inf, day.scores), day.labels)
        )
        found["truth-fitted weights"].append(ranked_measures(fitted_scores, day.labels))
        found["both"].append(
            ranked_measures(np.where(day.signed, np.inf, fitted_scores), day.labels)
        )
    return {name: tuple(np.nanmean(rows, axis=0)) for name, rows in found.items()}


def bound_day(scorer: Scorer, day: datetime.date, truth: Truth) -> BoundDay:
    """The tracker's young people on the day, for `bounds`."""
    from safeguarding.risk.fitting import item_features

    scores = scorer.score(day)
    frame = measure(day, scores.assessments, truth).frame
    signs = {indicator.id for indicator in scorer.catalogue.signs}
    hits = scores.hits[scores.hits["indicator_id"].isin(signs)]
    signed_people = set(hits["person_id"].map(truth.person_to_true).dropna())
    labels = frame["positive"].to_numpy()
    features = item_features(scores.hits, scorer.catalogue)
    features = features.assign(true_id=features.index.map(truth.person_to_true))
    # Carried to true people as scores are: the larger value wins.
    features = features.dropna(subset=["true_id"]).groupby("true_id").max()
    return BoundDay(
        scores=frame["score"].to_numpy(),
        labels=labels,
        signed=labels & frame["true_id"].isin(signed_people).to_numpy(),
        features=features.reindex(frame["true_id"]).fillna(0.0).to_numpy(),
        true_ids=frame["true_id"].to_numpy(),
    )


# What the bounds are called where people read them.
BOUND_NAMES = {
    "tracker": "tracker (expert weights)",
    "signs first": "those at risk with a sign first",
    "truth-fitted weights": "weights fitted on the truth",
    "both": "both",
}


def bound_rows(found: dict[str, tuple[float, float, float]]) -> list[dict]:
    """The bounds as the validation page shows them."""
    return [
        {
            "method": name,
            "roc_auc": found[key][0],
            "average_precision": found[key][1],
            "precision_at_50": found[key][2],
        }
        for key, name in BOUND_NAMES.items()
    ]


def bounds_report(days: list[BoundDay], found: dict[str, tuple[float, float, float]]) -> str:
    """`found` (bounds(days)) as plain text."""
    at_risk = sum(int(day.labels.sum()) for day in days)
    signed = sum(int(day.signed.sum()) for day in days)
    lines = [
        "How far any weighting of the recorded items could go (bounds that know the truth, "
        f"not methods); {signed:,} of {at_risk:,} person-dates truly at risk have a sign in "
        "the six months:",
        f"  {'':<34}{'AUC':>7}{'AP':>7}{'P@50':>6}",
    ]
    for row in bound_rows(found):
        lines.append(
            f"  {row['method']:<34}{row['roc_auc']:>7.3f}{row['average_precision']:>7.3f}"
            f"{row['precision_at_50']:>6.2f}"
        )
    lines.append(
        "Signs first: every young person truly at risk with a sign in the six months ranked "
        "first, the rest as the tracker has them. Weights fitted on the truth: a logistic "
        "regression over the catalogue's items fitted on the truth of these dates (in sample). "
        "Both: the two together."
    )
    return "\n".join(lines)


def evaluation_dates(
    truth_dir: Path, *, step_days: int = 28
) -> tuple[list[datetime.date], list[datetime.date]]:
    """Every 4 weeks (step_days) from six months into the county's window for lead times; every
    third of those, after its first year, for the measures (so each date is scored once)."""
    parameters = json.loads((truth_dir / "parameters.json").read_text())
    start = datetime.date.fromisoformat(parameters["window_start"])
    end = datetime.date.fromisoformat(parameters["window_end"])
    grid = [
        d.date()
        for d in pd.date_range(start + datetime.timedelta(days=182), end, freq=f"{step_days}D")
    ]
    year_on = start + datetime.timedelta(days=365)
    measured = [d for d in grid if d >= year_on][::3]
    return measured, grid


@dataclass
class Validation:
    text: str
    rows: list[dict]
    fitted_note: str = ""
    # The trackers' person-dates (tracker_person_dates), for pooling fairness over counties.
    person_dates: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    # How far any weighting of the recorded items could go (bound_rows), beside the tracker.
    bounds: list[dict] = field(default_factory=list)


def evaluate_tracker(
    *,
    truth_dir: Path,
    catalogue: Catalogue,
    progress=None,
    fit: bool = False,
    step_days: int = 28,
) -> Validation:
    """Score the linked county as of many dates and compare with the truth and the baselines.

    With fit, weights are also fitted on the county's first half (risk.fitting) and every
    method is measured on the second half only, so the fitted weights never see those dates.
    """
    from django.conf import settings

    from safeguarding.linkage.pipeline import linked_records_frame
    from safeguarding.risk.facts import load_facts
    from safeguarding.risk.fitting import fit_weights, fitted_catalogue, split_dates
    from safeguarding.sources.feeds import load_feeds

    facts = load_facts()
    truth = load_truth(truth_dir, linked_records_frame(), load_feeds(settings.FEEDS_DIR))
    dates, lead_dates = evaluation_dates(truth_dir, step_days=step_days)
    fitted, note = None, ""
    if fit:
        split = lead_dates[len(lead_dates) // 2]
        train, later = split_dates(lead_dates, train_until=split)
        end = lead_dates[-1] - datetime.timedelta(days=180)
        weights = fit_weights(
            Scorer(facts, catalogue), train_dates=train, test_dates=[d for d in later if d <= end]
        )
        text = Path(settings.INDICATOR_CATALOGUE).read_text(encoding="utf-8")
        fitted, note = fitted_catalogue(text, weights, catalogue), weights.note()
        # Every method is measured on the later half only, where the fitted weights are untested.
        lead_dates = later
        dates = later[::2]
    comparisons = compare(
        facts,
        catalogue,
        truth,
        dates=dates,
        lead_dates=lead_dates,
        agencies=sorted(facts.events["agency"].unique()),
        progress=progress,
        fitted=fitted,
    )
    text = report(comparisons)
    tracker = Scorer(facts, catalogue)
    days = [bound_day(tracker, day, truth) for day in dates]
    found = bounds(days)
    text += "\n\n" + bounds_report(days, found)
    if note:
        text += f"\n\nFitted weights: {note}."
    return Validation(
        text=text,
        rows=summary_rows(comparisons),
        fitted_note=note,
        person_dates=tracker_person_dates(comparisons),
        bounds=bound_rows(found),
    )
