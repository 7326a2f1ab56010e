"""The ready feeds for the national standards (feeds/standards/) import the tables as the
specifications name their columns, from small files written from the specifications."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from safeguarding.people.models import Event, Identifier, Involvement, SourceRecord
from safeguarding.risk.catalogue import load_catalogue
from safeguarding.sources.feeds import load_feed
from safeguarding.sources.importing import import_file
from safeguarding.sources.models import QuarantinedRow

pytestmark = pytest.mark.django_db

STANDARDS = settings.FEEDS_DIR / "standards"
FIXTURES = Path(__file__).parent / "fixtures" / "standards"
TODAY = datetime.date(2026, 11, 30)


def standard_feeds() -> dict:
    """The standards' feeds, each loaded from its own file."""
    return {feed.name: feed for feed in map(load_feed, sorted(STANDARDS.glob("*.toml")))}


def import_in_order(files: list[tuple[str, str]]) -> dict:
    feeds = standard_feeds()
    batches = {}
    for name, file_name in files:
        assert feeds[name].claims(file_name)
        batches[name] = import_file(feed=feeds[name], path=FIXTURES / file_name, today=TODAY).batch
    return batches


SSD_TABLES = [
    ("ssd-person", "ssd_person.csv"),
    ("ssd-missing", "ssd_missing.csv"),
    ("ssd-cin-assessments", "ssd_cin_assessments.csv"),
    ("ssd-cla-episodes", "ssd_cla_episodes.csv"),
]
# Tables whose rows add to what the others imported: a person's identifiers, an assessment's
# factors.
SSD_ADDITIONS = [
    ("ssd-linked-identifiers", "ssd_linked_identifiers.csv"),
    ("ssd-assessment-factors", "ssd_assessment_factors.csv"),
]


@pytest.fixture
def imported(agencies):
    """The SSD tables imported in the order their references need."""
    return import_in_order(SSD_TABLES)


@pytest.fixture
def added(agencies):
    """The SSD tables, then those that add to them."""
    return import_in_order(SSD_TABLES + SSD_ADDITIONS)


def day(moment: datetime.datetime) -> datetime.date:
    """The day a date column gave: stored as the start of that day, local time."""
    return timezone.localtime(moment).date()


def counts(batch) -> tuple[int, int, int]:
    return batch.rows_read, batch.rows_imported, batch.rows_quarantined


def reasons(batch) -> dict[int, str]:
    return dict(
        QuarantinedRow.objects.filter(import_batch=batch).values_list("row_number", "reason")
    )


def test_ssd_person_gives_source_records_with_their_identifiers(imported):
    batch = imported["ssd-person"]
    assert counts(batch) == (4, 3, 1)
    assert reasons(batch) == {
        4: "pers_sex 'X' is not one of the codes this feed knows (M, F, U): add it to the "
        "feed's codes if it is new; pers_dob '2011-02-30' is not a real date in the form "
        "yyyy-mm-dd"
    }
    jayden = SourceRecord.objects.get(source_record_id="P1001")
    assert (
        jayden.given_names,
        jayden.family_name,
        jayden.date_of_birth,
        jayden.sex,
        jayden.ethnicity,
    ) == ("Jayden", "Smith", datetime.date(2009, 4, 3), "male", "WBRI")
    assert set(
        Identifier.objects.values_list("source_record__source_record_id", "kind", "value", "valid")
    ) == {
        ("P1001", "social_care_id", "P1001", True),
        ("P1001", "nhs_number", "9434765919", True),
        ("P1002", "social_care_id", "P1002", True),
        ("P1003", "social_care_id", "P1003", True),
        ("P1003", "nhs_number", "9434765918", False),  # fails its check digit: kept, flagged
    }


def test_ssd_missing_gives_missing_episodes_of_the_people(imported):
    batch = imported["ssd-missing"]
    assert counts(batch) == (4, 3, 1)
    assert "P9999" in reasons(batch)[4]  # no such person in ssd_person
    first = Event.objects.get(source_event_id="M1")
    assert first.event_type == "missing_episode"
    assert day(first.occurred_at) == datetime.date(2026, 9, 14)
    assert day(first.ended_at) == datetime.date(2026, 9, 15)
    assert first.details == {
        "missing_kind": "missing",
        "return_interview_offered": "yes",
        "return_interview_accepted": "no",
    }
    assert Event.objects.get(source_event_id="M2").details["missing_kind"] == "away_from_placement"
    assert Event.objects.get(source_event_id="M3").ended_at is None
    missing = Involvement.objects.filter(role="missing_person")
    assert sorted(
        missing.values_list("event__source_event_id", "source_record__source_record_id")
    ) == [
        ("M1", "P1001"),
        ("M2", "P1001"),
        ("M3", "P1003"),
    ]


def test_ssd_cin_assessments_give_assessments_with_their_subject(imported):
    batch = imported["ssd-cin-assessments"]
    assert counts(batch) == (3, 2, 1)
    assert reasons(batch) == {
        3: "cina_assessment_start_date '01/10/2026' is not a real date in the form yyyy-mm-dd"
    }
    assessment = Event.objects.get(source_event_id="A1")
    assert assessment.event_type == "assessment"
    assert (day(assessment.occurred_at), day(assessment.ended_at)) == (
        datetime.date(2026, 8, 1),
        datetime.date(2026, 8, 20),
    )
    assert assessment.details["child_seen"] == "yes"
    assert assessment.details["no_further_action"] == "no"
    assert assessment.details["referral_id"] == "R1"
    assert Event.objects.get(source_event_id="A2").details["no_further_action"] == "yes"
    subject = Involvement.objects.get(event=assessment)
    assert (subject.role, subject.source_record.source_record_id) == ("subject", "P1001")


def test_ssd_cla_episodes_give_looked_after_episodes(imported):
    assert counts(imported["ssd-cla-episodes"]) == (2, 2, 0)
    ended = Event.objects.get(source_event_id="E2")
    assert ended.event_type == "looked_after_episode"
    assert (day(ended.occurred_at), day(ended.ended_at)) == (
        datetime.date(2026, 3, 15),
        datetime.date(2026, 7, 31),
    )
    assert ended.details["start_reason"] == "L" and ended.details["ceased_reason"] == "E11"
    assert Event.objects.get(source_event_id="E1").ended_at is None
    assert Involvement.objects.get(event=ended).source_record.source_record_id == "P1003"


def test_ssda903_header_gives_the_children_with_their_upn(agencies):
    feed = standard_feeds()["ssda903-header"]
    assert feed.claims("ssda903_header.csv")
    batch = import_file(feed=feed, path=FIXTURES / "ssda903_header.csv", today=TODAY).batch
    assert counts(batch) == (3, 2, 1)
    assert reasons(batch) == {
        3: "SEX '3' is not one of the codes this feed knows (1, 2): add it to the feed's "
        "codes if it is new"
    }
    child = SourceRecord.objects.get(source_record_id="101")
    assert (child.date_of_birth, child.sex, child.ethnicity) == (
        datetime.date(2009, 4, 3),
        "male",
        "WBRI",
    )
    assert set(child.identifiers.values_list("kind", "value")) == {
        ("social_care_id", "101"),
        ("upn", "A123456789012"),
    }


def test_ssda903_missing_gives_episodes_identified_by_child_and_start(agencies):
    feeds = standard_feeds()
    import_file(feed=feeds["ssda903-header"], path=FIXTURES / "ssda903_header.csv", today=TODAY)
    feed = feeds["ssda903-missing"]
    assert feed.claims("ssda903_missing.csv")
    batch = import_file(feed=feed, path=FIXTURES / "ssda903_missing.csv", today=TODAY).batch
    assert counts(batch) == (4, 3, 1)
    assert "MISSING 'X'" in reasons(batch)[4]
    episodes = {
        event.source_event_id: (
            day(event.occurred_at),
            event.ended_at and day(event.ended_at),
            event.details["missing_kind"],
        )
        for event in Event.objects.all()
    }
    assert episodes == {
        "101 + 14/09/2026": (datetime.date(2026, 9, 14), datetime.date(2026, 9, 15), "missing"),
        "101 + 02/10/2026": (
            datetime.date(2026, 10, 2),
            datetime.date(2026, 10, 2),
            "away_from_placement",
        ),
        "102 + 20/10/2026": (datetime.date(2026, 10, 20), None, "missing"),
    }
    assert sorted(Involvement.objects.values_list("source_record__source_record_id", "role")) == [
        ("101", "missing_person"),
        ("101", "missing_person"),
        ("102", "missing_person"),
    ]


def test_ssd_linked_identifiers_add_identifiers_of_the_kind_each_row_names(added):
    batch = added["ssd-linked-identifiers"]
    assert counts(batch) == (13, 7, 6)
    found = reasons(batch)
    assert found[7] == (
        "link_identifier_type 'Incident ID' is not one of the codes this feed knows "
        "(Unique Pupil Number, Former Unique Pupil Number, NHS Number, Home Office "
        "Registration, National Insurance Number, YOT Number, Unique Learner Number): add it to "
        "the feed's codes if it is new"
    )
    assert found[8] == (
        "link_person_id 'P9999' matches no record from ssd-person: import that feed's file first"
    )
    assert found[9].startswith("the identifier stops being valid before it starts")
    assert "link_table_id 'L11' is given on rows 11 and 12" in found[11]
    assert "link_table_id 'L11' is given on rows 12 and 11" in found[12]
    assert found[13].endswith("is longer than 50 characters, which no identifier is")
    added = set(
        Identifier.objects.exclude(kind="social_care_id").values_list(
            "source_record__source_record_id", "kind", "value", "valid"
        )
    )
    assert added == {
        ("P1001", "nhs_number", "9434765919", True),  # from ssd-person, given again: kept once
        ("P1001", "upn", "A123456789012", True),
        ("P1001", "youth_justice_id", "YOT-5521", True),
        ("P1002", "nhs_number", "9434765870", True),  # spaces removed
        ("P1002", "national_insurance_number", "AB123456C", True),
        ("P1003", "nhs_number", "9434765918", False),
        ("P1003", "home_office_reference", "HO-77-1234", True),
        ("P1003", "upn", "B123456789012", False),  # fails its check letter: kept, flagged
    }
    # The flagged UPN is a warning in the quality report, not a quarantined row.
    assert 6 not in found
    assert batch.quality_report["columns"]["link_identifier_value"]["warnings"] == 1


def test_each_identifier_keeps_the_feed_batch_and_row_that_added_it(added):
    person, linked = added["ssd-person"], added["ssd-linked-identifiers"]
    provenance = {
        (record_id, kind, value): (feed, batch, row)
        for record_id, kind, value, feed, batch, row in Identifier.objects.values_list(
            "source_record__source_record_id",
            "kind",
            "value",
            "feed__name",
            "import_batch",
            "row_number",
        )
    }
    assert provenance == {
        ("P1001", "social_care_id", "P1001"): ("ssd-person", person.pk, 1),
        ("P1002", "social_care_id", "P1002"): ("ssd-person", person.pk, 2),
        ("P1003", "social_care_id", "P1003"): ("ssd-person", person.pk, 3),
        # Given by ssd-person and again by row 10 of the linked identifiers: the first row
        # that added it stays its provenance.
        ("P1001", "nhs_number", "9434765919"): ("ssd-person", person.pk, 1),
        ("P1003", "nhs_number", "9434765918"): ("ssd-person", person.pk, 3),
        ("P1001", "upn", "A123456789012"): ("ssd-linked-identifiers", linked.pk, 1),
        ("P1001", "youth_justice_id", "YOT-5521"): ("ssd-linked-identifiers", linked.pk, 2),
        ("P1002", "nhs_number", "9434765870"): ("ssd-linked-identifiers", linked.pk, 3),
        ("P1002", "national_insurance_number", "AB123456C"): (
            "ssd-linked-identifiers",
            linked.pk,
            4,
        ),
        ("P1003", "home_office_reference", "HO-77-1234"): ("ssd-linked-identifiers", linked.pk, 5),
        ("P1003", "upn", "B123456789012"): ("ssd-linked-identifiers", linked.pk, 6),
    }


def test_a_later_extract_of_the_person_table_leaves_added_identifiers_their_rows(added, tmp_path):
    later = tmp_path / "ssd_person_later.csv"
    text = (FIXTURES / "ssd_person.csv").read_text()
    later.write_text(text.replace("P1001,Jayden,Smith", "P1001,Jayden,Smith-Brown"))
    batch = import_file(feed=standard_feeds()["ssd-person"], path=later, today=TODAY).batch
    assert batch.records_updated == 1
    jayden = SourceRecord.objects.get(source_record_id="P1001")
    assert jayden.import_batch_id == batch.pk  # the record now comes from the later extract
    assert dict(jayden.identifiers.values_list("kind", "import_batch")) == {
        "social_care_id": added["ssd-person"].pk,
        "nhs_number": added["ssd-person"].pk,
        "upn": added["ssd-linked-identifiers"].pk,
        "youth_justice_id": added["ssd-linked-identifiers"].pk,
    }


def test_ssd_assessment_factors_add_factor_codes_to_the_assessment(added):
    batch = added["ssd-assessment-factors"]
    assert counts(batch) == (8, 3, 5)
    found = reasons(batch)
    assert found[4].startswith('cinf_assessment_factors_json \'["11A", "2B"\' is not valid JSON (')
    assert found[5] == (
        "cinf_assessment_id 'A3' matches no event from ssd-cin-assessments: import that "
        "feed's file first"
    )
    assert found[6].startswith(
        "cinf_assessment_factors_json '[\"99Z\"]' lists 99Z, which is not one of the codes"
    )
    assert found[7] == (
        'cinf_assessment_factors_json \'{"12A": "Maybe"}\' says neither yes nor no for '
        "12A: 'Maybe'"
    )
    assert found[8] == (
        'cinf_assessment_factors_json \'"11A"\' is JSON but neither a list ["1A", "2B"] '
        'nor an object {"1A": "Yes"}'
    )
    first, second = Event.objects.get(source_event_id="A1"), Event.objects.get(source_event_id="A2")
    # Both rows for A1 are joined, in order, without repeats; the object keeps the yeses.
    assert first.details["factor_codes"] == ["1B", "2B", "24A", "10A"]
    assert second.details["factor_codes"] == ["11A", "15A", "9A"]
    assert first.details["child_seen"] == "yes"  # the assessment's own details stay
    assert first.details["added_from"]["factor_codes"] == {
        "feed": "ssd-assessment-factors",
        "import_batch": batch.pk,
        "row_number": 3,
        "id": "F3",
    }
    # The assessment keeps its own subject: the factors are the child's.
    assert Involvement.objects.get(event=first).source_record.source_record_id == "P1001"
    assert Event.objects.filter(event_type="assessment").count() == 2  # no new events


def test_an_assessment_reimported_from_its_own_feed_keeps_its_factors(added, tmp_path):
    changed = tmp_path / "ssd_cin_assessments_later.csv"
    text = (FIXTURES / "ssd_cin_assessments.csv").read_text()
    changed.write_text(text.replace("2026-08-01,Y,2026-08-20", "2026-08-01,N,2026-08-21"))
    feed = standard_feeds()["ssd-cin-assessments"]
    import_file(feed=feed, path=changed, today=TODAY)
    assessment = Event.objects.get(source_event_id="A1")
    assert assessment.details["child_seen"] == "no"
    assert day(assessment.ended_at) == datetime.date(2026, 8, 21)
    assert assessment.details["factor_codes"] == ["1B", "2B", "24A", "10A"]
    assert "factor_codes" in assessment.details["added_from"]


def test_feeds_check_shows_what_the_additions_would_add_and_stores_nothing(imported, capsys):
    identifiers_before = set(Identifier.objects.values_list("pk", flat=True))
    for feed_file, file_name, expected in [
        (
            "ssd-linked-identifiers.toml",
            "ssd_linked_identifiers.csv",
            ["would import 7, would quarantine 6", "1 | P1001 | upn | A123456789012 | True"],
        ),
        (
            "ssd-assessment-factors.toml",
            "ssd_assessment_factors.csv",
            [
                "would import 3, would quarantine 5",
                "is not valid JSON (",
                "A1 | assessment | ['1B', '2B', '24A', '10A']",
            ],
        ),
    ]:
        call_command("feeds", "check", str(STANDARDS / feed_file), str(FIXTURES / file_name))
        checked = capsys.readouterr().out
        for text in expected:
            assert text in checked
    assert set(Identifier.objects.values_list("pk", flat=True)) == identifiers_before
    assert not Event.objects.filter(details__has_key="factor_codes").exists()


def test_the_catalogues_social_care_indicators_read_the_added_factors(added):
    """The hook the tracker reads: an assessment event's factor_codes detail. Which of the
    catalogue's indicators each assessment's details would satisfy (event type and detail)."""
    catalogue = load_catalogue()

    def indicators_for(source_event_id: str) -> set[str]:
        event = Event.objects.get(source_event_id=source_event_id)
        codes = {code.lower() for code in event.details.get("factor_codes", [])}
        return {
            indicator.id
            for indicator in catalogue.indicators
            if event.event_type in indicator.event_types
            and "factor_codes" in indicator.details
            and codes & indicator.details["factor_codes"]
        }

    assert {"factor-cce", "factor-missing"} <= indicators_for("A1")  # 24A, 10A
    assert "factor-cse" in indicators_for("A2")  # 11A
