"""An upload held between its check and the analyst's "Import it": kept under a random token
named in the analyst's own session, so one analyst cannot import another's held file, and
removed when imported or after a day."""

import secrets
import shutil
import time
from pathlib import Path

from django.conf import settings

HELD_FOR_SECONDS = 24 * 60 * 60
SESSION_KEY = "held_upload"


def held_root() -> Path:
    return Path(settings.MEDIA_ROOT) / "held-uploads"


def hold(*, upload, feed_name: str, session) -> Path:
    """Keep the uploaded file for its import; the session remembers which file and feed."""
    _forget_old()
    token = secrets.token_hex(16)
    folder = held_root() / token
    folder.mkdir(parents=True)
    path = folder / Path(upload.name).name
    with path.open("wb") as handle:
        for block in upload.chunks():
            handle.write(block)
    session[SESSION_KEY] = {"token": token, "feed": feed_name, "name": path.name}
    return path


def held(*, token: str, session) -> tuple[str, Path] | None:
    """The feed and file this session holds under token, if it still does."""
    entry = session.get(SESSION_KEY) or {}
    if not token or not secrets.compare_digest(str(entry.get("token", "")), token):
        return None
    path = held_root() / entry["token"] / entry["name"]
    return (entry["feed"], path) if path.is_file() else None


def release(*, session) -> None:
    entry = session.pop(SESSION_KEY, None) or {}
    if entry.get("token"):
        shutil.rmtree(held_root() / entry["token"], ignore_errors=True)


def _forget_old() -> None:
    # Files checked and never imported do not pile up: each new check clears those over a day old.
    if not held_root().is_dir():
        return
    cutoff = time.time() - HELD_FOR_SECONDS
    for folder in held_root().iterdir():
        if folder.is_dir() and folder.stat().st_mtime < cutoff:
            shutil.rmtree(folder, ignore_errors=True)
