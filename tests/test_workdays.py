"""R17 working days by the official calendar, checked against the 2022 State Council arrangement by hand.

2022 Spring Festival: holiday 31 Jan – 6 Feb; make-up working days Sat 29 Jan and Sun 30 Jan.
Qingming: 3–5 Apr, make-up Sat 2 Apr. Labour Day: 30 Apr – 4 May, make-up Sun 24 Apr and Sat 7 May.
"""

import datetime as dt

import pytest

from optimizer.workdays import CalendarNotCovered, add_working_days, days_left, subsidy_approval_deadline

D = dt.date


def test_make_up_working_days_count():
    # from Fri 28 Jan 2022: Sat 29 and Sun 30 Jan are working days; 31 Jan – 6 Feb holidays; Mon 7 Feb next
    assert add_working_days(D(2022, 1, 28), 1) == D(2022, 1, 29)
    assert add_working_days(D(2022, 1, 28), 2) == D(2022, 1, 30)
    assert add_working_days(D(2022, 1, 28), 3) == D(2022, 2, 7)


def test_thirty_working_days_from_the_plan_deadline():
    # from Tue 1 Mar 2022, counting by hand: March has 23 working days after the 1st (2–31 Mar minus 8 weekend
    # days = 22; 2..31 is 30 days, weekends 5,6,12,13,19,20,26,27 → 22) → 22 by 31 Mar; April: 1 (Fri) = 23,
    # 2 (Sat, make-up) = 24, 3–5 holiday, 6, 7, 8 = 27, 11, 12, 13 = 30 → Wed 13 Apr 2022
    assert subsidy_approval_deadline(D(2022, 3, 1), 30) == D(2022, 4, 13)


def test_days_left():
    assert days_left(D(2022, 3, 1), D(2022, 2, 11)) == 18
    assert days_left(D(2022, 3, 1), D(2022, 3, 2)) == -1


def test_year_not_covered_is_a_clear_error():
    with pytest.raises(CalendarNotCovered, match="2099"):
        add_working_days(D(2099, 1, 1), 5)
