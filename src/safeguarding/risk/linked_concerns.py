"""Links to adults, addresses and phones of concern, as a later stage (the network) finds them.

The network stage comes after risk in the flow, so risk cannot ask it: the network app
registers, when it loads, the query that gives each young person's links to a concern and the
event behind each (the evidence path). Until one is registered, no one is linked to any.
"""

from collections.abc import Callable

import pandas as pd

COLUMNS = ["person_id", "event_id", "concern"]
_provider: Callable[..., pd.DataFrame] | None = None


def register(provider: Callable[..., pd.DataFrame]) -> None:
    """`provider(kinds=(...))` gives rows of person_id, event_id and concern (its kind)."""
    global _provider
    _provider = provider


def concern_links(kinds: tuple[str, ...]) -> pd.DataFrame:
    if _provider is None:
        return pd.DataFrame(columns=COLUMNS)
    return _provider(kinds=kinds)[COLUMNS]
