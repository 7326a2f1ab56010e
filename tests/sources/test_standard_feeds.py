"""The ready feeds for the national standards (feeds/standards/) import the tables as the
specifications name their columns, from small files written from the specifications."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from safeguarding.people.models import Event, Identifier, Involvement, SourceRecord
from safeguarding.sources.feeds import load_feeds
from safeguarding.sources.importing import import_file
from safeguarding.sources.models import QuarantinedRow

pytestmark = pytest.mark.django_db

STANDARDS = settings.FEEDS_DIR / "standards"
FIXTURES = Path(__file__).parent / "fixtures" / "standards"
TODAY = datetime.date(2026, 11, 30)


@pytest.fixture
def imported(agencies):
    """The SSD tables imported in the order their references need."""
    feeds = load_feeds(STANDARDS)
    batches = {}
    for name, file_name in [
        ("ssd-person", "ssd_person.csv"),
        ("ssd-missing", "ssd_missing.csv"),
        ("ssd-cin-assessments", "ssd_cin_assessments.csv"),
        ("ssd-cla-episodes", "ssd_cla_episodes.csv"),
    ]:
        assert feeds[name].claims(file_name)
        batches[name] = import_file(feed=feeds[name], path=FIXTURES / file_name, today=TODAY).batch
    return batches


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
