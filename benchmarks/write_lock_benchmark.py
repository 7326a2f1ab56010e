"""How long the batch stages keep other writers waiting on SQLite (issue 19).

    .venv/bin/python benchmarks/write_lock_benchmark.py --database sqlite:////path/db.sqlite3
        "import --dir /tmp/county/extracts" "link" "score"

Runs each `safeguarding` command in turn against a COPY of the SQLite database (the backup API;
the original is left as it was) while a probe, as a page that writes would (the audit record,
the session), takes the write lock every 50 ms (`BEGIN IMMEDIATE`, then `ROLLBACK`) and times
how long it waited. The longest wait during a command is, within 50 ms, the longest time that
command held the write lock at once. Reported per command: wall seconds, the command's CPU
seconds, the probe's longest and 99th-percentile wait, and how many waits passed 1 s. WAL readers
never wait for a writer, so the probe measures what stalls a page that writes.
"""

import argparse
import os
import shlex
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAFEGUARDING = str(ROOT / ".venv" / "bin" / "safeguarding")
INTERVAL = 0.05


def probe(path: Path, stop: threading.Event, waits: list[tuple[float, float]]) -> None:
    """Take and release the write lock every INTERVAL; record (when, seconds waited)."""
    with closing(sqlite3.connect(path, timeout=120, isolation_level=None)) as connection:
        while not stop.is_set():
            started = time.perf_counter()
            try:
                connection.execute("BEGIN IMMEDIATE")
                connection.execute("ROLLBACK")
            except sqlite3.OperationalError:
                pass  # waited the whole timeout: recorded as such
            waits.append((started, time.perf_counter() - started))
            stop.wait(INTERVAL)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values) or [float("nan")]
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", required=True, help="sqlite:////path/to/file.sqlite3")
    parser.add_argument("--in-place", action="store_true", help="use the database, not a copy")
    parser.add_argument("commands", nargs="+", help="safeguarding commands, each one quoted")
    options = parser.parse_args()
    source = Path(options.database.removeprefix("sqlite:///"))
    folder = Path(tempfile.mkdtemp(prefix="safeguarding-lock-"))
    path = source
    if not options.in_place:
        path = folder / "lock.sqlite3"
        with closing(sqlite3.connect(source)) as origin, closing(sqlite3.connect(path)) as copy:
            origin.backup(copy)
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{path}"}
    print(f"SQLite {path}; {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}")
    print("| command | wall s | CPU s | longest wait s | p99 wait s | waits > 1 s | load avg |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for command in options.commands:
        waits: list[tuple[float, float]] = []
        stop = threading.Event()
        thread = threading.Thread(target=probe, args=(path, stop, waits), daemon=True)
        load_before = os.getloadavg()[0]
        before = os.times()
        started = time.perf_counter()
        thread.start()
        finished = subprocess.run(  # noqa: S603
            [SAFEGUARDING, *shlex.split(command)],
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        wall = time.perf_counter() - started
        stop.set()
        thread.join()
        after = os.times()
        cpu = (after.children_user - before.children_user) + (
            after.children_system - before.children_system
        )
        seconds = [w for _, w in waits]
        print(
            f"| {command} | {wall:.1f} | {cpu:.1f} | {max(seconds, default=0):.2f} | "
            f"{percentile(seconds, 0.99):.2f} | {sum(w > 1 for w in seconds)} | "
            f"{load_before:.1f} → {os.getloadavg()[0]:.1f} |",
            flush=True,
        )
        if finished.returncode:
            print(f"  {command} failed:\n{finished.stderr[-2000:]}", file=sys.stderr)
        # The chunks that held the lock longest, as the command logged them.
        for line in finished.stderr.splitlines():
            if "held the write lock" in line:
                print(f"  {line.split(': ', 1)[-1]}")
    if not options.in_place:
        path.unlink()
        for extra in ("-wal", "-shm", ".batch-turn"):
            Path(f"{path}{extra}").unlink(missing_ok=True)
    folder.rmdir()


if __name__ == "__main__":
    main()
