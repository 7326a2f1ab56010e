"""Set-up checks that `safeguarding check`, `runserver` and the other commands report."""

from pathlib import Path

from django.conf import settings
from django.core.checks import CheckMessage, Warning, register


@register()
def static_files_collected(**kwargs) -> list[CheckMessage]:
    """Without the collected files' manifest every page fails with "Missing staticfiles manifest
    entry": say so at start-up, with the command that fixes it, rather than on the first page."""
    storage = settings.STORAGES["staticfiles"]["BACKEND"]
    if "Manifest" not in storage or (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        return []
    return [
        Warning(
            f"The static files are not collected into {settings.STATIC_ROOT}: every page will "
            "answer with an error until they are.",
            hint="Run `safeguarding collectstatic --noinput` (`make setup` does it).",
            id="web.W001",
        )
    ]
