"""Pages under load: N signed-in users at once doing what the panel and analysts do.

    .venv/bin/safeguarding demo --no-serve        # once: the demo county in var/ (SQLite)
    .venv/bin/python benchmarks/load_benchmark.py [--users 10,25,50] [--seconds 30]
        [--server gunicorn|runserver] [--workers N] [--threads N]
        [--database-url postgres://postgres@127.0.0.1:5432/safeguarding] [--scale small]
        [--during 'import --dir /tmp/big/extracts' --during link --until-done]

Starts the web server (`safeguarding serve`, gunicorn, or Django's `runserver` for the figures
before) on a free loopback port against a COPY of the database holding the demo county (the
SQLite file copied with the backup API; a PostgreSQL database copied with CREATE DATABASE ...
TEMPLATE), so the sessions and audit events the users write are thrown away. `--scale small`
builds (or reuses) the small demo county in that database first. The demo's settings are used:
its synthetic users skip two-factor authentication (settings/demo.py).

Each virtual user signs in as one of the demo users who may read the tracker (analyst, chair,
police, health), states the purpose of access, then without pause (a worst case: real
users read between clicks) requests a mix of pages:

    tracker        the first pages of the tracker, sorted or filtered (level, type, age, agency,
                   area), as in a panel meeting
    search         a surname from the tracker
    person         a young person's single view, from the tracker
    timeline       the same page with the timeline filtered (months, event type, agency)
    csv            the tracker's CSV download (analysts and the chair)

for --seconds at each number of users. Reported per level: requests/s, the 50th, 95th and 99th
percentile of response time, errors (HTTP 5xx, timeouts, refused connections) and the machine's
load average (1 minute) at the start and end, since the machine may be shared. Everything stays
on 127.0.0.1 and every level ends after --seconds (plus the slowest request in flight).
"""

import argparse
import os
import random
import re
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests
from county_databases import copy_database
from requests.adapters import HTTPAdapter
from urllib3.util import Retry

ROOT = Path(__file__).resolve().parents[1]
SAFEGUARDING = str(ROOT / ".venv" / "bin" / "safeguarding")
DEMO_DATABASE = ROOT / "var" / "safeguarding.sqlite3"
PASSWORD = "synthetic-demo-only"  # noqa: S105  (the demo's published password)
# The voluntary sector sees only young people the panel shares with it: none in the demo.
READERS = ["analyst", "chair", "police", "health"]
EXPORTERS = {"analyst", "chair"}
MIX = {"tracker": 35, "search": 15, "person": 25, "timeline": 20, "csv": 5}
TIMEOUT = 60


@dataclass
class Result:
    kind: str
    seconds: float
    error: str = ""


@dataclass
class VirtualUser:
    username: str
    session: requests.Session
    people: list[int] = field(default_factory=list)
    surnames: list[str] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)
    event_types: list[str] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def csrf_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def select_options(html: str, name: str) -> list[str]:
    match = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    return [v for v in re.findall(r'<option value="([^"]*)"', match.group(1)) if v] if match else []


def start_server(options, database_url: str, address: str, log) -> subprocess.Popen:
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "safeguarding.settings.demo",
    }
    if options.server == "gunicorn":
        command = [SAFEGUARDING, "serve", "--address", address]
        if options.workers:
            command += ["--workers", str(options.workers)]
        if options.threads:
            command += ["--threads", str(options.threads)]
    else:
        command = [SAFEGUARDING, "runserver", address, "--noreload", "--skip-checks"]
    process = subprocess.Popen(command, env=environment, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://{address}/access/sign-in/", timeout=10)
            return process
        except requests.ConnectionError:
            if process.poll() is not None:
                break
            time.sleep(0.5)
    process.kill()
    raise SystemExit(f"the server did not start (see {log.name})")


def sign_in(base: str, username: str) -> VirtualUser:
    session = requests.Session()
    # A browser sends a click again on a new connection when the server has just closed the
    # idle keep-alive one under it (gunicorn closes them after 5 s, within a user's reading
    # time): retry once, as it does, rather than count that as the server's error.
    session.mount("http://", HTTPAdapter(max_retries=Retry(total=1, status=0, redirect=0)))
    page = session.get(f"{base}/access/sign-in/", timeout=TIMEOUT)
    signed_in = session.post(
        f"{base}/access/sign-in/",
        data={
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": csrf_token(page.text),
        },
        timeout=TIMEOUT,
    )
    if "/access/sign-in/" in signed_in.url:
        raise SystemExit(f"could not sign in as {username}: is the demo county loaded?")
    asked = session.get(f"{base}/access/purpose/?next=/tracker/", timeout=TIMEOUT)
    tracker = session.post(
        f"{base}/access/purpose/",
        data={
            "purpose": "panel",
            "next": "/tracker/",
            "csrfmiddlewaretoken": csrf_token(asked.text),
        },
        timeout=TIMEOUT,
    )
    user = VirtualUser(username=username, session=session)
    user.people = [int(p) for p in re.findall(r'href="/people/(\d+)/"', tracker.text)]
    user.surnames = sorted(
        {name.split()[-1] for name in re.findall(r'href="/people/\d+/">([^<]+)</a>', tracker.text)}
    )
    user.areas = select_options(tracker.text, "area")
    if not user.people:
        raise SystemExit(f"{username} sees nobody on the tracker: is the demo county scored?")
    person = session.get(f"{base}/people/{user.people[0]}/", timeout=TIMEOUT)
    user.event_types = select_options(person.text, "type")
    return user


def request_for(user: VirtualUser, kind: str, chance: random.Random) -> str:
    if kind == "tracker":
        choice = chance.choice(
            [
                "",
                "?page=2",
                f"?page={chance.randint(3, 6)}",
                "?level=high",
                "?level=medium&sort=age",
                "?type=county_lines",
                "?type=cse&level=medium",
                "?age=13-15",
                "?agency=wiltshire-police",
                "?sort=name",
                f"?area={chance.choice(user.areas)}" if user.areas else "?sort=level",
            ]
        )
        return f"/tracker/{choice}"
    if kind == "search":
        return f"/people/?q={chance.choice(user.surnames)}"
    person = chance.choice(user.people)
    if kind == "person":
        return f"/people/{person}/"
    if kind == "timeline":
        choice = chance.choice(
            ["?months=3", "?months=12", "?agency=wiltshire-police"]
            + [f"?type={t}" for t in user.event_types[:6]]
        )
        return f"/people/{person}/{choice}"
    return "/tracker/export.csv" + chance.choice(["", "?level=high", "?type=cce"])


def user_loop(
    base: str, user: VirtualUser, stop: threading.Event, results: list, seed: int, think: float
):
    chance = random.Random(seed)
    kinds = [k for k in MIX if k != "csv" or user.username in EXPORTERS]
    weights = [MIX[k] for k in kinds]
    while not stop.is_set():
        kind = chance.choices(kinds, weights)[0]
        url = base + request_for(user, kind, chance)
        started = time.perf_counter()
        error = ""
        try:
            response = user.session.get(url, timeout=TIMEOUT, allow_redirects=False)
            location = response.headers.get("Location", "")
            if response.status_code == 302 and location.startswith(("/tracker/?", "/people/")):
                # The bare tracker opens the list this user left (filters kept for the
                # session), and a young person merged into another by a link run during the
                # test leads to the survivor, as a browser follows: one click.
                response = user.session.get(base + location, timeout=TIMEOUT, allow_redirects=False)
            if response.status_code >= 500:
                error = f"HTTP {response.status_code}"
            elif response.status_code != 200:
                error = f"unexpected HTTP {response.status_code}"
        except requests.RequestException as failure:
            error = type(failure).__name__
        results.append(Result(kind, time.perf_counter() - started, error))
        if think:
            # Reading the page before the next click: between half and one and a half times
            # the mean.
            stop.wait(think * chance.uniform(0.5, 1.5))


def server_cpu_seconds(pid: int) -> float:
    """CPU time used so far by the server and its worker processes (Linux /proc): on a shared
    machine the cost of a request, where response times also measure everyone else's work."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(stat.parent.name) == pid or int(fields[1]) == pid:
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def run_writers(
    commands: list[str], database_url: str, log, report: list[str], done: threading.Event
) -> None:
    """Run the safeguarding commands one after the other against the database; note each one's
    wall and CPU seconds; set done when they end (or when told to stop by done being set)."""
    for command in commands:
        started, before = time.perf_counter(), os.times()
        writer = subprocess.Popen(  # noqa: S603
            [SAFEGUARDING, *shlex.split(command)],
            env={**os.environ, "DATABASE_URL": database_url},
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        while writer.poll() is None:
            if done.wait(0.5):
                writer.terminate()
                writer.wait(timeout=60)
                return
        after = os.times()
        cpu = after.children_user + after.children_system
        cpu -= before.children_user + before.children_system
        report.append(
            f"(during: safeguarding {command}: exit {writer.returncode} after "
            f"{time.perf_counter() - started:.0f} s, {cpu:.0f} CPU s)"
        )
    done.set()


def run_level(
    base: str,
    users: list[VirtualUser],
    seconds: float,
    think: float = 0,
    server_pid: int = 0,
    until: threading.Event | None = None,
) -> dict:
    results: list[Result] = []
    cpu_before = server_cpu_seconds(server_pid) if server_pid else 0.0
    # The simulated users share the machine with the server: their own CPU is reported beside.
    generator_before = time.process_time()
    stop = threading.Event()
    load_before = os.getloadavg()[0]
    threads = [
        threading.Thread(target=user_loop, args=(base, user, stop, results, n, think), daemon=True)
        for n, user in enumerate(users)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    if until is not None:
        until.wait()
    else:
        time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=TIMEOUT + 5)
    elapsed = time.perf_counter() - started
    cpu = server_cpu_seconds(server_pid) - cpu_before if server_pid else 0.0
    generator_cpu = time.process_time() - generator_before
    times = [r.seconds for r in results]
    errors = [r for r in results if r.error]
    by_kind = {
        kind: percentile([r.seconds for r in results if r.kind == kind], 0.95) for kind in MIX
    }
    return {
        "users": len(users),
        "requests": len(results),
        "per_second": len(results) / elapsed,
        "p50": statistics.median(times) if times else float("nan"),
        "p95": percentile(times, 0.95),
        "p99": percentile(times, 0.99),
        "errors": len(errors),
        "error_kinds": sorted({e.error for e in errors}),
        "error_seconds": statistics.median([e.seconds for e in errors]) if errors else 0.0,
        "load": (load_before, os.getloadavg()[0]),
        "p95_by_kind": by_kind,
        "cpu_ms": 1000 * cpu / max(len(results), 1),
        "generator_cpu_ms": 1000 * generator_cpu / max(len(results), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", default="10,25,50")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--server", choices=["gunicorn", "runserver"], default="gunicorn")
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: sized)")
    parser.add_argument("--threads", type=int, default=0, help="gunicorn threads (default: 2)")
    parser.add_argument("--database-url", default="", help="default: the demo's SQLite in var/")
    parser.add_argument("--scale", default="", help="build (or reuse) this demo county first")
    parser.add_argument(
        "--think", type=float, default=0, help="mean seconds a user reads before the next click"
    )
    parser.add_argument(
        "--during",
        action="append",
        default=[],
        help="a safeguarding command run against the same database while the users work, "
        "e.g. 'import --dir /tmp/county/extracts' (started with the first level); given more "
        "than once, the commands run one after the other (an import, then 'link')",
    )
    parser.add_argument(
        "--until-done",
        action="store_true",
        help="with --during: the first level lasts until the commands end (not --seconds), so "
        "its figures are those of pages served during them",
    )
    options = parser.parse_args()
    levels = [int(n) for n in options.users.split(",")]

    if options.scale:
        environment = {**os.environ, "DATABASE_URL": options.database_url or ""}
        if not options.database_url:
            environment.pop("DATABASE_URL")
        subprocess.run(  # noqa: S603
            [SAFEGUARDING, "demo", "--no-serve", "--scale", options.scale],
            env=environment,
            check=True,
        )
    folder = Path(tempfile.mkdtemp(prefix="safeguarding-load-"))
    database_url, drop_copy = copy_database(
        options.database_url or f"sqlite:///{DEMO_DATABASE}", folder, "load"
    )
    address = f"127.0.0.1:{free_port()}"
    base = f"http://{address}"
    engine = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
    with open(folder / "server.log", "w") as log:
        server = start_server(options, database_url, address, log)
        try:
            users = [sign_in(base, READERS[n % len(READERS)]) for n in range(max(levels))]
            # One untimed pass so each worker has loaded its code and warmed what it caches.
            run_level(base, users[: min(10, len(users))], 5)
            print(
                f"{engine}, {options.server}, {len(users)} users signed in; {os.cpu_count()} cores"
            )
            print(
                "| users | requests/s | p50 s | p95 s | p99 s | errors | server CPU ms/request "
                "| load avg (start→end) |"
            )
            print("|---:|---:|---:|---:|---:|---:|---:|---|")
            if options.think:
                print(f"(each user reads for {options.think:g} s on average between clicks)")
            writers_done = threading.Event()
            writers_report: list[str] = []
            if options.during:
                threading.Thread(
                    target=run_writers,
                    args=(options.during, database_url, log, writers_report, writers_done),
                    daemon=True,
                ).start()
            for number, level in enumerate(levels):
                until = writers_done if options.until_done and number == 0 else None
                figures = run_level(
                    base, users[:level], options.seconds, options.think, server.pid, until=until
                )
                print(
                    f"| {figures['users']} | {figures['per_second']:.1f} | {figures['p50']:.2f} | "
                    f"{figures['p95']:.2f} | {figures['p99']:.2f} | {figures['errors']} | "
                    f"{figures['cpu_ms']:.0f} | "
                    f"{figures['load'][0]:.1f} → {figures['load'][1]:.1f} |",
                    flush=True,
                )
                slowest = ", ".join(f"{k} {v:.2f}" for k, v in figures["p95_by_kind"].items())
                print(
                    f"  p95 by page: {slowest}; "
                    f"the simulated users' own CPU {figures['generator_cpu_ms']:.1f} ms/request"
                    + (
                        f"; errors: {figures['error_kinds']}, "
                        f"median {figures['error_seconds']:.2f} s"
                        if figures["errors"]
                        else ""
                    ),
                    file=sys.stderr,
                )
            if options.during:
                if not writers_done.is_set():
                    writers_report.append("(the commands were still running: stopped)")
                writers_done.set()
                print(*writers_report, sep="\n")
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
            drop_copy()
            errors = [
                line
                for line in (folder / "server.log").read_text().splitlines()
                if "Error" in line or "error" in line
            ]
            if errors:
                kept = ROOT / "var" / "load-benchmark-server.log"
                shutil.copy(folder / "server.log", kept)
                print(
                    f"server errors (last 5; all in {kept}):",
                    *errors[-5:],
                    sep="\n  ",
                    file=sys.stderr,
                )
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
