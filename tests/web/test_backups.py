"""`safeguarding backup` and `restore`: a small county backed up, wiped and restored whole, the
audit trail still intact (on SQLite, and on PostgreSQL when the tests run on it)."""

import json
import shutil
import tarfile
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from safeguarding.access import audit
from safeguarding.access.models import AuditAction, AuditEvent, AuditObject
from safeguarding.people.models import SourceRecord
from safeguarding.pipeline import Inputs, run_pipeline
from safeguarding.sources.models import ImportBatch
from safeguarding.synth.county import build_county
from safeguarding.web import backups

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    folder = tmp_path_factory.mktemp("backup-county")
    build_county(out_dir=folder, seed=5, scale="small")
    return folder


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def media_files() -> dict[str, bytes]:
    media = Path(settings.MEDIA_ROOT)
    return {
        path.relative_to(media).as_posix(): path.read_bytes()
        for path in media.rglob("*")
        if path.is_file()
    }


def test_a_county_backed_up_wiped_and_restored_is_whole_again(county, agencies, tmp_path):
    run_pipeline(
        inputs=Inputs(geography=county / "geography", extracts=county / "extracts"),
        started_by="the tests",
        stages=["geography", "import"],
    )
    audit.record(action=AuditAction.EXPORT, object_type=AuditObject.LINKS, username="operator")
    before, files_before = row_counts(), media_files()
    assert before["people.SourceRecord"] > 500 and before["access.AuditEvent"] > 5
    assert files_before, "the import keeps its raw files in MEDIA_ROOT"
    archive = tmp_path / "backups" / "hub.tar.gz"

    call_command("backup", str(archive), verbosity=0)

    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
        names = set(tar.getnames())
    assert manifest["engine"] == connection.settings_dict["ENGINE"]
    assert manifest["files"] == len(files_before)
    assert {f"files/{name}" for name in files_before} <= names
    assert manifest["latest_migrations"]["access"].startswith("00")

    # Wiped: every table emptied and the files gone, as after losing the disk.
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(settings.MEDIA_ROOT)
    assert SourceRecord.objects.count() == 0 and AuditEvent.objects.count() == 0

    call_command("restore", str(archive), "--yes", verbosity=0)

    assert row_counts() == before
    assert media_files() == files_before
    assert ImportBatch.objects.filter(status="succeeded").count() == before["sources.ImportBatch"]
    call_command("audit", "verify", verbosity=0)  # raises if the chain is broken
    # The restored chain goes on: a new event links to the last restored one.
    event = audit.record(action=AuditAction.EXPORT, object_type=AuditObject.LINKS, username="op")
    assert event.sequence == before["access.AuditEvent"] + 1
    call_command("audit", "verify", verbosity=0)


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    other = tmp_path / "other.tar.gz"
    with tarfile.open(other, "w:gz") as tar:
        tar.add(__file__, arcname="notes.py")
    with pytest.raises(CommandError, match="is not a Safeguarding Hub backup"):
        call_command("restore", str(other), "--yes", verbosity=0)


def test_restore_refuses_a_backup_of_the_other_kind_of_database(tmp_path):
    archive = tmp_path / "hub.tar.gz"
    backups.back_up(archive=archive)
    other = {
        "sqlite": "django.db.backends.postgresql",
        "postgresql": "django.db.backends.sqlite3",  # as backups before common/sqlite named it
    }[connection.vendor]
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
    manifest["engine"] = other
    rewritten = tmp_path / "rewritten.tar.gz"
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    with tarfile.open(archive) as source, tarfile.open(rewritten, "w:gz") as target:
        for member in source.getmembers():
            if member.name != "manifest.json":
                target.addfile(member, source.extractfile(member))
        target.add(tmp_path / "manifest.json", arcname="manifest.json")
    with pytest.raises(CommandError, match="restore it into the same kind"):
        call_command("restore", str(rewritten), "--yes", verbosity=0)
    assert not list(tmp_path.glob("*.partial"))
