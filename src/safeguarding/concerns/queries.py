"""Reading concerns for the pages: the triage queue, one concern, counts for the board."""

import datetime
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Count
from django.utils import timezone

from safeguarding.concerns.indicators import indicator_lists
from safeguarding.concerns.models import (
    OPEN_STATUSES,
    Concern,
    Outcome,
    PartnerOrganisation,
    Priority,
    Report,
    Status,
)

QUEUE_PAGE_SIZE = 50
QUEUE_VIEWS = {
    "open": "Waiting for triage",
    "mine": "Assigned to me",
    "done": "Triaged",
    "merged": "Merged",
}
QUEUE_COLUMNS = [
    "pk",
    "reference",
    "received_at",
    "sector",
    "postcode",
    "priority",
    "due_at",
    "status",
    "danger_now",
    "assigned_to__username",
    "organisation__name",
    "outcome",
]


def queue(*, view: str, user, page: int):
    """One page of the queue: open reports most urgent first (a child in danger now at the
    top), then by deadline; triaged and merged ones newest first. Plain rows, one query."""
    rows = Concern.objects.all()
    if view == "open":
        rows = rows.filter(status__in=OPEN_STATUSES).order_by("priority", "due_at", "pk")
    elif view == "mine":
        rows = rows.filter(status__in=OPEN_STATUSES, assigned_to=user).order_by(
            "priority", "due_at", "pk"
        )
    elif view == "done":
        rows = rows.filter(status=Status.DONE).order_by("-triaged_at", "-pk")
    else:
        rows = rows.filter(status=Status.MERGED).order_by("-received_at", "-pk")
    paginator = Paginator(rows.values(*QUEUE_COLUMNS), QUEUE_PAGE_SIZE)
    page_obj = paginator.get_page(page)
    now = timezone.now()
    sectors = {s.id: s.name for s in indicator_lists().sectors}
    labels = dict(Priority.choices)
    for row in page_obj.object_list:
        row["sector_name"] = sectors.get(row["sector"], row["sector"])
        row["priority_label"] = labels[row["priority"]]
        row["overdue"] = row["status"] in OPEN_STATUSES and row["due_at"] < now
    return page_obj


def open_counts() -> dict[str, int]:
    """How many open reports at each priority, and how many overdue."""
    counts = dict(
        Concern.objects.filter(status__in=OPEN_STATUSES)
        .values_list("priority")
        .annotate(n=Count("pk"))
        .values_list("priority", "n")
    )
    overdue = Concern.objects.filter(status__in=OPEN_STATUSES, due_at__lt=timezone.now()).count()
    return {
        "immediate": counts.get(Priority.IMMEDIATE, 0),
        "high": counts.get(Priority.HIGH, 0),
        "routine": counts.get(Priority.ROUTINE, 0),
        "overdue": overdue,
    }


@dataclass(frozen=True)
class SectorMonths:
    months: list[str]  # "2026-11"
    rows: list[tuple[str, list[int], int]]  # sector name, count per month, total
    organisations: list[tuple[str, str, list[int], int]]  # name, sector name, per month, total


def _first_month(*, months: int) -> datetime.date:
    today = timezone.localdate()
    index = today.year * 12 + today.month - 1 - (months - 1)
    return datetime.date(index // 12, index % 12 + 1, 1)


def counts_by_sector_and_month(*, months: int = 12) -> SectorMonths:
    """Reports received per sector and month, and per registered organisation, over the last
    `months` months (merged duplicates count once): for the board. Holds no personal data.
    Two GROUP BY queries over the stored month, served from the board's indexes."""
    counted = Concern.objects.exclude(status=Status.MERGED).filter(
        received_month__gte=_first_month(months=months)
    )
    by_sector = {
        (sector, month): n
        for sector, month, n in counted.values_list("sector", "received_month")
        .annotate(n=Count("*"))
        .order_by()
    }
    by_organisation = {
        (organisation, month): n
        for organisation, month, n in counted.filter(organisation__isnull=False)
        .values_list("organisation", "received_month")
        .annotate(n=Count("*"))
        .order_by()
    }
    all_months = sorted({month for _, month in [*by_sector, *by_organisation]})
    sectors = indicator_lists().sectors
    rows = []
    for sector in sectors:
        counts = [by_sector.get((sector.id, month), 0) for month in all_months]
        rows.append((sector.name, counts, sum(counts)))
    names = {s.id: s.name for s in sectors}
    organisations = []
    for organisation in PartnerOrganisation.objects.filter(
        pk__in={pk for pk, _ in by_organisation}
    ).order_by("name"):
        counts = [by_organisation.get((organisation.pk, month), 0) for month in all_months]
        sector_name = names.get(organisation.sector, organisation.sector)
        organisations.append((organisation.name, sector_name, counts, sum(counts)))
    return SectorMonths(
        months=[month.strftime("%Y-%m") for month in all_months],
        rows=rows,
        organisations=organisations,
    )


def waiting_reports() -> int:
    """How many reports are stored without their concern yet (left by a failure)."""
    return Report.objects.filter(concern__isnull=True).count()


def partner_organisations():
    return PartnerOrganisation.objects.order_by("sector", "name")


EXPORT_HEADER = [
    "Reference",
    "Received",
    "Sector",
    "Organisation",
    "Priority",
    "Status",
    "Due",
    "Postcode",
    "Address",
    "What was seen",
    "In their words",
    "Outcome",
    "Reason",
]


def export_rows(*, view: str, user):
    """The rows of the CSV of one list, as plain values (one query, no model instances)."""
    texts = indicator_lists().texts()
    priorities, statuses = dict(Priority.choices), dict(Status.choices)
    outcomes = dict(Outcome.choices)
    rows = Concern.objects.order_by("priority", "due_at", "pk")
    if view == "open":
        rows = rows.filter(status__in=OPEN_STATUSES)
    elif view == "mine":
        rows = rows.filter(status__in=OPEN_STATUSES, assigned_to=user)
    elif view == "done":
        rows = rows.filter(status=Status.DONE)
    else:
        rows = rows.filter(status=Status.MERGED)
    zone = timezone.get_current_timezone()
    columns = (
        "reference",
        "received_at",
        "sector",
        "organisation__name",
        "priority",
        "status",
        "due_at",
        "postcode",
        "address",
        "indicators",
        "what_happened",
        "outcome",
        "outcome_reason",
    )
    for row in rows.values_list(*columns).iterator(chunk_size=2000):
        (reference, received, sector, organisation, priority, status, due) = row[:7]
        postcode, address, indicators, words, outcome, reason = row[7:]
        yield [
            reference,
            received.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
            sector,
            organisation or "",
            priorities[priority],
            statuses[status],
            due.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
            postcode,
            address,
            "; ".join(texts.get(i, i) for i in indicators),
            words,
            outcomes.get(outcome, ""),
            reason,
        ]
