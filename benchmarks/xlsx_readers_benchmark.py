"""Reading a large workbook: our streaming reader (sources/xlsx.py) beside openpyxl's read-only
mode and python-calamine, each in its own process so its time and peak memory are its own.

    .venv/bin/python benchmarks/xlsx_readers_benchmark.py [--rows 200000] [--runs 3]
        [--readers calamine sources/xlsx.py]

The workbook has a title row, a header on row 3 and columns like an agency's: ids, names, a
date cell, a number, a postcode and free text. Every reader must give the same row count.
Beside the wall-clock time, each reader's CPU time (`time.process_time`) and the machine's load
average, since other work on a shared machine slows every wall-clock figure.
"""

import argparse
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from openpyxl import Workbook as WritableWorkbook
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from safeguarding.sources.xlsx import Workbook


def write_workbook(path: Path, rows: int) -> None:
    book = WritableWorkbook(write_only=True)
    sheet = book.create_sheet("Extract")
    sheet.append(["Police nominals, November 2026"])
    sheet.append([])
    sheet.append(["NominalID", "Forenames", "Surname", "DOB", "Score", "Postcode", "Notes"])
    start = datetime(2005, 1, 1)
    for n in range(rows):
        sheet.append(
            [
                f"WP{n:07d}",
                ["Jayden", "Amelia", "Kai", "Leah"][n % 4],
                ["Smith", "Jones", "Brown", "Taylor", "Wilson"][n % 5],
                start + timedelta(days=n % 5000),
                n % 97 + 0.5,
                f"SN{n % 16} {n % 9}AB",
                "Seen near the station with older males" if n % 3 == 0 else "",
            ]
        )
    book.save(path)


def ours(path: Path) -> int:
    workbook = Workbook(path)
    try:
        return sum(1 for _ in workbook.rows())
    finally:
        workbook.close()


def openpyxl_read_only(path: Path) -> int:
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        return sum(1 for row in book.worksheets[0].iter_rows(values_only=True) if any(row))
    finally:
        book.close()


def calamine(path: Path) -> int:
    book = CalamineWorkbook.from_path(str(path))
    try:
        sheet = book.get_sheet_by_index(0)
        return sum(1 for row in sheet.iter_rows() if any(cell != "" for cell in row))
    finally:
        book.close()


READERS = {"sources/xlsx.py": ours, "openpyxl read-only": openpyxl_read_only, "calamine": calamine}


def _measure(name: str, path: str, results) -> None:
    started, cpu_started = time.perf_counter(), time.process_time()
    rows = READERS[name](Path(path))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    results.put((rows, seconds, cpu, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def measure(name: str, path: Path) -> tuple[int, float, float, float]:
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    process = context.Process(target=_measure, args=(name, str(path), results))
    process.start()
    outcome = results.get()
    process.join()
    return outcome


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--readers", nargs="+", choices=list(READERS), default=list(READERS))
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "large.xlsx"
        started = time.perf_counter()
        write_workbook(path, options.rows)
        print(
            f"{options.rows:,} rows, {path.stat().st_size / 1e6:.1f} MB, "
            f"written in {time.perf_counter() - started:.0f} s",
            flush=True,
        )
        print(
            f"{'reader':<22}{'rows':>10}{'seconds':>10}{'rows/s':>12}{'CPU s':>10}"
            f"{'CPU rows/s':>12}{'peak MB':>10}{'load':>8}"
        )
        for _ in range(options.runs):
            for name in options.readers:
                rows, seconds, cpu, peak = measure(name, path)
                print(
                    f"{name:<22}{rows:>10,}{seconds:>10.2f}{rows / seconds:>12,.0f}"
                    f"{cpu:>10.2f}{rows / cpu:>12,.0f}{peak:>10,.0f}{os.getloadavg()[0]:>8.1f}"
                )
                sys.stdout.flush()


if __name__ == "__main__":
    main()
