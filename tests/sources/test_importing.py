from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safeguarding.people.models import Event, Identifier, Involvement, Object, SourceRecord
from safeguarding.sources import loading
from safeguarding.sources.feeds import load_feeds
from safeguarding.sources.importing import ImportFailed, import_file
from safeguarding.sources.models import ImportBatch, ImportStatus, QuarantinedRow

pytestmark = pytest.mark.django_db

FEEDS_DIR = Path(__file__).parent / "feeds"
NOMINALS = (
    "NominalID,Forenames,Surname,Aliases,DOB,Sex,NHS,Mobile\n"
    "WP1,Jayden,Smith,JJ;Jay Smyth,03/04/2009,M,9434765919,07700900001\n"
    "WP2,Amelia,Jones,,31/02/2010,F,,\n"
    "WP3,Kai,,,01/01/2011,M,,\n"
    "WP4,Leah,Brown,,05/06/2010,F,9434765918,07700900001\n"
)


@pytest.fixture
def feeds(agencies):
    return load_feeds(FEEDS_DIR)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_good_rows_import_and_bad_rows_are_quarantined_with_row_column_and_reason(feeds, tmp_path):
    result = import_file(
        feed=feeds["test-nominals"],
        path=write(tmp_path, "nominals.csv", NOMINALS),
        today=date(2026, 11, 23),
    )
    batch = result.batch
    assert (batch.rows_read, batch.rows_imported, batch.rows_quarantined) == (4, 2, 2)
    assert batch.rows_read == batch.rows_imported + batch.rows_quarantined
    assert sorted(SourceRecord.objects.values_list("source_record_id", flat=True)) == ["WP1", "WP4"]
    quarantined = {(q.row_number, q.column): q.reason for q in QuarantinedRow.objects.all()}
    assert quarantined == {
        (2, "DOB"): "DOB '31/02/2010' is not a real date in the form dd/mm/yyyy",
        (3, "Surname"): "Surname is blank, and it is required",
    }
    jayden = SourceRecord.objects.get(source_record_id="WP1")
    assert (jayden.given_names, jayden.aliases, jayden.date_of_birth, jayden.sex) == (
        "Jayden",
        ["JJ", "Jay Smyth"],
        date(2009, 4, 3),
        "male",
    )
    assert (jayden.feed.name, jayden.import_batch, jayden.row_number) == ("test-nominals", batch, 1)
    # A failed check digit keeps the row but flags the number, so linkage will not trust it.
    assert set(Identifier.objects.filter(kind="nhs_number").values_list("value", "valid")) == {
        ("9434765919", True),
        ("9434765918", False),
    }
    # Both records share one phone object.
    assert Object.objects.get(kind="phone", value="07700900001").links.count() == 2
    assert batch.quality_report["columns"]["Surname"]["completeness"] == 0.75


def test_reimporting_the_same_file_adds_nothing(feeds, tmp_path):
    path = write(tmp_path, "nominals.csv", NOMINALS)
    import_file(feed=feeds["test-nominals"], path=path, today=date(2026, 11, 23))
    again = import_file(feed=feeds["test-nominals"], path=path, today=date(2026, 11, 23))
    assert again.already_imported
    assert ImportBatch.objects.count() == 1
    assert SourceRecord.objects.count() == 2
    assert QuarantinedRow.objects.count() == 2


def test_a_later_extract_updates_a_record_and_keeps_its_history(feeds, tmp_path):
    import_file(
        feed=feeds["test-nominals"],
        path=write(tmp_path, "nominals.csv", NOMINALS),
        today=date(2026, 11, 23),
    )
    later = NOMINALS.replace("WP1,Jayden,Smith", "WP1,Jayden,Smith-Jones")
    result = import_file(
        feed=feeds["test-nominals"],
        path=write(tmp_path, "nominals-later.csv", later),
        today=date(2026, 11, 23),
    )
    assert (result.batch.records_created, result.batch.records_updated) == (0, 1)
    jayden = SourceRecord.objects.get(source_record_id="WP1")
    assert jayden.family_name == "Smith-Jones"
    assert jayden.history[0]["family_name"] == "Smith"
    assert SourceRecord.objects.count() == 2


def test_involvements_link_records_and_events_from_other_feeds(feeds, tmp_path):
    import_file(
        feed=feeds["test-nominals"],
        path=write(tmp_path, "nominals.csv", NOMINALS),
        today=date(2026, 11, 23),
    )
    import_file(
        feed=feeds["test-occurrences"],
        path=write(
            tmp_path,
            "occurrences.csv",
            (
                "OccRef,Type,Reported,Postcode,Grade\n"
                "OC1,MISP,14/10/2026 22:15,sn15 1aa,H\n"
                "OC2,SS,15/10/2026 01:00,,\n"
            ),
        ),
        today=date(2026, 11, 23),
    )
    result = import_file(
        feed=feeds["test-involvements"],
        path=write(
            tmp_path,
            "involvements.csv",
            "OccRef,NominalID,Role\nOC1,WP1,MP\nOC1,WP4,FW\nOC2,WP9,SUS\n",
        ),
        today=date(2026, 11, 23),
    )
    missing = Event.objects.get(source_event_id="OC1")
    assert missing.event_type == "missing_episode"
    assert missing.details == {"risk_grade": "high"}
    assert missing.location.postcode == "SN15 1AA"
    assert missing.occurred_at.isoformat() == "2026-10-14T21:15:00+00:00"  # 22:15 BST
    roles = set(Involvement.objects.values_list("source_record__source_record_id", "role"))
    assert roles == {("WP1", "missing_person"), ("WP4", "found_with")}
    quarantined = QuarantinedRow.objects.get(import_batch=result.batch)
    assert quarantined.row_number == 3
    assert "NominalID 'WP9' matches no record from test-nominals" in quarantined.reason


def test_a_crash_mid_import_leaves_nothing_behind_and_a_rerun_completes(
    feeds, tmp_path, monkeypatch
):
    path = write(tmp_path, "nominals.csv", NOMINALS)

    def crash(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(loading, "add_objects", crash)
    with pytest.raises(RuntimeError):
        import_file(feed=feeds["test-nominals"], path=path, today=date(2026, 11, 23))
    assert SourceRecord.objects.count() == 0
    assert QuarantinedRow.objects.count() == 0
    failed = ImportBatch.objects.get()
    assert failed.status == ImportStatus.FAILED
    assert "nothing from this file was stored" in failed.error

    monkeypatch.undo()
    import_file(feed=feeds["test-nominals"], path=path, today=date(2026, 11, 23))
    assert SourceRecord.objects.count() == 2


def test_a_file_without_an_expected_column_is_refused_whole(feeds, tmp_path):
    path = write(tmp_path, "nominals.csv", "NominalID,Surname\nWP1,Smith\n")
    with pytest.raises(ImportFailed, match="no column"):
        import_file(feed=feeds["test-nominals"], path=path, today=date(2026, 11, 23))
    assert SourceRecord.objects.count() == 0
    assert ImportBatch.objects.get().status == ImportStatus.FAILED


def test_the_import_command_prints_the_quality_report_and_orders_a_drop_folder(
    feeds, tmp_path, capsys
):
    folder = tmp_path / "drop"
    folder.mkdir()
    write(folder, "involvements_1.csv", "OccRef,NominalID,Role\nOC1,WP1,MP\n")
    write(
        folder,
        "occurrences_1.csv",
        "OccRef,Type,Reported,Postcode,Grade\nOC1,MISP,14/10/2026 22:15,,\n",
    )
    write(folder, "nominals_1.csv", NOMINALS)
    write(folder, "unexpected.csv", "a\n1\n")
    call_command("import", dir=folder, feeds=FEEDS_DIR)
    captured = capsys.readouterr()
    assert "No feed claims unexpected.csv" in captured.err
    assert "rows read 4, imported 2, quarantined 2" in captured.out
    assert Involvement.objects.count() == 1


def test_after_the_feed_is_corrected_a_rerun_releases_the_quarantined_rows(feeds, tmp_path):
    path = write(
        tmp_path,
        "nominals.csv",
        NOMINALS.replace("WP4,Leah,Brown,,05/06/2010,F", "WP4,Leah,Brown,,05/06/2010,X"),
    )
    first = import_file(feed=feeds["test-nominals"], path=path, today=date(2026, 11, 23)).batch
    assert QuarantinedRow.objects.filter(import_batch=first, row_number=4).exists()

    corrected_text = (
        (FEEDS_DIR / "test-nominals.toml")
        .read_text()
        .replace('U = "unknown" }', 'U = "unknown", X = "unknown" }')
        .replace("file_patterns", 'version = "2"\nfile_patterns')
    )
    corrected = load_feeds_from_text(tmp_path, corrected_text)
    second = import_file(feed=corrected, path=path, today=date(2026, 11, 23)).batch
    assert second.pk != first.pk
    assert SourceRecord.objects.filter(source_record_id="WP4", sex="unknown").exists()
    released = QuarantinedRow.objects.get(import_batch=first, row_number=4)
    assert released.released
    still = QuarantinedRow.objects.filter(import_batch=first, released=False)
    assert sorted(still.values_list("row_number", flat=True)) == [2, 3]


def load_feeds_from_text(tmp_path: Path, text: str):
    from safeguarding.sources.feeds import load_feed

    path = tmp_path / "corrected.toml"
    path.write_text(text, encoding="utf-8")
    return load_feed(path)


row_text = st.text(
    alphabet=st.characters(blacklist_categories=["Cs", "Cc"], blacklist_characters=',"'),
    max_size=6,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    good_names=st.lists(row_text.filter(lambda t: t.strip() != ""), min_size=0, max_size=6),
    junk=st.lists(
        st.sampled_from(
            [
                b"x,y",
                b",,,,,,,,,,",
                b"WPX,Zo\xeb,,,,,,",
                b"\xff\xfe",
                b"WPY,,Amy,01/01/2010,M,,,,",
                b"WPZ,Ok,Amy,99/99/2010,M,,,,",
                b"WPN,Nu\x00ll,Amy,,01/01/2010,F,,",
            ]
        ),
        max_size=4,
    ),
)
def test_malformed_rows_never_crash_the_importer_or_lose_a_good_row(
    feeds, tmp_path, good_names, junk
):
    lines = [f"WPG{i},{name},Amy,,01/01/2010,F,,".encode() for i, name in enumerate(good_names)]
    for position, line in enumerate(junk):
        lines.insert(position * 2 % (len(lines) + 1), line)
    path = tmp_path / f"nominals-{abs(hash(tuple(lines)))}.csv"
    path.write_bytes(
        b"NominalID,Surname,Forenames,Aliases,DOB,Sex,NHS,Mobile\n"
        + b"".join(line + b"\n" for line in lines)
    )
    batch = import_file(feed=feeds["test-nominals"], path=path, today=date(2026, 11, 23)).batch
    assert batch.rows_read == len(lines)
    assert batch.rows_read == batch.rows_imported + batch.rows_quarantined
    # Examples share one database, so a record may come from an earlier example's batch.
    stored = dict(
        SourceRecord.objects.filter(source_record_id__startswith="WPG").values_list(
            "source_record_id", "family_name"
        )
    )
    for i, name in enumerate(good_names):
        assert stored[f"WPG{i}"] == name.strip()
