"""Working days by the Chinese official calendar (holidays and make-up working days), for R17.

Uses the `chinese-calendar` package, which knows each year's State Council holiday arrangement; a year it
does not cover is a clear error, never a date computed as if every weekday were a working day.
"""

from __future__ import annotations

import datetime as dt
import functools

import chinese_calendar


class CalendarNotCovered(ValueError):
    """The official holiday arrangement for this year is not known to the installed calendar."""


@functools.lru_cache(maxsize=8192)  # chinese_calendar validates each date slowly (~50 µs); tracking asks 10⁵ times
def is_working_day(day: dt.date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError as exc:
        raise CalendarNotCovered(
            f"the official holiday calendar for {day.year} is not available ({exc}); "
            "update the chinese-calendar package") from None


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date on which ``days`` working days after ``start`` have passed (``start`` itself not counted)."""
    day, left = start, days
    while left > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def subsidy_approval_deadline(submitted: dt.date, working_days: int) -> dt.date:
    """R17 (三(九)): a subsidy application must be approved within ``working_days`` working days (30 in the 2022
    notice: ``PlanData.notice.subsidy_approval_working_days``)."""
    return add_working_days(submitted, working_days)


def days_left(deadline: dt.date, as_of: dt.date) -> int:
    """Calendar days from ``as_of`` to ``deadline`` (negative once it has passed)."""
    return (deadline - as_of).days
