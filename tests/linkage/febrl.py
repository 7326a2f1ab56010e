"""The public FEBRL data sets (var/febrl) as the frame linkage reads, for the model's tests:
small versions keep whole true clusters (every record of the originals numbered below a bound)."""

from pathlib import Path

import pandas as pd
import pytest

FEBRL = Path(__file__).resolve().parents[2] / "var" / "febrl"


def febrl_records(files: list[str], *, below: int | None = None) -> pd.DataFrame:
    """Records as `source_records_frame` gives them, with the true person in `true`."""
    if not (FEBRL / files[0]).exists():
        pytest.skip("the FEBRL files are fetched at set-up (scripts/fetch-febrl)")
    frames = []
    for name in files:
        data = pd.read_csv(FEBRL / name, dtype=str, skipinitialspace=True).fillna("")
        data.columns = [column.strip() for column in data.columns]
        data["true"] = data["rec_id"].str.extract(r"rec-(\d+)-")[0].astype(int)
        if below is not None:
            data = data[data["true"] < below]
        frames.append(data.assign(feed=name.removesuffix(".csv")))
    data = pd.concat(frames, ignore_index=True)
    address = data[["street_number", "address_1", "address_2", "suburb"]].agg(" ".join, axis=1)
    return pd.DataFrame(
        {
            "id": range(1, len(data) + 1),
            "feed": data["feed"],
            "source_record_id": data["rec_id"],
            "given_names": data["given_name"],
            "family_name": data["surname"],
            "aliases": [[] for _ in range(len(data))],
            "date_of_birth": pd.to_datetime(
                data["date_of_birth"], format="%Y%m%d", errors="coerce"
            ).dt.date,
            "sex": "",
            "postcode": data["postcode"],
            "address": address.str.strip(),
            "history": [[] for _ in range(len(data))],
            "person_id": None,
            "social_security_number": data["soc_sec_id"].where(data["soc_sec_id"] != "", None),
            "true": data["true"],
        }
    )
