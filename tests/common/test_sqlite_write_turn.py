"""SQLite's write turn (common/sqlite/base.py): every transaction takes a file lock first, gives
it back when it ends however it ends, and a writer that cannot get it in time fails as SQLite
would."""

import fcntl
import threading

import pytest
from django.db import OperationalError, connection, connections, transaction

from safeguarding.access.models import AuditEvent
from safeguarding.common.batch_turns import lock_file_for

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's write turn (PostgreSQL has no single writer)"
)


def _turn_is_free() -> bool:
    with open(lock_file_for(str(connection.settings_dict["NAME"]), "write-turn"), "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(handle, fcntl.LOCK_UN)
        return True


@pytest.mark.django_db(transaction=True)
def test_a_transaction_holds_the_turn_until_it_ends():
    assert _turn_is_free()
    with transaction.atomic():
        AuditEvent.objects.exists()
        assert not _turn_is_free()
        with transaction.atomic():  # a savepoint: the same turn
            assert not _turn_is_free()
        assert not _turn_is_free()
    assert _turn_is_free()

    with pytest.raises(ZeroDivisionError), transaction.atomic():
        assert not _turn_is_free()
        raise ZeroDivisionError  # rolled back: the turn is given back too
    assert _turn_is_free()


@pytest.mark.django_db(transaction=True)
def test_a_second_writer_waits_for_the_turn_then_gets_it():
    """Another connection (a page in another thread) waits while a chunk holds the turn, and
    goes on once it is given back: the turn passes between connections, and holding it beside
    SQLite's own lock deadlocks neither (the page's wait itself SQLite would impose too; the
    turn's own holding is what the other tests check)."""
    holding, release, waited = threading.Event(), threading.Event(), threading.Event()
    order: list[str] = []

    def chunk():
        with transaction.atomic():
            holding.set()
            release.wait(10)
            order.append("chunk done")
        connections.close_all()

    def page():
        holding.wait(10)
        with transaction.atomic():
            order.append("page wrote")
        waited.set()
        connections.close_all()

    threads = [threading.Thread(target=chunk), threading.Thread(target=page)]
    for thread in threads:
        thread.start()
    holding.wait(10)
    assert not waited.wait(0.3), "the page wrote while the chunk held the turn"
    release.set()
    for thread in threads:
        thread.join(10)
    assert order == ["chunk done", "page wrote"]
    assert _turn_is_free()


@pytest.mark.django_db(transaction=True)
def test_a_writer_that_cannot_get_the_turn_in_time_fails_as_sqlite_would():
    path = lock_file_for(str(connection.settings_dict["NAME"]), "write-turn")
    before = connection.settings_dict["OPTIONS"]["timeout"]
    connection.settings_dict["OPTIONS"]["timeout"] = 0.2
    try:
        with open(path, "a") as other:  # another process's chunk, holding the turn
            fcntl.flock(other, fcntl.LOCK_EX)
            with (
                pytest.raises(OperationalError, match="database is locked"),
                transaction.atomic(),
            ):
                pass
            fcntl.flock(other, fcntl.LOCK_UN)
        with transaction.atomic():  # given back: the next transaction goes through
            assert not _turn_is_free()
    finally:
        connection.settings_dict["OPTIONS"]["timeout"] = before
    assert _turn_is_free()
