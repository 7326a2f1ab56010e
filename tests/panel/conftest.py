"""Panel test data: scoring runs written as the scorer writes them, series and meetings."""

import datetime

import pytest
from django.utils import timezone

from safeguarding.panel.models import MeetingSeries, SeriesKind
from safeguarding.risk.models import RiskAssessment, ScoringRun
from tests.factories import PersonFactory

TODAY = datetime.date(2026, 12, 5)


def scoring_run(as_of: datetime.date, levels: dict, *, version: str = "test") -> ScoringRun:
    """A run with one assessment per person: `levels` maps a person to (level, score,
    trajectory) or (level, score, trajectory, agencies)."""
    run = ScoringRun.objects.create(
        as_of=as_of, catalogue_version=version, computed_at=timezone.now()
    )
    for person, (level, score, trajectory, *rest) in levels.items():
        RiskAssessment.objects.create(
            run=run,
            person=person,
            score=score,
            level=level,
            computed_level=level,
            trajectory=trajectory,
            agencies=rest[0] if rest else "",
        )
    return run


@pytest.fixture
def series(cast):
    series = MeetingSeries.objects.create(
        name="VACS panel", kind=SeriesKind.CHILDREN, every_days=14, chair=cast["panel_chair"]
    )
    series.members.set(
        [cast["police_panel_member"], cast["health_panel_member"], cast["voluntary_panel_member"]]
    )
    return series


@pytest.fixture
def people():
    return {name: PersonFactory(display_name=name) for name in ("Amy", "Ben", "Cal", "Dee")}
