"""The scoring engine: the catalogue applied to everyone's linked events, as of any date.

Only what happened by the as-of date counts. Each indicator is hit in the current window (the
`current_days` up to the as-of date) or the previous one (up to `previous_days`); the score is
the sum of the weights hit, previous ones at `previous_weight`. Every hit keeps the events
behind it, so each score can be checked against the records.
"""

import datetime
from dataclasses import dataclass

import numpy as np
import pandas as pd

from safeguarding.risk import linked_concerns
from safeguarding.risk.catalogue import Catalogue, Indicator
from safeguarding.risk.facts import Facts, ages_on

# An indicator counts the events a young person is in, in any of these roles, unless it names
# its own: never events they only reported or witnessed.
DEFAULT_ROLES = ("subject", "victim", "suspect", "missing_person", "found_with")
ADULT_AGE = 18
MATCH_COLUMNS = ["person_id", "event_id", "occurred_at", "unit"]


@dataclass
class Scores:
    as_of: datetime.date
    catalogue_version: str
    # person_id, score, level, computed_level, rules_applied, age, sex, ethnicity,
    # community_area, school_urn, agencies, types, current_indicators
    assessments: pd.DataFrame
    # person_id, indicator_id, recency, weight, count, latest, evidence (event ids)
    hits: pd.DataFrame


def _text(value) -> str:
    if isinstance(value, list):
        return " ".join(str(item) for item in value).lower()
    return "" if value is None else str(value).lower()


def _has_value(details: dict, key: str, accepted: frozenset[str]) -> bool:
    """The detail is one of the accepted values (for a list, any element is)."""
    value = details.get(key)
    values = value if isinstance(value, list) else [value]
    return any(str(item).lower() in accepted for item in values if item not in (None, ""))


def _contains(details: dict, key: str, fragments: tuple[str, ...]) -> bool:
    text = _text(details.get(key))
    return any(fragment in text for fragment in fragments)


def _matches_details(details: dict, indicator: Indicator) -> bool:
    return (
        all(_has_value(details, key, values) for key, values in indicator.details.items())
        and all(
            _contains(details, key, fragments)
            for key, fragments in indicator.details_contain.items()
        )
        and (indicator.kind != "attendance" or _attendance_below(details, indicator.below))
    )


def _attendance_below(details: dict, below: float | None) -> bool:
    assert below is not None  # the catalogue refuses an attendance indicator without one
    try:
        possible = float(details.get("possible_sessions") or 0)
        attended = float(details.get("sessions_attended") or 0)
    except (TypeError, ValueError):
        return False
    return possible > 0 and attended / possible < below


def end_of_day(day: datetime.date) -> pd.Timestamp:
    """The first moment after `day` in London, as naive UTC like the stored times."""
    midnight = pd.Timestamp(day + datetime.timedelta(days=1)).tz_localize("Europe/London")
    return midnight.tz_convert("UTC").tz_localize(None)


class Scorer:
    """Scores one set of facts with one catalogue, as of any number of dates.

    What does not depend on the date (which events each indicator matches) is worked out once.
    """

    def __init__(self, facts: Facts, catalogue: Catalogue):
        self.facts, self.catalogue = facts, catalogue
        events = facts.events
        self.columns = {
            name: events[name].to_numpy()
            for name in ("event_type", "role", "in_area", "found_in_area", "hours", "age")
        }
        self.details = events["details"].tolist()
        self.match_frame = events[MATCH_COLUMNS]
        self.is_young = ~(self.columns["age"] >= ADULT_AGE)  # unknown ages count as young
        self.home = facts.people.set_index("person_id")["home_postcode"]
        static = [
            self._match(indicator)
            for indicator in catalogue.indicators
            if indicator.kind in ("events", "attendance")
        ]
        self.static_matches = pd.concat(static, ignore_index=True) if static else None
        self.learning_disability = self.match_frame.iloc[
            self._factor_rows(catalogue.learning_disability_factors)
        ]
        schools = events[events["school_urn"] != ""]
        self.schools = schools[["person_id", "occurred_at", "school_urn"]]
        wanted = {
            c for i in catalogue.indicators if i.kind == "network_concern" for c in i.concerns
        }
        self.network_links = linked_concerns.concern_links(tuple(sorted(wanted)))

    # -- matching, independent of the date --------------------------------------------------

    def _rows(self, mask: np.ndarray, test=None, *arguments) -> np.ndarray:
        """Positions where the mask holds and `test(details, *arguments)` is true."""
        positions = np.flatnonzero(mask)
        if test is None:
            return positions
        return np.array([i for i in positions if test(self.details[i], *arguments)], dtype=int)

    def _match(self, indicator: Indicator) -> pd.DataFrame:
        columns = self.columns
        mask = self.is_young & np.isin(columns["role"], indicator.roles or DEFAULT_ROLES)
        if indicator.kind == "attendance":
            mask &= columns["event_type"] == "attendance"
        if indicator.event_types:
            mask &= np.isin(columns["event_type"], indicator.event_types)
        if indicator.location == "out_of_area":
            mask &= columns["in_area"] == False  # noqa: E712 (unknown is neither)
        if indicator.found == "out_of_area":
            mask &= columns["found_in_area"] == False  # noqa: E712
        if indicator.min_hours is not None:
            mask &= columns["hours"] >= indicator.min_hours
        if indicator.details or indicator.details_contain or indicator.kind == "attendance":
            positions = self._rows(mask, _matches_details, indicator)
        else:
            positions = self._rows(mask)
        return self.match_frame.iloc[positions].assign(indicator_id=indicator.id)

    def _factor_rows(self, codes: tuple[str, ...]) -> np.ndarray:
        mask = np.isin(self.columns["event_type"], ["referral", "assessment"])
        if not codes:
            mask &= False
        accepted = frozenset(code.lower() for code in codes)
        return self._rows(mask, _has_value, "factor_codes", accepted)

    # -- matching that depends on what was known by the date ---------------------------------

    def _adults_of_concern(self, indicator: Indicator, known: pd.DataFrame) -> pd.DataFrame:
        adults = known[(known["age"] >= ADULT_AGE) & known["role"].isin(indicator.adult_roles)]
        young = known[
            ~(known["age"] >= ADULT_AGE) & known["role"].isin(indicator.roles or DEFAULT_ROLES)
        ]
        shared = young[MATCH_COLUMNS].merge(
            adults[["event_id", "person_id"]].rename(columns={"person_id": "adult_id"}),
            on="event_id",
        )
        reach = shared.groupby("adult_id")["person_id"].nunique()
        of_concern = reach[reach >= indicator.min_young_people].index
        return shared[shared["adult_id"].isin(of_concern)][MATCH_COLUMNS].drop_duplicates()

    def _places_of_concern(
        self, indicator: Indicator, known: pd.DataFrame, end: pd.Timestamp
    ) -> pd.DataFrame:
        young = known[
            ~(known["age"] >= ADULT_AGE)
            & known["event_type"].isin(indicator.event_types)
            & known["role"].isin(indicator.roles or DEFAULT_ROLES)
        ]
        # Where a missing child was found, not where they went missing from; never their home.
        place = young["postcode"].where(
            young["event_type"] != "missing_episode", young["found_postcode"]
        )
        home = young["person_id"].map(self.home)
        young = young.assign(place=place)[(place != "") & (place != home)]
        recent = young[young["occurred_at"] > end - pd.Timedelta(days=indicator.lookback_days)]
        reach = recent.groupby("place")["person_id"].nunique()
        of_concern = reach[reach >= indicator.min_young_people].index
        return young[young["place"].isin(of_concern)][MATCH_COLUMNS]

    def _network_concerns(self, indicator: Indicator, known: pd.DataFrame) -> pd.DataFrame:
        """The young person's events that link them to a concern the network stage found."""
        links = self.network_links
        links = links[links["concern"].isin(indicator.concerns)][["person_id", "event_id"]]
        young = known[~(known["age"] >= ADULT_AGE)][MATCH_COLUMNS]
        return young.merge(links.drop_duplicates(), on=["person_id", "event_id"])

    # -- scoring -----------------------------------------------------------------------------

    def matches(self, as_of: datetime.date) -> pd.DataFrame:
        """Every indicator's matching events in the six months to the date."""
        catalogue, end = self.catalogue, end_of_day(as_of)
        previous_from = end - pd.Timedelta(days=catalogue.previous_days)
        events = self.facts.events
        known = events[events["occurred_at"] < end]
        frames = []
        if self.static_matches is not None:
            static = self.static_matches
            frames.append(
                static[(static["occurred_at"] < end) & (static["occurred_at"] >= previous_from)]
            )
        for indicator in catalogue.indicators:
            if indicator.kind == "adult_of_concern":
                frames.append(
                    self._adults_of_concern(indicator, known).assign(indicator_id=indicator.id)
                )
            elif indicator.kind == "place_of_concern":
                frames.append(
                    self._places_of_concern(indicator, known, end).assign(indicator_id=indicator.id)
                )
            elif indicator.kind == "network_concern":
                frames.append(
                    self._network_concerns(indicator, known).assign(indicator_id=indicator.id)
                )
        matched = pd.concat(frames, ignore_index=True)
        return matched[matched["occurred_at"] >= previous_from]

    def hits(self, as_of: datetime.date) -> pd.DataFrame:
        """Every indicator hit as of the date, with its recency, weight and evidence."""
        catalogue, end = self.catalogue, end_of_day(as_of)
        columns = ["person_id", "indicator_id", "recency", "weight", "count", "latest", "evidence"]
        matched = self.matches(as_of)
        if matched.empty:
            return pd.DataFrame(columns=columns)
        current_from = end - pd.Timedelta(days=catalogue.current_days)
        indicators = catalogue.by_id
        by_episode = matched["indicator_id"].map(
            {i.id: i.count == "episodes" for i in catalogue.indicators}
        )
        matched = matched.assign(
            recency=np.where(matched["occurred_at"] >= current_from, "current", "previous"),
            counted=matched["unit"].where(by_episode, matched["event_id"].astype(str)),
        )
        keys = ["indicator_id", "person_id"]
        counts = matched.groupby([*keys, "recency"])["counted"].nunique().reset_index()
        needed = counts["indicator_id"].map({i.id: i.min_count for i in catalogue.indicators})
        # The current window wins: "current" sorts before "previous".
        windows = (
            counts[counts["counted"] >= needed]
            .sort_values([*keys, "recency"])
            .drop_duplicates(keys)[[*keys, "recency"]]
        )
        kept = matched.merge(windows, on=[*keys, "recency"])
        grouped = kept.groupby(keys)
        hits = pd.DataFrame(
            {
                "recency": grouped["recency"].first(),
                "count": grouped["counted"].nunique(),
                "latest": grouped["occurred_at"].max(),
            }
        ).reset_index()
        evidence: dict[tuple, set] = {}
        for key in zip(kept["indicator_id"], kept["person_id"], kept["event_id"], strict=True):
            evidence.setdefault(key[:2], set()).add(key[2])
        hits["evidence"] = [
            tuple(sorted(evidence[key]))
            for key in zip(hits["indicator_id"], hits["person_id"], strict=True)
        ]
        factor = np.where(hits["recency"] == "current", 1.0, catalogue.previous_weight)
        hits["weight"] = (
            hits["indicator_id"].map({i: x.weight for i, x in indicators.items()}) * factor
        )
        return hits[columns]

    def score(self, as_of: datetime.date) -> Scores:
        catalogue, end = self.catalogue, end_of_day(as_of)
        people = self.facts.people.set_index("person_id")
        ages = ages_on(people["date_of_birth"], pd.Timestamp(as_of))
        children = people.index[ages.isna() | ((ages >= 0) & (ages <= catalogue.max_age))]
        born = people.index[people["date_of_birth"].isna() | (people["date_of_birth"] < end)]
        hits = self.hits(as_of)
        hits = hits[hits["person_id"].isin(children.intersection(born))].reset_index(drop=True)
        assessments = pd.DataFrame(
            {
                "score": hits.groupby("person_id")["weight"].sum(),
                "current_indicators": (hits["recency"] == "current")
                .groupby(hits["person_id"])
                .sum(),
            }
        )
        types: dict[int, set] = {}
        for person, indicator in zip(hits["person_id"], hits["indicator_id"], strict=True):
            types.setdefault(person, set()).update(catalogue.by_id[indicator].types)
        assessments["types"] = [tuple(sorted(types[person])) for person in assessments.index]
        assessments["computed_level"] = assessments["score"].map(catalogue.level_for)
        assessments["age"] = ages.reindex(assessments.index)
        disabled = self.learning_disability
        disabled = set(disabled[disabled["occurred_at"] < end]["person_id"])
        assessments["rules_applied"] = ""
        young = assessments["age"].lt(catalogue.at_least_medium_under_age or 0).fillna(False)
        has_disability = assessments.index.isin(list(disabled))
        raised = (
            (assessments["current_indicators"] > 0)
            & assessments["computed_level"].isin(["none", "low"])
            & (young | has_disability)
        )
        assessments.loc[raised & young, "rules_applied"] = "under_age"
        assessments.loc[raised & ~young & has_disability, "rules_applied"] = "learning_disability"
        assessments["level"] = assessments["computed_level"].where(~raised, "medium")
        for column in ("sex", "ethnicity", "community_area", "agencies"):
            assessments[column] = people[column].reindex(assessments.index)
        schools = self.schools[self.schools["occurred_at"] < end]
        latest_school = schools.drop_duplicates("person_id", keep="last").set_index("person_id")
        assessments["school_urn"] = latest_school["school_urn"].reindex(assessments.index)
        assessments["school_urn"] = assessments["school_urn"].fillna("")
        assessments = assessments.reset_index().sort_values(
            ["score", "person_id"], ascending=[False, True], kind="stable"
        )
        return Scores(
            as_of=as_of,
            catalogue_version=catalogue.version,
            assessments=assessments.reset_index(drop=True),
            hits=hits,
        )
