"""The timeline filter read from a query string: anything typed is safe, and it round-trips."""

from django.http import QueryDict
from hypothesis import given
from hypothesis import strategies as st

from safeguarding.people.timeline import PERIODS, TimelineFilter

values = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=20)


@given(agency=values, event_type=values, months=values)
def test_any_query_gives_a_filter_whose_query_string_reads_back_the_same(
    agency, event_type, months
):
    query = QueryDict(mutable=True)
    query.update({"agency": agency, "type": event_type, "months": months})
    chosen = TimelineFilter.from_query(query)
    assert chosen.months in dict(PERIODS)  # an unknown period means all time
    assert TimelineFilter.from_query(QueryDict(chosen.query_string)) == chosen
    assert (chosen.since is None) == (chosen.months == "")
