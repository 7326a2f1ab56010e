import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from safeguarding.access import audit
from safeguarding.access.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


def test_each_event_carries_the_hash_of_the_one_before(cast):
    first = audit.record(action=AuditAction.SEARCH, user=cast["analyst"], object_type="person")
    second = audit.record(
        action=AuditAction.VIEW,
        user=cast["analyst"],
        object_type="person",
        object_id=7,
        purpose="Preparing for panel",
    )
    assert second.sequence == first.sequence + 1
    assert second.previous_hash == first.hash
    assert second.roles == "analyst"
    assert second.agency == "Safeguarding Partnership"
    assert list(audit.verify_chain()) == []


def test_events_cannot_be_changed_or_deleted_through_the_app(cast):
    event = audit.record(action=AuditAction.EXPORT, user=cast["analyst"], object_type="tracker")
    event.purpose = "something else"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(purpose="rewritten")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


def _tamper(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_verify_passes_on_an_intact_trail(cast, capsys):
    for object_id in range(3):
        audit.record(
            action=AuditAction.VIEW, user=cast["analyst"], object_type="person", object_id=object_id
        )
    call_command("audit", "verify")
    assert "intact: 3 events checked" in capsys.readouterr().out


def test_verify_fails_when_a_row_is_altered_in_the_database(cast):
    for object_id in range(3):
        audit.record(
            action=AuditAction.VIEW, user=cast["analyst"], object_type="person", object_id=object_id
        )
    _tamper("UPDATE access_auditevent SET object_id = %s WHERE sequence = %s", ["99", 2])
    with pytest.raises(CommandError, match="tampered"):
        call_command("audit", "verify")
    problems = list(audit.verify_chain())
    assert [problem.sequence for problem in problems] == [2]


def test_verify_fails_when_a_row_is_removed(cast):
    for object_id in range(3):
        audit.record(
            action=AuditAction.VIEW, user=cast["analyst"], object_type="person", object_id=object_id
        )
    _tamper("DELETE FROM access_auditevent WHERE sequence = %s", [2])
    reasons = [problem.reason for problem in audit.verify_chain()]
    assert any("missing" in reason for reason in reasons)


def test_verify_notices_the_newest_events_removed(cast):
    for object_id in range(3):
        audit.record(
            action=AuditAction.VIEW, user=cast["analyst"], object_type="person", object_id=object_id
        )
    _tamper("DELETE FROM access_auditevent WHERE sequence = %s", [3])
    assert [problem.reason for problem in audit.verify_chain()] == ["the newest events are missing"]
