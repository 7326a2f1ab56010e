"""Raw extracts kept content-addressed, so a batch can be re-run or audited from its own bytes."""

import hashlib
import shutil
from pathlib import Path

from django.conf import settings


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def raw_store() -> Path:
    return Path(settings.MEDIA_ROOT) / "raw"


def keep_raw_file(path: Path, *, checksum: str) -> Path:
    """Copy the file into the store under its checksum (once); return where it is kept."""
    kept = raw_store() / checksum[:2] / f"{checksum}{''.join(path.suffixes[-1:])}"
    if not kept.exists():
        kept.parent.mkdir(parents=True, exist_ok=True)
        partial = kept.with_name(kept.name + ".partial")
        shutil.copyfile(path, partial)
        partial.replace(kept)  # atomic: a killed copy never looks complete
    return kept
