"""A batch stage that ran leaves PostgreSQL's planner statistics fresh for the pages' queries;
one that had nothing to do leaves them as they were."""

import pytest
from django.db import connection

from safeguarding.runs.recording import recorded

pytestmark = pytest.mark.django_db


def rows_the_planner_counts(table: str) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        return cursor.fetchone()[0]


def test_a_stage_that_ran_refreshes_the_statistics_and_a_skipped_one_does_not():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite keeps no statistics it was not asked for")
    with connection.cursor() as cursor:
        # This session's own table, as a stage's writes: never sampled yet (-1 rows).
        cursor.execute("CREATE TEMPORARY TABLE written_by_a_stage (n integer)")
        cursor.execute("INSERT INTO written_by_a_stage SELECT generate_series(1, 500)")
    assert rows_the_planner_counts("written_by_a_stage") == -1

    with recorded(stage="score", started_by="test") as outcome:
        outcome.skipped = True
    assert rows_the_planner_counts("written_by_a_stage") == -1

    with recorded(stage="score", started_by="test"):
        pass
    assert rows_the_planner_counts("written_by_a_stage") == 500
