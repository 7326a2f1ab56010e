"""One rule for what counts as one missing episode, in frames as on the person page."""

import datetime

import pandas as pd

from safeguarding.people.missing import SAME_EPISODE_WITHIN, number_missing_episodes, same_episode

T0 = pd.Timestamp("2026-03-01 20:00")


def _reports(rows):
    return pd.DataFrame(rows, columns=["person_id", "occurred_at", "ended_at", "agency"])


def test_two_agencies_reporting_one_absence_are_one_episode_and_the_rest_are_not():
    reports = _reports(
        [
            (1, T0, T0 + pd.Timedelta(hours=30), "police"),
            # the missing service's record of the same absence, written the next morning
            (1, T0 + pd.Timedelta(hours=14), pd.NaT, "missing-service"),
            # the police again, the next evening, while the episode is still open: a new report
            (1, T0 + pd.Timedelta(hours=20), pd.NaT, "police"),
            # another agency more than 24 hours after that report began: a new episode
            (1, T0 + pd.Timedelta(hours=45), pd.NaT, "missing-service"),
            # another child at the same time: their own episode
            (2, T0, pd.NaT, "police"),
        ]
    )
    assert number_missing_episodes(reports).tolist() == [1, 1, 2, 3, 1]


def test_a_report_after_the_episode_ended_is_a_new_episode():
    reports = _reports(
        [
            (1, T0, T0 + pd.Timedelta(hours=3), "police"),
            (1, T0 + pd.Timedelta(hours=4), pd.NaT, "missing-service"),
        ]
    )
    assert number_missing_episodes(reports).tolist() == [1, 2]


def test_the_rule_is_24_hours_from_the_episodes_first_report():
    assert datetime.timedelta(hours=24) == SAME_EPISODE_WITHIN
    start = datetime.datetime(2026, 3, 1, 20, 0)
    common = {"started_at": start, "ended_at": None, "agencies": {"police"}}
    assert same_episode(
        **common, report_started_at=start + datetime.timedelta(hours=24), report_agency="ms"
    )
    assert not same_episode(
        **common,
        report_started_at=start + datetime.timedelta(hours=24, minutes=1),
        report_agency="ms",
    )


def test_the_frame_keeps_its_index_order():
    reports = _reports(
        [(1, T0 + pd.Timedelta(days=3), pd.NaT, "police"), (1, T0, pd.NaT, "police")]
    )
    reports.index = [10, 20]
    assert number_missing_episodes(reports).to_dict() == {10: 2, 20: 1}
