"""Linkage against the synthetic county's truth: our model and Splink out of the box, and the
time and memory `safeguarding link` takes on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/linkage_benchmark.py [--scale default] [--records-only]
        [--postgres postgres://postgres@127.0.0.1:5432/postgres] [--no-baseline]

Builds the county and imports it (with its geography) into a fresh SQLite database (and, with
--postgres, a fresh PostgreSQL one). Then:

1. `safeguarding link --full` end to end (read, standardise, train, score, cluster, write the
   people back), its wall time and peak memory, and its pairwise and B-cubed figures against
   the truth; then an incremental run linking a new extract of 200 pupils with the saved model.
2. In this process, on the same standardised records: our model and the baseline (Jaro-Winkler
   names, exact date of birth and postcode, no nicknames, no swaps) trained and clustered at the
   same threshold, with the blocking recall ceiling.

--records-only imports only the extracts that hold people (linkage reads nothing else): for a
county of a million records, whose attendance alone is millions of rows.

Targets (issue 6): F1 >= 0.98 and precision >= 0.99, better than the baseline on both; the
default county in under 2 minutes; a million records in under 15 minutes within 8 GB.
"""

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

import pandas as pd
from county_databases import fresh_postgres, fresh_sqlite, prepare, run, synthetic_county

from safeguarding.linkage.model import BLOCKING_KEYS

PEOPLE_FEEDS = {
    "police_nominals.csv",
    "missing_episodes.xlsx",
    "csc_children.csv",
    "education_pupils.csv",
    "health_patients.csv",
    "youth_justice_outcomes.json",
    "partner_concerns.csv",
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="default")
    parser.add_argument("--records-only", action="store_true")
    parser.add_argument("--postgres", help="also link on PostgreSQL at this server URL")
    parser.add_argument("--no-baseline", action="store_true", help="skip the in-process models")
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    started = time.perf_counter()
    county = synthetic_county(folder / "county", options.scale)
    print(f"county built in {time.perf_counter() - started:.0f} s", flush=True)
    extracts = None
    if options.records_only:
        extracts = folder / "people"
        extracts.mkdir()
        for path in (county / "extracts").rglob("*"):
            if path.name in PEOPLE_FEEDS:
                (extracts / path.name).symlink_to(path)

    databases = {"SQLite": fresh_sqlite(folder, "linkage")}
    if options.postgres:
        databases["PostgreSQL"] = fresh_postgres(options.postgres, "safeguarding_link_benchmark")
    print(f"{'database':<12}{'step':<14}{'seconds':>9}{'peak MB':>9}  result")
    for name, url in databases.items():
        imported = prepare(url, county, extracts=extracts)
        print(f"{name:<12}{'import':<14}{imported.seconds:>9.1f}{imported.peak_mb:>9,.0f}")
        linked = run(["link", "--full", "--evaluate", str(county / "truth")], url)
        print(f"{name:<12}{'link --full':<14}{linked.seconds:>9.1f}{linked.peak_mb:>9,.0f}")
        print("    " + linked.output.strip().replace("\n", "\n    "), flush=True)
        new_pupils = new_extract(county, folder / f"new-{name}")
        run(["import", "--dir", str(new_pupils)], url)
        incremental = run(["link"], url)
        print(
            f"{name:<12}{'link (200 new)':<14}{incremental.seconds:>9.1f}"
            f"{incremental.peak_mb:>9,.0f}  {incremental.output.strip()}",
            flush=True,
        )
    # Last: a command started after this process has grown would report its size as its own.
    if not options.no_baseline:
        compare_models(databases["SQLite"], county)


def new_extract(county: Path, folder: Path) -> Path:
    """A later extract from a school: 200 pupils already known, under new pupil numbers."""
    from safeguarding.common.identifiers import upn_check_letter

    pupils = next((county / "extracts").rglob("education_pupils.csv"))
    known = (
        pd.read_csv(pupils, dtype=str, encoding_errors="replace")
        .dropna()
        .sample(200, random_state=1)
    )
    known["UPN"] = [upn_check_letter(f"8{n:011d}") + f"8{n:011d}" for n in range(len(known))]
    folder.mkdir()
    known.to_csv(folder / "education_pupils_later.csv", index=False)
    return folder


def compare_models(database_url: str, county: Path) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "safeguarding.settings.local"
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

    truth = truth_clusters(truth_dir=county / "truth", feeds=load_feeds(settings.FEEDS_DIR))
    records = source_records_frame()  # without the later extract, which the truth lacks
    known = truth[["feed", "source_record_id"]].drop_duplicates()
    records = records.merge(known, on=["feed", "source_record_id"])
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
    print(flush=True)


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
