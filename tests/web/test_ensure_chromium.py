"""`make test` on a machine without Chromium: scripts/ensure-chromium installs it or says how."""

import shutil
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "ensure-chromium"


def path_without_chromium_or_apt(folder: Path) -> str:
    """A PATH holding only the tools the script needs: no chromium, no apt-get."""
    folder.mkdir()
    for tool in ("sh", "id", "sed", "grep", "fc-list", "ldconfig"):
        found = shutil.which(tool) or shutil.which(tool, path="/sbin:/usr/sbin")
        if found:
            (folder / tool).symlink_to(found)
    return str(folder)


def test_without_chromium_or_the_means_to_install_it_it_names_the_command(tmp_path):
    environment = {"PATH": path_without_chromium_or_apt(tmp_path / "bin")}

    finished = subprocess.run(
        [str(tmp_path / "bin" / "sh"), str(SCRIPT)],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )

    assert finished.returncode == 1
    assert "sudo apt-get update && sudo apt-get install -y chromium" in finished.stderr


def test_a_chromium_named_by_the_environment_is_enough(tmp_path):
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    environment = {"PATH": path_without_chromium_or_apt(tmp_path / "bin"), "CHROMIUM": chromium}

    finished = subprocess.run(
        [str(tmp_path / "bin" / "sh"), str(SCRIPT)],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )

    # Nothing else is missing on a machine set up for the tests, so nothing is installed.
    assert (finished.returncode, finished.stderr) == (0, "")
