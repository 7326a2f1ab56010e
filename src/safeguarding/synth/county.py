"""Building the synthetic county: one seeded run writes every extract and its ground truth."""

import datetime
import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from safeguarding.synth import extracts as agencies
from safeguarding.synth.exploitation import build_exploitation, build_peer_groups
from safeguarding.synth.geography import build_geography
from safeguarding.synth.identity import nhs_numbers, upns
from safeguarding.synth.parameters import (
    NOISE_PROFILES,
    REFERENCE_END,
    Parameters,
    parameters_for,
    parameters_from,
)
from safeguarding.synth.population import build_young_people, names
from safeguarding.synth.signals import build_signals
from safeguarding.synth.writers import write_extract

# Changed whenever the extracts change shape, so a county built by an older generator is
# built again, not reused (7: attendance returns carry TermEnd).
GENERATOR_VERSION = "7"
TRUTH_FILES = [
    "people.csv",
    "source_records.csv",
    "exploitation.csv",
    "perpetrators.csv",
    "groups.csv",
    "peer_groups.csv",
    "hotspots.csv",
    "bad_rows.csv",
    "events.csv",
    "parameters.json",
]
GEOGRAPHY_FILES = ["postcodes.csv", "schools.csv", "community_areas.csv", "small_areas.geojson"]


# What a county folder holds; anything else in the folder is someone else's and is left alone.
OWN_ENTRIES = {"extracts", "truth", "geography", "manifest.json"}


class FolderInUse(Exception):
    """The output folder holds files that are not a synthetic county's."""


@dataclass
class CountySummary:
    out_dir: str
    seed: int
    scale: str
    young_people: int
    exploited: int
    source_records: int
    rows_by_file: dict[str, int]
    # The last day of the county's data (counties built before this was recorded end on the
    # reference day).
    window_end: str = REFERENCE_END.isoformat()
    reused: bool = False

    @property
    def total_rows(self) -> int:
        return sum(self.rows_by_file.values())


def build_county(
    *,
    out_dir: Path,
    seed: int,
    scale: str | int,
    window_end: datetime.date | None = None,
    progress: Callable[[str], None] | None = None,
    force: bool = False,
    noise: str = "default",
    profile: str = "default",
    parameters_file: Path | None = None,
) -> CountySummary:
    """Write the county to out_dir, or reuse the one already there for this seed and scale.

    The county's data ends on window_end; without one it ends today, and a county already built
    for the seed and scale is reused whatever day it ends on (the summary says which). The
    same seed, scale and end always write the same files. Nothing in out_dir but a county's
    own files is ever deleted or overwritten: a folder holding anything else is refused
    (FolderInUse) unless force is given, and then the county is written beside it.

    profile names a set of rates (parameters.PROFILES); parameters_file, a JSON object of
    parameter names and values, overrides them, so validation can run on counties built from
    different parameters.
    """
    say = progress or (lambda message: None)
    base = replace(parameters_for(scale, window_end=window_end), noise=NOISE_PROFILES[noise])
    params = parameters_from(base, profile=profile, file=parameters_file)
    variant = {
        "profile": profile,
        "parameters": _sha256(parameters_file) if parameters_file else "",
    }
    manifest_path = out_dir / "manifest.json"
    if not force and manifest_path.exists():
        manifest = json.loads(manifest_path.read_text())
        built_end = manifest["summary"].get("window_end", REFERENCE_END.isoformat())
        if (
            (manifest["seed"], str(manifest["scale"]), manifest["generator_version"])
            == (seed, str(scale), GENERATOR_VERSION)
            and manifest.get("noise", "default") == noise
            and manifest.get("variant", {"profile": "default", "parameters": ""}) == variant
            and (window_end is None or built_end == window_end.isoformat())
            and all((out_dir / name).exists() for name in manifest["files"])
        ):
            return CountySummary(**manifest["summary"], reused=True)
    foreign = (
        sorted(p.name for p in out_dir.iterdir() if p.name not in OWN_ENTRIES)
        if out_dir.is_dir()
        else []
    )
    if foreign and not force:
        raise FolderInUse(
            f"{out_dir} holds files that are not a synthetic county's ({', '.join(foreign[:3])}"
            f"{', ...' if len(foreign) > 3 else ''}): choose an empty or new folder, or force "
            "writing the county beside them"
        )
    rng = np.random.default_rng(seed)
    # A half-written county must never pass for a finished one: the manifest goes first and
    # comes back last. The files of the county this replaces are overwritten by name.
    manifest_path.unlink(missing_ok=True)
    for folder in ("extracts", "truth", "geography"):
        (out_dir / folder).mkdir(parents=True, exist_ok=True)

    first_day, last_day = pd.Timestamp(params.window_start), pd.Timestamp(params.window_end)
    say("geography")
    geography = build_geography(rng)
    say("people")
    people = build_young_people(
        params.young_people,
        geography,
        window_end=last_day,
        rng=rng,
        ethnicity_multipliers=params.ethnicity_multipliers,
    )
    people["looked_after"] = rng.random(len(people)) < params.looked_after_rate
    people["vulnerable"] = (
        rng.random(len(people)) < params.vulnerable_share if params.vulnerable_share else False
    )
    people["nhs_number"] = nhs_numbers(len(people), rng)
    people["upn"] = upns(len(people), rng)
    say("exploitation")
    exploitation = build_exploitation(
        people, geography, params, window_start=first_day, window_end=last_day, rng=rng
    )
    adults = exploitation["adults"]
    adults["phone"] = ""
    leader = adults["role"] == "group_leader"
    adults.loc[leader, "phone"] = adults.loc[leader, "group_id"].map(
        exploitation["groups"].set_index("group_id")["deal_line"]
    )
    for column, value in (
        ("looked_after", False),
        ("vulnerable", False),
        ("nhs_number", ""),
        ("upn", ""),
    ):
        adults[column] = value
    peer_groups = build_peer_groups(people, exploitation["victims"], rng)
    say("events")
    events = build_signals(
        people,
        exploitation,
        params,
        geography,
        window_start=first_day,
        window_end=last_day,
        rng=rng,
    )

    say("extracts")
    surnames = names("surnames")
    built = [
        agencies.police(people, adults, events, params, rng, surnames),
        agencies.missing_service(people, events, params, rng, surnames),
        agencies.social_care(people, events, exploitation["victims"], params, rng, surnames),
        agencies.education(people, events, exploitation["victims"], params, rng, surnames),
        agencies.health(people, events, params, rng, surnames),
        agencies.youth_justice(people, events, params, rng, surnames),
        agencies.partner_concerns(people, events, params, rng),
    ]
    rows_by_file, bad_rows = {}, []
    for extracts, _ in built:
        for extract in extracts:
            say(extract.path)
            rows, bad = write_extract(
                extract,
                out_dir / "extracts",
                bad_count=params.bad_rows_per_file,
                exported_on=(last_day + pd.Timedelta(days=1)).date(),
                rng=rng,
            )
            rows_by_file[extract.path] = rows
            bad_rows += bad
    source_records = pd.concat([truth for _, truth in built], ignore_index=True)

    say("truth")
    written = [out_dir / "extracts" / path for path in rows_by_file]
    written += _write_truth(
        out_dir / "truth",
        people=people,
        adults=adults,
        exploitation=exploitation,
        peer_groups=peer_groups,
        events=events,
        source_records=source_records,
        bad_rows=bad_rows,
        params=params,
    )
    written += _write_geography(out_dir / "geography", geography)
    summary = CountySummary(
        out_dir=str(out_dir),
        seed=seed,
        scale=str(scale),
        young_people=len(people),
        exploited=len(exploitation["victims"]),
        source_records=len(source_records),
        rows_by_file=rows_by_file,
        window_end=params.window_end,
    )
    files = sorted(str(p.relative_to(out_dir)) for p in written)
    manifest_path.write_text(
        json.dumps(
            {
                "seed": seed,
                "scale": str(scale),
                "generator_version": GENERATOR_VERSION,
                "noise": noise,
                "variant": variant,
                "files": {name: _sha256(out_dir / name) for name in files},
                "summary": {k: v for k, v in asdict(summary).items() if k != "reused"},
            },
            indent=1,
        )
    )
    return summary


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_truth(
    folder: Path,
    *,
    people,
    adults,
    exploitation,
    peer_groups,
    events,
    source_records,
    bad_rows,
    params: Parameters,
) -> list[Path]:
    """Write the ground truth; return the files written."""
    columns = [
        "person_id",
        "kind",
        "given_name",
        "family_name",
        "sex",
        "date_of_birth",
        "ethnicity",
        "postcode",
        "previous_postcode",
        "school_urn",
        "looked_after",
        "vulnerable",
        "nhs_number",
        "upn",
    ]
    everyone = pd.concat([people[columns], adults[columns]], ignore_index=True)
    everyone["date_of_birth"] = everyone["date_of_birth"].dt.strftime("%Y-%m-%d")
    everyone.to_csv(folder / "people.csv", index=False)
    source_records.to_csv(folder / "source_records.csv", index=False)
    victims = exploitation["victims"].copy()
    for column in ("onset", "crisis_date", "signals_from"):
        victims[column] = victims[column].dt.strftime("%Y-%m-%d").fillna("")
    victims.to_csv(folder / "exploitation.csv", index=False)
    adults[["person_id", "role", "group_id", "postcode", "phone", "out_of_county"]].to_csv(
        folder / "perpetrators.csv", index=False
    )
    groups = exploitation["groups"].copy()
    for column in ("active_from", "active_to"):
        groups[column] = groups[column].dt.strftime("%Y-%m-%d")
    groups.to_csv(folder / "groups.csv", index=False)
    peer_groups.to_csv(folder / "peer_groups.csv", index=False)
    hotspots = exploitation["trap_houses"].merge(
        groups[["group_id", "active_from", "active_to"]], on="group_id"
    )
    hotspots["category"] = "trap_house"
    hotspots.rename(columns={"trap_postcode": "postcode"}).to_csv(
        folder / "hotspots.csv", index=False
    )
    pd.DataFrame(bad_rows, columns=["file", "row", "column", "defect", "expected"]).to_csv(
        folder / "bad_rows.csv", index=False
    )
    signal_columns = ["event_id", "person_id", "signal", "occurred_at", "exploited", "group_id"]
    events[signal_columns].to_csv(folder / "events.csv", index=False)
    (folder / "parameters.json").write_text(json.dumps(asdict(params), indent=1))
    return [folder / name for name in TRUTH_FILES]


def _write_geography(folder: Path, geography) -> list[Path]:
    geography.postcodes.to_csv(folder / "postcodes.csv", index=False)
    geography.schools.to_csv(folder / "schools.csv", index=False)
    geography.towns.drop(columns=["outward_codes"]).to_csv(
        folder / "community_areas.csv", index=False
    )
    features = [
        {
            "type": "Feature",
            "properties": {"code": area.code, "community_area": area.community_area},
            "geometry": area.geometry.__geo_interface__,
        }
        for area in geography.small_areas.itertuples()
    ]
    (folder / "small_areas.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": features})
    )
    return [folder / name for name in GEOGRAPHY_FILES]
