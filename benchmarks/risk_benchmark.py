"""The tracker's validity on synthetic counties built from different parameters.

    .venv/bin/python benchmarks/risk_benchmark.py [--scale 10000] [--counties hard,hard-urban]
        [--postgres URL] [--pages]

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

from county_databases import fresh_postgres, fresh_sqlite, prepare, run, signed_in_client

SEEDS = {"default": 42, "hard": 101, "hard-urban": 202}
TRACKER_QUERIES = ["", "?level=high", "?type=cse&age=13-15", "?sort=level&page=3"]


def build(folder: Path, profile: str, scale: str, *, reuse: bool) -> tuple[Path, str]:
    county = folder / profile
    linked = folder / f"{profile}.sqlite3"
    if reuse and linked.exists() and (county / "manifest.json").exists():
        return county, f"sqlite:///{linked}"  # built, imported and linked by an earlier run
    database = fresh_sqlite(folder, profile)
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
            str(SEEDS.get(profile, 7)),
            "--end",
            "2026-10-31",
        ],
        "sqlite://",
    )
    prepare(database, county)
    run(["link"], database)
    return county, database


def evaluate(county: Path, database: str, *, every: str) -> tuple[str, list[dict], float]:
    figures = county / "figures.json"
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
        ],
        database,
    )
    return evaluated.output, json.loads(figures.read_text()), evaluated.seconds


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
    parser.add_argument("--every", default="28", help="days between the dates scored")
    options = parser.parse_args()
    folder = Path(options.folder or tempfile.mkdtemp())
    folder.mkdir(parents=True, exist_ok=True)
    first = None
    for profile in options.counties.split(","):
        county, database = build(folder, profile, options.scale, reuse=options.reuse)
        first = first or (county, database)
        text, rows, seconds = evaluate(county, database, every=options.every)
        print(f"== County '{profile}' (scale {options.scale}, seed {SEEDS.get(profile, 7)}) ==")
        print(text)
        print(f"Evaluation took {seconds:.0f} s.\nTargets:")
        print("\n".join(targets(rows)))
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
