"""Imports, linking and scoring lower their own CPU priority so that pages are served first; the
setting is checked when the settings load."""

import os
import subprocess
from pathlib import Path

import pytest

SAFEGUARDING = str(Path(__file__).resolve().parents[2] / ".venv" / "bin" / "safeguarding")
FEEDS_DIR = Path(__file__).resolve().parents[1] / "sources" / "feeds"


def environment(database: Path, **settings: str) -> dict:
    """The command as an operator runs it, against its own SQLite database."""
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": "safeguarding.settings.local",
        **settings,
    }


def run(*arguments: str, env: dict, nice: int = 0) -> subprocess.CompletedProcess:
    command = [SAFEGUARDING, *arguments]
    if nice:
        command = ["nice", "-n", str(nice), *command]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)  # noqa: S603


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("priority") / "hub.sqlite3"
    env = environment(path)
    assert run("migrate", "--verbosity", "0", env=env).returncode == 0
    agencies = "from safeguarding.access.services import ensure_standard_agencies as e; e()"
    assert run("shell", "-c", agencies, env=env).returncode == 0
    return path


@pytest.mark.slow
def test_import_and_link_run_at_the_batch_niceness_and_still_do_their_work(database, tmp_path):
    env = environment(database, SAFEGUARDING_BATCH_NICENESS="7")
    extract = tmp_path / "nominals.csv"
    extract.write_text(
        "NominalID,Forenames,Surname,Aliases,DOB,Sex,NHS,Mobile\n"
        "WP1,Jayden,Smith,,03/04/2009,M,,\n",
        encoding="utf-8",
    )
    imported = run("import", "test-nominals", str(extract), "--feeds", str(FEEDS_DIR), env=env)
    assert imported.returncode == 0, imported.stderr
    assert "Running at niceness 7 (SAFEGUARDING_BATCH_NICENESS)" in imported.stderr
    assert "records new 1" in imported.stdout

    linked = run("link", env=env)
    assert linked.returncode == 0, linked.stderr
    assert "Running at niceness 7" in linked.stderr


@pytest.mark.slow
def test_a_command_started_nicer_keeps_its_niceness(database):
    env = environment(database, SAFEGUARDING_BATCH_NICENESS="7")
    linked = run("link", env=env, nice=15)  # started at 15 (or more), above the setting's 7
    assert linked.returncode == 0, linked.stderr
    assert "Nothing to link" in linked.stdout
    assert "Running at niceness" not in linked.stderr


@pytest.mark.parametrize("value", ["25", "-5", "high"])
def test_a_niceness_outside_0_to_19_stops_every_command_with_the_setting_named(tmp_path, value):
    checked = run(
        "check", env=environment(tmp_path / "hub.sqlite3", SAFEGUARDING_BATCH_NICENESS=value)
    )
    assert checked.returncode != 0
    assert (
        f"SAFEGUARDING_BATCH_NICENESS must be a whole number from 0 to 19, not '{value}'"
        in checked.stderr
    )
