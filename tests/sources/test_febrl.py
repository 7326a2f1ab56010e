"""The public FEBRL benchmark files import through the feeds in feeds/benchmarks/, as published."""

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from django.conf import settings

from safeguarding.access.models import Agency, AgencyKind
from safeguarding.people.models import Identifier, SourceRecord
from safeguarding.sources.feeds import load_feed, load_feeds
from safeguarding.sources.importing import import_file
from safeguarding.sources.models import QuarantinedRow

pytestmark = pytest.mark.django_db

CHECKOUT = Path(__file__).resolve().parents[2]
FEBRL = CHECKOUT / "var" / "febrl"
BENCHMARK_FEEDS = CHECKOUT / "feeds" / "benchmarks"
needs_febrl = pytest.mark.skipif(
    not (FEBRL / "dataset4b.csv").exists(), reason="scripts/fetch-febrl has not been run"
)


@pytest.fixture
def febrl_agency():
    return Agency.objects.create(code="febrl", name="FEBRL benchmark", kind=AgencyKind.PARTNERSHIP)


def test_the_benchmark_feeds_stay_out_of_the_partnerships_own_feeds():
    # load_feeds reads one folder, not its sub-folders: the demo never offers the benchmarks.
    assert not any(name.startswith("febrl") for name in load_feeds(CHECKOUT / "feeds"))
    assert not any(name.startswith("febrl") for name in load_feeds(settings.FEEDS_DIR))


@needs_febrl
@pytest.mark.parametrize("name", ["1", "2", "3", "4a", "4b"])
def test_each_febrl_file_imports_whole_with_impossible_dates_flagged(name, febrl_agency):
    feed = load_feed(BENCHMARK_FEEDS / f"febrl{name}.toml")
    published = pd.read_csv(FEBRL / f"dataset{name}.csv", dtype=str, skipinitialspace=True)
    published.columns = [column.strip() for column in published.columns]
    impossible = (
        published["date_of_birth"].notna()
        & pd.to_datetime(published["date_of_birth"], format="%Y%m%d", errors="coerce").isna()
    )

    batch = import_file(feed=feed, path=FEBRL / f"dataset{name}.csv", today=date(2026, 12, 5)).batch

    assert (batch.rows_read, batch.rows_imported, batch.rows_quarantined) == (
        len(published),
        len(published),
        0,
    )
    assert SourceRecord.objects.count() == len(published)
    assert not QuarantinedRow.objects.exists()
    # The impossible dates are blank, and counted as warnings in the quality report.
    report = batch.quality_report["columns"]["date_of_birth"]
    assert report["warnings"] == int(impossible.sum())
    stored_births = SourceRecord.objects.filter(date_of_birth__isnull=False).count()
    assert stored_births == int((published["date_of_birth"].notna() & ~impossible).sum())
    assert Identifier.objects.filter(kind="social_security_number").count() == int(
        published["soc_sec_id"].notna().sum()
    )


@needs_febrl
def test_a_febrl_record_is_stored_as_published(febrl_agency):
    feed = load_feed(BENCHMARK_FEEDS / "febrl1.toml")
    import_file(feed=feed, path=FEBRL / "dataset1.csv", today=date(2026, 12, 5))

    # rec-122-org, lachlan, berry, 69, giblin street, killarney, bittern, 4814, qld, 19990219,
    # 7364009
    record = SourceRecord.objects.get(source_record_id="rec-122-org")
    assert (record.given_names, record.family_name, record.date_of_birth, record.postcode) == (
        "lachlan",
        "berry",
        date(1999, 2, 19),
        "4814",
    )
    assert record.address == "69, giblin street, killarney, bittern, qld"
    assert list(record.identifiers.values_list("kind", "value", "valid")) == [
        ("social_security_number", "7364009", True)
    ]
    # The identifier's provenance is its record's row: feed, batch and row.
    identifier = record.identifiers.get()
    assert (identifier.feed_id, identifier.import_batch_id, identifier.row_number) == (
        record.feed_id,
        record.import_batch_id,
        record.row_number,
    )
    # rec-223-org has no given name: blank, not a space.
    assert SourceRecord.objects.get(source_record_id="rec-223-org").given_names == ""


@needs_febrl
def test_a_febrl_feed_can_quarantine_impossible_dates_instead(febrl_agency, tmp_path):
    text = (
        (BENCHMARK_FEEDS / "febrl4b.toml")
        .read_text()
        .replace('format = "%Y%m%d", flag_only = true', 'format = "%Y%m%d"')
    )
    strict = tmp_path / "febrl4b.toml"
    strict.write_text(text)
    batch = import_file(
        feed=load_feed(strict), path=FEBRL / "dataset4b.csv", today=date(2026, 12, 5)
    ).batch

    assert (batch.rows_read, batch.rows_imported, batch.rows_quarantined) == (5000, 4936, 64)
    reasons = set(QuarantinedRow.objects.values_list("column", flat=True))
    assert reasons == {"date_of_birth"}
    assert "is not a real date in the form yyyymmdd" in QuarantinedRow.objects.first().reason
