"""Measuring linkage against the synthetic county's truth: pairwise and B-cubed."""

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Evaluation:
    pairs_predicted: int
    pairs_true: int
    pairs_correct: int
    bcubed_precision: float
    bcubed_recall: float

    @property
    def precision(self) -> float:
        return self.pairs_correct / self.pairs_predicted if self.pairs_predicted else 1.0

    @property
    def recall(self) -> float:
        return self.pairs_correct / self.pairs_true if self.pairs_true else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def _pairs(frame: pd.DataFrame, group: str) -> set[tuple]:
    members = frame[["record", group]]
    joined = members.merge(members, on=group)
    joined = joined[joined["record_x"] < joined["record_y"]]
    return set(zip(joined["record_x"], joined["record_y"], strict=True))


def evaluate(assigned: pd.DataFrame) -> Evaluation:
    """`assigned`: one row per record with `record`, `predicted` and `true` cluster ids."""
    predicted, true = _pairs(assigned, "predicted"), _pairs(assigned, "true")
    sizes = assigned.groupby(["predicted", "true"]).size().rename("both").reset_index()
    sizes = sizes.merge(assigned.groupby("predicted").size().rename("p"), on="predicted")
    sizes = sizes.merge(assigned.groupby("true").size().rename("t"), on="true")
    n = len(assigned)
    return Evaluation(
        pairs_predicted=len(predicted),
        pairs_true=len(true),
        pairs_correct=len(predicted & true),
        bcubed_precision=float((sizes["both"] ** 2 / sizes["p"]).sum() / n) if n else 1.0,
        bcubed_recall=float((sizes["both"] ** 2 / sizes["t"]).sum() / n) if n else 1.0,
    )


def truth_clusters(*, truth_dir, feeds: dict) -> pd.DataFrame:
    """The synthetic county's truth as `feed, source_record_id, true` (the true person)."""
    from pathlib import Path

    truth = pd.read_csv(Path(truth_dir) / "source_records.csv", dtype=str, keep_default_na=False)
    feed_of_file = {}
    for file in truth["file"].unique():
        owners = [name for name, feed in feeds.items() if feed.claims(Path(file).name)]
        feed_of_file[file] = owners[0] if owners else None
    truth["feed"] = truth["file"].map(feed_of_file)
    return truth.rename(columns={"person_id": "true"})[["feed", "source_record_id", "true"]]


def evaluate_against_truth(records: pd.DataFrame, truth: pd.DataFrame) -> Evaluation:
    """records: feed, source_record_id and the person linkage gave them (`person_id`)."""
    assigned = records.merge(truth, on=["feed", "source_record_id"], how="inner")
    assigned = assigned.rename(columns={"person_id": "predicted"})
    assigned["record"] = range(len(assigned))
    return evaluate(assigned)
