"""Which items put young people who are *not* exploited into the top 100, by ethnic group, and
whether the worst false-positive-rate ratio says more than chance between small groups.

    DATABASE_URL=sqlite:///FOLDER/hard.sqlite3 PYTHONPATH=src .venv/bin/python \
        benchmarks/risk_fairness_channels.py --truth FOLDER/hard/truth \
        [--catalogue indicators/catalogue.toml --catalogue OTHER.toml ...] [--channels]
        [--top-fifty] [--among top|flagged] [--ceiling]

Run on a county that `benchmarks/risk_benchmark.py --folder FOLDER` built and linked (it is
not built again). The dates are the benchmark's (the county's second half, every 4 weeks; the
measures on every other one), so the figures match its table. For each catalogue given:

- the tracker's measures: precision at 50, recall among the top 100 and among those flagged,
  ROC AUC, average precision, crises warned, and the worst ratio of the false-positive rate
  among the top 100 between ethnic groups and between the sexes, with the 90% interval of the
  bootstrap by young person (risk/fairness.py);
- a **permutation null** for the ethnicity ratio: ethnicity shuffled between the young people
  (each keeps all their dates), so every group has the same false-positive rate in truth; the
  worst ratio of each shuffle says how large a ratio chance alone gives with these group sizes;
- the **channels**: among the person-dates wrongly in the top 100 (or, with --among flagged,
  wrongly graded medium or high), by group, the share on which each item was hit, the mean
  weight it added, and the mean weight from police records alone;
- with --top-fifty, who fills the top 50 wrongly (precision at 50);
- with --ceiling, how far any weighting of the recorded items could go (risk.evaluation.bounds):
  every young person truly at risk who has a sign ranked first, weights fitted on the truth, and
  both.
"""

import argparse
import datetime
import os
from pathlib import Path

import numpy as np
import pandas as pd

PERMUTATIONS = 200


def dates_of(truth_dir: Path) -> tuple[list[datetime.date], list[datetime.date]]:
    """The benchmark's dates (`score --evaluate --fit-weights`): the later half of the grid for
    warnings, every other one of those for the measures."""
    from safeguarding.risk.evaluation import evaluation_dates
    from safeguarding.risk.fitting import split_dates

    _, grid = evaluation_dates(truth_dir)
    _, later = split_dates(grid, train_until=grid[len(grid) // 2])
    return later[::2], later


def worst_ratio_of(frame: pd.DataFrame, attribute: str):
    from safeguarding.risk.fairness import group_rates, worst_ratio

    return worst_ratio(group_rates(frame, attribute), attribute, "fpr_top", frame=frame)


def permutation_null(frame: pd.DataFrame, *, seed: int = 0) -> np.ndarray:
    """The worst ethnicity ratio with ethnicity shuffled between young people."""
    from safeguarding.risk.fairness import group_rates

    people = frame.drop_duplicates("true_id")[["true_id", "ethnicity"]]
    rng = np.random.default_rng(seed)
    ratios = []
    for _ in range(PERMUTATIONS):
        shuffled = dict(
            zip(people["true_id"], rng.permutation(people["ethnicity"].to_numpy()), strict=True)
        )
        rates = group_rates(frame.assign(ethnicity=frame["true_id"].map(shuffled)), "ethnicity")
        base = rates["negatives"]
        overall = (rates["fpr_top"] * base).sum() / base.sum()
        values = rates[base * overall >= 5]["fpr_top"]
        ratios.append(values.max() / values.min() if values.min() > 0 else np.inf)
    return np.array(ratios)


def channels(
    scorer, dates: list[datetime.date], truth, catalogue, police: set[str], among: str = "top"
) -> pd.DataFrame:
    """Per item and group: share of the false positives' person-dates hit, and mean weight.
    `among`: "top" (the top 100) or "flagged" (graded medium or high)."""
    from safeguarding.risk.evaluation import measure

    rows = []
    events = scorer.facts.events.drop_duplicates("event_id").set_index("event_id")["agency"]
    for day in dates:
        scores = scorer.score(day)
        measured = measure(day, scores.assessments, truth, top=100).frame
        false_top = measured[measured[among] & ~measured["positive"]]
        # The linked person whose score was carried to each true person (the highest wins).
        carried = scores.assessments.assign(
            true_id=scores.assessments["person_id"].map(truth.person_to_true)
        )
        carried = carried.sort_values("score", ascending=False, kind="stable").drop_duplicates(
            "true_id"
        )
        chosen = carried[carried["true_id"].isin(false_top["true_id"])]
        # What raised the level: the score, or a hard rule (under 13, learning disability).
        rule = chosen.set_index("true_id")["rules_applied"].replace("", "score")
        hits = scores.hits.merge(chosen[["person_id", "true_id"]], on="person_id")
        hits = hits.assign(
            police_only=[
                bool(evidence) and all(events.get(e) in police for e in evidence)
                for evidence in hits["evidence"]
            ]
        )
        group = false_top.set_index("true_id")["ethnicity"]
        rows.append(hits.assign(ethnicity=hits["true_id"].map(group), day=day))
        for true_id, ethnicity in group.items():
            rows.append(
                pd.DataFrame(
                    {
                        "true_id": [true_id],
                        "ethnicity": [ethnicity],
                        "day": [day],
                        "indicator_id": ["(person-date)"],
                        "weight": [0.0],
                        "police_only": [False],
                        "rule": [rule.get(true_id, "score")],
                    }
                )
            )
    hits = pd.concat(rows, ignore_index=True)
    marks = hits[hits["indicator_id"] == "(person-date)"]
    person_dates = marks.groupby("ethnicity").size().rename("n")
    rules = pd.crosstab(marks["ethnicity"], marks["rule"])
    people = hits.groupby("ethnicity")["true_id"].nunique().rename("people")
    items = hits[hits["indicator_id"] != "(person-date)"]
    share = (
        items.groupby(["indicator_id", "ethnicity"])[["true_id", "day"]]
        .apply(lambda f: len(f.drop_duplicates()))
        .unstack(fill_value=0)
        / person_dates
    )
    weight = (
        items.groupby(["indicator_id", "ethnicity"])["weight"].sum().unstack(fill_value=0)
        / person_dates
    )
    police_weight = items[items["police_only"]].groupby("ethnicity")["weight"].sum() / person_dates
    total = items.groupby("ethnicity")["weight"].sum() / person_dates
    return share, weight, person_dates, people, police_weight, total, rules


def ceiling(scorer, dates: list[datetime.date], truth) -> None:
    """How far any weighting of the recorded items could go (risk.evaluation.bounds)."""
    from safeguarding.risk.evaluation import bound_day, bounds, bounds_report

    days = [bound_day(scorer, day, truth) for day in dates]
    print(bounds_report(days, bounds(days)))


def wrongly_in_top_fifty(scorer, dates: list[datetime.date], truth) -> None:
    """Who fills the top 50 wrongly: exploited young people outside the window in which they
    count as at risk (before onset, or over 60 days after their crisis), or never exploited;
    and the items most often hit among the never exploited."""
    from safeguarding.risk.evaluation import measure

    victims = truth.victims.set_index("true_id")
    kinds, items, total = {}, {}, 0
    for day in dates:
        scores = scorer.score(day)
        frame = measure(day, scores.assessments, truth, top=100).frame
        ranked = frame.sort_values("score", ascending=False, kind="stable").head(50)
        wrong = ranked[~ranked["positive"]]
        total += len(wrong)
        for true_id in wrong["true_id"]:
            if true_id not in victims.index:
                kind = "never exploited"
            elif victims.loc[true_id, "onset"] > pd.Timestamp(day):
                kind = "exploited later"
            else:
                kind = "exploited, over 60 days after the crisis"
            kinds[kind] = kinds.get(kind, 0) + 1
        never = wrong[~wrong["true_id"].isin(victims.index)]["true_id"]
        carried = scores.assessments.assign(
            true_id=scores.assessments["person_id"].map(truth.person_to_true)
        ).sort_values("score", ascending=False, kind="stable")
        chosen = carried.drop_duplicates("true_id")
        people = chosen[chosen["true_id"].isin(set(never))]["person_id"]
        for item in scores.hits[scores.hits["person_id"].isin(set(people))]["indicator_id"]:
            items[item] = items.get(item, 0) + 1
    print(f"\nWrongly in the top 50: {total} person-dates over {len(dates)} dates")
    for kind, count in sorted(kinds.items(), key=lambda kv: -kv[1]):
        print(f"  {kind}: {count} ({count / total:.0%})")
    never_total = kinds.get("never exploited", 0)
    print("  items hit among the never exploited (share of their person-dates):")
    for item, count in sorted(items.items(), key=lambda kv: -kv[1])[:12]:
        print(f"    {item}: {count / max(never_total, 1):.2f}")


def run(
    truth_dir: Path,
    catalogue_paths: list[Path],
    *,
    with_channels: bool,
    top_fifty: bool,
    among: str = "top",
    with_ceiling: bool = False,
) -> None:
    from django.conf import settings

    from safeguarding.linkage.pipeline import linked_records_frame
    from safeguarding.risk.catalogue import load_catalogue
    from safeguarding.risk.evaluation import load_truth, measure, warnings_before_crises
    from safeguarding.risk.facts import load_facts
    from safeguarding.risk.intervals import auc_interval
    from safeguarding.risk.scoring import Scorer
    from safeguarding.sources.feeds import load_feeds

    facts = load_facts()
    truth = load_truth(truth_dir, linked_records_frame(), load_feeds(settings.FEEDS_DIR))
    measured_dates, lead_dates = dates_of(truth_dir)
    police = {a for a in facts.events["agency"].unique() if "police" in a}
    print(f"{len(measured_dates)} dates measured, {len(lead_dates)} for warnings; police: {police}")
    for path in catalogue_paths:
        catalogue = load_catalogue(path)
        scorer = Scorer(facts, catalogue)
        assessed = {day: scorer.score(day).assessments for day in lead_dates}
        measures = [measure(d, assessed[d], truth, top=100) for d in measured_dates]
        pooled = pd.concat([m.frame for m in measures], ignore_index=True)
        positives = pooled[pooled["positive"]]
        warning = warnings_before_crises(assessed, truth)
        ethnicity, sex = worst_ratio_of(pooled, "ethnicity"), worst_ratio_of(pooled, "sex")
        low, high = auc_interval([m.frame for m in measures])
        print(f"\n== {catalogue.version} ({path}) ==")
        print(
            f"P@50 {np.mean([m.precision_at[50] for m in measures]):.2f}  "
            f"P@100 {np.mean([m.precision_at[100] for m in measures]):.2f}  "
            f"recall top100 {positives['top'].mean():.2f}  "
            f"recall flagged {positives['flagged'].mean():.2f}  "
            f"flagged {np.mean([m.flagged for m in measures]):.0f}  "
            f"AUC {np.mean([m.roc_auc for m in measures]):.3f} ({low:.3f}-{high:.3f})  "
            f"AP {np.mean([m.average_precision for m in measures]):.3f}  "
            f"warned {warning.warned}/{warning.signalled} ({warning.median_days:.0f} days)"
        )
        print(f"FPR ratio ethnicity {ethnicity.describe() if ethnicity else '-'}")
        print(f"FPR ratio sex {sex.describe() if sex else '-'}")
        from safeguarding.risk.fairness import group_rates

        rates = group_rates(pooled, "ethnicity")
        people = pooled[~pooled["positive"]].groupby("ethnicity")["true_id"].nunique()
        wrong = pooled[pooled["top"] & ~pooled["positive"]].groupby("ethnicity")["true_id"]
        print(
            pd.DataFrame(
                {
                    "negatives": rates["negatives"],
                    "young people": people,
                    "false top": rates["false_top"],
                    "of them people": wrong.nunique(),
                    "FPR top": rates["fpr_top"].round(4),
                    "vs White": (rates["fpr_top"] / rates.loc["White", "fpr_top"]).round(2),
                    "recall top": rates["recall_top"].round(2),
                }
            ).to_string()
        )
        null = permutation_null(pooled)
        if ethnicity:
            print(
                f"permutation null of the worst ethnicity ratio ({PERMUTATIONS} shuffles): "
                f"median {np.median(null):.2f}, 90th percentile {np.percentile(null, 90):.2f}; "
                f"share at or above the observed {ethnicity.ratio:.2f}: "
                f"{(null >= ethnicity.ratio).mean():.2f}"
            )
        if with_ceiling:
            ceiling(scorer, measured_dates, truth)
        if top_fifty:
            wrongly_in_top_fifty(scorer, measured_dates, truth)
        if with_channels:
            share, weight, person_dates, people, police_weight, total, rules = channels(
                scorer, measured_dates, truth, catalogue, police, among
            )
            where = "in the top 100" if among == "top" else "flagged medium or high"
            print(f"\nWrongly {where}: person-dates (young people) by group")
            print(pd.DataFrame({"person-dates": person_dates, "people": people}).T.to_string())
            print("mean score", total.round(2).to_dict())
            print("what set their level (person-dates):")
            print(rules.to_string())
            print("mean weight from police records alone", police_weight.round(2).to_dict())
            print("\nShare of those person-dates on which each item was hit")
            print(share.round(2).to_string())
            print("\nMean weight each item added")
            print(weight.round(2).to_string())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--truth", required=True, type=Path)
    parser.add_argument("--catalogue", action="append", type=Path)
    parser.add_argument("--channels", action="store_true", help="also the items, by group")
    parser.add_argument("--top-fifty", action="store_true", help="also who fills the top 50")
    parser.add_argument(
        "--ceiling",
        action="store_true",
        help="also how far any weighting of the recorded items could go",
    )
    parser.add_argument(
        "--among", choices=["top", "flagged"], default="top", help="channels of which flag"
    )
    options = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguarding.settings.local")
    import django

    django.setup()
    from django.conf import settings

    paths = options.catalogue or [Path(settings.INDICATOR_CATALOGUE)]
    run(
        options.truth,
        paths,
        with_channels=options.channels,
        top_fifty=options.top_fifty,
        among=options.among,
        with_ceiling=options.ceiling,
    )


if __name__ == "__main__":
    main()
