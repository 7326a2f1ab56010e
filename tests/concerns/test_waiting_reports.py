"""Reports left without their concern (by a failure as they arrived): the queue counts them and
never writes; the button or the command makes their concerns."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from safeguarding.access.models import AuditAction, AuditEvent
from safeguarding.concerns.models import Concern, Report

pytestmark = pytest.mark.django_db


def waiting_report(reference="SH-WAIT-0001"):
    """A report as a failure leaves it: stored, with no concern."""
    return Report.objects.create(
        reference=reference,
        received_at=timezone.now(),
        answers={"sector": "rail", "what_happened": "Boy with packages", "danger_now": "no"},
        indicator_version="1",
        address_hash="0" * 64,
    )


def test_opening_the_queue_counts_waiting_reports_and_writes_nothing(
    analyst_client, django_assert_max_num_queries
):
    waiting_report()
    writes = []

    def no_writes(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")) and ("concerns_" in sql):
            writes.append(sql)
        return execute(sql, params, many, context)

    from django.db import connection

    with connection.execute_wrapper(no_writes):
        page = analyst_client.get(reverse("concerns:queue")).content.decode()
    assert writes == []
    assert not Concern.objects.exists()
    assert "1 report received but not yet in the queue" in page
    assert "Put it in the queue" in page


def test_the_button_makes_the_waiting_reports_concerns_and_is_audited(analyst_client):
    waiting_report()
    response = analyst_client.post(reverse("concerns:retry_waiting"))
    assert response.status_code == 302
    concern = Concern.objects.get()
    assert concern.reference == "SH-WAIT-0001" and concern.sector == "rail"
    change = AuditEvent.objects.get(action=AuditAction.CHANGE)
    assert change.detail == {"step": "retry_waiting", "made": 1, "failed": 0}
    page = analyst_client.get(reverse("concerns:queue")).content.decode()
    assert "not yet in the queue" not in page


def test_the_command_makes_them_too():
    waiting_report()
    waiting_report("SH-WAIT-0002")
    call_command("concerns", "retry")
    assert Concern.objects.count() == 2
    assert not Report.objects.filter(concern__isnull=True).exists()
