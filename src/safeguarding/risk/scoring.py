"""The scoring engine: the catalogue applied to everyone's linked events, as of any date.

Only what happened by the as-of date counts. Each indicator is hit in the current window (the
`current_days` up to the as-of date) or the previous one (up to `previous_days`); the score is
the sum of the weights hit, previous ones at `previous_weight`. Vulnerabilities count over their
own, longer `lookback_days`, fading from full weight to half over it, and together add at most
`vulnerability_cap`: they order everyone else, below the indicators. Every hit keeps the events
behind it, so each score can be checked against the records.
"""

import datetime
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from safeguarding.risk import linked_concerns, related_exploited
from safeguarding.risk.catalogue import Catalogue, Indicator
from safeguarding.risk.facts import ADULT_AGE, MATCH_COLUMNS, Facts, ages_on

# An indicator counts the events a young person is in, in any of these roles, unless it names
# its own: never events they only reported or witnessed.
DEFAULT_ROLES = ("subject", "victim", "suspect", "missing_person", "found_with")
PERSISTENT_ABSENCE = 0.9  # DfE: missing 10% or more of possible sessions


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


def _has_value(details: dict, key: str, accepted: frozenset[str], at_least: int = 1) -> bool:
    """The detail is one of the accepted values (for a list, at least `at_least` different
    elements are)."""
    value = details.get(key)
    values = value if isinstance(value, list) else [value]
    found = {str(item).lower() for item in values if item not in (None, "")} & accepted
    return len(found) >= at_least


def _contains(details: dict, key: str, fragments: tuple[str, ...]) -> bool:
    text = _text(details.get(key))
    return any(fragment in text for fragment in fragments)


def _matches_details(details: dict, indicator: Indicator) -> bool:
    return (
        all(
            _has_value(details, key, values, indicator.min_details)
            for key, values in indicator.details.items()
        )
        and all(
            _contains(details, key, fragments)
            for key, fragments in indicator.details_contain.items()
        )
        and (indicator.kind != "attendance" or _attendance_below(details, indicator.below))
    )


def _is_ruled_out(details: dict, unless: dict[str, frozenset[str]]) -> bool:
    return any(_has_value(details, key, values) for key, values in unless.items())


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


def corroborated(hits: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """The hits without those of indicators that need corroboration, for young people with no
    hit of an indicator that does not (a vulnerability is not a sign, so never corroborates).

    Both are in the six months to the date, as every indicator hit is. The rule's reason is in
    docs/risk.md (fairness): arrests and stops are recorded at rates that differ by ethnic group
    for the same behaviour, so alone they rank whom the police watch, not who is exploited.
    """
    needs = (
        hits["indicator_id"]
        .map({i.id: i.needs_corroboration for i in catalogue.indicators})
        .astype(bool)
    )
    if not needs.any():
        return hits
    signs = hits[(hits["part"] == "indicator") & ~needs]
    keep = ~needs | hits["person_id"].isin(set(signs["person_id"]))
    return hits[keep].reset_index(drop=True)


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
        # How strongly an attendance record shows absence (1 for any other event): it orders
        # the many pupils whose half terms end on the same day.
        self.match_frame = events[MATCH_COLUMNS].assign(intensity=self._absence_intensity())
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
        self.schools = schools[["person_id", "event_id", "occurred_at", "school_urn"]]
        wanted = {
            c for i in catalogue.indicators if i.kind == "network_concern" for c in i.concerns
        }
        self.network_links = linked_concerns.concern_links(tuple(sorted(wanted)))

    # -- matching, independent of the date --------------------------------------------------

    @cached_property
    def attendance_rates(self) -> np.ndarray:
        """Each attendance record's share of sessions attended; NaN for every other event and
        for a record without usable figures."""
        rates = np.full(len(self.details), np.nan)
        for i in np.flatnonzero(self.columns["event_type"] == "attendance"):
            details = self.details[i]
            try:
                rates[i] = float(details.get("sessions_attended") or 0) / float(
                    details.get("possible_sessions") or 0
                )
            except (TypeError, ValueError, ZeroDivisionError):
                continue
        return rates

    def _absence_intensity(self) -> np.ndarray:
        """For attendance records: 0.5 just under the persistent-absence line (90%), rising to 1
        at 30% of sessions below it; 1 for every other event."""
        shortfall = (PERSISTENT_ABSENCE - self.attendance_rates) / PERSISTENT_ABSENCE
        intensity = 0.5 + 0.5 * np.minimum(1.0, np.clip(shortfall, 0, None) / 0.3)
        return np.where(np.isnan(intensity), 1.0, intensity)

    @cached_property
    def attendance_falls(self) -> np.ndarray:
        """For each attendance record, how far its rate is below the pupil's own mean over the
        365 days before it, from at least two earlier records (NaN otherwise).

        A sharp fall is a sign where a long-standing pattern of absence is not (docs/risk.md,
        *A sharp fall in attendance*). Only earlier records count, so it never looks ahead.
        """
        rates = self.attendance_rates
        rows = np.flatnonzero(~np.isnan(rates))
        falls = np.full(len(rates), np.nan)
        if not len(rows):
            return falls
        events = self.facts.events
        frame = pd.DataFrame(
            {
                "person_id": events["person_id"].to_numpy()[rows],
                "at": events["occurred_at"].to_numpy()[rows],
                "rate": rates[rows],
                "row": rows,
            }
        ).sort_values(["person_id", "at"], kind="stable")
        # The frame is sorted by pupil and time, so the rolling means come back in its order.
        before = (
            frame.set_index("at")
            .groupby("person_id", sort=False)["rate"]
            .rolling("365D", closed="left")
            .agg(["mean", "count"])
        )
        mean = before["mean"].to_numpy()
        enough = before["count"].to_numpy() >= 2
        falls[frame["row"].to_numpy()] = np.where(enough, mean - frame["rate"].to_numpy(), np.nan)
        return falls

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
        if indicator.falls_by is not None:
            # A fall of exactly `falls_by` counts, whatever the rounding of the two rates.
            mask &= self.attendance_falls >= indicator.falls_by - 1e-9
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
        matched = self.match_frame.iloc[positions]
        if indicator.unless:
            # Ruled out by any report of the same episode (units join one missing episode's
            # reports across agencies; any other event is its own unit).
            same_kind = np.isin(columns["event_type"], indicator.event_types)
            ruled_out = self._rows(same_kind, _is_ruled_out, indicator.unless)
            matched = matched[~matched["unit"].isin(set(self.match_frame["unit"].iloc[ruled_out]))]
        return matched.assign(indicator_id=indicator.id)

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

    def window_days(self, indicator: Indicator) -> int:
        """How far back an item looks: the catalogue's six months, or a vulnerability's own."""
        if indicator.is_vulnerability:
            return indicator.lookback_days
        return self.catalogue.previous_days

    def matches(self, as_of: datetime.date) -> pd.DataFrame:
        """Every item's matching events in its window to the date."""
        catalogue, end = self.catalogue, end_of_day(as_of)
        window = {i.id: pd.Timedelta(days=self.window_days(i)) for i in catalogue.indicators}
        events = self.facts.events
        known = events[events["occurred_at"] < end]
        longest = end - max(window.values())
        frames = []
        if self.static_matches is not None:
            static = self.static_matches
            frames.append(
                static[(static["occurred_at"] < end) & (static["occurred_at"] >= longest)]
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
        everything = pd.concat(frames, ignore_index=True)
        everything["intensity"] = everything["intensity"].astype(float).fillna(1.0)
        starts = end - everything["indicator_id"].map(window)
        matched = everything[everything["occurred_at"] >= starts]
        related = [i for i in catalogue.indicators if i.kind == "related_exploited"]
        if related:
            frames = [matched]
            frames += [
                self._related(i, everything, known, end).assign(indicator_id=i.id) for i in related
            ]
            matched = pd.concat(frames, ignore_index=True)
            matched["intensity"] = matched["intensity"].astype(float).fillna(1.0)
        return matched

    def _related(
        self,
        indicator: Indicator,
        everything: pd.DataFrame,
        known: pd.DataFrame,
        end: pd.Timestamp,
    ) -> pd.DataFrame:
        """The young people related (by the item's relation) to one whose exploitation is
        recorded (risk/related_exploited.py). `everything`: every item's matches before each
        item's own window, so the related indicators are read over the relation's lookback (a
        year), not over the six months they count for as signs."""
        if indicator.relation == "school":
            since = end - pd.Timedelta(days=indicator.lookback_days)
            schools = self.latest_school_records(end, since=since)
            return related_exploited.at_school(indicator, everything, schools, end)
        if indicator.relation == "shared_event":
            return related_exploited.in_shared_events(
                indicator, everything, known, end, default_roles=DEFAULT_ROLES
            )
        return related_exploited.in_household(indicator, everything, self.households, end)

    def latest_school_records(
        self, end: pd.Timestamp, *, since: pd.Timestamp | None = None
    ) -> pd.DataFrame:
        """person_id → event_id and school_urn of their latest attendance or exclusion record
        before `end` (and from `since`): the school the tracker shows."""
        schools = self.schools[self.schools["occurred_at"] < end]
        if since is not None:
            schools = schools[schools["occurred_at"] >= since]
        # Events are in time order (risk/facts.py), so the last is the latest.
        latest = schools.drop_duplicates("person_id", keep="last").set_index("person_id")
        return latest[["event_id", "school_urn"]]

    @cached_property
    def households(self) -> pd.Series:
        return related_exploited.households(self.facts.people)

    def hits(self, as_of: datetime.date) -> pd.DataFrame:
        """Every indicator hit as of the date, with its recency, weight and evidence."""
        catalogue, end = self.catalogue, end_of_day(as_of)
        columns = ["person_id", "indicator_id", "recency", "weight", "count", "latest", "evidence"]
        matched = self.matches(as_of)
        if matched.empty:
            return pd.DataFrame(columns=[*columns, "part"])
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
                "intensity": grouped["intensity"].max(),
            }
        ).reset_index()
        evidence: dict[tuple, set] = {}
        for key in zip(kept["indicator_id"], kept["person_id"], kept["event_id"], strict=True):
            if key[2] >= 0:
                evidence.setdefault(key[:2], set()).add(key[2])
        hits["evidence"] = [
            tuple(sorted(evidence.get(key, ())))
            for key in zip(hits["indicator_id"], hits["person_id"], strict=True)
        ]
        weight = hits["indicator_id"].map({i: x.weight for i, x in indicators.items()})
        vulnerable = hits["indicator_id"].map(
            {i: x.is_vulnerability for i, x in indicators.items()}
        )
        factor = np.where(hits["recency"] == "current", 1.0, catalogue.previous_weight)
        # A vulnerability fades from full weight on the day to half at the end of its window:
        # this orders young people with the same vulnerabilities by how recent they are.
        lookback = hits["indicator_id"].map({i: x.lookback_days for i, x in indicators.items()})
        age_days = (end - hits["latest"]) / pd.Timedelta(days=1)
        fade = 1 - 0.5 * (age_days / lookback).clip(lower=0, upper=1)
        hits["weight"] = np.where(
            vulnerable, weight * fade * hits["intensity"].astype(float), weight * factor
        )
        # Together, vulnerabilities add at most the cap (each scaled down alike).
        total = hits["weight"].where(vulnerable, 0.0).groupby(hits["person_id"]).transform("sum")
        scale = (catalogue.vulnerability_cap / total).clip(upper=1.0).fillna(1.0)
        hits["weight"] = np.where(vulnerable, hits["weight"] * scale, hits["weight"])
        hits["part"] = np.where(vulnerable, "vulnerability", "indicator")
        return corroborated(hits[[*columns, "part"]], catalogue)

    def score(self, as_of: datetime.date) -> Scores:
        catalogue, end = self.catalogue, end_of_day(as_of)
        people = self.facts.people.set_index("person_id")
        ages = ages_on(people["date_of_birth"], pd.Timestamp(as_of))
        children = people.index[ages.isna() | ((ages >= 0) & (ages <= catalogue.max_age))]
        born = people.index[people["date_of_birth"].isna() | (people["date_of_birth"] < end)]
        hits = self.hits(as_of)
        hits = hits[hits["person_id"].isin(children.intersection(born))].reset_index(drop=True)
        is_sign = hits["part"] == "indicator"
        assessments = pd.DataFrame(
            {
                "score": hits.groupby("person_id")["weight"].sum(),
                "indicator_score": hits["weight"]
                .where(is_sign, 0.0)
                .groupby(hits["person_id"])
                .sum(),
                "current_indicators": ((hits["recency"] == "current") & is_sign)
                .groupby(hits["person_id"])
                .sum(),
            }
        )
        assessments["vulnerability_score"] = assessments["score"] - assessments["indicator_score"]
        types: dict[int, set] = {}
        for person, indicator in zip(hits["person_id"], hits["indicator_id"], strict=True):
            # Exploitation types come from the signs, not from vulnerabilities.
            if not catalogue.by_id[indicator].is_vulnerability:
                types.setdefault(person, set()).update(catalogue.by_id[indicator].types)
            else:
                types.setdefault(person, set())
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
        latest_school = self.latest_school_records(end)
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
