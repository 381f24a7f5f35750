"""Dates for the demo company: the generation window, its calendar months, and month arithmetic.

Times are held as integer seconds since 1970-01-01 UTC (``int64``) and dates as integer days
since the same epoch, so that every operation is a vectorised numpy expression. Timestamps are
naive UTC when written (the contract's ``timestamp`` type).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
from numpy.typing import NDArray

DAY = 86_400
Days = NDArray[np.int64]


def to_days(d: date) -> int:
    """Days since 1970-01-01 of a calendar date."""
    return int(np.datetime64(d, "D").astype(np.int64))


def from_days(days: int) -> date:
    out: date = np.datetime64(int(days), "D").astype(date)
    return out


def add_months(days: Days, months: NDArray[np.integer] | int) -> Days:
    """Add whole months to dates (days since epoch), clamping to the month end (GLOSSARY).

    Always count from the original date, never step month by month: Jan 31 + 1 month = Feb 28/29,
    Jan 31 + 2 months = Mar 31, and the anniversary of Feb 29 is Feb 28 in a non-leap year.

    >>> int(add_months(np.array([to_days(date(2024, 1, 31))]), 1)[0]) == to_days(date(2024, 2, 29))
    True
    """
    d = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
    month = d.astype("datetime64[M]")
    day_index = (d - month.astype("datetime64[D]")).astype(np.int64)  # 0-based day of month
    target = month + np.asarray(months, dtype=np.int64)
    first = target.astype("datetime64[D]")
    last = (target + 1).astype("datetime64[D]") - np.timedelta64(1, "D")
    out = np.minimum(first + day_index, last)
    return out.astype(np.int64)


def month_index(days: Days, origin_month: np.datetime64) -> NDArray[np.int64]:
    """Calendar month of each date, counted from ``origin_month`` (0 = the origin month)."""
    months = np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype("datetime64[M]")
    return (months - origin_month).astype(np.int64)


def weekday(days: NDArray[np.int64]) -> NDArray[np.int64]:
    """Day of week, Monday = 0 (1970-01-01 was a Thursday)."""
    return (days + 3) % 7


@dataclass(frozen=True)
class Window:
    """``months`` calendar months ending with the month that contains the day before ``end``.

    Data covers ``[start, end)``: every generated timestamp is strictly before ``end`` (midnight
    UTC), so nothing lies in the future of the generation date. The last month is usually partial.
    """

    end: date
    months: int

    @property
    def first_month(self) -> np.datetime64:
        last = np.datetime64(self.end, "D") - np.timedelta64(1, "D")
        return last.astype("datetime64[M]") - np.timedelta64(self.months - 1, "M")

    @property
    def month_starts(self) -> Days:
        """Start day of each month, plus the start of the month after the last (M + 1 values)."""
        months = self.first_month + np.arange(self.months + 1)
        return months.astype("datetime64[D]").astype(np.int64)

    @property
    def start_day(self) -> int:
        return int(self.month_starts[0])

    @property
    def end_day(self) -> int:
        return to_days(self.end)

    @property
    def start_s(self) -> int:
        return self.start_day * DAY

    @property
    def end_s(self) -> int:
        return self.end_day * DAY

    def month_bounds_s(self) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """(start, end) in seconds of each month, the last one cut at ``end``."""
        starts = self.month_starts * DAY
        lo = starts[:-1]
        hi = np.minimum(starts[1:], self.end_s)
        return lo, hi
