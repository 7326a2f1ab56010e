"""An agency's drop folder: which feed claims each file, in an order that resolves references."""

from dataclasses import dataclass, field
from graphlib import TopologicalSorter
from pathlib import Path

from safeguarding.sources.feeds import Feed


@dataclass
class FolderPlan:
    work: list[tuple[Feed, Path]] = field(default_factory=list)
    unclaimed: list[Path] = field(default_factory=list)


def plan_folder_import(folder: Path, feeds: dict[str, Feed]) -> FolderPlan:
    plan = FolderPlan()
    claimed: dict[str, list[Path]] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        owners = [feed for feed in feeds.values() if feed.claims(path.name)]
        if not owners:
            plan.unclaimed.append(path)
        elif len(owners) > 1:
            raise ValueError(
                f"{path.name} is claimed by several feeds: "
                f"{', '.join(f.name for f in owners)}; make their patterns distinct"
            )
        else:
            claimed.setdefault(owners[0].name, []).append(path)
    # A feed whose rows point at another feed's records runs after it.
    order = TopologicalSorter({name: feeds[name].depends_on for name in claimed}).static_order()
    for name in order:
        for path in claimed.get(name, []):
            plan.work.append((feeds[name], path))
    return plan
