"""What the benchmarks share: running the command line against a database, fresh databases,
and a database holding the synthetic county."""

import os
import re
import sqlite3
import subprocess
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAFEGUARDING = str(ROOT / ".venv" / "bin" / "safeguarding")


@dataclass(frozen=True)
class Run:
    output: str
    seconds: float
    peak_mb: float
    cpu_seconds: float = 0.0  # user and system, of the command alone


def run(arguments: list[str], database_url: str) -> Run:
    """`safeguarding ARGUMENTS` against the database: its output, wall-clock and CPU seconds
    and peak memory (of that command alone)."""
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "safeguarding.settings.local",
    }
    started = time.perf_counter()
    process = subprocess.Popen(
        [SAFEGUARDING, *arguments],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    output = process.stdout.read() if process.stdout else ""
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"safeguarding {' '.join(arguments)} failed")
    return Run(output, seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime)


def synthetic_county(out: Path, scale: str) -> Path:
    run(["synth", "--out", str(out), "--scale", scale], "sqlite://")
    return out


def fresh_sqlite(folder: Path, name: str) -> str:
    path = folder / f"{name}.sqlite3"
    path.unlink(missing_ok=True)
    return f"sqlite:///{path}"


def fresh_postgres(url: str, database: str) -> str:
    """An empty database of this name on the server at `url`, and its URL."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{database}"')
        connection.execute(f'CREATE DATABASE "{database}"')
    return re.sub(r"/[^/]*$", f"/{database}", url)


def migrate_with_agencies(database_url: str) -> None:
    run(["migrate", "--verbosity", "0"], database_url)
    run(
        [
            "shell",
            "-c",
            "from safeguarding.access.services import ensure_standard_agencies; "
            "ensure_standard_agencies()",
        ],
        database_url,
    )


def prepare(database_url: str, county: Path, *, extracts: Path | None = None) -> Run:
    """Migrate, add the agencies and the county's geography, and import its extracts (or the
    files in `extracts`); the import's run."""
    migrate_with_agencies(database_url)
    run(["geography", str(county / "geography")], database_url)
    return run(["import", "--dir", str(extracts or county / "extracts")], database_url)


def signed_in_client(user, *, purpose: str = "Benchmark", **client_options):
    """Django's test client signed in as `user` with both factors and a stated purpose, as a
    signed-in user's session is (docs/sign-in.md); for timing pages in this process."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client(**client_options)
    client.force_login(user)
    authenticator, _ = TOTPDevice.objects.get_or_create(
        user=user, name="Benchmark", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = authenticator.persistent_id
    session["access_purpose"] = purpose
    session.save()
    return client


def copy_database(source_url: str, folder: Path, tag: str) -> tuple[str, Callable[[], None]]:
    """A throwaway copy of a database (SQLite's backup API, or a PostgreSQL template copy named
    after `tag`): its URL, and how to remove it."""
    if source_url.startswith("sqlite"):
        copy = folder / f"{tag}.sqlite3"
        source = source_url.removeprefix("sqlite:///")
        with closing(sqlite3.connect(source)) as origin, closing(sqlite3.connect(copy)) as target:
            origin.backup(target)
        return f"sqlite:///{copy}", lambda: None
    import psycopg

    server, name = source_url.rsplit("/", 1)
    copy_name = f"{name}_{tag}_{os.getpid()}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{copy_name}" TEMPLATE "{name}"')

    def drop() -> None:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{copy_name}" WITH (FORCE)')

    return f"{server}/{copy_name}", drop
