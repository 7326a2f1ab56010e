"""Set-up checks that `safeguarding check`, `runserver` and the other commands report."""

import json
from pathlib import Path

from django.conf import settings
from django.core.checks import CheckMessage, Warning, register

# A file of the front-end build every page links to: collected without it, pages still fail.
BUILT_ASSET = "css/application.css"


@register()
def static_files_collected(**kwargs) -> list[CheckMessage]:
    """Without the collected files' manifest every page fails with "Missing staticfiles manifest
    entry": say so at start-up, with the command that fixes it, rather than on the first page."""
    storage = settings.STORAGES["staticfiles"]["BACKEND"]
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if "Manifest" not in storage:
        return []
    if not manifest.exists():
        return [
            Warning(
                f"The static files are not collected into {settings.STATIC_ROOT}: every page "
                "will answer with an error until they are.",
                hint="Run `safeguarding collectstatic --noinput` (`make setup` does it).",
                id="web.W001",
            )
        ]
    if BUILT_ASSET not in json.loads(manifest.read_text()).get("paths", {}):
        return [
            Warning(
                "The static files were collected without the front-end build: every page will "
                "answer with an error.",
                hint="Build it (`make assets`, or set SAFEGUARDING_ASSETS_DIR to a build), then "
                "run `safeguarding collectstatic --noinput`.",
                id="web.W002",
            )
        ]
    return []
