"""Receiving a report from the public form: written first, then made a concern to triage.

The report row is committed on its own before anything else is done with it, so what someone
saw is kept even if making the concern fails. A report left waiting is made a concern later, by
`retry_waiting_reports` (the queue's "make concerns" button or `safeguarding concerns retry`),
never by opening a page.
"""

import datetime
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from safeguarding.concerns.indicators import IndicatorLists, indicator_lists
from safeguarding.concerns.models import (
    Concern,
    ConcernObject,
    PartnerOrganisation,
    Priority,
    Report,
    month_received,
)

logger = logging.getLogger(__name__)
# No 0/O, 1/I/L: a reference is read out on the phone.
REFERENCE_LETTERS = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
OBJECT_FIELDS = {"vehicles": "vehicle", "phones": "phone", "handles": "social_media_handle"}


def new_reference() -> str:
    code = "".join(secrets.choice(REFERENCE_LETTERS) for _ in range(8))
    return f"SH-{code[:4]}-{code[4:]}"


def address_hash(address: str | None) -> str:
    """A keyed hash of a network address: countable, not reversible without the key."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, (address or "").encode(), hashlib.sha256).hexdigest()


def too_many_reports(*, address: str | None, now: datetime.datetime | None = None) -> bool:
    """Whether this address has sent its hour's allowance of reports (counted in the table,
    so every server process counts the same)."""
    since = (now or timezone.now()) - datetime.timedelta(hours=1)
    sent = Report.objects.filter(address_hash=address_hash(address), received_at__gte=since)
    return sent.count() >= settings.CONCERN_REPORTS_PER_HOUR


def receive_report(*, answers: dict, address: str | None) -> Report:
    """Store the answers first; then make the concern, if that fails the report still stands."""
    lists = indicator_lists()
    for _ in range(5):
        try:
            with transaction.atomic():
                report = Report.objects.create(
                    reference=new_reference(),
                    received_at=timezone.now(),
                    answers=answers,
                    indicator_version=lists.version,
                    address_hash=address_hash(address),
                )
            break
        except IntegrityError:  # the same reference drawn twice: draw again
            continue
    else:
        raise RuntimeError("Could not draw a new reference")
    try:
        concern_from_report(report, lists=lists)
    except Exception:
        logger.exception("Report %s kept; its concern will be made later", report.pk)
    return report


def initial_priority(*, answers: dict, lists: IndicatorLists) -> Priority:
    """A child in danger now comes first; any urgent sign makes it high; the rest routine."""
    if answers.get("danger_now") == "yes":
        return Priority.IMMEDIATE
    if set(answers.get("indicators") or []) & lists.urgent():
        return Priority.HIGH
    return Priority.ROUTINE


def _seen_at(answers: dict) -> datetime.datetime | None:
    if not answers.get("seen_on"):
        return None
    day = datetime.date.fromisoformat(answers["seen_on"])
    hour, minute = 12, 0
    if answers.get("seen_time"):
        hour, minute = (int(part) for part in answers["seen_time"].replace(".", ":").split(":"))
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@transaction.atomic
def concern_from_report(report: Report, *, lists: IndicatorLists | None = None) -> Concern:
    """The concern to triage, made from a stored report."""
    lists = lists or indicator_lists()
    answers = report.answers
    priority = initial_priority(answers=answers, lists=lists)
    hours = lists.hours[Priority(priority).name.lower()]
    code = (answers.get("organisation_code") or "").strip().lower()
    organisation = (
        PartnerOrganisation.objects.filter(code=code, active=True).first() if code else None
    )
    concern = Concern.objects.create(
        report=report,
        reference=report.reference,
        received_at=report.received_at,
        received_month=month_received(report.received_at),
        sector=answers.get("sector") or "other",
        organisation=organisation,
        anonymous=not answers.get("reporter_contact"),
        reporter_name=answers.get("reporter_name", ""),
        reporter_contact=answers.get("reporter_contact", ""),
        seen_at=_seen_at(answers),
        postcode=answers.get("postcode", ""),
        address=answers.get("address", ""),
        latitude=answers.get("latitude"),
        longitude=answers.get("longitude"),
        indicators=list(answers.get("indicators") or []),
        danger_now=answers.get("danger_now") == "yes",
        what_happened=answers.get("what_happened", ""),
        people_described=answers.get("people_described", ""),
        priority=priority,
        due_at=report.received_at + datetime.timedelta(hours=hours),
    )
    ConcernObject.objects.bulk_create(
        [
            ConcernObject(concern=concern, kind=kind, value=value)
            for field, kind in OBJECT_FIELDS.items()
            for value in dict.fromkeys(answers.get(field) or [])
        ]
    )
    return concern


@dataclass(frozen=True)
class Retried:
    made: int
    failed: int


def retry_waiting_reports() -> Retried:
    """Make the concern of every report still without one (left by a failure). A report that
    fails again stays waiting, and the others are still made."""
    made = failed = 0
    for report in Report.objects.filter(concern__isnull=True).order_by("pk"):
        try:
            concern_from_report(report)
        except Exception:
            logger.exception("Report %s still waiting: its concern could not be made", report.pk)
            failed += 1
        else:
            made += 1
    return Retried(made=made, failed=failed)
