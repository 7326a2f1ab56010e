"""The README's PostgreSQL line works when its database does not exist yet."""

import os
import subprocess
import sys
import uuid

import psycopg
import pytest
from django.core.management import call_command

from safeguarding.web.database import DatabaseNotCreated, create_database_if_missing

SERVER = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}


def server_reachable() -> bool:
    try:
        psycopg.connect(dbname="postgres", connect_timeout=2, **SERVER).close()
    except psycopg.OperationalError:
        return False
    return True


pytestmark = pytest.mark.skipif(
    not server_reachable(), reason="needs PostgreSQL at 127.0.0.1:5432 (CI starts it)"
)


def database_exists(name: str) -> bool:
    with psycopg.connect(dbname="postgres", autocommit=True, **SERVER) as connection:
        return bool(
            connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        )


def drop(name: str) -> None:
    with psycopg.connect(dbname="postgres", autocommit=True, **SERVER) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.fixture
def missing_database():
    name = f"safeguarding_created_{uuid.uuid4().hex[:8]}"
    yield name
    drop(name)


def settings_for(name: str, *, user: str = "postgres") -> dict:
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": user,
        "PASSWORD": "",
        "HOST": "127.0.0.1",
        "PORT": 5432,
    }


def test_a_missing_database_is_created_once(missing_database):
    assert not database_exists(missing_database)

    assert create_database_if_missing(database=settings_for(missing_database)) is True
    assert database_exists(missing_database)
    assert create_database_if_missing(database=settings_for(missing_database)) is False


def test_the_readme_line_creates_its_database_then_migrates(missing_database):
    url = f"postgres://postgres@127.0.0.1:5432/{missing_database}"
    # As the README runs it: the `safeguarding` command's own settings, not the tests'.
    environment = {
        **{key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"},
        "DATABASE_URL": url,
    }
    command = [sys.executable, "-m", "safeguarding.cli"]

    created = subprocess.run(
        [*command, "createdb"], env=environment, capture_output=True, text=True, check=True
    )
    subprocess.run(
        [*command, "migrate", "--no-input"], env=environment, check=True, capture_output=True
    )

    assert f'Created the PostgreSQL database "{missing_database}"' in created.stdout
    with psycopg.connect(url) as connection:
        tables = connection.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'access_user'"
        ).fetchone()
    assert tables == (1,)


def test_an_account_that_may_not_create_databases_is_told_the_command(missing_database):
    role = f"no_createdb_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(dbname="postgres", autocommit=True, **SERVER) as connection:
        connection.execute(f"CREATE ROLE {role} LOGIN NOCREATEDB")
    try:
        with pytest.raises(DatabaseNotCreated) as refused:
            create_database_if_missing(database=settings_for(missing_database, user=role))
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **SERVER) as connection:
            connection.execute(f"DROP ROLE {role}")

    assert f"createdb -h 127.0.0.1 -p 5432 -U {role} {missing_database}" in str(refused.value)
    assert not database_exists(missing_database)


def test_sqlite_needs_nothing_created():
    assert create_database_if_missing(database={"ENGINE": "django.db.backends.sqlite3"}) is False
    call_command("createdb")  # the test settings' database: nothing to do, no error
