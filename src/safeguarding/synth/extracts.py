"""Each agency's extract in its own shape, built from the true events and noisy views of people."""

import datetime
import itertools

import numpy as np
import pandas as pd

from safeguarding.common.identifiers import upn_check_letter
from safeguarding.synth.identity import corrupt_digit
from safeguarding.synth.noise import apply_noise, nickname, with_duplicates
from safeguarding.synth.parameters import Parameters
from safeguarding.synth.writers import Extract

SEX_CODES = {"male": "M", "female": "F"}
# The child's details that denormalised extracts (one row per event) repeat on every row.
PERSON_COLUMNS = [
    "person_id",
    "source_record_id",
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "postcode",
]


def agency_view(
    people: pd.DataFrame,
    *,
    id_prefix: str,
    params: Parameters,
    rng: np.random.Generator,
    surnames: np.ndarray,
    width: int = 7,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One agency's records of these people: own ids, duplicates and noise."""
    records = with_duplicates(
        people.drop_duplicates("person_id"), params.noise.duplicate_record, rng
    )
    order = rng.permutation(len(records))
    records = records.iloc[order].reset_index(drop=True)
    records["source_record_id"] = [f"{id_prefix}{i + 1:0{width}d}" for i in range(len(records))]
    records, log = apply_noise(records, params.noise, rng, surnames)
    return records, log


def pick_record(
    records: pd.DataFrame, person_ids: pd.Series, rng: np.random.Generator
) -> np.ndarray:
    """The agency id used for each event's person: either of a duplicated person's ids."""
    by_person = records.groupby("person_id")["source_record_id"].apply(np.array).to_dict()
    return np.array([ids[int(rng.integers(len(ids)))] for ids in person_ids.map(by_person)])


def fmt(series: pd.Series, pattern: str) -> pd.Series:
    return series.dt.strftime(pattern).fillna("")


def police(people, adults, events, params, rng, surnames) -> tuple[list[Extract], pd.DataFrame]:
    signals = {
        "missing": "MISP",
        "stop_and_search": "SS",
        "found_with": "FIC",
        "arrest_out_of_area": "ARR",
        "crisis": "ARR",
        "youth_justice": "ARR",
    }
    seen = events[events["signal"].isin(list(signals))].copy()
    # The police hear of about half of all missing episodes (those graded higher risk).
    seen = seen[(seen["signal"] != "missing") | (rng.random(len(seen)) < 0.5)]
    seen = seen[(seen["signal"] != "crisis") | (seen["crisis"] == "arrest_at_trap_house")]
    seen["code"] = seen["signal"].map(signals)
    seen["reference"] = [
        f"54/{t:%y}/{i:06d}" for t, i in zip(seen["occurred_at"], seen["event_id"], strict=True)
    ]
    adult_people = adults.assign(previous_postcode="", looked_after=False)
    involved_adults = _adults_in_police_events(seen, adults, rng)
    known = pd.concat(
        [
            people[people["person_id"].isin(seen["person_id"])],
            adult_people[adult_people["person_id"].isin(involved_adults["person_id"])],
        ]
    )
    records, log = agency_view(known, id_prefix="WP", params=params, rng=rng, surnames=surnames)
    alias = rng.random(len(records)) < params.noise.police_alias
    records["aliases"] = ""
    records.loc[alias, "aliases"] = [
        f"{nickname(g, p)} {s}"
        for g, s, p in zip(
            records.loc[alias, "given_name"],
            rng.choice(surnames, int(alias.sum())),
            rng.random(int(alias.sum())),
            strict=True,
        )
    ]
    records["phone"] = records["person_id"].map(adults.set_index("person_id")["phone"]).fillna("")
    nominals = pd.DataFrame(
        {
            "NominalID": records["source_record_id"],
            "Surname": records["family_name"].str.upper(),
            "Forenames": records["given_name"],
            "DOB": fmt(records["date_of_birth"], "%d/%m/%Y"),
            "Sex": records["sex"].map(SEX_CODES).fillna("U"),
            "EthnicityCode": records["ethnicity"],
            "Postcode": records["postcode"],
            "Aliases": records["aliases"],
            "PhoneNumber": records["phone"],
        }
    )
    summaries = {
        "MISP": "Reported missing",
        "SS": "Stop and search",
        "FIC": "Found in company",
        "ARR": "Arrest",
    }
    found = np.where(
        seen["exploited"] & (seen["signal"] == "stop_and_search"),
        rng.choice(
            ["cash;phones", "drugs;cash", "phones", "drugs;phones;cash", "knife"], len(seen)
        ),
        rng.choice(list(params.background_stop_finds), len(seen)),
    )
    occurrences = pd.DataFrame(
        {
            "OccurrenceRef": seen["reference"],
            "OccurrenceType": seen["code"],
            "ReportedDateTime": fmt(seen["occurred_at"], "%d/%m/%Y %H:%M"),
            "LocationPostcode": np.where(
                seen["signal"] == "missing", seen["postcode"], seen["event_postcode"]
            ),
            "Summary": seen["code"].map(summaries),
            "SearchFound": np.where(seen["code"] == "SS", found, ""),
        }
    )
    young_roles = seen["code"].map({"MISP": "MISP", "SS": "SUBJ", "FIC": "MISP", "ARR": "SUS"})
    involvements = pd.concat(
        [
            pd.DataFrame(
                {
                    "OccurrenceRef": seen["reference"],
                    "NominalID": pick_record(records, seen["person_id"], rng),
                    "Role": young_roles,
                }
            ),
            pd.DataFrame(
                {
                    "OccurrenceRef": involved_adults["reference"],
                    "NominalID": pick_record(records, involved_adults["person_id"], rng),
                    "Role": involved_adults["role"],
                }
            ),
        ]
    ).drop_duplicates(["OccurrenceRef", "NominalID"])
    extracts = [
        Extract(
            "police/police_nominals.csv", nominals, "NominalID", "DOB", "31/02/2011", "Aliases"
        ),
        Extract(
            "police/police_occurrences.csv",
            occurrences,
            "OccurrenceRef",
            "ReportedDateTime",
            "30/02/2025 10:00",
            "Summary",
        ),
        Extract("police/police_involvements.csv", involvements, "NominalID", "", "", ""),
    ]
    return extracts, _truth(records, "police/police_nominals.csv", log)


def _adults_in_police_events(seen, adults, rng) -> pd.DataFrame:
    """Group adults found with victims, arrested with them, and cuckooed adults as victims."""
    leaders = adults[adults["role"] == "group_leader"]
    leader_of_group = leaders.groupby("group_id")["person_id"].apply(np.array).to_dict()
    cuckooed = (
        adults[adults["role"] == "cuckooed_adult"]
        .groupby("group_id")["person_id"]
        .apply(np.array)
        .to_dict()
    )
    rows = []
    for reference, signal, group_id in zip(
        seen["reference"], seen["signal"], seen["group_id"], strict=True
    ):
        if not group_id:
            continue
        if signal in {"found_with", "crisis"} or (signal == "missing" and rng.random() < 0.2):
            rows.append(
                (
                    reference,
                    rng.choice(leader_of_group[group_id]),
                    "FIC" if signal != "crisis" else "SUS",
                )
            )
        if signal == "crisis" and group_id in cuckooed:
            rows.append((reference, rng.choice(cuckooed[group_id]), "VIC"))
    return pd.DataFrame(rows, columns=["reference", "person_id", "role"])


def missing_service(people, events, params, rng, surnames) -> tuple[list[Extract], pd.DataFrame]:
    episodes = events[events["signal"] == "missing"].copy()
    children = people[people["person_id"].isin(episodes["person_id"])]
    records, log = agency_view(
        children, id_prefix="MS", params=params, rng=rng, surnames=surnames, width=6
    )
    records = records.drop_duplicates("person_id")  # one child reference per child here
    episodes = episodes.merge(
        records[PERSON_COLUMNS].rename(columns={"postcode": "home_postcode"}),
        on="person_id",
    )
    n = len(episodes)
    exploited = episodes["exploited"].to_numpy()
    grade = np.where(
        exploited,
        rng.choice(["Medium", "High", "Low"], n, p=[0.5, 0.3, 0.2]),
        rng.choice(["No apparent risk", "Low", "Medium"], n, p=[0.3, 0.5, 0.2]),
    )
    hours = np.where(exploited, rng.exponential(40, n), rng.exponential(10, n)) + 1
    offered = rng.random(n) < 0.85
    accepted = offered & (rng.random(n) < np.where(exploited, 0.45, 0.65))
    kind = np.where(
        episodes["from_care"],
        "Away from placement",
        rng.choice(["Missing", "Absent"], n, p=[0.8, 0.2]),
    )
    pull = np.where(
        exploited,
        rng.choice(
            [
                "Older friends",
                "Money offered",
                "Drugs",
                "Boyfriend or girlfriend",
                "Travel out of area",
            ],
            n,
        ),
        "",
    )
    push = rng.choice(
        ["Conflict at home", "Placement breakdown", "School worries", "", "Boundaries at home"], n
    )
    frame = pd.DataFrame(
        {
            "EpisodeID": [f"ME{i:07d}" for i in episodes["event_id"]],
            "ChildRef": episodes["source_record_id"],
            "FirstName": episodes["given_name"],
            "LastName": episodes["family_name"],
            "DOB": fmt(episodes["date_of_birth"], "%Y-%m-%d"),
            "Sex": episodes["sex"].str.title(),
            "HomePostcode": episodes["home_postcode"],
            "MissingType": kind,
            "ReportedDateTime": fmt(episodes["occurred_at"], "%Y-%m-%d %H:%M"),
            "ReturnedDateTime": fmt(
                episodes["occurred_at"] + pd.to_timedelta(hours, unit="h"), "%Y-%m-%d %H:%M"
            ),
            "RiskGrade": grade,
            "FoundPostcode": episodes["found_postcode"],
            "RHIOffered": np.where(offered, "Y", "N"),
            "RHIAccepted": np.where(offered, np.where(accepted, "Y", "N"), ""),
            "RHIWithin72h": np.where(accepted, np.where(rng.random(n) < 0.7, "Y", "N"), ""),
            "PushFactors": np.where(accepted, push, ""),
            "PullFactors": np.where(accepted, pull, ""),
        }
    )
    extract = Extract(
        "missing/missing_episodes.xlsx",
        frame,
        "ChildRef",
        "ReportedDateTime",
        "2025-02-30 14:00",
        "PushFactors",
    )
    return [extract], _truth(records, "missing/missing_episodes.xlsx", log)


def social_care(
    people, events, victims, params, rng, surnames
) -> tuple[list[Extract], pd.DataFrame]:
    referrals = events[
        (events["signal"] == "referral")
        | ((events["signal"] == "crisis") & (events["crisis"] == "nrm_referral"))
    ].copy()
    known = people[people["person_id"].isin(referrals["person_id"]) | people["looked_after"]]
    records, log = agency_view(known, id_prefix="LL", params=params, rng=rng, surnames=surnames)
    n = len(records)
    has_nhs = rng.random(n) < params.noise.nhs_number_present_social_care
    children = pd.DataFrame(
        {
            "PersonID": records["source_record_id"],
            "Forename": records["given_name"],
            "Surname": records["family_name"],
            "DateOfBirth": fmt(records["date_of_birth"], "%d/%m/%Y"),
            "Gender": records["sex"].map({"male": "1", "female": "2"}).fillna("0"),
            "Ethnicity": records["ethnicity"],
            "NHSNumber": np.where(has_nhs, records["nhs_number"], ""),
            "Postcode": records["postcode"],
            "LookedAfter": np.where(records["looked_after"], "Y", "N"),
        }
    )
    type_of = victims.set_index("person_id")["type"]
    factor_sets = {
        "CCE": ["24A", "13A", "10A", "24A;10A", "24A;13A"],
        "CSE": ["11A", "11A;10A", "11A;17A"],
        "both": ["24A;11A", "11A;10A;24A", "12A;24A"],
    }
    n_ref = len(referrals)
    background = rng.choice(
        ["3A", "4A", "16A", "1B;3B", "2B", "17A", "4A;15A", "21", "10A", "14A"], n_ref
    )
    exploited_factors = [
        rng.choice(factor_sets[type_of[p]]) if e else ""
        for p, e in zip(referrals["person_id"], referrals["exploited"], strict=True)
    ]
    factors = np.where(referrals["exploited"], exploited_factors, background)
    nrm = (referrals["signal"] == "crisis").to_numpy()
    factors = np.where(nrm, "12A", factors)
    frame = pd.DataFrame(
        {
            "ReferralID": [f"R{i:08d}" for i in referrals["event_id"]],
            "PersonID": pick_record(records, referrals["person_id"], rng),
            "ReferralDate": fmt(referrals["occurred_at"], "%d/%m/%Y"),
            "ReferralSource": np.where(
                nrm,
                "NRM first responder",
                rng.choice(["Police", "School", "Health", "Family", "Anonymous"], n_ref),
            ),
            "Factors": factors,
        }
    )
    extracts = [
        Extract(
            "social_care/csc_children.csv",
            children,
            "PersonID",
            "DateOfBirth",
            "30/02/2012",
            "Forename",
        ),
        Extract(
            "social_care/csc_referrals.csv",
            frame,
            "PersonID",
            "ReferralDate",
            "31/04/2025",
            "ReferralSource",
        ),
    ]
    return extracts, _truth(records, "social_care/csc_children.csv", log)


# Half terms: attendance is returned to the council every half term. Each starts on the same
# day every school year (an approximation of the real calendars, which vary by a few days).
HALF_TERMS = [
    ("AU1", 9, 1),
    ("AU2", 11, 1),
    ("SP1", 1, 1),
    ("SP2", 2, 20),
    ("SU1", 4, 15),
    ("SU2", 6, 1),
]


def half_terms(window_end: datetime.date, *, count: int = 12) -> list[tuple[str, str, str]]:
    """The last `count` half terms that were over by window_end (each ends the day before the
    next begins), oldest first, as (name, first day, last day), e.g. ("2025-SP1", "2025-01-01",
    "2025-02-19")."""
    starts = sorted(
        (datetime.date(year, month, day), f"{year}-{code}")
        for year in range(window_end.year - count // 6 - 2, window_end.year + 1)
        for code, month, day in HALF_TERMS
    )
    over = [
        (name, start.isoformat(), (next_start - datetime.timedelta(days=1)).isoformat())
        for (start, name), (next_start, _) in itertools.pairwise(starts)
        if next_start <= window_end
    ]
    return over[-count:]


def education(people, events, victims, params, rng, surnames) -> tuple[list[Extract], pd.DataFrame]:
    pupils = people[people["school_urn"] > 0]
    records, log = agency_view(pupils, id_prefix="ED", params=params, rng=rng, surnames=surnames)
    # Education's own key is the UPN; a duplicate record gets another UPN of its own (under
    # the made-up LA code 999, so it can never collide with a real pupil's).
    duplicate = records["person_id"].duplicated()
    records["UPN"] = records["upn"]
    records.loc[duplicate, "UPN"] = [
        upn_check_letter("999" + u[4:]) + "999" + u[4:] for u in records.loc[duplicate, "upn"]
    ]
    frame = pd.DataFrame(
        {
            "UPN": records["UPN"],
            "LegalSurname": records["family_name"],
            "Forename": records["given_name"],
            "DOB": fmt(records["date_of_birth"], "%Y-%m-%d"),
            "Gender": records["sex"].map(SEX_CODES).fillna("U"),
            "Ethnicity": records["ethnicity"],
            "Postcode": records["postcode"],
            "URN": records["school_urn"],
        }
    )
    upn_of = records.drop_duplicates("person_id").set_index("person_id")["UPN"]
    school_of = pupils.set_index("person_id")["school_urn"]
    exclusions = events[(events["signal"] == "exclusion") & events["person_id"].isin(upn_of.index)]
    n = len(exclusions)
    exploited = exclusions["exploited"].to_numpy()
    exclusion_frame = pd.DataFrame(
        {
            "ExclusionID": [f"EX{i:07d}" for i in exclusions["event_id"]],
            "UPN": exclusions["person_id"].map(upn_of),
            "URN": exclusions["person_id"].map(school_of),
            "StartDate": fmt(exclusions["occurred_at"], "%Y-%m-%d"),
            "Category": np.where(rng.random(n) < np.where(exploited, 0.1, 0.03), "PERM", "SUSP"),
            "Reason": np.where(
                exploited,
                rng.choice(["DA", "PA", "OW", "DB"], n),
                rng.choice(["DB", "VA", "PA", "BU", "DA"], n),
            ),
            "Sessions": rng.integers(1, 11, n),
        }
    )
    terms = half_terms(datetime.date.fromisoformat(params.window_end))
    attendance = _attendance(pupils, victims, upn_of, school_of, rng, terms=terms)
    extracts = [
        Extract("education/education_pupils.csv", frame, "UPN", "DOB", "2013-02-29", "Forename"),
        Extract(
            "education/education_exclusions.csv",
            exclusion_frame,
            "UPN",
            "StartDate",
            "2025-13-01",
            "Reason",
        ),
        Extract(
            "education/education_attendance.csv", attendance, "UPN", "TermStart", "2025-02-30", ""
        ),
    ]
    return extracts, _truth(records, "education/education_pupils.csv", log, id_column="UPN")


def _attendance(pupils, victims, upn_of, school_of, rng, *, terms) -> pd.DataFrame:
    # Attendance falls once the signs start (never before the crisis for a silent victim).
    onset = victims.set_index("person_id")["signals_from"]
    frames = []
    # Confounder: poor attendance for other reasons (more often for vulnerable young people).
    chronic = rng.random(len(pupils)) < np.where(pupils["vulnerable"], 0.3, 0.06)
    for term, start, end in terms:
        possible = rng.integers(60, 71, len(pupils))
        rate = np.clip(rng.normal(0.95, 0.03, len(pupils)), 0.5, 1.0)
        rate = np.where(chronic, np.clip(rng.normal(0.8, 0.06, len(pupils)), 0.3, 1), rate)
        exploited_now = pupils["person_id"].map(onset).le(pd.Timestamp(start)).to_numpy()
        rate = np.where(exploited_now, np.clip(rng.normal(0.72, 0.1, len(pupils)), 0.2, 1), rate)
        frames.append(
            pd.DataFrame(
                {
                    "UPN": pupils["person_id"].map(upn_of).to_numpy(),
                    "URN": pupils["person_id"].map(school_of).to_numpy(),
                    "Term": term,
                    "TermStart": start,
                    "TermEnd": end,
                    "PossibleSessions": possible,
                    "SessionsAttended": (possible * rate).round().astype(int),
                }
            )
        )
    attendance = pd.concat(frames, ignore_index=True)
    attendance.insert(0, "ReturnID", [f"AT{i:08d}" for i in range(len(attendance))])
    return attendance


def health(people, events, params, rng, surnames) -> tuple[list[Extract], pd.DataFrame]:
    attendances = events[
        events["signal"].isin(["ed_attendance", "sexual_health"])
        | ((events["signal"] == "crisis") & (events["crisis"] == "serious_injury"))
    ]
    patients = people[people["person_id"].isin(attendances["person_id"])]
    records, log = agency_view(patients, id_prefix="RHX", params=params, rng=rng, surnames=surnames)
    n = len(records)
    present = rng.random(n) < params.noise.nhs_number_present
    invalid = present & (rng.random(n) < params.noise.nhs_number_invalid)
    numbers = records["nhs_number"].to_numpy().copy()
    numbers[invalid] = [corrupt_digit(x, rng) for x in numbers[invalid]]
    patient_frame = pd.DataFrame(
        {
            "PatientID": records["source_record_id"],
            "NHSNumber": np.where(present, numbers, ""),
            "GivenName": records["given_name"],
            "FamilyName": records["family_name"],
            "DateOfBirth": fmt(records["date_of_birth"], "%Y-%m-%d"),
            "Sex": records["sex"].str[0].str.upper(),
            "Postcode": records["postcode"],
        }
    )
    m = len(attendances)
    is_crisis = (attendances["signal"] == "crisis").to_numpy()
    sexual = (attendances["signal"] == "sexual_health").to_numpy()
    exploited = attendances["exploited"].to_numpy()
    reason = np.where(
        exploited,
        rng.choice(["Assault", "Injury", "Overdose", "Self-harm"], m, p=[0.45, 0.25, 0.15, 0.15]),
        rng.choice(
            ["Injury", "Illness", "Self-harm", "Assault", "Sports injury"],
            m,
            p=[0.35, 0.35, 0.1, 0.05, 0.15],
        ),
    )
    reason = np.where(
        sexual,
        np.where(
            exploited,
            rng.choice(["STI treatment", "Emergency contraception", "Pregnancy test"], m),
            rng.choice(["Contraception", "STI screening"], m),
        ),
        reason,
    )
    reason = np.where(is_crisis, "Assault - stab wound", reason)
    attendance_frame = pd.DataFrame(
        {
            "AttendanceID": [f"A{i:08d}" for i in attendances["event_id"]],
            "PatientID": pick_record(records, attendances["person_id"], rng),
            "Service": np.where(sexual, "SH", "ED"),
            "ArrivalDateTime": fmt(attendances["occurred_at"], "%Y-%m-%d %H:%M:%S"),
            "Reason": reason,
        }
    )
    extracts = [
        Extract(
            "health/health_patients.csv",
            patient_frame,
            "PatientID",
            "DateOfBirth",
            "2011-04-31",
            "GivenName",
        ),
        Extract(
            "health/health_attendances.csv",
            attendance_frame,
            "PatientID",
            "ArrivalDateTime",
            "2025-02-29 10:00:00",
            "Reason",
        ),
    ]
    return extracts, _truth(records, "health/health_patients.csv", log)


def youth_justice(people, events, params, rng, surnames) -> tuple[list[Extract], pd.DataFrame]:
    outcomes = events[events["signal"] == "youth_justice"].copy()
    young = people[people["person_id"].isin(outcomes["person_id"])]
    records, log = agency_view(
        young, id_prefix="YJ", params=params, rng=rng, surnames=surnames, width=5
    )
    records = records.drop_duplicates("person_id")
    outcomes = outcomes.drop(columns=["postcode"]).merge(
        records[PERSON_COLUMNS],
        on="person_id",
    )
    n = len(outcomes)
    exploited = outcomes["exploited"].to_numpy()
    frame = pd.DataFrame(
        {
            "outcome_id": [f"YJO{i:07d}" for i in outcomes["event_id"]],
            "yj_id": outcomes["source_record_id"],
            "first_name": outcomes["given_name"],
            "last_name": outcomes["family_name"],
            "dob": fmt(outcomes["date_of_birth"], "%Y-%m-%d"),
            "sex": outcomes["sex"],
            "postcode": outcomes["postcode"],
            "offence": np.where(
                exploited,
                rng.choice(
                    [
                        "Possession with intent to supply",
                        "Possession of a bladed article",
                        "Robbery",
                        "Possession of cannabis",
                    ],
                    n,
                ),
                rng.choice(
                    ["Theft", "Criminal damage", "Common assault", "Possession of cannabis"], n
                ),
            ),
            "outcome": rng.choice(
                [
                    "Youth caution",
                    "Youth conditional caution",
                    "Referral order",
                    "Youth rehabilitation order",
                    "Community resolution",
                ],
                n,
            ),
            "outcome_date": fmt(outcomes["occurred_at"], "%Y-%m-%d"),
        }
    )
    extract = Extract(
        "youth_justice/youth_justice_outcomes.json",
        frame,
        "yj_id",
        "outcome_date",
        "2025-06-31",
        "offence",
    )
    return [extract], _truth(records, "youth_justice/youth_justice_outcomes.json", log)


def partner_concerns(people, events, params, rng) -> tuple[list[Extract], pd.DataFrame]:
    concerns = events[events["signal"] == "concern"].copy()
    n = len(concerns)
    person = people.set_index("person_id").loc[concerns["person_id"]]
    age = (
        (concerns["occurred_at"].to_numpy() - person["date_of_birth"].to_numpy())
        / np.timedelta64(365, "D")
    ).astype(int)
    frame = pd.DataFrame(
        {
            "ConcernID": [f"PC{i:06d}" for i in concerns["event_id"]],
            "ReportedOn": fmt(concerns["occurred_at"], "%d/%m/%Y"),
            "ReporterSector": rng.choice(["Taxi", "Hotel", "Landlord", "Security", "Rail"], n),
            "Postcode": concerns["event_postcode"].to_numpy(),
            "NameGiven": [
                nickname(g, p) if p < 0.4 else g
                for g, p in zip(person["given_name"], rng.random(n), strict=True)
            ],
            "ApproxAge": age + rng.integers(-1, 2, n),
            "Sex": person["sex"].to_numpy(),
            "Concern": rng.choice(
                [
                    "Young person with older males, seemed scared",
                    "Paid for a long taxi journey in cash",
                    "Several young people visiting a flat at night",
                    "Young person in a hotel room with adults",
                ],
                n,
            ),
        }
    )
    truth = pd.DataFrame(
        {
            "file": "partners/partner_concerns.csv",
            "source_record_id": frame["ConcernID"],
            "person_id": concerns["person_id"].to_numpy(),
        }
    )
    return [
        Extract(
            "partners/partner_concerns.csv",
            frame,
            "ConcernID",
            "ReportedOn",
            "29/02/2025",
            "Concern",
        )
    ], truth


def _truth(
    records: pd.DataFrame, file: str, log: pd.DataFrame, id_column: str = "source_record_id"
):
    truth = pd.DataFrame(
        {"file": file, "source_record_id": records[id_column], "person_id": records["person_id"]}
    )
    noise = log.groupby("source_record_id")["noise"].apply(";".join)
    truth["noise"] = records["source_record_id"].map(noise).fillna("").to_numpy()
    return truth
