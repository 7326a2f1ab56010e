"""Uncollected static files are reported at start-up, with the command that fixes them."""

import json

from django.test import override_settings

from safeguarding.web.checks import static_files_collected

MANIFEST_STORAGE = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


def test_missing_collected_files_are_reported_with_the_command(tmp_path):
    with override_settings(STORAGES=MANIFEST_STORAGE, STATIC_ROOT=tmp_path):
        (warning,) = static_files_collected()

    assert warning.id == "web.W001"
    assert str(tmp_path) in warning.msg
    assert "safeguarding collectstatic" in warning.hint


def test_a_collection_without_the_front_end_build_is_reported(tmp_path):
    manifest = {"paths": {"admin/css/base.css": "admin/css/base.0123.css"}, "version": "1.1"}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))

    with override_settings(STORAGES=MANIFEST_STORAGE, STATIC_ROOT=tmp_path):
        (warning,) = static_files_collected()

    assert warning.id == "web.W002"
    assert "make assets" in warning.hint


def test_collected_files_raise_nothing(tmp_path):
    manifest = {"paths": {"css/application.css": "css/application.4567.css"}, "version": "1.1"}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))

    with override_settings(STORAGES=MANIFEST_STORAGE, STATIC_ROOT=tmp_path):
        assert static_files_collected() == []


def test_storage_without_a_manifest_needs_no_collecting(tmp_path):
    with override_settings(STATIC_ROOT=tmp_path):  # the tests' plain storage
        assert static_files_collected() == []
