"""Linkage on data of every shape: public data sets nobody here wrote, a county with no NHS
numbers, an agency without dates of birth, one file, too few records, none at all. Each test
asserts the people built, not only that nothing crashed."""

import csv
import json
from pathlib import Path

import pandas as pd
import pytest
from django.conf import settings
from django.core.management import call_command

from safeguarding.linkage.configuration import LinkageSettings, linkage_settings
from safeguarding.linkage.evaluate import evaluate, evaluate_against_truth, truth_clusters
from safeguarding.linkage.model import RULE_BASED, clusters_at, train_and_score
from safeguarding.linkage.pipeline import current_model, link_all, linked_records_frame
from safeguarding.linkage.standardise import standardise
from safeguarding.linkage.waterfall import model_weights
from safeguarding.people.models import Person, SourceRecord
from safeguarding.sources.feeds import load_feeds
from safeguarding.synth.county import build_county
from safeguarding.synth.parameters import REFERENCE_END
from tests.factories import FeedFactory, SourceRecordFactory
from tests.linkage.febrl import febrl_records


def linked(records: pd.DataFrame, config: LinkageSettings | None = None):
    """The model's people for these records, measured against their truth."""
    config = config or LinkageSettings(
        **{**vars(linkage_settings()), "postcode": None, "identifier_kinds": None}
    )
    standardised = standardise(records, identifier_kinds=["social_security_number"])
    scored = train_and_score(standardised, config=config)
    clusters = clusters_at(scored.pairs, records["id"].tolist(), config.threshold)
    assigned = pd.DataFrame(
        {"record": records["id"], "predicted": records["id"].map(clusters), "true": records["true"]}
    )
    return scored, evaluate(assigned)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("files", "below", "precision", "recall"),
    [
        (["dataset1.csv"], None, 0.99, 0.95),  # 500 originals, 500 duplicates
        (["dataset2.csv"], 1000, 0.99, 0.9),  # up to 5 duplicates each
        (["dataset3.csv"], 1000, 0.99, 0.9),  # up to 9 duplicates each
        (["dataset4a.csv", "dataset4b.csv"], 1500, 0.995, 0.97),  # two files, one each
    ],
)
def test_the_febrl_data_sets_link_without_settings_made_for_them(files, below, precision, recall):
    records = febrl_records(files, below=below)
    scored, figures = linked(records)
    assert scored.linker == "trained"
    # FEBRL holds no sex: the comparison is left out, not trained on nothing.
    assert "gamma_sex" not in scored.pairs
    assert "gamma_social_security_number" in scored.pairs
    assert figures.precision >= precision, figures
    assert figures.recall >= recall, figures


def test_too_few_records_to_train_are_linked_by_rule():
    records = febrl_records(["dataset1.csv"], below=40)
    scored, figures = linked(records)
    assert scored.linker == RULE_BASED
    assert any("rule-based" in note for note in scored.notes)
    # Rules link only what agrees exactly: few links, all of them right.
    assert figures.precision == 1.0
    assert 0 < figures.pairs_correct < figures.pairs_true


def test_a_training_session_without_pairs_is_skipped_and_said(tmp_path):
    records = febrl_records(["dataset4a.csv", "dataset4b.csv"], below=800)
    config = LinkageSettings(
        **{
            **vars(linkage_settings()),
            "postcode": None,
            "identifier_kinds": ("social_security_number",),
            "training": (("identifier",), ("date_of_birth", "surname")),
        }
    )
    standardised = standardise(records, identifier_kinds=["social_security_number"])
    # An identifier no two records share: the session blocked on it finds no pairs.
    standardised["social_security_number"] = standardised["unique_id"].astype(str)
    scored = train_and_score(standardised, config=config)
    assert scored.linker == "trained"
    assert scored.notes == [
        "training session l.social_security_number = r.social_security_number skipped "
        "(found no pairs)",
        "no training session estimated date_of_birth: it keeps its starting values",
        "no training session estimated surname: it keeps its starting values",
    ]
    # The failed session took nothing from the model: Splink drops the comparisons a session
    # blocks on from the linker's settings until the session succeeds.
    compared = [c["output_column_name"] for c in scored.model_json["comparisons"]]
    assert "social_security_number" in compared
    # What it alone would have trained (surname, date of birth: the other session blocks on
    # them) keeps Splink's starting values, and the waterfall marks them as never estimated.
    path = tmp_path / "model.json"
    path.write_text(json.dumps(scored.model_json))
    weights = {c.column: c for c in model_weights(str(path)).comparisons}
    surname = weights["surname"].levels
    assert not any(level.estimated for gamma, level in surname.items() if gamma >= 0)
    assert all(level.estimated for gamma, level in weights["address"].levels.items() if gamma > 0)


@pytest.mark.django_db
def test_linking_an_empty_database_does_nothing_and_says_so(capsys):
    summary = link_all(full=True)
    assert (summary.records, summary.people, summary.linker) == (0, 0, "none")
    call_command("link", "--full")
    assert "Nothing to link: 0 source records." in capsys.readouterr().out
    assert current_model() is None


@pytest.mark.django_db
def test_linking_a_single_record_gives_it_a_person_and_trains_nothing():
    feed = FeedFactory(name="health-patients")
    record = SourceRecordFactory(person=None, feed=feed, import_batch__feed=feed)
    summary = link_all(full=True)
    assert summary.linker == "none" and summary.records == 1
    record.refresh_from_db()
    assert record.person_id is not None
    assert Person.objects.count() == 1 and current_model() is None


def county(tmp_path: Path, *, noise: str = "default") -> Path:
    folder = tmp_path / "county"
    build_county(out_dir=folder, seed=11, scale=700, window_end=REFERENCE_END, noise=noise)
    return folder


def import_and_link(extracts: Path, truth: Path, *, only: set[str] | None = None):
    call_command("import", dir=extracts, feeds=settings.FEEDS_DIR, verbosity=0)
    summary = link_all(full=True)
    records = linked_records_frame()
    truth_frame = truth_clusters(truth_dir=truth, feeds=load_feeds(settings.FEEDS_DIR))
    linkable = records[~records["feed"].isin(linkage_settings().not_linked)]
    return summary, evaluate_against_truth(linkable, truth_frame)


@pytest.mark.django_db
@pytest.mark.slow
def test_a_county_with_no_nhs_numbers_links(tmp_path, agencies):
    folder = county(tmp_path, noise="no-nhs-numbers")
    summary, figures = import_and_link(folder / "extracts", folder / "truth")
    assert summary.linker == "trained"
    assert not any("nhs_number" in note for note in summary.notes)
    assert SourceRecord.objects.filter(person__isnull=True).count() == 0
    assert summary.people == Person.objects.count() < summary.records
    assert figures.precision > 0.97 and figures.recall > 0.9, figures
    model = Path(current_model().path).read_text()
    assert '"nhs_number"' not in model  # not compared: nobody holds one


@pytest.mark.django_db
@pytest.mark.slow
def test_an_agency_without_dates_of_birth_still_links_its_records(tmp_path, agencies):
    folder = county(tmp_path)
    patients = next((folder / "extracts").rglob("health_patients.csv"))
    # The health extract comes in Windows-1252, as a hospital system writes it: bytes kept.
    with patients.open(newline="", encoding="latin-1") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row["DateOfBirth"] = ""
    with patients.open("w", newline="", encoding="latin-1") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    summary, figures = import_and_link(folder / "extracts", folder / "truth")
    assert (
        not SourceRecord.objects.filter(feed__name="health-patients")
        .exclude(date_of_birth=None)
        .exists()
    )
    assert figures.precision > 0.97 and figures.recall > 0.85, figures
    # Health records still join other agencies' records of the same young people.
    shared = (
        Person.objects.filter(source_records__feed__name="health-patients")
        .filter(source_records__feed__name="education-pupils")
        .distinct()
        .count()
    )
    assert shared > 0.5 * SourceRecord.objects.filter(feed__name="health-patients").count()


@pytest.mark.django_db
@pytest.mark.slow
def test_a_single_file_is_deduplicated(tmp_path, agencies):
    folder = county(tmp_path)
    only = tmp_path / "only"
    only.mkdir()
    pupils = next((folder / "extracts").rglob("education_pupils.csv"))
    (only / pupils.name).symlink_to(pupils)
    summary, figures = import_and_link(only, folder / "truth")
    pupils_held = SourceRecord.objects.count()
    assert summary.records == pupils_held and summary.people < pupils_held
    # A school's duplicates are few (four true pairs here): B-cubed says more than pairs.
    assert figures.precision == 1.0 and figures.pairs_correct >= 2, figures
    assert figures.bcubed_recall > 0.99, figures
