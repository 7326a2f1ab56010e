"""The built wheel works outside a checkout: `pip install` gives a `safeguarding` command that
finds the feeds and the indicator catalogue it ships."""

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh virtual environment with the wheel installed (by set-up's uv, or pip where there
    is none); the dependencies come from the test run's own environment (added to the path, not
    installed) so nothing is downloaded."""
    folder = tmp_path_factory.mktemp("installed")
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(folder / "dist")],
        cwd=CHECKOUT,
        check=True,
        capture_output=True,
    )
    (wheel,) = (folder / "dist").glob("safeguarding-*.whl")
    venv = folder / "venv"
    uv = shutil.which("uv") or shutil.which("uv", path=str(CHECKOUT / ".tools" / "bin"))
    # Debian's Python has no ensurepip without python3-venv: a venv without pip needs uv.
    subprocess.run(
        [sys.executable, "-m", "venv", *(["--without-pip"] if uv else []), str(venv)], check=True
    )
    python = venv / "bin" / "python"
    site_packages = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # A plain path line: the test environment's own .pth files (among them the checkout's
    # editable install) are not processed, so `safeguarding` can only come from the wheel.
    (Path(site_packages) / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    installer = (
        [uv, "pip", "install", "--python", str(python)]
        if uv
        else [str(python), "-m", "pip", "install"]
    )
    subprocess.run([*installer, "--quiet", "--no-deps", "--no-index", str(wheel)], check=True)
    return venv


def run(
    venv: Path, *arguments: str, cwd: Path, settings: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Run the installed command as an operator would: none of the test run's settings."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTHONPATH", "DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
        and not key.startswith("SAFEGUARDING_")
    }
    return subprocess.run(
        [str(venv / "bin" / "safeguarding"), *arguments],
        cwd=cwd,
        env={**environment, **(settings or {})},
        capture_output=True,
        text=True,
        check=True,
    )


def test_the_installed_command_checks_and_builds_a_county_outside_the_checkout(installed, tmp_path):
    checked = run(installed, "check", cwd=tmp_path)
    built = run(
        installed,
        "synth",
        "--scale",
        "small",
        "--out",
        str(tmp_path / "county"),
        "--end",
        "2026-10-31",
        cwd=tmp_path,
    )

    assert "no issues" in checked.stdout or "WARNINGS" in checked.stderr
    assert "ERRORS" not in checked.stderr
    assert "Synthetic county in" in built.stdout
    assert (tmp_path / "county" / "extracts" / "police" / "police_nominals.csv").exists()


def test_the_installed_package_finds_its_own_feeds_and_catalogue(installed, tmp_path):
    shown = run(
        installed,
        "shell",
        "--no-imports",
        "-c",
        "import safeguarding; from django.conf import settings;"
        "from safeguarding.sources.feeds import load_feeds;"
        "from safeguarding.risk.catalogue import load_catalogue;"
        "print(safeguarding.__file__); print(settings.FEEDS_DIR);"
        "print(settings.INDICATOR_CATALOGUE); print(len(load_feeds(settings.FEEDS_DIR)));"
        "print(len(load_catalogue().indicators)); print(settings.DATABASES['default']['NAME'])",
        cwd=tmp_path,
    )

    package, feeds, catalogue, feed_count, indicator_count, database = shown.stdout.split()
    package_dir = Path(package).parent
    assert package_dir.is_relative_to(installed)
    assert Path(feeds) == package_dir / "defaults" / "feeds"
    assert Path(catalogue) == package_dir / "defaults" / "indicators" / "catalogue.toml"
    assert int(feed_count) == len(list((CHECKOUT / "feeds").glob("*.toml")))
    assert int(indicator_count) > 10
    # What the site writes goes to var/ in the working directory, not into site-packages.
    assert Path(database) == tmp_path / "var" / "safeguarding.sqlite3"


def test_a_partnership_points_the_settings_at_its_own_folders(installed, tmp_path):
    own = tmp_path / "our-feeds"
    own.mkdir()
    (own / "police-nominals.toml").write_text(
        (CHECKOUT / "feeds" / "police-nominals.toml").read_text()
    )
    shown = run(
        installed,
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; from safeguarding.sources.feeds import load_feeds;"
        "print(sorted(load_feeds(settings.FEEDS_DIR)))",
        cwd=tmp_path,
        settings={"SAFEGUARDING_FEEDS_DIR": str(own)},
    )

    assert shown.stdout.strip() == "['police-nominals']"
