"""The linkage settings file: the shipped one loads; a broken one says which file and key."""

from pathlib import Path

import pytest
from django.conf import settings

from safeguarding.linkage.configuration import LinkageSettingsError, load_linkage_settings


def test_the_shipped_settings_load_into_a_typed_object():
    loaded = load_linkage_settings(settings.LINKAGE_SETTINGS)
    assert loaded.threshold == 0.9
    assert loaded.review_band == (0.5, 0.99)
    assert loaded.not_linked == {"partner-concerns"}
    assert loaded.postcode is not None and loaded.postcode.style == "uk"
    assert ("date_of_birth", "surname") in loaded.blocking
    assert ("identifier",) in loaded.training
    assert loaded.conflict_kinds == ("nhs_number", "upn")
    assert loaded.conflicts_join_at == 0.99


def broken(tmp_path: Path, old: str, new: str) -> Path:
    path = tmp_path / "settings.toml"
    shipped = Path(settings.LINKAGE_SETTINGS).read_text()
    assert old in shipped
    path.write_text(shipped.replace(old, new, 1))
    return path


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("threshold = 0.9", "treshold = 0.9", "treshold: unknown key; did you mean 'threshold'?"),
        ("threshold = 0.9", "threshold = 1.5", "threshold: must be between 0 and 1, found 1.5"),
        ('style = "uk"', 'style = "us"', "postcode.style: expected one of ['plain', 'uk']"),
        ("swapped = true", 'swapped = "yes"', "names.swapped: expected bool, found 'yes'"),
        (
            'agree = ["date_of_birth", "surname"]',
            'agree = ["date_of_birth", "surnme"]',
            "blocking[1].agree: unknown field 'surnme'; did you mean 'surname'?",
        ),
        ("review_band = [0.5, 0.99]", "review_band = [0.99, 0.5]", "review_band: expected"),
        (
            "joins_at = 0.99",
            "joins_at = 0.9",
            "identifier_conflicts.joins_at: must be above threshold (0.9) and at most the "
            "review band's top (0.99), found 0.9",
        ),
        (
            'kinds = ["nhs_number", "upn"]',
            'kinds = ["NHS number"]',
            "identifier_conflicts.kinds: expected a list of identifier kinds",
        ),
        (
            "joins_at = 0.99",
            "join_at = 0.99",
            "identifier_conflicts.join_at: unknown key; did you mean 'joins_at'?",
        ),
    ],
)
def test_a_broken_settings_file_names_the_file_and_the_key(tmp_path, old, new, message):
    path = broken(tmp_path, old, new)
    with pytest.raises(LinkageSettingsError) as raised:
        load_linkage_settings(path)
    assert str(raised.value).startswith(f"{path}: ")
    assert message in str(raised.value)


def test_a_file_that_is_not_toml_says_so(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text("threshold = \n")
    with pytest.raises(LinkageSettingsError, match="not valid TOML"):
        load_linkage_settings(path)
