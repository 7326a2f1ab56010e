"""Triage: what an analyst does to a concern, each a plain function the pages call.

The outcome turns the concern into an event in the records (people's writing functions), with
the people linked as involvements and the Hub itself as its provenance (a feed of its own, one
batch per triaged concern), so it shows on the timeline and feeds the tracker, places and the
network."""

import datetime
import hashlib
import logging
from smtplib import SMTPException

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from safeguarding.access.models import Agency, AgencyKind
from safeguarding.concerns.indicators import indicator_lists
from safeguarding.concerns.models import (
    OPEN_STATUSES,
    Concern,
    ConcernObject,
    ConcernPerson,
    Outcome,
    Status,
)
from safeguarding.people import services as people_services
from safeguarding.people.enumerations import EventType
from safeguarding.people.models import Person, SourceRecord
from safeguarding.sources.models import Feed, ImportBatch, ImportStatus

logger = logging.getLogger(__name__)
FEED_NAME = "hub-concerns"
DUPLICATE_HOURS = 24


class TriageError(ValueError):
    """A triage step that cannot be done, with a message for the analyst."""


def assign(*, concern: Concern, user) -> None:
    concern.assigned_to = user
    if concern.status == Status.NEW:
        concern.status = Status.ASSIGNED
    concern.save(update_fields=["assigned_to", "status"])


def link_person(*, concern: Concern, person: Person, role: str, user) -> ConcernPerson:
    link, _ = ConcernPerson.objects.get_or_create(
        concern=concern, person=person, role=role, defaults={"linked_by": user}
    )
    return link


def set_place(*, concern: Concern, postcode: str, address: str) -> None:
    """Where it happened, placed in the partnership's geography."""
    concern.postcode = postcode
    concern.address = address
    concern.location = people_services.location_for(name=address, postcode=postcode)
    concern.save(update_fields=["postcode", "address", "location"])


def _reported_place(concern: Concern):
    """Where the reporter said: the point they picked on the map (the more precise), otherwise
    their postcode; None when they gave neither."""
    if concern.latitude is not None and concern.longitude is not None:
        return people_services.location_at(latitude=concern.latitude, longitude=concern.longitude)
    if concern.postcode:
        return people_services.location_for(name=concern.address, postcode=concern.postcode)
    return None


def add_object(*, concern: Concern, kind: str, value: str) -> ConcernObject:
    value = "".join(value.split()).upper() if kind == "vehicle" else value.strip()
    found, _ = ConcernObject.objects.get_or_create(concern=concern, kind=kind, value=value)
    return found


def suggested_duplicates(concern: Concern) -> list[Concern]:
    """Other reports that may be the same: the same postcode within a day of it, or naming the
    same vehicle, phone or handle. Merged reports are left out."""
    moment = concern.seen_at or concern.received_at
    window = datetime.timedelta(hours=DUPLICATE_HOURS)
    same_place = Q()
    if concern.postcode:
        same_place = Q(postcode=concern.postcode) & (
            Q(seen_at__range=(moment - window, moment + window))
            | Q(seen_at__isnull=True, received_at__range=(moment - window, moment + window))
        )
    objects = list(concern.named_objects.values_list("kind", "value"))
    same_object = Q()
    for kind, value in objects:
        same_object |= Q(named_objects__kind=kind, named_objects__value=value)
    condition = same_place | same_object
    if not condition:
        return []
    return list(
        Concern.objects.filter(condition)
        .exclude(pk=concern.pk)
        .exclude(status=Status.MERGED)
        .distinct()
        .order_by("received_at")[:20]
    )


@transaction.atomic
def merge(*, duplicate: Concern, into: Concern) -> None:
    """Fold a duplicate report into another: its signs, objects and people join the other's,
    and it leaves the queue (kept, marked merged, so its reference still finds it)."""
    if duplicate.pk == into.pk:
        raise TriageError("A report cannot be merged into itself")
    if into.status == Status.MERGED:
        raise TriageError("That report was itself merged; merge into the one it joined")
    if duplicate.status == Status.MERGED:
        raise TriageError(f"{duplicate.reference} is already merged")
    into.indicators = list(dict.fromkeys([*into.indicators, *duplicate.indicators]))
    into.danger_now = into.danger_now or duplicate.danger_now
    into.priority = min(into.priority, duplicate.priority)
    into.due_at = min(into.due_at, duplicate.due_at)
    into.save(update_fields=["indicators", "danger_now", "priority", "due_at"])
    for kind, value in duplicate.named_objects.values_list("kind", "value"):
        ConcernObject.objects.get_or_create(concern=into, kind=kind, value=value)
    for person_id, role, by in duplicate.people.values_list("person_id", "role", "linked_by"):
        ConcernPerson.objects.get_or_create(
            concern=into, person_id=person_id, role=role, defaults={"linked_by_id": by}
        )
    duplicate.status = Status.MERGED
    duplicate.merged_into = into
    duplicate.save(update_fields=["status", "merged_into"])


def _feed() -> Feed:
    agency, _ = Agency.objects.get_or_create(
        code="partnership",
        defaults={"name": "Safeguarding Partnership", "kind": AgencyKind.PARTNERSHIP},
    )
    feed, _ = Feed.objects.get_or_create(
        name=FEED_NAME,
        defaults={
            "agency": agency,
            "title": "Concerns reported to the Hub by partners and the public, as triaged",
            "lawful_basis": "UK GDPR Art. 6(1)(e) public task; DPA 2018 Sch. 1 para 18 "
            "(safeguarding of children)",
            "isa_reference": "Partnership's own records",
            "retention_days": 2190,
        },
    )
    return feed


def _batch(*, feed: Feed, concern: Concern, user) -> ImportBatch:
    now = timezone.now()
    return ImportBatch.objects.create(
        feed=feed,
        file_name=f"concern {concern.reference}",
        checksum=hashlib.sha256(f"{concern.reference}:{now.isoformat()}".encode()).hexdigest(),
        status=ImportStatus.SUCCEEDED,
        rows_read=1,
        rows_imported=1,
        started_at=now,
        finished_at=now,
        imported_by=user,
    )


@transaction.atomic
def record_outcome(*, concern: Concern, outcome: str, reason: str, user) -> None:
    """Close the triage with an outcome and its reason. Any outcome but "no further action"
    makes (or remakes) the concern's event in the records."""
    if concern.status == Status.MERGED:
        raise TriageError("This report was merged: record the outcome on the one it joined")
    concern.outcome = outcome
    concern.outcome_reason = reason
    concern.status = Status.DONE
    concern.triaged_by = user
    concern.triaged_at = timezone.now()
    if outcome != Outcome.NO_FURTHER_ACTION:
        concern.event = _write_event(concern=concern, user=user)
    concern.save()


def _write_event(*, concern: Concern, user):
    feed = _feed()
    batch = _batch(feed=feed, concern=concern, user=user)
    links = list(concern.people.values_list("person_id", "role"))
    # An involvement names one of the person's records (the earliest): the person follows it.
    first_record: dict[int, int] = {}
    for person_id, record_id in (
        SourceRecord.objects.filter(person_id__in=[p for p, _ in links])
        .order_by("person_id", "pk")
        .values_list("person_id", "pk")
    ):
        first_record.setdefault(person_id, record_id)
    involvements: list[tuple[int, int | None, str]] = [
        (first_record[person_id], person_id, role)
        for person_id, role in links
        if person_id in first_record
    ]
    texts = indicator_lists().texts()
    objects = list(concern.named_objects.all())
    merged = list(concern.merged.values_list("reference", flat=True))
    if concern.location is None:
        concern.location = _reported_place(concern)
    event = people_services.record_event(
        feed_id=feed.pk,
        batch_id=batch.pk,
        source_event_id=concern.reference,
        event_type=EventType.CONCERN_REPORT,
        occurred_at=concern.seen_at or concern.received_at,
        location_id=concern.location_id,
        description=concern.what_happened[:2000],
        details={
            "reporter_sector": concern.sector,
            "organisation": concern.organisation.name if concern.organisation else "",
            "seen": [texts.get(i, i) for i in concern.indicators],
            "outcome": Outcome(concern.outcome).label,
            "vehicles": [o.value for o in objects if o.kind == "vehicle"],
            "phones": [o.value for o in objects if o.kind == "phone"],
            "handles": [o.value for o in objects if o.kind == "social_media_handle"],
            "merged_reports": merged,
        },
        involvements=involvements,
    )
    for obj in objects:
        obj.object_id = people_services.object_ids(kind=obj.kind, values=[obj.value])[obj.value]
        obj.save(update_fields=["object"])
    # Objects belong to the adults linked as suspects (the vehicle they drove, their phone).
    object_ids = [o.object_id for o in objects if o.object_id]
    for person_id, role in links:
        if role == "suspect" and person_id in first_record and object_ids:
            people_services.link_objects(
                object_ids=object_ids,
                source_record_id=first_record[person_id],
                feed_id=feed.pk,
                batch_id=batch.pk,
            )
    return event


def reporter_email(concern: Concern) -> str | None:
    """The email address the reporter left, if what they left is one (and not anonymous)."""
    contact = concern.reporter_contact.strip()
    if concern.anonymous or not contact:
        return None
    try:
        validate_email(contact)
    except ValidationError:
        return None
    return contact


FEEDBACK_SUBJECT = "Your report {reference} to the safeguarding partnership"
FEEDBACK_BODY = """Thank you for your report {reference}.

{text}

This address does not read replies. If a child is in danger now, call 999.
"""


def send_feedback(*, concern: Concern, text: str, user) -> bool:
    """Tell the reporter what came of their report: by email when the contact they left is an
    email address (then True), otherwise recorded for the analyst to give by phone (False).
    Never to an anonymous reporter. What was said, when and by whom is kept on the concern."""
    if concern.anonymous or not concern.reporter_contact:
        raise TriageError("The reporter left no contact details")
    address = reporter_email(concern)
    if address:
        try:
            send_mail(
                subject=FEEDBACK_SUBJECT.format(reference=concern.reference),
                message=FEEDBACK_BODY.format(reference=concern.reference, text=text),
                from_email=None,  # settings.DEFAULT_FROM_EMAIL
                recipient_list=[address],
            )
        except (OSError, SMTPException) as error:
            # Logged by kind only: the message would carry the reporter's address.
            logger.warning("Feedback on concern %s not sent: %s", concern.pk, type(error).__name__)
            raise TriageError("The email could not be sent: nothing was recorded") from error
    concern.feedback = text
    concern.feedback_at = timezone.now()
    concern.feedback_by = user
    concern.feedback_emailed = bool(address)
    concern.save(update_fields=["feedback", "feedback_at", "feedback_by", "feedback_emailed"])
    return bool(address)


def open_concerns():
    return Concern.objects.filter(status__in=OPEN_STATUSES)
