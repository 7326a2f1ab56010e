"""Helpers for the onboarding tests: a feed file written from its sections, an import."""

from datetime import date
from pathlib import Path

from safeguarding.sources.feeds import Feed, load_feed
from safeguarding.sources.importing import import_file
from safeguarding.sources.models import ImportBatch, QuarantinedRow

TODAY = date(2026, 12, 5)


def feed_text(name: str, body: str, *, agency: str = "wiltshire-police", patterns="*") -> str:
    return (
        f'[feed]\nname = "{name}"\nagency = "{agency}"\ntitle = "{name}"\n'
        'lawful_basis = "DPA 2018 Part 3"\nisa_reference = "ISA-TEST-1"\n'
        f'isa_review_date = 2027-06-30\nretention_days = 365\nfile_patterns = ["{patterns}"]\n\n'
        + body
    )


def write_feed(folder: Path, name: str, body: str, **options) -> Feed:
    path = folder / f"{name}.toml"
    path.write_text(feed_text(name, body, **options), encoding="utf-8")
    return load_feed(path)


def import_text(
    folder: Path, feed: Feed, file_name: str, text: str | bytes, **options
) -> ImportBatch:
    path = folder / file_name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", newline="")
    return import_file(feed=feed, path=path, today=TODAY, **options).batch


def quarantined(batch: ImportBatch) -> dict[int, str]:
    return dict(
        QuarantinedRow.objects.filter(import_batch=batch).values_list("row_number", "reason")
    )
