"""Linking the small synthetic county end to end: import, link, evaluate, export."""

import csv
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from safeguarding.linkage.evaluate import evaluate_against_truth, truth_clusters
from safeguarding.linkage.pipeline import link_all, linked_records_frame
from safeguarding.people.models import Involvement, Person, SourceRecord
from safeguarding.sources.feeds import load_feeds
from safeguarding.synth.county import build_county

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def imported_county(tmp_path, agencies) -> Path:
    county = tmp_path / "county"
    build_county(out_dir=county, seed=5, scale=2000)
    call_command("import", dir=county / "extracts", feeds=settings.FEEDS_DIR)
    return county


def test_the_county_links_accurately_and_every_record_has_one_person(imported_county, tmp_path):
    summary = link_all()
    assert SourceRecord.objects.filter(person__isnull=True).count() == 0
    assert summary.people == Person.objects.count() < summary.records
    assert not Involvement.objects.filter(person__isnull=True).exists()

    records = linked_records_frame()
    truth = truth_clusters(
        truth_dir=imported_county / "truth", feeds=load_feeds(settings.FEEDS_DIR)
    )
    linkable = evaluate_against_truth(records[records["feed"] != "partner-concerns"], truth)
    assert linkable.precision > 0.98
    assert linkable.recall > 0.95

    # Re-linking keeps people's ids.
    before = dict(SourceRecord.objects.values_list("pk", "person_id"))
    link_all()
    after = dict(SourceRecord.objects.values_list("pk", "person_id"))
    unchanged = sum(before[pk] == after[pk] for pk in before)
    assert unchanged / len(before) > 0.99

    out = tmp_path / "links.csv"
    call_command("export", "links", str(out))
    with out.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["source", "source_record_id", "person_id"]
    assert len(rows) == SourceRecord.objects.count()
    assert {row["source"] for row in rows} >= {"police-nominals", "education-pupils"}
