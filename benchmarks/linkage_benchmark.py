"""Linkage against the synthetic county's truth: our model and Splink out of the box.

    .venv/bin/python benchmarks/linkage_benchmark.py [--scale default]

Builds the county, imports it into a fresh SQLite database, then trains, predicts and clusters
with each model on the same records, reporting pairwise precision, recall and F1, B-cubed,
the blocking recall ceiling, time and peak memory. Targets (issue 6): F1 >= 0.98, precision
>= 0.99, better than the baseline; the default county in under 2 minutes.
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from safeguarding.linkage.model import BLOCKING_KEYS

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="default")
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/linkage.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "safeguarding.settings.local"
    safeguarding = str(ROOT / ".venv" / "bin" / "safeguarding")
    county = folder / "county"
    for command in (
        ["synth", "--out", str(county), "--scale", options.scale],
        ["migrate", "--verbosity", "0"],
        [
            "shell",
            "-c",
            "from safeguarding.access.services import "
            "ensure_standard_agencies; ensure_standard_agencies()",
        ],
        ["import", "--dir", str(county / "extracts")],
    ):
        subprocess.run([safeguarding, *command], check=True, capture_output=True)

    import django

    django.setup()
    from django.conf import settings

    from safeguarding.linkage.evaluate import evaluate_against_truth, truth_clusters
    from safeguarding.linkage.model import (
        DEFAULT_THRESHOLD,
        baseline_settings,
        clusters_at,
        train_and_score,
    )
    from safeguarding.linkage.pipeline import source_records_frame
    from safeguarding.linkage.standardise import standardise
    from safeguarding.sources.feeds import load_feeds

    records = source_records_frame()
    truth = truth_clusters(truth_dir=county / "truth", feeds=load_feeds(settings.FEEDS_DIR))
    linkable = records["feed"] != "partner-concerns"
    print(
        f"{len(records):,} source records ({linkable.sum():,} linkable: partner concerns "
        "carry only a first name and age)"
    )
    print(
        f"{'model':<10}{'records':<10}{'precision':>10}{'recall':>8}{'F1':>8}{'B3 P':>8}"
        f"{'B3 R':>8}{'blocking':>10}{'seconds':>9}{'peak MB':>9}"
    )
    standardised = standardise(records)
    for name, model in (("ours", None), ("baseline", baseline_settings())):
        started = time.perf_counter()
        result = train_and_score(standardised, model_settings=model)
        clusters = clusters_at(result.pairs, records["id"].tolist(), DEFAULT_THRESHOLD)
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        assigned = records[["id", "feed", "source_record_id"]].assign(
            person_id=records["id"].map(clusters)
        )
        for label, subset in (("linkable", assigned[linkable.to_numpy()]), ("all", assigned)):
            figures = evaluate_against_truth(subset, truth)
            ceiling = blocking_recall(subset, truth, standardised)
            print(
                f"{name:<10}{label:<10}{figures.precision:>10.4f}{figures.recall:>8.4f}"
                f"{figures.f1:>8.4f}{figures.bcubed_precision:>8.4f}"
                f"{figures.bcubed_recall:>8.4f}{ceiling:>10.4f}{seconds:>9.1f}{peak:>9.0f}"
            )
    sys.stdout.flush()


def blocking_recall(assigned, truth, standardised) -> float:
    """The share of true pairs that blocking puts in front of the model at all."""
    members = assigned.merge(truth, on=["feed", "source_record_id"])[["id", "true"]]
    pairs = members.merge(members, on="true")
    pairs = pairs[pairs["id_x"] < pairs["id_y"]]
    left = standardised.set_index("unique_id").loc[pairs["id_x"]].reset_index(drop=True)
    right = standardised.set_index("unique_id").loc[pairs["id_y"]].reset_index(drop=True)
    found = pd.Series(False, index=left.index)
    for keys in BLOCKING_KEYS:
        for one, other in ((left, right), (right, left)):  # a rule may compare two columns
            agree = pd.Series(True, index=left.index)
            for one_column, other_column in keys:
                agree &= one[one_column].notna() & (one[one_column] == other[other_column])
            found |= agree
    return float(found.mean()) if len(found) else 1.0


if __name__ == "__main__":
    main()
