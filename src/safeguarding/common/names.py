"""Names made comparable: case, accents and punctuation gone, names split into their parts,
nicknames and formal names alternatives of each other. Linkage, search, the network stage and
the synthetic county all use these, so a name means the same everywhere."""

import unicodedata
from functools import cache

from nicknames import NickNamer

# The one nickname table: building it reads a file of some thousands of names.
NICKNAMES = NickNamer()


def plain(text: str | None) -> str:
    """`Zoë O'Brien-Smith ` → `zoe obrien-smith`."""
    if not text:
        return ""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    kept = "".join(ch for ch in folded.lower() if ch.isalnum() or ch in " -")
    return " ".join(kept.split())


def name_parts(text: str) -> list[str]:
    """Every part of a double-barrelled or multi-word name, and the whole."""
    parts = [part for part in text.replace("-", " ").split() if part]
    return sorted({text.replace(" ", "").replace("-", ""), *parts} - {""})


@cache
def first_name_alternatives(first_name: str) -> tuple[str, ...]:
    """A first name with the formal names it may be short for (`jay` → `james`, `jason`...)
    and its own short forms (`casey` → `kc`), so a nickname meets its name either way."""
    if not first_name:
        return ()
    short_forms = {plain(nickname) for nickname in NICKNAMES.nicknames_of(first_name)}
    return tuple(sorted({first_name, *NICKNAMES.canonicals_of(first_name), *short_forms} - {""}))


def name_variants(word: str) -> set[str]:
    """The word, the formal names it may be short for, and their other nicknames."""
    formal = set(first_name_alternatives(word))
    return formal | {nick for name in formal for nick in NICKNAMES.nicknames_of(name)}
