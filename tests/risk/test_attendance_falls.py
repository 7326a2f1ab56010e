"""A sharp fall in attendance (`attendance-falling`): a half term well below the pupil's own
year before, from at least two earlier half terms, never looking ahead."""

import datetime

import pytest

from safeguarding.people.models import Event
from tests.risk.conftest import AS_OF, hits_of
from tests.risk.test_indicators import half_terms

pytestmark = pytest.mark.django_db
FALLING = "attendance-falling"


def test_the_evidence_is_the_half_term_that_fell(county):
    child = county.person()
    half_terms((150, 0.96), (100, 0.95), (55, 0.93), (10, 0.70))(county, child)
    hit = hits_of(child)[FALLING]
    assert hit.count == 1
    assert len(hit.evidence) == 1
    # The earlier half terms are the baseline, not the sign: the 70% return alone is evidence.
    assert Event.objects.get(pk=hit.evidence[0]).details["sessions_attended"] == 49


@pytest.mark.parametrize(
    ("terms", "why"),
    [
        (((55, 0.95), (10, 0.70)), "one earlier half term is not a baseline"),
        (((500, 0.97), (450, 0.96), (10, 0.70)), "half terms over a year before do not count"),
        (((100, 0.99), (55, 0.97), (10, 0.86)), "a fall of 12 points is under 15"),
        (((100, 0.99), (55, 0.99), (10, 0.91)), "still at 91%, above the 90% line"),
    ],
)
def test_no_sharp_fall(county, terms, why):
    child = county.person()
    half_terms(*terms)(county, child)
    assert FALLING not in hits_of(child), why


def test_a_later_return_never_changes_an_earlier_score(county):
    """Scored as of a date before the fall, the pupil has no hit; the fall counts from its own
    half term, and the year before is read only up to it."""
    child = county.person()
    half_terms((150, 0.95), (100, 0.95), (30, 0.65))(county, child)
    assert FALLING not in hits_of(child, as_of=AS_OF - datetime.timedelta(days=40))
    assert FALLING in hits_of(child)


def test_each_pupil_is_measured_against_their_own_year(county):
    """Returns of several pupils, made in turn: each fall is read against the pupil's own."""
    steady, falling, recovering = county.person(), county.person(), county.person()
    for days_before in (150, 100, 55, 10):
        half_terms((days_before, 0.72))(county, steady)
        half_terms((days_before, 0.96 if days_before > 10 else 0.70))(county, falling)
        half_terms((days_before, 0.70 if days_before > 10 else 0.95))(county, recovering)
    assert FALLING not in hits_of(steady)
    assert FALLING in hits_of(falling)
    assert FALLING not in hits_of(recovering)
