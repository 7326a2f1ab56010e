"""Creating the site's PostgreSQL database when DATABASE_URL names one that does not exist."""

from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo


class DatabaseNotCreated(Exception):
    """The database is missing and this account may not create it."""


def create_database_if_missing(*, database: dict[str, Any]) -> bool:
    """Create the database described by a Django DATABASES entry unless it exists (PostgreSQL
    only; SQLite creates its file on first use). Returns whether it was created."""
    if database["ENGINE"] != "django.db.backends.postgresql":
        return False
    name = database["NAME"]
    # The server's maintenance database is always there to connect to while ours is not.
    connection_details = {
        "dbname": "postgres",
        "user": database.get("USER"),
        "password": database.get("PASSWORD"),
        "host": database.get("HOST"),
        "port": database.get("PORT"),
    }
    with psycopg.connect(
        make_conninfo(**{key: str(value) for key, value in connection_details.items() if value}),
        autocommit=True,  # CREATE DATABASE cannot run inside a transaction
    ) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if exists:
            return False
        try:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        except psycopg.errors.InsufficientPrivilege as error:
            options = [
                f"{flag} {database[key]}"
                for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER"))
                if database.get(key)
            ]
            command = " ".join(["createdb", *options, name])
            raise DatabaseNotCreated(
                f'Database "{name}" does not exist and this account may not create it. '
                f"Ask a PostgreSQL administrator to run: {command}"
            ) from error
    return True
