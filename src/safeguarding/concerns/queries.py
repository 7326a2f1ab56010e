"""Reading concerns for the pages: the triage queue, one concern, counts for the board."""

from dataclasses import dataclass

import pandas as pd
from django.core.paginator import Paginator
from django.db.models import Count
from django.utils import timezone

from safeguarding.concerns.indicators import indicator_lists
from safeguarding.concerns.models import OPEN_STATUSES, Concern, Outcome, Priority, Status

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


def counts_by_sector_and_month(*, months: int = 12) -> SectorMonths:
    """Reports received per sector and month (merged duplicates count once): for the board.
    Holds no personal data."""
    # Months are worked out here rather than by the database: SQLite truncates dates in local
    # time through a Python function called once per row, ten times slower than this.
    found = pd.DataFrame.from_records(
        Concern.objects.exclude(status=Status.MERGED).values_list("sector", "received_at"),
        columns=["sector", "received_at"],
    )
    table: dict[tuple[str, str], int] = {}
    if not found.empty:
        local = pd.to_datetime(found["received_at"], utc=True).dt.tz_convert(
            timezone.get_current_timezone_name()
        )
        found["month"] = local.dt.year * 100 + local.dt.month
        grouped = found.groupby(["sector", "month"]).size()
        table = {
            (sector, f"{month // 100}-{month % 100:02d}"): int(n)
            for (sector, month), n in grouped.items()
        }
    all_months = sorted({month for _, month in table})[-months:]
    rows = []
    for sector in indicator_lists().sectors:
        counts = [table.get((sector.id, month), 0) for month in all_months]
        rows.append((sector.name, counts, sum(counts)))
    return SectorMonths(months=all_months, rows=rows)


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
