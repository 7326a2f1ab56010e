"""Linkage measured on four data sets, ours beside plain Splink 5 on the same records in the
same run: pairwise precision, recall and F1, B-cubed, and the wall time and peak memory of each.

    .venv/bin/python benchmarks/linkage_benchmark.py [--only febrl4,febrl3,county,messy]
        [--scale default|large|NUMBER] [--folder DIR] [--prepare-only] [--first-link]
        [--linkers ours,splink,splink-tuned]

`--folder` keeps the imported databases there and reuses them on the next run (the import
takes longer than the linkage; `--prepare-only` imports and stops, and says what each step
took). `--first-link` links a copy of each database as imported, so ours creates every person
as a partnership's first link does (without it, a kept database is re-linked). `--scale`
takes a number of young people: 1,111,000 makes about a million linkable records. Each row
gives wall and CPU seconds (user and system, of the linker's process alone: the fair
comparison on a shared machine), peak memory and the load average.

- county: the default synthetic county (seed 42); messy: a second county (seed 7) with more
  typos, missing dates of birth and nicknames and fewer NHS numbers (`synth --noise messy`);
- febrl4: FEBRL 4a and 4b (two files, link only); febrl3: FEBRL 3 (one file, dedupe); both
  imported through the feed files in feeds/benchmarks, as published.

For each, the records are imported into a fresh SQLite database, then each linker runs in its
own process (so its peak memory is its own) on the same records (feeds the settings leave out,
partner concerns, are left out of all):
- ours: `safeguarding link --full` end to end (read, standardise, train, score, cluster, write
  the people back), with the shipped settings (linkage/settings.toml), and on FEBRL again with
  linkage/benchmarks/febrl.toml (postcodes compared plainly, no twin hold);
- splink: Splink 5 out of the box: its name, date and exact comparisons, three blocking rules,
  two training sessions;
- splink tuned: what a careful analyst does with Splink alone: term frequencies, forename and
  surname swapped, dates with near misses, postcodes and addresses, identifiers with a typo
  level, eight blocking rules, four sessions.
Splink's times are for reading the records, training, predicting and clustering, without
writing people back.
"""

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

from county_databases import ROOT, Run, copy_database, fresh_sqlite, migrate_with_agencies, run

from safeguarding.linkage.configuration import load_linkage_settings

FEBRL = ROOT / "var" / "febrl"
FEBRL_SETTINGS = ROOT / "linkage" / "benchmarks" / "febrl.toml"
DATASETS = {
    "febrl4": {"files": ["dataset4a.csv", "dataset4b.csv"], "link_type": "link_only"},
    "febrl3": {"files": ["dataset3.csv"], "link_type": "dedupe_only"},
    "county": {"seed": 42, "noise": "default"},
    "messy": {"seed": 7, "noise": "messy"},
}
# Plain Splink joins records at the shipped settings' threshold, as ours does
# (`--splink-threshold` sets another).
SHIPPED_THRESHOLD = load_linkage_settings(ROOT / "linkage" / "settings.toml").threshold
LINKERS = ("ours", "splink", "splink-tuned")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default=",".join(DATASETS))
    parser.add_argument("--scale", default="default")
    parser.add_argument("--folder", help="keep and reuse the imported databases here")
    parser.add_argument(
        "--prepare-only", action="store_true", help="import the data sets, link nothing"
    )
    parser.add_argument(
        "--first-link",
        action="store_true",
        help="link a copy of each database as imported, so ours creates every person (the "
        "kept database is never linked)",
    )
    parser.add_argument("--linkers", default=",".join(LINKERS), help="which linkers to run")
    parser.add_argument(
        "--splink-threshold",
        type=float,
        default=SHIPPED_THRESHOLD,
        help="match probability at which plain Splink joins records (default: the shipped "
        "settings' threshold, ours)",
    )
    parser.add_argument("--inner", help=argparse.SUPPRESS)
    parser.add_argument("--dataset", help=argparse.SUPPRESS)
    parser.add_argument("--truth", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.inner:
        inner(options.inner, options.dataset, options.truth, options.splink_threshold)
        return
    folder = Path(options.folder or tempfile.mkdtemp())
    folder.mkdir(parents=True, exist_ok=True)
    print(
        f"{'data set':<9}{'linker':<14}{'records':>8}{'precision':>10}{'recall':>8}{'F1':>8}"
        f"{'B3 P':>8}{'B3 R':>8}{'seconds':>9}{'CPU s':>8}{'peak MB':>9}{'load':>6}",
        flush=True,
    )
    for name in options.only.split(","):
        url, truth = prepare(name, folder, options.scale)
        if options.prepare_only:
            continue
        linkers = options.linkers.split(",")
        if "ours" in linkers:
            link_ours(name, url, truth, folder=folder, first_link=options.first_link)
        for linker in linkers:
            if linker.startswith("splink"):
                started = time.perf_counter()
                figures, peak, cpu = measure(
                    url, linker, name, truth, threshold=options.splink_threshold, with_usage=True
                )
                show(name, linker, figures, Run("", time.perf_counter() - started, peak, cpu))


def link_ours(name: str, url: str, truth: str, *, folder: Path, first_link: bool) -> None:
    """`link --full` on the database (or, for a first link, on a throwaway copy of it as
    imported), and how well it linked."""
    if first_link:
        if linked_before(url):
            raise SystemExit(f"{url} was linked before: remove it, or leave out --first-link")
        url, _ = copy_database(url, folder, f"{name}-first-link")
    try:
        linked = run(["link", "--full"], url)
        figures = measure(url, "evaluate", name, truth)
        show(name, "ours (first)" if first_link else "ours", figures, linked)
        if name.startswith("febrl"):
            # The same records re-linked with the settings file written for FEBRL's shape.
            os.environ["SAFEGUARDING_LINKAGE_SETTINGS"] = str(FEBRL_SETTINGS)
            linked = run(["link", "--full"], url)
            figures = measure(url, "evaluate", name, truth)
            del os.environ["SAFEGUARDING_LINKAGE_SETTINGS"]
            show(name, "ours (febrl)", figures, linked)
    finally:
        if first_link:
            Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)


def linked_before(url: str) -> bool:
    with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as database:
        return bool(database.execute("SELECT EXISTS (SELECT 1 FROM people_person)").fetchone()[0])


def prepare(name: str, folder: Path, scale: str) -> tuple[str, str]:
    """A database holding the data set's records (kept from an earlier run in the same
    folder, or new); its URL and where its truth is."""
    spec = DATASETS[name]
    kept = folder / f"{name}-{scale}.sqlite3"
    county = folder / f"{name}-{scale}"
    if kept.exists():
        # Kept from an earlier run, perhaps of older code: brought up to the code's tables.
        run(["migrate", "--verbosity", "0"], f"sqlite:///{kept}")
        return f"sqlite:///{kept}", "" if name.startswith("febrl") else str(county / "truth")
    url = fresh_sqlite(folder, f"{name}-{scale}")
    migrate_with_agencies(url)
    if name.startswith("febrl"):
        run(
            [
                "shell",
                "-c",
                "from safeguarding.access.models import Agency; "
                "Agency.objects.get_or_create(code='febrl', defaults={'name': 'FEBRL', "
                "'kind': 'partnership'})",
            ],
            url,
        )
        files = folder / f"{name}-files"
        files.mkdir()
        for file in spec["files"]:
            (files / file).symlink_to(FEBRL / file)
        run(["import", "--dir", str(files), "--feeds", str(ROOT / "feeds" / "benchmarks")], url)
        return url, ""
    steps = {
        "synth": [
            "synth",
            *("--out", str(county), "--scale", scale),
            *("--seed", str(spec["seed"]), "--noise", spec["noise"]),
        ],
        "geography": ["geography", str(county / "geography")],
        "import": ["import", "--dir", str(county / "extracts")],
    }
    for step, arguments in steps.items():
        done = run(arguments, url)
        # Preparing is not part of the comparison, but at a million records it is most of
        # the run's time: say what each step took.
        print(
            f"{name}: {step} took {done.seconds:.0f} s ({done.cpu_seconds:.0f} CPU s, peak "
            f"{done.peak_mb:,.0f} MB, load {os.getloadavg()[0]:.1f})",
            file=sys.stderr,
            flush=True,
        )
    return url, str(county / "truth")


def measure(
    url: str,
    what: str,
    dataset: str,
    truth: str,
    *,
    threshold: float = SHIPPED_THRESHOLD,
    with_usage: bool = False,
):
    environment = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "safeguarding.settings.local",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            __file__,
            "--inner",
            what,
            "--dataset",
            dataset,
            "--truth",
            truth or "-",
            "--splink-threshold",
            str(threshold),
        ],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    output = process.stdout.read() if process.stdout else ""
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"{what} on {dataset} failed")
    figures = json.loads(output.strip().splitlines()[-1])
    if not with_usage:
        return figures
    return figures, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def show(name: str, linker: str, figures: dict, linked: Run) -> None:
    print(
        f"{name:<9}{linker:<14}{figures['records']:>8,}{figures['precision']:>10.4f}"
        f"{figures['recall']:>8.4f}{figures['f1']:>8.4f}{figures['b3p']:>8.4f}"
        f"{figures['b3r']:>8.4f}{linked.seconds:>9.1f}{linked.cpu_seconds:>8.1f}"
        f"{linked.peak_mb:>9,.0f}{os.getloadavg()[0]:>6.1f}",
        flush=True,
    )


# What runs in the measuring process, with Django set up on the data set's database.


def inner(what: str, dataset: str, truth_dir: str, threshold: float) -> None:
    import django

    django.setup()
    import pandas as pd

    from safeguarding.linkage.configuration import linkage_settings
    from safeguarding.linkage.evaluate import evaluate
    from safeguarding.linkage.pipeline import source_records_frame

    records = source_records_frame()
    records = records[~records["feed"].isin(linkage_settings().not_linked)].reset_index(drop=True)
    truth = true_people(records, dataset, truth_dir)
    if what == "evaluate":
        predicted = records["person_id"]
    else:
        predicted = plain_splink(
            records, tuned=what == "splink-tuned", dataset=dataset, threshold=threshold
        )
    assigned = pd.DataFrame({"record": records["id"], "predicted": predicted, "true": truth})
    assigned = assigned.dropna(subset=["true"])
    result = evaluate(assigned)
    print(
        json.dumps(
            {
                "records": len(assigned),
                "precision": result.precision,
                "recall": result.recall,
                "f1": result.f1,
                "b3p": result.bcubed_precision,
                "b3r": result.bcubed_recall,
            }
        )
    )


def true_people(records, dataset: str, truth_dir: str):
    if dataset.startswith("febrl"):
        return records["source_record_id"].str.extract(r"rec-(\d+)-")[0]
    from django.conf import settings

    from safeguarding.linkage.evaluate import truth_clusters
    from safeguarding.sources.feeds import load_feeds

    truth = truth_clusters(truth_dir=truth_dir, feeds=load_feeds(settings.FEEDS_DIR))
    merged = records[["feed", "source_record_id"]].merge(
        truth.drop_duplicates(["feed", "source_record_id"]),
        on=["feed", "source_record_id"],
        how="left",
    )
    return merged["true"].to_numpy()


def plain_splink(records, *, tuned: bool, dataset: str, threshold: float):
    """Splink 5 alone on the records as stored: the people it makes at the threshold."""
    import duckdb
    import pandas as pd
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    frame = pd.DataFrame(
        {
            "unique_id": records["id"],
            "source_dataset": records["feed"],
            "first_name": records["given_names"].str.lower().str.split().str[0],
            "surname": records["family_name"].str.lower().str.strip(),
            "dob": pd.to_datetime(records["date_of_birth"], errors="coerce").dt.strftime(
                "%Y-%m-%d"
            ),
            "postcode": records["postcode"].str.upper().replace("", None),
            "address": records["address"].str.lower().replace("", None),
            "sex": records["sex"].where(records["sex"].isin(["male", "female"]), None),
        }
    )
    for kind in ("nhs_number", "upn", "social_security_number"):
        if kind in records and records[kind].notna().any():
            frame[kind] = records[kind]
    frame = frame.replace({"": None})
    identifiers = [c for c in ("nhs_number", "upn", "social_security_number") if c in frame]
    has = {c for c in frame.columns if frame[c].notna().any()}
    link_type = DATASETS[dataset].get("link_type", "dedupe_only")
    if not tuned:
        comparisons = [cl.NameComparison("first_name"), cl.NameComparison("surname")]
        if "dob" in has:
            comparisons.append(cl.DateOfBirthComparison("dob", input_is_string=True))
        comparisons += [cl.ExactMatch(c) for c in ("postcode", "sex", *identifiers) if c in has]
        blocking = [block_on("first_name", "surname"), block_on("dob"), block_on("postcode")]
        sessions = [block_on("first_name", "surname"), block_on("dob")]
    else:
        comparisons = [
            cl.ForenameSurnameComparison(
                "first_name", "surname", forename_surname_concat_col_name=None
            ),
        ]
        if "dob" in has:
            comparisons.append(cl.DateOfBirthComparison("dob", input_is_string=True))
        if "postcode" in has:
            comparisons.append(
                cl.PostcodeComparison("postcode")
                if dataset in ("county", "messy")
                else cl.LevenshteinAtThresholds("postcode", [1]).configure(
                    term_frequency_adjustments=True
                )
            )
        if "address" in has:
            comparisons.append(cl.JaroWinklerAtThresholds("address", [0.95, 0.88]))
        comparisons += [cl.LevenshteinAtThresholds(c, [1]) for c in identifiers]
        if "sex" in has:
            comparisons.append(cl.ExactMatch("sex"))
        blocking = [
            block_on("first_name", "surname"),
            block_on("surname", "dob"),
            block_on("first_name", "dob"),
            block_on("postcode", "first_name"),
            block_on("postcode", "surname"),
            block_on("dob", "postcode"),
            "l.first_name = r.surname and l.surname = r.first_name",
            *(block_on(c) for c in identifiers),
        ]
        sessions = [
            block_on("first_name", "surname"),
            block_on("dob"),
            block_on("postcode"),
            *(block_on(c) for c in identifiers[:1]),
        ]
    connection = duckdb.connect()
    connection.execute("SET lambda_syntax = 'ENABLE_SINGLE_ARROW'")
    database = DuckDBAPI(connection=connection)
    if link_type == "link_only":
        tables = [
            database.register(
                part.drop(columns="source_dataset"), dataset_display_name=name.replace("-", "_")
            )
            for name, part in frame.groupby("source_dataset")
        ]
    else:
        tables = [database.register(frame.drop(columns="source_dataset"))]
    settings = SettingsCreator(
        link_type=link_type,
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=blocking,
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(tables, settings, log_level=None)
    deterministic = [block_on("first_name", "surname", "dob")] if "dob" in has else []
    if deterministic:
        linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6)
    for session in sessions:
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(session)
        except Exception as error:  # an analyst would drop a session that finds nothing
            print(f"session {session} skipped: {error}", file=sys.stderr)
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold
    ).as_pandas_dataframe()
    return records["id"].map(clusters.set_index("unique_id")["cluster_id"]).to_numpy()


if __name__ == "__main__":
    main()
