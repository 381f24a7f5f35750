"""Text dates: one format per column, impossible dates rejected, same result on every backend."""

from __future__ import annotations

from datetime import datetime

import ibis
import pyarrow as pa
import pytest

from cs_architect.engine.dates import DateFormatError, compile_format, parse_timestamp
from cs_architect.engine.execute import to_rows


def parse(values: list[str | None], fmt: str | None = None) -> list[tuple[datetime | None, bool]]:
    t = ibis.memtable(pa.table({"i": list(range(len(values))), "s": pa.array(values, pa.string())}))
    p = parse_timestamp(t.s, compile_format(fmt))
    return [(r["v"], r["bad"]) for r in to_rows(t.select("i", v=p.value, bad=p.bad).order_by("i"))]


def test_iso_dates_and_times() -> None:
    got = parse(
        ["2024-01-05", "2024-02-29 13:45:10", "2024-03-01T10:00:00", "2025-04-10 20:50:29.417622709", " 2024-1-5 "]
    )
    assert [v for v, _ in got] == [
        datetime(2024, 1, 5),
        datetime(2024, 2, 29, 13, 45, 10),
        datetime(2024, 3, 1, 10),
        datetime(2025, 4, 10, 20, 50, 29),
        datetime(2024, 1, 5),
    ]
    assert not any(bad for _, bad in got)


def test_offsets_are_normalised_to_utc() -> None:
    got = parse(["2024-03-01T10:00:00Z", "2024-03-01T10:00:00+02:00", "2024-03-01 10:00:00-0130"])
    assert [v for v, _ in got] == [datetime(2024, 3, 1, 10), datetime(2024, 3, 1, 8), datetime(2024, 3, 1, 11, 30)]


@pytest.mark.parametrize(
    "text", ["2023-02-29", "2024-02-31", "2024-13-01", "2024-04-31", "2024-01-01 25:00:00", "31/12/2023", "yesterday"]
)
def test_impossible_or_foreign_dates_are_flagged(text: str) -> None:
    assert parse([text]) == [(None, True)]


def test_empty_and_missing_values_are_not_errors() -> None:
    assert parse(["", "   ", None]) == [(None, False)] * 3


def test_day_first_format() -> None:
    got = parse(["05/01/2024", "31/12/2023", "12/31/2023"], "%d/%m/%Y")
    assert got == [(datetime(2024, 1, 5), False), (datetime(2023, 12, 31), False), (None, True)]


def test_twelve_hour_clock_and_month_names() -> None:
    assert parse(["1/2/2024 3:04 PM", "1/2/2024 12:15 AM", "1/2/2024 13:00 PM"], "%m/%d/%Y %I:%M %p") == [
        (datetime(2024, 1, 2, 15, 4), False),
        (datetime(2024, 1, 2, 0, 15), False),
        (None, True),
    ]
    assert parse(["05 Mar 2024", "5 September 2024"], "%d %b %Y")[0] == (datetime(2024, 3, 5), False)
    assert parse(["5 September 2024"], "%d %B %Y") == [(datetime(2024, 9, 5), False)]


def test_compact_and_two_digit_years() -> None:
    assert parse(["20240105"], "%Y%m%d") == [(datetime(2024, 1, 5), False)]
    assert parse(["05.01.24", "05.01.99"], "%d.%m.%y") == [(datetime(2024, 1, 5), False), (datetime(1999, 1, 5), False)]


@pytest.mark.parametrize("fmt", ["%Y-%m", "%d/%m/%Y %Q", "%Y-%m-%d %"])
def test_unusable_formats(fmt: str) -> None:
    with pytest.raises(DateFormatError):
        compile_format(fmt)
