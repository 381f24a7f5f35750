"""Month arithmetic clamps to month ends (GLOSSARY) and the window never reaches the end date."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from cs_architect.demo.calendar import Window, add_months, from_days, to_days, weekday


def _add(d: date, months: int) -> date:
    return from_days(int(add_months(np.array([to_days(d)]), months)[0]))


def test_examples_from_the_glossary() -> None:
    assert _add(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert _add(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert _add(date(2025, 1, 31), 2) == date(2025, 3, 31)
    assert _add(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert _add(date(2024, 2, 29), 48) == date(2028, 2, 29)


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)), st.integers(0, 240))
def test_add_months_clamps(d: date, months: int) -> None:
    out = _add(d, months)
    total = d.year * 12 + d.month - 1 + months
    assert (out.year, out.month) == (total // 12, total % 12 + 1)
    assert out.day == min(d.day, calendar.monthrange(out.year, out.month)[1])


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 1, 1)))
def test_weekday_matches_python(d: date) -> None:
    assert int(weekday(np.array([to_days(d)]))[0]) == d.weekday()


@given(st.dates(min_value=date(2000, 3, 1), max_value=date(2060, 1, 1)), st.integers(1, 60))
def test_window_months(end: date, months: int) -> None:
    w = Window(end, months)
    lo, hi = w.month_bounds_s()
    assert len(lo) == months and (hi > lo).all()
    assert hi[-1] == w.end_s and from_days(w.start_day).day == 1
    assert from_days(int(w.month_starts[-2])) <= end - timedelta(days=1)
