"""Young people with hand-made histories, for testing indicators on real database rows."""

import datetime

import pytest
from django.utils import timezone

from safeguarding.places.models import Postcode
from safeguarding.risk.catalogue import load_catalogue
from safeguarding.risk.facts import load_facts
from safeguarding.risk.scoring import Scorer
from tests.factories import (
    EventFactory,
    FeedFactory,
    InvolvementFactory,
    LocationFactory,
    PersonFactory,
    SourceRecordFactory,
)

AS_OF = datetime.date(2026, 6, 30)
IN_AREA, OUT_OF_AREA = "SN15 1AA", "SE15 8JA"


def moment(days_before: float) -> datetime.datetime:
    """A time this many days before the end of the as-of date."""
    end = timezone.make_aware(datetime.datetime.combine(AS_OF, datetime.time(12)))
    return end - datetime.timedelta(days=days_before)


class County:
    """Builds people and their events through the models, one agency feed each."""

    def __init__(self, agencies):
        self.agencies = agencies
        self.feeds = {}
        Postcode.objects.bulk_create(
            [
                Postcode(
                    postcode=IN_AREA,
                    latitude=51.46,
                    longitude=-2.12,
                    in_area=True,
                    community_area="Chippenham",
                    small_area="E01900100",
                ),
                Postcode(postcode=OUT_OF_AREA, latitude=51.47, longitude=-0.07, in_area=False),
            ]
        )

    def feed(self, agency: str):
        if agency not in self.feeds:
            self.feeds[agency] = FeedFactory(name=f"{agency}-records", agency=self.agencies[agency])
        return self.feeds[agency]

    def person(self, *, born=datetime.date(2011, 3, 1), **fields):
        return PersonFactory(date_of_birth=born, **fields)

    def record(self, person, agency: str):
        feed = self.feed(agency)
        existing = person.source_records.filter(feed=feed).first()
        return existing or SourceRecordFactory(
            person=person, feed=feed, import_batch__feed=feed, date_of_birth=person.date_of_birth
        )

    def event(
        self,
        person,
        *,
        agency: str,
        event_type: str,
        days_before: float = 10,
        role: str = "subject",
        details: dict | None = None,
        postcode: str | None = None,
        hours: float | None = None,
        others: list[tuple] = (),
    ):
        """An event of the person's, with `others` as (person, role) in it too."""
        feed = self.feed(agency)
        occurred = moment(days_before)
        event = EventFactory(
            feed=feed,
            import_batch__feed=feed,
            event_type=event_type,
            occurred_at=occurred,
            ended_at=occurred + datetime.timedelta(hours=hours) if hours is not None else None,
            details=details or {},
            location=LocationFactory(postcode=postcode) if postcode else None,
        )
        for who, their_role in [(person, role), *others]:
            InvolvementFactory(event=event, source_record=self.record(who, agency), role=their_role)
        return event


@pytest.fixture
def county(agencies):
    return County(agencies)


def hits_of(person, as_of=AS_OF) -> dict:
    """indicator id → hit row, for one person as of the date."""
    hits = Scorer(load_facts(), load_catalogue()).hits(as_of)
    return {row.indicator_id: row for row in hits[hits["person_id"] == person.pk].itertuples()}


def assessment_of(person, as_of=AS_OF):
    scores = Scorer(load_facts(), load_catalogue()).score(as_of)
    rows = scores.assessments[scores.assessments["person_id"] == person.pk]
    return None if rows.empty else rows.iloc[0]
