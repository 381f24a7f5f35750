"""Text dates: one format per column, impossible dates rejected, same result on every backend."""

from __future__ import annotations

from datetime import datetime

import ibis
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cs_architect.engine.dates import DateFormatError, compile_format, date_layout, parse_column, parse_timestamp
from cs_architect.engine.execute import to_rows


def parse(values: list[str | None], fmt: str | None = None) -> list[tuple[datetime | None, bool]]:
    t = ibis.memtable(pa.table({"i": list(range(len(values))), "s": pa.array(values, pa.string())}))
    parsed = parse_column(t, "s", compile_format(fmt)).order_by("i")
    return [(r["s__value"], r["s__bad"]) for r in to_rows(parsed)]


def parse_by_regex(values: list[str | None], fmt: str | None = None) -> list[tuple[datetime | None, bool]]:
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
    "text",
    [
        "2023-02-29",
        "2024-02-31",
        "2024-13-01",
        "2024-04-31",
        "2024-01-01 25:00:00",
        "31/12/2023",
        "yesterday",
        "2024-12-30T10:00:00+25:00",  # offsets are within ±18:00
        "2024-12-27T10:00:00-99:99",
        "9999-12-31T23:59:59-23:59",  # would be year 10000 in UTC
        "0001-01-01",
    ],
)
def test_impossible_or_foreign_dates_are_flagged(text: str) -> None:
    assert parse([text]) == [(None, True)]


def test_lower_case_t_and_z_are_read_as_rfc_3339_allows() -> None:
    assert parse(["2024-12-30t10:00:00z", "2024-12-30t10:00z", "2024-12-30 10:00:00+14:00"]) == [
        (datetime(2024, 12, 30, 10), False),
        (datetime(2024, 12, 30, 10), False),
        (datetime(2024, 12, 29, 20), False),
    ]


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


def layouts(values: list[str], fmt: str | None = None) -> list[int]:
    t = ibis.memtable(pa.table({"i": list(range(len(values))), "s": pa.array(values, pa.string())}))
    layout = date_layout(t.s, compile_format(fmt))
    assert layout is not None
    return [r["n"] for r in to_rows(t.select("i", n=layout).order_by("i"))]


def test_common_spellings_are_read_by_position() -> None:
    # Extracting regex groups costs ~10x a match, so fixed-width spellings skip it (see dates.py).
    iso = [
        "2024-01-05",
        "2024-01-05 10:20:30",
        "2024-01-05T10:20:30.123Z",
        "2024-01-05T10:20",
        "2024-1-5",
        " 2024-01-05",
    ]
    assert layouts(iso) == [0, 1, 1, 2, -1, -1]
    assert layouts(["2024-01-05 10:20:30+02:00", "", "x" * 19]) == [-1, -1, -1]
    assert layouts(["05/01/2024 09:30", "5/1/2024 9:30"], "%d/%m/%Y %H:%M") == [0, -1]
    assert compile_format("%d %B %Y").layouts == ()  # a full month name has no fixed width


SPELLINGS = [
    (None, "%Y-%m-%d"),
    (None, "%Y-%m-%d %H:%M:%S"),
    (None, "%Y-%m-%dT%H:%M:%S.123456Z"),
    (None, "%Y-%m-%dT%H:%M"),
    (None, "{y}-{m}-{d} {H}:%M"),  # not zero-padded: read through the regex
    (None, " %Y-%m-%d %H:%M:%S "),
    (None, "%Y-%m-%dT%H:%M:%S+00:00"),
    ("%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M"),
    ("%d/%m/%Y %H:%M", "{d}/{m}/%Y {H}:%M"),
    ("%d %b %y", "%d %b %y"),
    ("%m/%d/%Y %I:%M %p", "%m/%d/%Y %I:%M %p"),
]


def _spelled(when: datetime, spelling: str) -> tuple[str, datetime]:
    """``when`` written in ``spelling`` (``{y}``-style fields unpadded) and the moment it names."""
    unpadded = {"y": when.year, "m": when.month, "d": when.day, "H": when.hour}
    has_time = any(k in spelling for k in ("%H", "%I", "{H}"))
    moment = when if "%S" in spelling else when.replace(second=0)
    return when.strftime(spelling.format(**unpadded)), moment if has_time else moment.replace(hour=0, minute=0)


@settings(max_examples=4, deadline=None)
@given(
    st.lists(
        st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2068, 12, 31)).map(
            lambda d: d.replace(microsecond=0)
        ),
        min_size=10,
        max_size=40,
    )
)
def test_position_and_regex_paths_read_the_same(moments: list[datetime]) -> None:
    """Whichever path a value takes (by position or through the regex), it reads as the moment it
    spells, to its precision. One query per format: every moment in every spelling of it."""
    for fmt in dict.fromkeys(f for f, _ in SPELLINGS):
        cases = [_spelled(when, s) for when in moments for f, s in SPELLINGS if f == fmt]
        texts = [text for text, _ in cases]
        assert parse(texts, fmt) == [(moment, False) for _, moment in cases] == parse_by_regex(texts, fmt)
