"""An import killed mid-way (SIGKILL: no clean-up runs) leaves nothing once the next batch stage
starts (on SQLite the chunks it committed are undone then); a re-run completes."""

import hashlib
import os
import secrets
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

SAFEGUARDING = str(Path(__file__).resolve().parents[2] / ".venv" / "bin" / "safeguarding")
FEEDS_DIR = Path(__file__).parent / "feeds"
ROWS = 200_000


def environment(database: Path) -> dict:
    """The command as an operator runs it (local settings: raw files kept in var/files)."""
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": "safeguarding.settings.local",
    }


def counts(database: Path) -> tuple[int, list[str]]:
    with sqlite3.connect(database) as db:
        records = db.execute("SELECT count(*) FROM people_sourcerecord").fetchone()[0]
        statuses = [row[0] for row in db.execute("SELECT status FROM sources_importbatch")]
    return records, sorted(statuses)


def records_in(database: Path) -> int:
    try:
        with sqlite3.connect(database, timeout=0.1) as db:
            return db.execute("SELECT count(*) FROM people_sourcerecord").fetchone()[0]
    except sqlite3.OperationalError:  # the table is not there yet, or the lock is held
        return 0


def journal(database: Path) -> int:
    with sqlite3.connect(database) as db:
        return db.execute("SELECT count(*) FROM sources_undoentry").fetchone()[0]


def test_a_killed_import_leaves_no_partial_batch_and_a_rerun_completes(tmp_path):
    database = tmp_path / "killed.sqlite3"
    env = environment(database)
    subprocess.run([SAFEGUARDING, "migrate", "--verbosity", "0"], env=env, check=True)
    subprocess.run(
        [
            SAFEGUARDING,
            "shell",
            "-c",
            "from safeguarding.access.services import ensure_standard_agencies; "
            "ensure_standard_agencies()",
        ],
        env=env,
        check=True,
    )
    extract = tmp_path / "nominals_big.csv"
    with extract.open("w", encoding="utf-8") as handle:
        handle.write("NominalID,Forenames,Surname,Aliases,DOB,Sex,NHS,Mobile\n")
        token = secrets.token_hex(4)  # a file never imported before, so never skipped
        for i in range(ROWS):
            handle.write(f"WP{i},{token},Smith{i % 97},,01/01/2010,F,,\n")
    checksum = hashlib.sha256(extract.read_bytes()).hexdigest()
    kept = (
        Path(SAFEGUARDING).parents[2] / "var" / "files" / "raw" / checksum[:2] / f"{checksum}.csv"
    )
    arguments = [SAFEGUARDING, "import", "test-nominals", str(extract), "--feeds", str(FEEDS_DIR)]

    running = subprocess.Popen(arguments, env=env, stdout=subprocess.DEVNULL)
    # Kill it while it writes: once it has committed some chunks of rows (SQLite).
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and running.poll() is None and not kept.exists():
        time.sleep(0.05)
    while time.monotonic() < deadline and running.poll() is None and records_in(database) == 0:
        time.sleep(0.01)
    assert running.poll() is None, "the import finished before it could be killed"
    running.send_signal(signal.SIGKILL)
    running.wait()
    assert running.returncode == -signal.SIGKILL
    records, statuses = counts(database)
    assert statuses == ["running"] and records > 0  # committed chunks, still to undo

    # The next batch stage (here the worker's start, as after a power cut) undoes it first.
    subprocess.run(
        [
            SAFEGUARDING,
            "shell",
            "-c",
            "from safeguarding.sources.background import abandon_interrupted_imports; "
            "abandon_interrupted_imports()",
        ],
        env=env,
        check=True,
    )
    assert counts(database) == (0, ["failed"])  # nothing partial: not a record
    assert journal(database) == 0

    subprocess.run(arguments, env=env, check=True, stdout=subprocess.DEVNULL)
    assert counts(database) == (ROWS, ["failed", "succeeded"])
    assert journal(database) == 0
