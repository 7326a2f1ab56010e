"""A person's missing history: episodes with duration, risk grade, where they were found and
the return home interview, with the police report and the missing service's record of the same
episode shown as one."""

import datetime
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from django.utils import timezone

from safeguarding.access.models import AgencyKind
from safeguarding.people.enumerations import EventType, MissingKind, MissingRiskGrade
from safeguarding.people.timeline import TimelineEntry, when

# The one rule for what counts as one missing episode, used by the person page, the risk
# indicators ("missing three times") and the missing-episode analysis alike. The police and the
# missing service each record an episode, not always at the same minute, and the second report
# can be written the next morning: a report from another agency starting within 24 hours of the
# episode's first report, and not after the episode has ended, is the same episode (every record
# stays listed as its sources). Two reports from one agency are always two episodes.
SAME_EPISODE_WITHIN = datetime.timedelta(hours=24)
RECENT = datetime.timedelta(days=90)
MISSING_KINDS = dict(MissingKind.choices)
RISK_GRADES = dict(MissingRiskGrade.choices)
INTERVIEW_ANSWERS = {
    "offered": "return_interview_offered",
    "accepted": "return_interview_accepted",
    "within_72_hours": "within_72_hours",
    "interviewer": "interviewer",
    "push_factors": "push_factors",
    "pull_factors": "pull_factors",
}


@dataclass
class MissingEpisode:
    entries: list[TimelineEntry]
    started_at: datetime.datetime
    ended_at: datetime.datetime | None = None
    facts: dict = field(default_factory=dict)
    return_interviews: list[TimelineEntry] = field(default_factory=list)

    @property
    def duration(self) -> datetime.timedelta | None:
        return self.ended_at - self.started_at if self.ended_at else None

    @property
    def duration_text(self) -> str:
        return describe_duration(self.duration)

    @property
    def kind(self) -> str:
        return MISSING_KINDS.get(self.facts.get("missing_kind", ""), "")

    @property
    def risk_grade(self) -> str:
        return RISK_GRADES.get(self.facts.get("risk_grade", ""), "Not graded")

    @property
    def found_at(self) -> str:
        # Only a found location: a police report's location is where it was reported.
        return self.facts.get("found_postcode", "")

    @property
    def reported_to_police(self) -> list[str]:
        return [e.event.source_event_id for e in self.entries if e.agency.kind == AgencyKind.POLICE]

    @property
    def return_interview(self) -> dict:
        """The interview's answers, from the episode's record or a return interview event."""
        # The missing service records them on the episode (return_interview_offered...); a
        # return interview event holds them under plain names (offered...).
        sources = [self.facts, *(i.event.details for i in self.return_interviews)]
        answers = {}
        for name, on_episode in INTERVIEW_ANSWERS.items():
            values = [s.get(on_episode) or s.get(name) for s in sources]
            answers[name] = next((v for v in values if v not in ("", None, [])), "")
        return answers

    def cells(self, zone) -> tuple[str, ...]:
        """What the episodes table shows, worked out once per episode."""
        interview = self.return_interview
        answers = [
            f"{label}: {interview[key].capitalize()}"
            for key, label in (
                ("offered", "Offered"),
                ("accepted", "accepted"),
                ("within_72_hours", "within 72 hours"),
            )
            if interview[key]
        ]
        factors = [
            f"{label}: {interview[key]}"
            for key, label in (("push_factors", "Push"), ("pull_factors", "Pull"))
            if interview[key]
        ]
        return (
            when(self.started_at, zone=zone),
            self.duration_text,
            f"{self.kind or 'Kind not recorded'}; {self.risk_grade}",
            self.found_at or "Not recorded",
            "; ".join(answers) or "Not recorded",
            "; ".join(factors),
            "; ".join(f"{e.agency.name} {e.event.source_event_id}" for e in self.entries),
        )


def describe_duration(duration: datetime.timedelta | None) -> str:
    if duration is None:
        return "Not recorded"
    minutes = int(duration.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} d {hours} h"
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"


@dataclass
class MissingHistory:
    episodes: list[MissingEpisode]

    @property
    def rows(self) -> list[tuple[str, ...]]:
        zone = timezone.get_current_timezone()
        return [episode.cells(zone) for episode in self.episodes]

    @property
    def summary(self) -> dict:
        now = timezone.now()
        durations = [e.duration for e in self.episodes if e.duration is not None]
        found = Counter(e.found_at for e in self.episodes if e.found_at)
        interviews = [e.return_interview for e in self.episodes]
        return {
            "episodes": len(self.episodes),
            "recent": sum(1 for e in self.episodes if now - e.started_at <= RECENT),
            "high_or_medium": sum(
                1 for e in self.episodes if e.facts.get("risk_grade") in ("high", "medium")
            ),
            "longest": describe_duration(max(durations)) if durations else "Not recorded",
            "total": describe_duration(sum(durations, datetime.timedelta()))
            if durations
            else "Not recorded",
            "most_found_at": found.most_common(1)[0] if found else None,
            "interviews_offered": sum(1 for i in interviews if i["offered"] == "yes"),
            "interviews_accepted": sum(1 for i in interviews if i["accepted"] == "yes"),
        }


def missing_history(entries: list[TimelineEntry]) -> MissingHistory:
    """Episodes newest first, each with the return interviews recorded before the next one."""
    episodes: list[MissingEpisode] = []
    for entry in entries:
        if entry.event.event_type != EventType.MISSING_EPISODE:
            continue
        event = entry.event
        current = episodes[-1] if episodes else None
        if current is not None and _same_episode(current, entry):
            current.entries.append(entry)
            current.ended_at = current.ended_at or event.ended_at
            for key, value in event.details.items():
                if value not in ("", None, []):
                    current.facts.setdefault(key, value)
            continue
        episodes.append(
            MissingEpisode(
                entries=[entry],
                started_at=event.occurred_at,
                ended_at=event.ended_at,
                facts={k: v for k, v in event.details.items() if v not in ("", None, [])},
            )
        )
    interviews = [e for e in entries if e.event.event_type == EventType.RETURN_INTERVIEW]
    for number, episode in enumerate(episodes):
        following = episodes[number + 1] if number + 1 < len(episodes) else None
        episode.return_interviews = [
            i
            for i in interviews
            if i.event.occurred_at >= episode.started_at
            and (following is None or i.event.occurred_at < following.started_at)
        ]
    return MissingHistory(episodes=list(reversed(episodes)))


def _same_episode(episode: MissingEpisode, entry: TimelineEntry) -> bool:
    return same_episode(
        started_at=episode.started_at,
        ended_at=episode.ended_at,
        agencies={e.agency.pk for e in episode.entries},
        report_started_at=entry.event.occurred_at,
        report_agency=entry.agency.pk,
    )


def same_episode(
    *,
    started_at: datetime.datetime,
    ended_at: datetime.datetime | None,
    agencies: set,
    report_started_at: datetime.datetime,
    report_agency,
) -> bool:
    """Whether a report (taken in start order) belongs to the episode begun at started_at."""
    if report_agency in agencies:
        return False
    if report_started_at - started_at > SAME_EPISODE_WITHIN:
        return False
    return ended_at is None or report_started_at <= ended_at


def number_missing_episodes(reports: pd.DataFrame) -> pd.Series:
    """The episode each missing report belongs to, numbered from 1 per person in start order,
    by the same rule as the person page (`same_episode`).

    reports: person_id, occurred_at, ended_at (NaT when open), agency; any index."""
    ordered = reports.sort_values(["person_id", "occurred_at"], kind="stable")
    numbers = np.zeros(len(ordered), dtype=np.int64)
    person_before = None
    number = 0
    started_at = ended_at = pd.Timestamp(0)
    agencies: set = set()
    rows = zip(
        ordered["person_id"].tolist(),
        ordered["occurred_at"].tolist(),
        ordered["ended_at"].tolist(),
        ordered["agency"].tolist(),
        strict=True,
    )
    for position, (person, start, end, agency) in enumerate(rows):
        end = None if pd.isna(end) else end
        # pd.Timestamp is a datetime; started_at is always set before it is compared.
        if person == person_before and same_episode(
            started_at=started_at,
            ended_at=ended_at,
            agencies=agencies,
            report_started_at=start,
            report_agency=agency,
        ):
            agencies.add(agency)
            ended_at = ended_at if ended_at is not None else end
        else:
            number = 1 if person != person_before else number + 1
            person_before, started_at, ended_at, agencies = person, start, end, {agency}
        numbers[position] = number
    return pd.Series(numbers, index=ordered.index).reindex(reports.index)
