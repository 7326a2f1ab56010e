"""The arrows of the flow hold (pyproject.toml [tool.importlinter], docs/architecture.md), and
the check catches an arrow planted the wrong way."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(src: Path) -> subprocess.CompletedProcess:
    """import-linter over the package in src, with the project's contracts."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", str(ROOT / "pyproject.toml")],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(src)},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_every_app_imports_only_apps_before_it_in_the_flow():
    checked = lint_imports(ROOT / "src")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "2 kept, 0 broken" in checked.stdout


@pytest.mark.parametrize(
    ("module", "planted", "arrow"),
    [
        # people reading the panel's agenda: the single view's old way
        (
            "people/planted.py",
            "from safeguarding.panel.models import Action\n",
            "safeguarding.people.planted -> safeguarding.panel.models",
        ),
        # the plumbing reaching into an app
        (
            "common/planted.py",
            "from safeguarding.sources import feeds\n",
            "safeguarding.common.planted -> safeguarding.sources.feeds",
        ),
        # an arrow round the ignored ones: sources may write people's records, not read risk
        (
            "sources/planted.py",
            "import safeguarding.risk.queries\n",
            "safeguarding.sources.planted -> safeguarding.risk.queries",
        ),
    ],
)
def test_an_arrow_planted_the_wrong_way_breaks_the_contract(tmp_path, module, planted, arrow):
    copy = tmp_path / "src"
    shutil.copytree(
        ROOT / "src" / "safeguarding",
        copy / "safeguarding",
        ignore=shutil.ignore_patterns("__pycache__", "templates", "migrations", "*.css"),
    )
    (copy / "safeguarding" / module).write_text(planted)
    checked = lint_imports(copy)
    assert checked.returncode != 0
    assert "1 kept, 1 broken" in checked.stdout
    assert arrow in checked.stdout
