"""Linking the small synthetic county end to end: import, link, evaluate, export."""

import csv
from pathlib import Path

import pandas as pd
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import Count

from safeguarding.common.identifiers import upn_check_letter
from safeguarding.linkage import pipeline
from safeguarding.linkage.configuration import linkage_settings
from safeguarding.linkage.decisions import decide, merge_people
from safeguarding.linkage.evaluate import evaluate_against_truth, truth_clusters
from safeguarding.linkage.models import LinkDecisionKind
from safeguarding.linkage.pipeline import (
    current_model,
    link_all,
    linked_records_frame,
    records_to_link,
)
from safeguarding.people.models import Involvement, Person, SourceRecord
from safeguarding.sources.feeds import load_feeds
from safeguarding.synth.county import build_county
from safeguarding.synth.parameters import REFERENCE_END
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def imported_county(tmp_path, agencies) -> Path:
    county = tmp_path / "county"
    build_county(out_dir=county, seed=5, scale=2000, window_end=REFERENCE_END)
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

    # People's decisions survive a full re-link with a newly trained model.
    analyst = UserFactory(roles=["analyst"])
    person = Person.objects.filter(source_records__feed__name="police-nominals").first()
    records = sorted(person.source_records.values_list("pk", flat=True))
    other = Person.objects.exclude(pk=person.pk).order_by("pk").first()
    survivor = merge_people(user=analyst, person=person, other=other, reason="Confirmed")
    merged = sorted(survivor.source_records.values_list("pk", flat=True))
    model = current_model().version
    link_all(full=True)
    assert current_model().version != model
    assert SourceRecord.objects.filter(pk__in=merged).values("person").distinct().count() == 1
    assert set(records) <= set(merged)

    out = tmp_path / "links.csv"
    call_command("export", "links", str(out))
    with out.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["source", "source_record_id", "person_id"]
    assert len(rows) == SourceRecord.objects.count()
    assert {row["source"] for row in rows} >= {"police-nominals", "education-pupils"}


def test_a_new_extract_links_its_records_with_the_saved_model(imported_county, tmp_path):
    link_all()
    model = current_model().version
    known = SourceRecord.objects.filter(feed__name="education-pupils").order_by("pk")[:5]
    # The same five children in another school's later extract, under new pupil numbers.
    pupils = pd.DataFrame(
        {
            "UPN": [upn_check_letter(f"9{n:011d}") + f"9{n:011d}" for n in range(5)],
            "LegalSurname": [record.family_name for record in known],
            "Forename": [record.given_names for record in known],
            "DOB": [record.date_of_birth.isoformat() for record in known],
            "Gender": [{"male": "M", "female": "F"}.get(record.sex, "U") for record in known],
            "Ethnicity": [record.ethnicity for record in known],
            "Postcode": [record.postcode for record in known],
            "URN": "100001",
        }
    )
    drop = tmp_path / "drop"
    drop.mkdir()
    pupils.to_csv(drop / "education_pupils_2026b.csv", index=False)
    call_command("import", dir=drop, feeds=settings.FEEDS_DIR)
    new = SourceRecord.objects.filter(source_record_id__in=pupils["UPN"].tolist())
    assert new.filter(person__isnull=True).count() == 5

    summary = link_all()
    assert not summary.full and summary.new_records == 5
    assert current_model().version == model
    for record in new.all():
        twin = SourceRecord.objects.filter(
            feed__name="education-pupils",
            given_names=record.given_names,
            family_name=record.family_name,
            date_of_birth=record.date_of_birth,
        ).exclude(pk=record.pk)
        assert twin.get().person_id == record.person_id
        assert record.link_model_version == model


def test_once_enough_people_have_decided_a_full_link_learns_from_their_decisions(
    imported_county, monkeypatch, tmp_path
):
    link_all()
    analyst = UserFactory(roles=["analyst"])
    people = (
        Person.objects.annotate(records=Count("source_records"))
        .filter(records__gte=2)
        .order_by("pk")[:3]
    )
    for person in people:
        first, second = person.source_records.order_by("pk")[:2]
        decide(
            user=analyst,
            record_a=first.pk,
            record_b=second.pk,
            kind=LinkDecisionKind.SAME_PERSON,
            reason="Checked with the school",
        )
    settings_file = tmp_path / "settings.toml"
    settings_file.write_text(
        settings.LINKAGE_SETTINGS.read_text().replace(
            "labels_to_train = 200", "labels_to_train = 3"
        )
    )
    monkeypatch.setattr(settings, "LINKAGE_SETTINGS", settings_file)
    summary = link_all(full=True)
    assert summary.labels_used == 3
    assert current_model().summary["labels_used"] == 3


def test_records_read_and_standardised_in_chunks_are_those_read_at_once(
    imported_county, monkeypatch
):
    config = linkage_settings()
    everyone, compared = records_to_link(config)
    monkeypatch.setattr(pipeline, "READ_CHUNK", 97)
    chunks = list(pipeline.source_record_chunks(pipeline.identifier_kinds()))
    in_chunks, compared_in_chunks = records_to_link(config)

    assert len(chunks) == -(-len(everyone) // 97) > 10
    pd.testing.assert_frame_equal(in_chunks, everyone)
    pd.testing.assert_frame_equal(compared_in_chunks, compared)
    # Identifiers are found for the records of later chunks, not the first only.
    assert sum(chunk["nhs_number"].notna().any() for chunk in chunks[1:]) > 1
    assert len(compared) == SourceRecord.objects.exclude(feed__name__in=config.not_linked).count()
