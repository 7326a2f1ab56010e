"""An import killed mid-way (SIGKILL: no clean-up runs) leaves nothing; a re-run completes."""

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
    return records, statuses


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
    # The raw file is kept just before the import's transaction opens; kill it a little later,
    # while it writes (its write-ahead log growing shows it has written uncommitted pages).
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and running.poll() is None and not kept.exists():
        time.sleep(0.05)
    journal = database.with_name(database.name + "-wal")

    def written() -> int:
        return journal.stat().st_size if journal.exists() else 0

    while time.monotonic() < deadline and running.poll() is None and written() < 256 * 1024:
        time.sleep(0.05)
    time.sleep(1)
    assert running.poll() is None, "the import finished before it could be killed"
    assert written() >= 256 * 1024
    running.send_signal(signal.SIGKILL)
    running.wait()
    assert running.returncode == -signal.SIGKILL

    assert counts(database) == (0, [])  # nothing partial: not a record, not a batch

    subprocess.run(arguments, env=env, check=True, stdout=subprocess.DEVNULL)
    assert counts(database) == (ROWS, ["succeeded"])
