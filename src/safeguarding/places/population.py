"""How many young people (aged 0 to 17) live in each small area: the denominator of the area
profiles' rates per 1,000.

The table is the ONS's small-area population estimates as published (one row per LSOA, a code
column and one column per single year of age, `0`..`90+` or `F0`..`F90` and `M0`..`M90`), or a
plain `small_area, young_people` table. A community area's is the sum of its small areas', and
unknown while any of them is.
"""

import re
from pathlib import Path

import pandas as pd
from django.db import transaction
from django.db.models import Count, Q, Sum

from safeguarding.places.models import Area, AreaKind

CODE_COLUMNS = ("small_area", "LSOA 2021 Code", "LSOA 2011 Code", "LSOA Code", "LSOA21CD")
YOUNGEST, OLDEST = 0, 17
AGE_COLUMN = re.compile(r"^(?:[FM])?(\d+)\+?$")


class PopulationError(ValueError):
    pass


def young_people_by_area(path: Path) -> pd.Series:
    """small area code → residents aged 0 to 17, from the table at `path`."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, thousands=",")
    code = next((c for c in CODE_COLUMNS if c in frame.columns), None)
    if code is None:
        raise PopulationError(
            f"{path} has no small area code column (one of {', '.join(CODE_COLUMNS)})."
        )
    if "young_people" in frame.columns:
        counts = pd.to_numeric(frame["young_people"], errors="coerce")
    else:
        ages = [
            column
            for column in frame.columns
            if (match := AGE_COLUMN.match(column)) and YOUNGEST <= int(match[1]) <= OLDEST
        ]
        if not ages:
            raise PopulationError(
                f"{path} has neither a young_people column nor single years of age 0 to 17."
            )
        counts = frame[ages].apply(pd.to_numeric, errors="coerce").sum(axis=1, min_count=1)
    if counts.isna().any():
        row = int(counts.isna().to_numpy().argmax()) + 2  # the header is line 1
        raise PopulationError(f"{path}, line {row}: the population is not a number.")
    return (
        pd.Series(counts.astype(int).to_numpy(), index=frame[code].str.strip())
        .groupby(level=0)
        .sum()
    )


@transaction.atomic
def load_population(path: Path) -> int:
    """Set each small area's young people from the table, and each community area's as the sum
    of its small areas; the number of small areas given a population."""
    counts = young_people_by_area(path)
    small_areas = Area.objects.filter(kind=AreaKind.LSOA)
    small_areas.update(young_people=None)
    known = list(small_areas.filter(code__in=counts.index.tolist()))
    for area in known:
        area.young_people = int(counts[area.code])
    Area.objects.bulk_update(known, ["young_people"], batch_size=500)
    for community_area in Area.objects.filter(kind=AreaKind.COMMUNITY_AREA):
        # Unknown while any of its small areas is: a part would understate the denominator.
        counted = community_area.children.aggregate(
            n=Sum("young_people"), unknown=Count("pk", filter=Q(young_people__isnull=True))
        )
        community_area.young_people = None if counted["unknown"] else counted["n"]
        community_area.save(update_fields=["young_people"])
    return len(known)
