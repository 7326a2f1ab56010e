"""The network stage on the synthetic county, against its ground truth, and its timings.

    .venv/bin/python benchmarks/network_benchmark.py [--scale default] [--profile hard] [--out DIR]
    .venv/bin/python benchmarks/network_benchmark.py --timings-only   # the 100k-node graph

Builds the county (or reuses one in --out), imports and links it into a fresh SQLite database,
runs the pipeline's network stage, then measures:
- adults of concern against the true perpetrators: those in at least one extract (findable) and
  every one (CSE perpetrators never appear in an extract, so no method finds them); addresses of
  concern against the places the county plants (its cuckooed addresses, the trap houses: the
  truth has no other planted place); phones of concern against the deal lines: recall in the
  top 50, precision at 50 (of the listed, when fewer than 50 are listed) and at k, the number of
  true ones (R-precision: at 50 precision can be no higher than k / 50 when k < 50);
- how well Leiden communities recover the true groups (victims, leaders and cuckooed adults by
  group): adjusted Rand index and normalised mutual information, beside connected components;
- timings: the stage end to end, the graph measures on a 100,000-node graph (target < 10 s), and
  the person network page (server time, Django's test client; target < 500 ms).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from county_databases import fresh_sqlite, prepare, run, signed_in_client, synthetic_county

TOP = 50


def county_shaped_graph(rng: np.random.Generator):
    """100,000 nodes shaped like a county's graph: 70,000 people at 25,000 addresses (2.8 a
    household), 9,000 groups of three to eight people linked by events, 5,000 phones on one
    to three records of a group, and 300 busy places where many young people are found."""
    from safeguarding.network import analysis

    people, addresses, phones = 70_000, 25_000, 5_000
    address_of = people + rng.integers(0, addresses, people)
    edges = [np.stack([np.arange(people), address_of], 1)]
    group_of = rng.integers(0, 9_000, people)
    order = np.argsort(group_of, kind="stable")
    members = np.split(order, np.flatnonzero(np.diff(group_of[order])) + 1)
    pairs = [rng.choice(group, (max(2, len(group)), 2)) for group in members if len(group) > 1]
    edges.append(np.concatenate(pairs))
    phone_ids = people + addresses + np.arange(phones)
    for phone, group in zip(phone_ids, members[:phones], strict=False):
        for person in rng.choice(group, min(len(group), int(rng.integers(1, 4))), replace=False):
            edges.append(np.array([[person, phone]]))
    busy = people + rng.choice(addresses, 300, replace=False)
    for place in busy:
        visitors = rng.choice(people, int(rng.integers(5, 31)), replace=False)
        edges.append(np.stack([visitors, np.full(len(visitors), place)], 1))
    every = np.concatenate(edges)
    every = every[every[:, 0] != every[:, 1]]
    return analysis.to_igraph(people + addresses + phones, every[:, 0], every[:, 1]), group_of


def hundred_thousand_nodes() -> None:
    """Every measure and Leiden on a county-shaped graph of 100,000 nodes."""
    from safeguarding.network import analysis

    graph, _ = county_shaped_graph(np.random.default_rng(17))
    started, cpu = time.perf_counter(), time.process_time()
    measures = analysis.measure(graph)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"\n100,000-node county-shaped graph ({graph.ecount():,} links; betweenness and "
        f"closeness cut off at {measures.cutoff} steps): every measure and Leiden in "
        f"{seconds:.1f} s wall, {cpu:.1f} s CPU (target < 10 s); {measures.communities:,} "
        "communities."
    )


def _scores(truth, found) -> tuple[float, float]:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    return adjusted_rand_score(truth, found), normalized_mutual_info_score(truth, found)


def our_people(county: Path) -> dict[str, int]:
    """The county's person id → our linked person (the most common among their records)."""
    from safeguarding.people.models import SourceRecord

    truth = pd.read_csv(county / "truth" / "source_records.csv", dtype=str)
    ours = pd.DataFrame(
        list(SourceRecord.objects.values_list("source_record_id", "person_id")),
        columns=["source_record_id", "ours"],
    ).dropna()
    merged = truth.merge(ours, on="source_record_id")
    return merged.groupby("person_id")["ours"].agg(lambda s: int(s.mode().iloc[0])).to_dict()


def evaluate(county: Path) -> None:
    from safeguarding.network.models import Concern, Node
    from safeguarding.network.services import latest_run

    run_ = latest_run()
    nodes = pd.DataFrame(
        list(Node.objects.filter(run=run_).values("index", "person_id", "label", "community"))
    )
    concerns = pd.DataFrame(
        list(Concern.objects.filter(run=run_).values("kind", "rank", "node", "young_people"))
    ).merge(nodes, left_on="node", right_on="index")
    ours = our_people(county)
    perpetrators = pd.read_csv(county / "truth" / "perpetrators.csv", dtype=str)
    groups = pd.read_csv(county / "truth" / "groups.csv", dtype=str)
    trap_houses = pd.read_csv(county / "truth" / "hotspots.csv", dtype=str)
    victims = pd.read_csv(county / "truth" / "exploitation.csv", dtype=str)

    rows = []

    def measure(what, listed: pd.Series, truth: set, anchor: str) -> None:
        top = listed.head(TOP)
        found = truth & set(top)
        first = set(listed.head(len(truth)))
        rows.append(
            (
                what,
                len(truth),
                len(listed),
                f"{len(found) / len(truth):.0%}" if truth else "-",
                f"{len(found) / len(top):.2f}" if len(top) else "-",
                f"{len(truth & first) / len(truth):.2f}" if truth else "-",
                anchor,
            )
        )

    adults = concerns[concerns["kind"] == "adult"].sort_values("rank")
    leaders = perpetrators[perpetrators["role"] == "group_leader"]["person_id"]
    cse = perpetrators[perpetrators["role"] == "cse_perpetrator"]["person_id"]
    in_data = {ours[p] for p in leaders if p in ours}
    measure(
        "adults of concern: group leaders in the data",
        adults["person_id"].astype(int),
        in_data,
        "≥ 80% in top 50, precision ≥ 0.6",
    )
    everyone = pd.concat([leaders, cse])
    findable = {ours[p] for p in everyone if p in ours}
    measure(
        "adults of concern: true perpetrators in an extract",
        adults["person_id"].astype(int),
        findable,
        "≥ 80% in top 50, precision ≥ 0.6 (findable)",
    )
    every = {ours.get(p, f"absent {p}") for p in everyone}
    absent = len(every) - len(findable)
    measure(
        "adults of concern: every true perpetrator",
        adults["person_id"].astype(int),
        every,
        f"{absent} of them ({(cse.map(lambda p: p not in ours)).sum()} CSE) in no extract",
    )
    addresses = concerns[concerns["kind"] == "address"].sort_values("rank")
    planted = set(trap_houses["postcode"])
    measure(
        "addresses of concern: cuckooed (every planted place)",
        addresses["label"],
        planted,
        f"≥ 80% in top 50, precision ≥ 0.6 (at most {len(planted) / TOP:.2f} at 50)",
    )
    phones = concerns[concerns["kind"] == "phone"].sort_values("rank")
    measure(
        "phones of concern: deal lines",
        phones["label"],
        set(groups["deal_line"]),
        "precision ≥ 0.6",
    )
    # R-precision: precision in the top N, N the number of true ones (at 50, precision can be
    # no higher than N / 50 when N < 50).
    header = f"{'list':<56}{'true':>6}{'listed':>8}{'recall@50':>11}{'prec@50':>9}{'prec@k':>8}"
    print(header + "  target")
    for what, true, listed, recall, precision, r_precision, anchor in rows:
        print(f"{what:<56}{true:>6}{listed:>8}{recall:>11}{precision:>9}{r_precision:>8}  {anchor}")

    # Communities against the true groups, beside connected components.
    members = pd.concat(
        [
            victims[["person_id", "group_id"]],
            perpetrators[perpetrators["group_id"].fillna("") != ""][["person_id", "group_id"]],
        ]
    )
    members["ours"] = members["person_id"].map(ours)
    members = members.dropna(subset=["ours"]).drop_duplicates("ours")
    by_person = nodes.dropna(subset=["person_id"]).set_index("person_id")
    members = members[members["ours"].isin(by_person.index)]
    community = by_person.loc[members["ours"], "community"].to_numpy()
    component = _components(run_, by_person.loc[members["ours"], "index"].to_numpy())
    leiden, baseline = (
        _scores(members["group_id"], community),
        _scores(members["group_id"], component),
    )
    print(
        f"\nTrue groups ({members['group_id'].nunique()} groups, {len(members)} people found in "
        "the graph):"
    )
    print(f"{'':<28}{'ARI':>6}{'NMI':>6}{'clusters':>10}")
    print(f"{'Leiden communities':<28}{leiden[0]:>6.2f}{leiden[1]:>6.2f}{len(set(community)):>10}")
    print(
        f"{'connected components':<28}{baseline[0]:>6.2f}{baseline[1]:>6.2f}"
        f"{len(set(component)):>10}"
    )


def _components(run_, vertices: np.ndarray) -> np.ndarray:
    from safeguarding.network import analysis
    from safeguarding.network.queries import run_graph

    return analysis.components(run_graph(run_))[vertices]


def time_person_page() -> None:
    from django.conf import settings
    from django.test import override_settings

    from safeguarding.access.services import ensure_standard_agencies, ensure_user
    from safeguarding.network.models import Node
    from safeguarding.network.services import latest_run

    settings.ALLOWED_HOSTS = ["*"]
    user = ensure_user(
        username="benchmark",
        password="benchmark-password-only",  # noqa: S106 (a throwaway database)
        agency=ensure_standard_agencies()["partnership"],
        roles=["analyst"],
    )
    client = signed_in_client(user)
    run_ = latest_run()
    children = Node.objects.filter(run=run_, kind="child", degree__gt=0).order_by("-degree")
    busiest = children.first()
    median = children[children.count() // 2]
    print(
        f"\n{'person network page (server time)':<52}{'median ms':>10}{'max ms':>8}"
        f"{'CPU ms':>9}{'nodes':>7}"
    )
    storages = {**settings.STORAGES}
    storages["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    unhashed = override_settings(STORAGES=storages)  # no collectstatic in a throwaway checkout
    unhashed.enable()
    for label, node, hops in (
        ("the best-connected child, 1 link out", busiest, 1),
        ("the best-connected child, 2 links out", busiest, 2),
        ("a median child, 2 links out", median, 2),
    ):
        times, cpu = [], []
        for _ in range(6):
            started, processor = time.perf_counter(), time.process_time()
            response = client.get(f"/network/person/{node.person_id}/?hops={hops}")
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - processor) * 1000)
            assert response.status_code == 200, response.status_code
        shown = response.content.decode().count('<tr class="govuk-table__row" data-node=')
        # The first request reads the run's graph into memory (once per process): left out.
        print(
            f"{label:<52}{statistics.median(times[1:]):>10.0f}{max(times[1:]):>8.0f}"
            f"{statistics.median(cpu[1:]):>9.0f}{shown:>7}"
        )
    started = time.perf_counter()
    client.get("/network/")
    print(
        f"{'the lists of concern and communities':<52}"
        f"{(time.perf_counter() - started) * 1000:>10.0f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="default")
    parser.add_argument("--profile", default="default", help="synth's profile: default, hard…")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--timings-only", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="the database already in --out")
    options = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    if options.timings_only:
        hundred_thousand_nodes()
        return
    folder = options.out or Path(tempfile.mkdtemp())
    folder.mkdir(parents=True, exist_ok=True)
    county = folder / "county"
    if not (county / "manifest.json").exists():
        if options.profile == "default":
            synthetic_county(county, options.scale)
        else:
            arguments = ["--scale", options.scale, "--profile", options.profile]
            run(["synth", "--out", str(county), *arguments], "sqlite://")
    database = folder / "network.sqlite3"
    sqlite = f"sqlite:///{database}"
    if not (options.reuse and database.exists()):
        sqlite = fresh_sqlite(folder, "network")
        prepare(sqlite, county)
        run(["link"], sqlite)
    os.environ["DATABASE_URL"] = sqlite
    os.environ["DJANGO_SETTINGS_MODULE"] = "safeguarding.settings.local"
    import django

    django.setup()
    from safeguarding.network.services import build_network

    wall, cpu = time.perf_counter(), time.process_time()
    summary = build_network()
    print(
        f"The network stage (build_network): {summary.run.nodes:,} nodes, {summary.run.edges:,} "
        f"links, {summary.run.communities:,} communities; {summary.adults} adults, "
        f"{summary.addresses} addresses, {summary.phones} phones of concern listed; "
        f"{time.perf_counter() - wall:.1f} s wall, {time.process_time() - cpu:.1f} s CPU.\n"
    )
    evaluate(county)
    time_person_page()
    hundred_thousand_nodes()
    sys.stdout.flush()


if __name__ == "__main__":
    main()
