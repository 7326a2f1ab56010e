"""Uncollected static files are reported at start-up, with the command that fixes them."""

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


def test_collected_files_raise_nothing(tmp_path):
    (tmp_path / "staticfiles.json").write_text("{}")

    with override_settings(STORAGES=MANIFEST_STORAGE, STATIC_ROOT=tmp_path):
        assert static_files_collected() == []


def test_storage_without_a_manifest_needs_no_collecting(tmp_path):
    with override_settings(STATIC_ROOT=tmp_path):  # the tests' plain storage
        assert static_files_collected() == []
