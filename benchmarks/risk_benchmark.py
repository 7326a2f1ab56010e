"""The tracker's validity on synthetic counties built from different parameters.

    .venv/bin/python benchmarks/risk_benchmark.py [--scale 10000] [--counties hard,hard-urban]
        [--replicates N] [--postgres URL] [--pages]

For each county (a `synth --profile`, with its own seed): build it, import and link it into a
fresh SQLite database, then `safeguarding score --evaluate TRUTH --fit-weights`: every method
(the tracker with expert and with fitted weights, counting missing episodes, each agency alone)
scored as of many past dates in the county's second half, with accuracy, warning before crises
and fairness side by side. The fitted weights are fitted on the county's first half only.

Targets (issue 20), with the recording bias switched on: ROC AUC >= 0.90 and average precision
>= 0.60, ahead of every baseline; precision at 50 >= 0.80; at least half of the crises with an
earlier sign warned of (medium or high before); false-positive-rate ratio among the top 100
<= 1.25 between any two ethnic groups and between the sexes. Intervals (AUC, fairness ratios)
come from a bootstrap by young person, not by person-date.

With --replicates N, N counties of each profile, seeds counted on from the profile's own (hard:
101, 102, ...; hard-urban: 202, 203, ...), each with its table, then the fairness of each
tracker pooled over the profile's counties: rates by group over every county's person-dates
(`score --person-dates`), the worst ratios with a bootstrap by young person drawn within each
county (each county keeps its size, as the design fixes it), and what chance alone gives with
the attribute shuffled between young people within each county. A county's false positives in
a small group are a handful of young people; pooled over N counties they are N times as many.

With --pages, also the Tracker page's server time on the first county (issue 7: under 200 ms);
with --postgres, `score` timed on PostgreSQL too. Build once with --folder, then --reuse; on
the counties built there, benchmarks/risk_fairness_channels.py says which items put young
people who are not exploited into the top 100, by group, and what chance alone gives.
"""

import argparse
import json
import math
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
from county_databases import fresh_postgres, fresh_sqlite, prepare, run, signed_in_client
from scipy.stats import t as t_distribution

from safeguarding.risk.fairness import ATTRIBUTES, group_rates, pair_interval, worst_ratio

SEEDS = {"default": 42, "hard": 101, "hard-urban": 202}
EXPERT = "tracker (all agencies)"
# The pairs whose ratio the pooled report gives with its direction: the sexes, and the groups
# the recording bias is planted on against White young people.
PAIRS = [
    ("sex", "male", "female"),
    ("ethnicity", "Black", "White"),
    ("ethnicity", "Mixed", "White"),
]
TRACKER_QUERIES = ["", "?level=high", "?type=cse&age=13-15", "?sort=level&page=3"]


def county_name(profile: str, seed: int) -> str:
    """The county's folder and database name: the profile alone for its usual seed (so folders
    built before replicates existed are still reused), with the seed for the others."""
    return profile if seed == SEEDS.get(profile, 7) else f"{profile}-{seed}"


def build(folder: Path, profile: str, seed: int, scale: str, *, reuse: bool) -> tuple[Path, str]:
    name = county_name(profile, seed)
    county = folder / name
    linked = folder / f"{name}.sqlite3"
    if reuse and linked.exists() and (county / "manifest.json").exists():
        return county, f"sqlite:///{linked}"  # built, imported and linked by an earlier run
    database = fresh_sqlite(folder, name)
    run(
        [
            "synth",
            "--out",
            str(county),
            "--scale",
            scale,
            "--profile",
            profile,
            "--seed",
            str(seed),
            "--end",
            "2026-10-31",
        ],
        "sqlite://",
    )
    prepare(database, county)
    run(["link"], database)
    return county, database


def evaluate(
    county: Path, database: str, *, every: str, reuse: bool = False
) -> tuple[str, list[dict], str]:
    """The evaluation's text, figures and how long it took, all kept in the county's folder
    with its person-dates (person_dates.csv, for pooling)."""
    figures, text = county / "figures.json", county / "evaluation.txt"
    if reuse and text.exists() and (county / "person_dates.csv").exists():
        return text.read_text(), json.loads(figures.read_text()), "reused from an earlier run"
    evaluated = run(
        [
            "score",
            "--evaluate",
            str(county / "truth"),
            "--fit-weights",
            "--every",
            every,
            "--figures",
            str(figures),
            "--person-dates",
            str(county / "person_dates.csv"),
        ],
        database,
    )
    text.write_text(evaluated.output)
    took = f"{evaluated.seconds:.0f} s ({evaluated.cpu_seconds:.0f} s of CPU)"
    return evaluated.output, json.loads(figures.read_text()), took


def _ratio(row: dict, key: str) -> float:
    found = row["fairness"].get(key)
    return math.inf if not found or found["ratio"] is None else found["ratio"]


def _chance(row: dict, key: str) -> str:
    chance = (row["fairness"].get(key) or {}).get("chance")
    return "" if chance is None else f" (chance alone about {chance:.2f})"


def targets(rows: list[dict]) -> list[str]:
    """Each target, met or not, for the tracker with each weighting."""
    baselines = [r for r in rows if not r["method"].startswith("tracker")]
    best_auc = max(r["roc_auc"] or 0 for r in baselines)
    best_ap = max(r["average_precision"] or 0 for r in baselines)
    lines = []
    for row in (r for r in rows if r["method"].startswith("tracker")):
        checks = [
            (
                "AUC >= 0.90",
                row["roc_auc"] >= 0.90,
                f"{row['roc_auc']:.3f} (90% interval by person "
                f"{row['roc_auc_interval'][0]:.3f} to {row['roc_auc_interval'][1]:.3f})",
            ),
            ("AP >= 0.60", row["average_precision"] >= 0.60, f"{row['average_precision']:.3f}"),
            (
                "ahead of every baseline",
                row["roc_auc"] > best_auc and row["average_precision"] > best_ap,
                f"best baseline AUC {best_auc:.3f}, AP {best_ap:.3f}",
            ),
            ("P@50 >= 0.80", row["precision_at_50"] >= 0.80, f"{row['precision_at_50']:.2f}"),
            (
                "half of signalled crises warned",
                (row["warned_share"] or 0) >= 0.5,
                f"{row['warned']}/{row['signalled_crises']}",
            ),
            (
                "FPR ratio, ethnicity <= 1.25",
                _ratio(row, "ethnicity:fpr_top") <= 1.25,
                f"{_ratio(row, 'ethnicity:fpr_top'):.2f}{_chance(row, 'ethnicity:fpr_top')}",
            ),
            (
                "FPR ratio, sex <= 1.25",
                _ratio(row, "sex:fpr_top") <= 1.25,
                f"{_ratio(row, 'sex:fpr_top'):.2f}{_chance(row, 'sex:fpr_top')}",
            ),
        ]
        lines.append(f"  {row['method']}:")
        lines += [
            f"    {'met    ' if ok else 'MISSED '}{name:<34}{value}" for name, ok, value in checks
        ]
    return lines


def pooled_person_dates(counties: dict[str, Path], method: str) -> pd.DataFrame:
    """One method's person-dates from every county, each young person's id made distinct by
    their county's name (the same id in two counties is two different young people)."""
    frames = []
    for name, county in counties.items():
        frame = pd.read_csv(county / "person_dates.csv", dtype={"true_id": str})
        frame = frame[frame["method"] == method]
        frames.append(frame.assign(county=name, true_id=name + ":" + frame["true_id"]))
    return pd.concat(frames, ignore_index=True)


def pair_ratio(rates: pd.DataFrame, group: str, reference: str = "White") -> float:
    """One group's false-positive rate in the top over the reference group's (0 when the
    group has none)."""
    if group not in rates.index or reference not in rates.index:
        return math.nan
    low = rates.loc[reference, "fpr_top"]
    return math.inf if low == 0 else float(rates.loc[group, "fpr_top"] / low)


def seed_table(profile: str, seeds: list[int], rows_by_seed: dict[int, list[dict]], folder: Path):
    """Per county of the profile: accuracy and the fairness ratios (false-positive rate in the
    top) of the expert tracker, with what chance alone gives and the share of shuffles as
    large; then the mean and spread over the seeds."""
    lines = [
        f"{'county':<18}{'AUC':>7}{'AP':>7}{'P@50':>6}{'FPR eth':>9}{'chance':>8}{'as large':>9}"
        f"{'FPR sex':>9}{'chance':>8}{'as large':>9}{'Black/W':>9}{'Mixed/W':>9}"
    ]
    columns: dict[str, list[float]] = {}
    for seed in seeds:
        row = next(r for r in rows_by_seed[seed] if r["method"] == EXPERT)
        name = county_name(profile, seed)
        frame = pooled_person_dates({name: folder / name}, EXPERT)
        values = {"AUC": row["roc_auc"], "AP": row["average_precision"]}
        values["P@50"] = row["precision_at_50"]
        for attribute in ATTRIBUTES:
            ratio = worst_ratio(group_rates(frame, attribute), attribute, "fpr_top", frame=frame)
            values[attribute] = ratio.ratio if ratio else math.nan
            values[f"{attribute} chance"] = ratio.chance if ratio and ratio.chance else math.nan
            values[f"{attribute} share"] = (
                ratio.chance_share if ratio and ratio.chance_share is not None else math.nan
            )
        rates = group_rates(frame, "ethnicity")
        values["Black/W"], values["Mixed/W"] = (
            pair_ratio(rates, "Black"),
            pair_ratio(rates, "Mixed"),
        )
        for key, value in values.items():
            columns.setdefault(key, []).append(value)
        lines.append(f"{f'{profile} {seed}':<18}" + _figures(list(values.values())))
    finite = {k: [v for v in vs if math.isfinite(v)] for k, vs in columns.items()}
    lines.append(
        f"{'mean':<18}" + _figures([statistics.fmean(v or [math.nan]) for v in finite.values()])
    )
    lines.append(
        f"{'sd between seeds':<18}"
        + _figures([statistics.stdev(v) if len(v) > 1 else math.nan for v in finite.values()])
    )
    return lines


def _figures(values: list[float]) -> str:
    widths = (7, 7, 6, 9, 8, 9, 9, 8, 9, 9, 9)
    places = (3, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2)
    return "".join(
        f"{value:>{width}.{place}f}"
        for value, width, place in zip(values, widths, places, strict=True)
    )


def pooled_fairness(profile: str, seeds: list[int], folder: Path, method: str) -> list[str]:
    """Fairness of one method pooled over the profile's counties: rates by group over every
    county's person-dates, the worst ratios with a bootstrap by young person and the ratio
    chance alone gives, both stratified by county."""
    counties = {county_name(profile, seed): folder / county_name(profile, seed) for seed in seeds}
    frame = pooled_person_dates(counties, method)
    lines = [
        f"{method}: pooled over {len(seeds)} counties of '{profile}' (seeds "
        f"{', '.join(map(str, seeds))}): {len(frame):,} person-dates, "
        f"{frame['true_id'].nunique():,} young people",
        f"  {'group':<10}{'person-dates':>13}{'exploited':>10}{'FP top':>8}{'FPR top':>9}"
        f"{'flag rate':>10}{'recall':>8}",
    ]
    for attribute in ATTRIBUTES:
        rates = group_rates(frame, attribute)
        for group, r in rates.iterrows():
            lines.append(
                f"  {group:<10}{r['people']:>13,.0f}{r['positives']:>10,.0f}{r['false_top']:>8,.0f}"
                f"{r['fpr_top']:>9.4f}{r['flag_rate']:>10.4f}{r['recall_flag']:>8.2f}"
            )
        for measure in ("fpr_top", "flag_rate"):
            ratio = worst_ratio(rates, attribute, measure, frame=frame, within="county")
            if ratio is not None:
                lines.append(
                    f"  worst {attribute} {measure} ratio: {ratio.describe()}; "
                    f"{ratio.chance_share:.0%} of the shuffles as large"
                )
    for attribute, group, reference in PAIRS:
        rates = group_rates(frame, attribute)
        if group in rates.index and reference in rates.index:
            low, high = pair_interval(
                frame, attribute, "fpr_top", group, reference, within="county"
            )
            spread = between_counties(frame, attribute, group, reference)
            lines.append(
                f"  {group} / {reference} fpr_top ratio: "
                f"{pair_ratio(rates, group, reference):.2f} (90% interval by young person "
                f"{low:.2f} to {high:.2f}; over the counties' own ratios {spread})"
            )
    return lines


def between_counties(frame: pd.DataFrame, attribute: str, group: str, reference: str) -> str:
    """A 90% t interval of the pair's ratio from the counties' own ratios (their logs' mean and
    spread): it holds whatever makes counties of one profile differ, which the bootstrap by
    young person within each county does not see. Rough with few counties."""
    logs = [
        math.log(pair_ratio(group_rates(county, attribute), group, reference))
        for _, county in frame.groupby("county")
    ]
    if len(logs) < 2 or not all(math.isfinite(x) for x in logs):
        return "-"
    half = t_distribution.ppf(0.95, len(logs) - 1) * statistics.stdev(logs) / len(logs) ** 0.5
    middle = statistics.fmean(logs)
    return f"{math.exp(middle - half):.2f} to {math.exp(middle + half):.2f}"


def time_scoring(name: str, database_url: str) -> None:
    scored = run(["score", "--as-of", "2026-10-31"], database_url)
    inside = re.search(r"in ([\d.]+) s", scored.output)
    print(
        f"{name}: `score` {scored.seconds:.1f} s end to end "
        f"({inside.group(1) if inside else '?'} s inside); {scored.output.strip()}"
    )


def time_tracker_pages() -> None:
    """Server time of the Tracker page, in this process, against the SQLite database."""
    import django

    django.setup()
    from django.conf import settings

    from safeguarding.access.services import ensure_standard_agencies, ensure_user

    settings.ALLOWED_HOSTS = ["*"]
    user = ensure_user(
        username="benchmark",
        password="benchmark-password-only",  # noqa: S106 (a throwaway database)
        agency=ensure_standard_agencies()["wiltshire-police"],
        roles=["panel_member"],
    )
    client = signed_in_client(user)
    # Wall time is the target; CPU time (this process: Django and SQLite) says how much of it
    # is the page's own work when the machine is shared.
    print(f"{'tracker page':<32}{'median ms':>10}{'max ms':>8}{'CPU ms':>8}")
    for query in TRACKER_QUERIES:
        timings, cpu = [], []
        for _ in range(15):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get("/tracker/" + query)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            assert response.status_code == 200
        timings, cpu = timings[3:], cpu[3:]
        print(
            f"{'/tracker/' + query:<32}{statistics.median(timings):>10.0f}{max(timings):>8.0f}"
            f"{statistics.median(cpu):>8.0f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="10000")
    parser.add_argument("--counties", default="hard,hard-urban")
    parser.add_argument("--folder", help="where to build (default: a new temporary folder)")
    parser.add_argument("--postgres", help="also time scoring on PostgreSQL at this URL")
    parser.add_argument("--pages", action="store_true", help="also time the Tracker page")
    parser.add_argument(
        "--reuse", action="store_true", help="reuse counties already linked in --folder"
    )
    parser.add_argument(
        "--reuse-evaluations",
        action="store_true",
        help="print each county's evaluation as an earlier run left it in --folder, without "
        "scoring again (stale if the catalogue or the scoring changed since)",
    )
    parser.add_argument("--every", default="28", help="days between the dates scored")
    parser.add_argument(
        "--replicates",
        type=int,
        default=1,
        help="counties of each profile, with seeds counted on from the profile's own (hard: "
        "101, 102, ...); with more than one, fairness is also pooled over them",
    )
    options = parser.parse_args()
    folder = Path(options.folder or tempfile.mkdtemp())
    folder.mkdir(parents=True, exist_ok=True)
    first = None
    for profile in options.counties.split(","):
        seeds = [SEEDS.get(profile, 7) + replicate for replicate in range(options.replicates)]
        rows_by_seed = {}
        for seed in seeds:
            county, database = build(folder, profile, seed, options.scale, reuse=options.reuse)
            first = first or (county, database)
            text, rows, took = evaluate(
                county, database, every=options.every, reuse=options.reuse_evaluations
            )
            rows_by_seed[seed] = rows
            print(f"== County '{profile}' (scale {options.scale}, seed {seed}) ==")
            print(text)
            print(f"Evaluation: {took}.\nTargets:")
            print("\n".join(targets(rows)))
            print()
            sys.stdout.flush()
        if len(seeds) > 1:
            print(f"== Pooled over the {len(seeds)} counties of '{profile}' ==")
            print("\n".join(seed_table(profile, seeds, rows_by_seed, folder)))
            for method in (r["method"] for r in rows_by_seed[seeds[0]]):
                if method.startswith("tracker"):
                    print()
                    print("\n".join(pooled_fairness(profile, seeds, folder, method)))
            print()
            sys.stdout.flush()
    if first and options.postgres:
        postgres = fresh_postgres(options.postgres, "safeguarding_risk_benchmark")
        prepare(postgres, first[0])
        run(["link"], postgres)
        time_scoring("PostgreSQL", postgres)
    if first and options.pages:
        time_scoring("SQLite", first[1])
        os.environ["DATABASE_URL"] = first[1]
        os.environ["DJANGO_SETTINGS_MODULE"] = "safeguarding.settings.local"
        time_tracker_pages()


if __name__ == "__main__":
    main()
