"""A round's pace (rounds.pace): stores first visited week by week, the even pace, and the projection."""

from __future__ import annotations

from datetime import date

from survey.domain.rounds import pace

FIRST, LAST = date(2026, 3, 2), date(2026, 3, 29)  # a Monday to a Sunday: four whole ISO weeks (10 to 13)


def test_weeks_count_first_visits_cumulate_and_follow_the_even_pace():
    visits = [date(2026, 3, 3), date(2026, 3, 4), date(2026, 3, 18), date(2026, 3, 1), date(2026, 3, 30)]
    weeks = pace.weeks(FIRST, LAST, 8, visits)  # the last two fall outside the round: not counted
    assert [week.key for week in weeks] == ["2026-W10", "2026-W11", "2026-W12", "2026-W13"]
    assert [week.visited for week in weeks] == [2, 0, 1, 0]
    assert [week.visited_so_far for week in weeks] == [2, 2, 3, 3]
    assert [week.even_pace for week in weeks] == [2.0, 4.0, 6.0, 8.0]


def test_weeks_are_cut_to_the_rounds_days():
    weeks = pace.weeks(date(2026, 3, 4), date(2026, 3, 10), 7, [])  # Wednesday to the next Tuesday
    assert [(week.starts_on, week.ends_on) for week in weeks] == [
        (date(2026, 3, 4), date(2026, 3, 8)),
        (date(2026, 3, 9), date(2026, 3, 10)),
    ]
    assert [week.even_pace for week in weeks] == [5.0, 7.0]


def test_the_iso_week_of_a_new_year_belongs_to_its_iso_year():
    weeks = pace.weeks(date(2026, 12, 28), date(2027, 1, 3), 1, [])
    assert [week.key for week in weeks] == ["2026-W53"]


def test_the_projection_follows_the_pace_so_far():
    # 14 days gone (to 15/03), 4 of 10 stores visited: 6 left at 2 a week takes 21 more days.
    found = pace.projection(FIRST, LAST, 10, [date(2026, 3, 3)] * 4, date(2026, 3, 15))
    assert found.state == "projected" and found.finish_on == date(2026, 4, 5)
    assert not found.in_time
    assert found.per_week_needed == 3.0  # 6 stores in the 14 days after today


def test_a_quick_pace_finishes_in_time():
    found = pace.projection(FIRST, LAST, 10, [date(2026, 3, 3)] * 8, date(2026, 3, 15))
    assert found.state == "projected" and found.finish_on == date(2026, 3, 19) and found.in_time


def test_too_little_to_say():
    assert pace.projection(FIRST, LAST, 10, [date(2026, 3, 3)], date(2026, 3, 7)).state == "not_enough_data"  # 6 days
    assert pace.projection(FIRST, LAST, 10, [], date(2026, 3, 20)).state == "not_enough_data"
    before = pace.projection(FIRST, LAST, 8, [], date(2026, 2, 1))
    assert before.state == "not_enough_data" and before.per_week_needed == 2.0  # the whole round's even pace


def test_done_ended_and_too_slow():
    done = pace.projection(FIRST, LAST, 2, [date(2026, 3, 9), date(2026, 3, 3)], date(2026, 3, 10))
    assert done.state == "done" and done.finish_on == date(2026, 3, 9)
    assert pace.projection(FIRST, LAST, 2, [date(2026, 3, 9)], date(2026, 3, 30)).state == "ended"
    slow = pace.projection(date(2026, 1, 1), date(2026, 12, 31), 10_000, [date(2026, 1, 2)], date(2026, 6, 30))
    assert slow.state == "too_slow" and slow.finish_on is None


def test_no_date_overflows_at_the_ends_of_the_calendar():
    assert pace.weeks(date(9999, 12, 1), date(9999, 12, 31), 5, [date(9999, 12, 31)])[-1].visited_so_far == 1
    assert pace.weeks(date(1, 1, 1), date(9999, 12, 31), 5, []) == []  # too many weeks to draw
    far = pace.projection(date(9999, 1, 1), date(9999, 12, 31), 1000, [date(9999, 1, 2)], date(9999, 12, 30))
    assert far.state == "too_slow"
