"""How far any model of the recorded events could rank the harder counties, given the *truth*.

    .venv/bin/python benchmarks/risk_bounds.py --folder FOLDER [--reuse]

Run on the counties that `benchmarks/risk_benchmark.py --folder FOLDER` built and linked (every
FOLDER/NAME.sqlite3 with its FOLDER/NAME/truth). On the benchmark's dates (the measures' 11),
each young person aged 10 to 17 is described two ways:

- *items*: the catalogue's items as the fitted weights see them (risk/fitting.py);
- *every record*: the items, and the number of each kind of event they are in (agency, event
  type and role) over the last 90, 180, 365 and 730 days, as log(1 + count).

A logistic regression on each (risk.evaluation.fit_on_truth) is fitted on the truth (who is
truly at risk on the date, which no partnership knows), two ways:

- *in sample*: on the county's own dates, then scored on them (optimistic: it can learn the
  county's own young people);
- *other counties*: on every other county in the folder, then scored on this one: what weights
  learned from the truth elsewhere carry to a county they never saw.

Beside them, the tracker (expert weights) and *signs first* (risk.evaluation.bounds). ROC AUC,
average precision and precision at 50 are means over the dates, ties broken as `measure` breaks
them. The features are worked out once per county, in its own process (each county is its own
database), and kept as FOLDER/NAME/bounds.npz (--reuse keeps them).
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

WINDOWS = (90, 180, 365, 730)


def features(truth_dir: Path, out: Path) -> None:
    """The county's person-dates, written to `out` (run with the county's DATABASE_URL)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguarding.settings.local")
    import django

    django.setup()
    import pandas as pd
    from django.conf import settings
    from risk_fairness_channels import dates_of

    from safeguarding.linkage.pipeline import linked_records_frame
    from safeguarding.risk.catalogue import load_catalogue
    from safeguarding.risk.evaluation import bound_day, load_truth
    from safeguarding.risk.facts import load_facts
    from safeguarding.risk.scoring import Scorer
    from safeguarding.sources.feeds import load_feeds

    facts = load_facts()
    truth = load_truth(truth_dir, linked_records_frame(), load_feeds(settings.FEEDS_DIR))
    scorer = Scorer(facts, load_catalogue(Path(settings.INDICATOR_CATALOGUE)))
    events = facts.events.assign(true_id=facts.events["person_id"].map(truth.person_to_true))
    events = events.dropna(subset=["true_id"])
    events = events.assign(
        kind=events["agency"].astype(str)
        + "|"
        + events["event_type"].astype(str)
        + "|"
        + events["role"].astype(str),
        occurred_at=pd.to_datetime(events["occurred_at"], utc=True).dt.tz_localize(None),
    )
    kinds = sorted(events["kind"].unique())
    names = [f"item {i.id}" for i in scorer.catalogue.indicators]
    names += [f"{days} days {kind}" for days in WINDOWS for kind in kinds]
    days, rows = [], []
    for day in dates_of(truth_dir)[0]:
        found = bound_day(scorer, day, truth)
        end = pd.Timestamp(day) + pd.Timedelta(days=1)
        counts = []
        for window in WINDOWS:
            recent = events[
                (events["occurred_at"] < end)
                & (events["occurred_at"] >= end - pd.Timedelta(days=window))
            ]
            table = recent.groupby(["true_id", "kind"]).size().unstack(fill_value=0)
            table = table.reindex(index=found.true_ids, columns=kinds).fillna(0)
            counts.append(np.log1p(table.to_numpy(dtype=float)))
        days.append(found)
        rows.append(np.hstack([found.features, *counts]))
    np.savez(
        out,
        features=np.vstack(rows),
        labels=np.concatenate([d.labels for d in days]),
        signed=np.concatenate([d.signed for d in days]),
        scores=np.concatenate([d.scores for d in days]),
        sizes=np.array([len(d.labels) for d in days]),
        names=np.array(names),
    )


def aligned(county: dict, names: list[str]) -> np.ndarray:
    """The county's features in the order of `names` (a kind of event it never saw is 0)."""
    where = {name: i for i, name in enumerate(county["names"])}
    found = np.zeros((len(county["labels"]), len(names)))
    for j, name in enumerate(names):
        if name in where:
            found[:, j] = county["features"][:, where[name]]
    return found


def by_date(county: dict, scores: np.ndarray) -> tuple[float, float, float]:
    from safeguarding.risk.evaluation import ranked_measures

    found, start = [], 0
    for size in county["sizes"]:
        labels = county["labels"][start : start + size].astype(bool)
        found.append(ranked_measures(scores[start : start + size], labels))
        start += size
    return tuple(np.nanmean(found, axis=0))


def fitted(train: list[dict], names: list[str], test: dict) -> np.ndarray:
    from safeguarding.risk.evaluation import fit_on_truth

    model = fit_on_truth(
        np.vstack([aligned(c, names) for c in train]),
        np.concatenate([c["labels"] for c in train]),
    )
    return model.decision_function(aligned(test, names))


def profile_of(county: str) -> str:
    """risk_benchmark.py names a county by its profile, with its seed after a replicate's."""
    return county.rsplit("-", 1)[0] if county[-1].isdigit() else county


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folder", type=Path, required=True)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--features", type=Path, help=argparse.SUPPRESS)  # one county's, inside
    options = parser.parse_args()
    if options.features:
        features(options.features / "truth", options.features / "bounds.npz")
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguarding.settings.local")
    os.environ.setdefault("DATABASE_URL", "sqlite://")
    import django

    django.setup()
    names = sorted(p.stem for p in options.folder.glob("*.sqlite3"))
    counties = {}
    for name in names:
        kept = options.folder / name / "bounds.npz"
        if not (options.reuse and kept.exists()):
            print(f"{name}: working out the features", flush=True)
            database = f"sqlite:///{options.folder / name}.sqlite3"
            environment = {**os.environ, "DATABASE_URL": database}
            subprocess.run(
                [sys.executable, __file__, "--folder", str(options.folder)]
                + ["--features", str(options.folder / name)],
                env=environment,
                check=True,
            )
        counties[name] = dict(np.load(kept))
    every_name = sorted(set().union(*(set(c["names"]) for c in counties.values())))
    items = [name for name in every_name if name.startswith("item ")]
    results: dict[str, dict[str, tuple]] = {}
    for name, county in counties.items():
        in_sample = fitted([county], items, county)
        results[name] = {
            "tracker": by_date(county, county["scores"]),
            "signs first": by_date(county, np.where(county["signed"], np.inf, county["scores"])),
            "items, in sample": by_date(county, in_sample),
            "signs first, the rest by items in sample": by_date(
                county, np.where(county["signed"], np.inf, in_sample)
            ),
            "every record, in sample": by_date(county, fitted([county], every_name, county)),
        }
        others = [c for other, c in counties.items() if other != name]
        if others:  # with one county there is nothing else to learn from
            results[name]["items, other counties"] = by_date(county, fitted(others, items, county))
            results[name]["every record, other counties"] = by_date(
                county, fitted(others, every_name, county)
            )
    methods = list(next(iter(results.values())))
    print(f"\n{'county':<18}{'method':<42}{'AUC':>7}{'AP':>7}{'P@50':>6}")
    for name, found in results.items():
        for method in methods:
            auc, ap, p50 = found[method]
            print(f"{name:<18}{method:<42}{auc:>7.3f}{ap:>7.3f}{p50:>6.2f}")
    for profile in sorted({profile_of(name) for name in names}):
        members = [name for name in names if profile_of(name) == profile]
        print(f"\nmean over {len(members)} counties of '{profile}'")
        for method in methods:
            auc, ap, p50 = np.mean([results[n][method] for n in members], axis=0)
            print(f"  {method:<42}{auc:>7.3f}{ap:>7.3f}{p50:>6.2f}")


if __name__ == "__main__":
    main()
