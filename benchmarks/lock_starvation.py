"""Does a page that writes starve behind a batch that frees SQLite's write lock only briefly?

    .venv/bin/python benchmarks/lock_starvation.py --hold 0.3 --gap 0.03 --seconds 30

A batch writer holds the write lock `--hold` seconds (a chunk), frees it for `--gap` seconds,
again and again; a page writer takes and releases the lock every 50 ms (as
write_lock_benchmark.py's probe), and its waits are timed. Two ways of waiting, side by side, each
against its own database file: "busy", SQLite's busy handler (what Django does: it sleeps between
tries, the sleeps growing to 100 ms, so it can sleep through a short gap and wait for several
chunks); "turns", both writers also take a blocking fcntl lock on a file around each transaction,
so the kernel wakes the waiting page the moment a chunk ends (a candidate design, not in the
application).
"""

import argparse
import fcntl
import sqlite3
import tempfile
import threading
import time
from pathlib import Path

PAGE_INTERVAL = 0.05


def run(mode: str, folder: Path, hold: float, gap: float, seconds: float) -> list[float]:
    path = folder / f"{mode}.sqlite3"
    setup = sqlite3.connect(path)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.execute("CREATE TABLE t (x)")
    setup.commit()
    setup.close()
    turn = folder / f"{mode}.turn"
    stop = threading.Event()

    def in_turn(write) -> None:
        if mode == "busy":
            write()
            return
        with open(turn, "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            write()  # closing the file releases the turn

    def batch() -> None:
        database = sqlite3.connect(path, timeout=60, isolation_level=None)

        def chunk() -> None:
            database.execute("BEGIN IMMEDIATE")
            database.execute("INSERT INTO t VALUES (1)")
            time.sleep(hold)
            database.execute("COMMIT")

        while not stop.is_set():
            in_turn(chunk)
            time.sleep(gap)

    waits: list[float] = []

    def page() -> None:
        database = sqlite3.connect(path, timeout=60, isolation_level=None)

        def write() -> None:
            database.execute("BEGIN IMMEDIATE")
            database.execute("ROLLBACK")

        while not stop.is_set():
            started = time.perf_counter()
            in_turn(write)
            waits.append(time.perf_counter() - started)
            time.sleep(PAGE_INTERVAL)

    threads = [threading.Thread(target=batch), threading.Thread(target=page)]
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    return sorted(waits)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--hold", type=float, default=0.3, help="seconds a chunk holds the lock")
    parser.add_argument("--gap", type=float, default=0.03, help="seconds it is free after one")
    parser.add_argument("--seconds", type=float, default=30)
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="safeguarding-starvation-"))
    results: dict[str, list[float]] = {}
    threads = [
        threading.Thread(
            target=lambda mode=mode: results.__setitem__(
                mode, run(mode, folder, options.hold, options.gap, options.seconds)
            )
        )
        for mode in ("busy", "turns")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(f"chunks of {options.hold} s, {options.gap} s free after each, {options.seconds:g} s")
    print("| waiting by | page writes | median s | p95 s | longest s | over 1 s |")
    print("|---|---:|---:|---:|---:|---:|")
    for mode, waits in results.items():
        at = lambda share, w=waits: w[min(len(w) - 1, int(share * (len(w) - 1)))]  # noqa: E731
        print(
            f"| {mode} | {len(waits)} | {at(0.5):.2f} | {at(0.95):.2f} | {waits[-1]:.2f} | "
            f"{sum(w > 1 for w in waits)} |"
        )
    for item in folder.iterdir():
        item.unlink()
    folder.rmdir()


if __name__ == "__main__":
    main()
