"""The one place that reads the process environment for settings."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parents[1]
# In a checkout the package sits in src/ beside pyproject.toml; installed from a wheel it sits in
# site-packages, where nothing above it belongs to us.
PROJECT_ROOT = PACKAGE_DIR.parents[1]
IN_CHECKOUT = PACKAGE_DIR.parent.name == "src" and (PROJECT_ROOT / "pyproject.toml").exists()


def path(name: str, *, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default


# Where the site keeps what it writes (SQLite database, uploaded files, collected static files):
# the checkout's var/, or var/ in the working directory when installed from a wheel.
VAR_DIR = path(
    "SAFEGUARDING_VAR_DIR", default=(PROJECT_ROOT if IN_CHECKOUT else Path.cwd()) / "var"
)
DEFAULT_SQLITE_PATH = VAR_DIR / "safeguarding.sqlite3"


def shipped(folder: str) -> Path:
    """A folder of the default configuration (feeds, indicators): the checkout's own, which the
    wheel also carries inside the package (see pyproject.toml), so the two never differ."""
    return PROJECT_ROOT / folder if IN_CHECKOUT else PACKAGE_DIR / "defaults" / folder


def text(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def flag(name: str, *, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def integer(name: str, *, default: int) -> int:
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


def niceness(name: str, *, default: int) -> int:
    """A process's niceness for os.nice: a whole number from 0 (as the server) to 19 (only
    when nothing else wants the processor). Refused otherwise, naming the setting."""
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except ValueError:
        number = -1
    if not 0 <= number <= 19:
        raise ImproperlyConfigured(f"{name} must be a whole number from 0 to 19, not {value!r}")
    return number


def listing(name: str, *, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# Django's SQLite backend with fair turns at the write lock (common/sqlite/base.py).
SQLITE_ENGINE = "safeguarding.common.sqlite"
SQLITE_OPTIONS = {
    # IMMEDIATE takes the write lock at BEGIN, so two writers can never interleave a
    # read-then-write (the audit hash chain depends on this): a DEFERRED transaction that reads
    # and then writes fails at once with "database is locked" when another wrote meanwhile.
    "transaction_mode": "IMMEDIATE",
    # Seconds a writer waits for another's lock before giving up.
    "timeout": 20,
    # WAL: readers never wait for the writer, nor the writer for readers. A page cache of up
    # to 64 MiB (the default is 2 MiB) keeps an import's indexes in memory as they grow: the
    # default county's inserts take 8% less time.
    # Checkpoints: a batch stage copies the log back into the database itself, between its
    # chunks and outside its turn at the write lock, once the log passes 64 MB
    # (common/sqlite/base.py), and when it ends; a connection does it at its commit only past
    # 256 MB (65,536 pages), which a batch's log does not reach (116 MB at most in a first link
    # of 125,970 records: a chunk can write 50 MB), so a page does not pay for a batch's
    # checkpoint. The log file is cut back to 64 MB when it starts again, so its size says how
    # much was written since.
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536; "
        "PRAGMA wal_autocheckpoint=65536; PRAGMA journal_size_limit=67108864;"
    ),
}


def database(*, sqlite_path: Path = DEFAULT_SQLITE_PATH) -> dj_database_url.DBConfig:
    """DATABASE_URL when set (PostgreSQL in production and CI), otherwise the embedded SQLite.
    An SQLite file named by DATABASE_URL gets the same options as the embedded one."""
    url = os.environ.get("DATABASE_URL")
    if url:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
        if config["ENGINE"] == "django.db.backends.sqlite3":
            config["ENGINE"] = SQLITE_ENGINE
            config["CONN_MAX_AGE"] = 0
            config["OPTIONS"] = {**SQLITE_OPTIONS, **config.get("OPTIONS", {})}
        return config
    sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": SQLITE_ENGINE,
        "NAME": str(sqlite_path),
        "OPTIONS": dict(SQLITE_OPTIONS),
    }
