"""The register of feeds: who may see it, what it lists, and the feeds it refuses to load."""

import datetime
import shutil
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguarding.access.models import AuditAction, AuditEvent, AuditObject
from safeguarding.sources import queries
from safeguarding.sources.feeds import FeedError, load_feed, load_feeds
from safeguarding.sources.importing import register_feed
from tests.factories import EventFactory, ImportBatchFactory, SourceRecordFactory

pytestmark = pytest.mark.django_db

TEST_FEEDS = Path(__file__).parent / "feeds"
FEEDS = Path(__file__).parents[2] / "feeds"


@pytest.fixture
def sign_in(client, cast):
    def signed_in(persona: str):
        client.force_login(cast[persona])
        return client

    return signed_in


@pytest.mark.parametrize("persona", ["manager", "auditor"])
def test_managers_and_auditors_see_the_register_without_stating_a_purpose(sign_in, persona):
    response = sign_in(persona).get(reverse("sources:register"))
    assert response.status_code == 200
    assert b'data-feed="police-nominals"' in response.content
    assert b"ISA-SVPP-2026-01" in response.content
    event = AuditEvent.objects.get(action=AuditAction.VIEW)
    assert (event.username, event.object_type) == (persona, AuditObject.FEED_REGISTER)
    assert event.detail == {"feeds": len(load_feeds(FEEDS))}


@pytest.mark.parametrize(
    "persona",
    [
        "analyst",
        "practitioner",
        "police_panel_member",
        "voluntary_panel_member",
        "outsider",
        "administrator",
    ],
)
def test_it_requires_the_register_permission(sign_in, persona):
    response = sign_in(persona).get(reverse("sources:register"))
    assert response.status_code == 403
    assert b"You cannot see this page" in response.content
    refusal = AuditEvent.objects.exclude(action=AuditAction.LOGIN).get()
    assert (refusal.username, refusal.action, refusal.object_type) == (
        persona,
        AuditAction.REFUSED,
        AuditObject.FEED_REGISTER,
    )
    assert refusal.detail == {"reason": "role"}


def test_the_navigation_offers_governance_only_to_those_allowed(sign_in):
    register = reverse("sources:register").encode()
    assert register in sign_in("manager").get(reverse("web:home")).content
    assert register not in sign_in("analyst").get(reverse("web:home")).content


def test_the_register_joins_each_feed_file_with_what_is_held(agencies, tmp_path):
    shutil.copytree(TEST_FEEDS, tmp_path, dirs_exist_ok=True)
    overdue = (tmp_path / "test-occurrences.toml").read_text()
    (tmp_path / "test-occurrences.toml").write_text(
        overdue.replace("isa_review_date = 2027-06-30", "isa_review_date = 2026-01-31")
    )
    feeds = load_feeds(tmp_path)
    nominals = register_feed(feeds["test-nominals"])
    occurrences = register_feed(feeds["test-occurrences"])
    finished = timezone.now() - datetime.timedelta(days=3)
    batch = ImportBatchFactory(feed=nominals, finished_at=finished)
    SourceRecordFactory.create_batch(3, import_batch=batch)
    EventFactory.create_batch(2, import_batch=ImportBatchFactory(feed=occurrences))
    withdrawn = ImportBatchFactory().feed  # in the database, no longer in a file

    register = {
        entry.name: entry
        for entry in queries.feed_register(feeds=feeds, today=datetime.date(2026, 12, 5))
    }

    assert set(register) == {*feeds, withdrawn.name}
    entry = register["test-nominals"]
    assert (entry.agency, entry.lawful_basis, entry.isa_reference) == (
        "Wiltshire Police",
        "DPA 2018 Part 3",
        "ISA-TEST-1",
    )
    assert (entry.isa_review_date, entry.review_overdue) == (datetime.date(2027, 6, 30), False)
    assert (entry.retention_days, entry.retention_years) == (2190, 6.0)
    assert (entry.source_records, entry.events, entry.last_import) == (3, 0, finished)
    assert register["test-occurrences"].review_overdue
    assert (register["test-occurrences"].source_records, register["test-occurrences"].events) == (
        0,
        2,
    )
    assert register["test-involvements"].last_import is None
    assert not register[withdrawn.name].defined
    assert register[withdrawn.name].isa_reference == "ISA-TEST"


def test_the_page_marks_an_overdue_review(sign_in, settings, tmp_path):
    shutil.copytree(TEST_FEEDS, tmp_path, dirs_exist_ok=True)
    path = tmp_path / "test-nominals.toml"
    path.write_text(
        path.read_text().replace("isa_review_date = 2027-06-30", "isa_review_date = 2025-06-30")
    )
    settings.FEEDS_DIR = tmp_path
    response = sign_in("auditor").get(reverse("sources:register"))
    assert response.content.count(b"Review overdue") == 1
    assert b"1 information-sharing agreement review is overdue" in response.content


def _without(path: Path, key: str, tmp_path: Path) -> Path:
    broken = tmp_path / path.name
    lines = path.read_text().splitlines(keepends=True)
    broken.write_text("".join(line for line in lines if not line.startswith(f"{key} =")))
    return broken


@pytest.mark.parametrize(
    "key,suggestion",
    [
        ("isa_reference", 'isa_reference = "ISA-SVPP-2026-01"'),
        ("lawful_basis", "UK GDPR Article 6 condition"),
        ("isa_review_date", "isa_review_date = 2027-03-31"),
    ],
)
def test_a_feed_without_its_governance_keys_cannot_be_loaded(key, suggestion, tmp_path):
    broken = _without(TEST_FEEDS / "test-nominals.toml", key, tmp_path)
    with pytest.raises(FeedError) as refused:
        load_feed(broken)
    message = str(refused.value)
    assert message.startswith(f"test-nominals.toml: [feed] needs '{key}'")
    assert suggestion in message


@pytest.mark.parametrize(
    "line,problem",
    [
        ('lawful_basis = "we asked nicely"', "names neither a UK GDPR Article 6 condition"),
        ('lawful_basis = "   "', "needs 'lawful_basis'"),
        ('isa_review_date = "31/03/2027"', "'isa_review_date' is '31/03/2027', not a date"),
        ("isa_review_date = 2027-03-31T10:00:00", "not a date"),
    ],
)
def test_a_vague_lawful_basis_or_review_date_is_refused(line, problem, tmp_path):
    key = line.split(" =")[0]
    broken = _without(TEST_FEEDS / "test-nominals.toml", key, tmp_path)
    broken.write_text(broken.read_text().replace("[feed]\n", f"[feed]\n{line}\n", 1))
    with pytest.raises(FeedError, match="test-nominals.toml") as refused:
        load_feed(broken)
    assert problem in str(refused.value)


def test_every_feed_we_ship_names_its_lawful_basis_isa_and_review():
    for feed in load_feeds(FEEDS).values():
        assert feed.isa_reference.startswith("ISA-")
        assert isinstance(feed.isa_review_date, datetime.date)
