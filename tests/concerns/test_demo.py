import datetime

import pytest

from safeguarding.concerns.demo import add_demo_concerns
from safeguarding.concerns.models import Concern, Status
from safeguarding.people.models import Event, Location
from tests.concerns.test_triage import young_person

pytestmark = pytest.mark.django_db


def test_the_demo_holds_weeks_of_concerns_from_several_sectors_some_untriaged(cast):
    Location.objects.create(name="", postcode="SN15 1AA", in_area=True, area_code="E01031234")
    young_person()
    end = datetime.date.today()
    assert add_demo_concerns(end=end, seed=42, weeks=3, per_week=10) == 30
    concerns = Concern.objects.all()
    assert concerns.values("sector").distinct().count() >= 4
    assert concerns.filter(status__in=["new", "assigned"]).exists()
    assert concerns.filter(status=Status.DONE).exists()
    assert concerns.filter(status=Status.MERGED).exists()
    assert Event.objects.filter(event_type="concern_report").exists()
    assert add_demo_concerns(end=end, seed=42) == 0  # once only
