"""Backing up and restoring the site: the database (the audit trail with it) and the files folder
(MEDIA_ROOT: kept raw extracts, uploads, linkage models), in one archive.

PostgreSQL is dumped with `pg_dump` (custom format) and restored with `pg_restore`; SQLite is
copied with SQLite's online backup API, which gives a consistent copy while the site runs."""

import datetime
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder

from safeguarding.settings.environment import SQLITE_ENGINE

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
POSTGRES_FILE = "database.pgdump"
FILES = "files"
SQLITE = "sqlite"
POSTGRES = "postgresql"
# Django's name for each kind of database (the engines of older backups included): a backup
# restores into the same kind, whichever backend module serves it.
KINDS = {
    SQLITE_ENGINE: SQLITE,
    "django.db.backends.sqlite3": SQLITE,
    "django.db.backends.postgresql": POSTGRES,
}


class BackupError(Exception):
    """The backup or restore cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class Archive:
    path: Path
    engine: str
    files: int
    created_at: str
    latest_migrations: dict[str, str]


def _database() -> dict[str, Any]:
    database: dict[str, Any] = dict(settings.DATABASES["default"])
    if database["ENGINE"] not in KINDS:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {database['ENGINE']}.")
    return database


def _postgres_environment(database: dict[str, Any]) -> dict[str, str]:
    # Through the environment, so the password never appears in the process list.
    names = {"HOST": "PGHOST", "PORT": "PGPORT", "USER": "PGUSER", "PASSWORD": "PGPASSWORD"}
    environment = {**os.environ, "PGDATABASE": str(database["NAME"])}
    for key, variable in names.items():
        if database.get(key):
            environment[variable] = str(database[key])
    return environment


def _run(command: list[str], *, environment: dict[str, str]) -> None:
    try:
        subprocess.run(command, env=environment, check=True, capture_output=True, text=True)  # noqa: S603
    except FileNotFoundError as missing:
        raise BackupError(
            f"{command[0]} is not installed: install PostgreSQL's client programs "
            "(Debian: apt-get install postgresql-client) of the server's version or newer."
        ) from missing
    except subprocess.CalledProcessError as failed:
        raise BackupError(f"{command[0]} failed: {failed.stderr.strip()[-2000:]}") from failed


def _latest_migrations() -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder.Migration.objects.order_by("app", "name").values_list(
        "app", "name"
    ):
        latest[app] = name
    return latest


def _copy_sqlite(*, source: Path, target: Path) -> None:
    with closing(sqlite3.connect(source)) as origin, closing(sqlite3.connect(target)) as copy:
        # All pages in one step: one read transaction, so a consistent copy even while the site
        # writes (stepwise, every write by another connection would restart the copy).
        origin.backup(copy, pages=-1)


def back_up(*, archive: Path) -> Archive:
    """Write the database and the files folder to `archive` (a .tar.gz)."""
    database = _database()
    archive = archive.resolve()
    archive.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="safeguarding-backup-", dir=archive.parent) as work:
        folder = Path(work)
        if KINDS[database["ENGINE"]] == SQLITE:
            _copy_sqlite(source=Path(database["NAME"]), target=folder / SQLITE_FILE)
            dump = folder / SQLITE_FILE
        else:
            dump = folder / POSTGRES_FILE
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    "--file",
                    str(dump),
                ],
                environment=_postgres_environment(database),
            )
        media = Path(settings.MEDIA_ROOT)
        files = [path for path in media.rglob("*") if path.is_file()] if media.exists() else []
        manifest = {
            "format": FORMAT,
            "engine": database["ENGINE"],
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "files": len(files),
            "latest_migrations": _latest_migrations(),
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=2))
        partial = archive.with_name(archive.name + ".partial")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(folder / MANIFEST, arcname=MANIFEST)
            tar.add(dump, arcname=dump.name)
            for path in files:
                tar.add(path, arcname=f"{FILES}/{path.relative_to(media).as_posix()}")
        # Renamed only once complete: a crash never leaves a file that looks like a backup.
        partial.replace(archive)
    return _archive(archive, manifest)


def _archive(path: Path, manifest: dict) -> Archive:
    return Archive(
        path=path,
        engine=manifest["engine"],
        files=manifest["files"],
        created_at=manifest["created_at"],
        latest_migrations=manifest["latest_migrations"],
    )


def read_manifest(*, archive: Path) -> Archive:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            member = tar.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            manifest = json.loads(member.read())
    except (OSError, tarfile.TarError, KeyError, ValueError) as error:
        raise BackupError(f"{archive} is not a Safeguarding Hub backup ({error}).") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{archive} is a backup of an unknown format.")
    return _archive(archive, manifest)


def restore(*, archive: Path) -> Archive:
    """Replace the database and the files folder with those in `archive`. Stop the web server
    and the worker first: what they write meanwhile would be lost."""
    database = _database()
    backup = read_manifest(archive=archive)
    if KINDS.get(backup.engine) != KINDS[database["ENGINE"]]:
        raise BackupError(
            f"This backup is of a {KINDS.get(backup.engine, backup.engine)} database and the "
            f"site uses {KINDS[database['ENGINE']]}: restore it into the same kind."
        )
    with tempfile.TemporaryDirectory(prefix="safeguarding-restore-") as work:
        folder = Path(work)
        with tarfile.open(archive, "r:gz") as tar:
            # The "data" filter refuses absolute paths, links out of the folder and devices.
            tar.extractall(folder, filter="data")
        connections.close_all()
        if KINDS[database["ENGINE"]] == SQLITE:
            _copy_sqlite(source=folder / SQLITE_FILE, target=Path(database["NAME"]))
        else:
            _restore_postgres(database=database, dump=folder / POSTGRES_FILE)
        _replace_files(source=folder / FILES, media=Path(settings.MEDIA_ROOT))
    connections.close_all()
    return backup


def _restore_postgres(*, database: dict[str, Any], dump: Path) -> None:
    environment = _postgres_environment(database)
    # An empty schema first: tables a later migration added would otherwise survive the
    # restore, and pg_restore --clean drops only what the dump holds.
    _run(
        [
            "psql",
            "--no-psqlrc",
            "--quiet",
            "--set=ON_ERROR_STOP=1",
            "--command=DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;",
        ],
        environment=environment,
    )
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            "--dbname",
            str(database["NAME"]),
            str(dump),
        ],
        environment=environment,
    )


def _replace_files(*, source: Path, media: Path) -> None:
    if media.exists():
        for child in media.iterdir():
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    media.mkdir(parents=True, exist_ok=True)
    if source.exists():
        shutil.copytree(source, media, dirs_exist_ok=True)
