"""Reading text dates the same way on every backend.

A date column has one format (GLOSSARY). A ``strptime`` format such as ``%d/%m/%Y`` becomes a
regular expression with one group per field; the fields are checked (month 1-12, day within its
month, Feb 29 only in leap years, hour 0-23 ...) and assembled with ``make_timestamp``. Values
that do not match, or name an impossible date such as Feb 31, become NULL and are flagged, so the
data check can count them and show examples instead of the database raising mid-query.

Everything is an Ibis expression (regex search/extract, integer arithmetic, ``ibis.timestamp``):
DuckDB and PostgreSQL run the same code. Without a format, ISO 8601 is read:
``YYYY-MM-DD`` with an optional ``[T ]HH:MM[:SS[.fraction]]`` and an optional ``Z``/``±HH:MM``
offset. Offsets are normalised to UTC; fractions of a second are dropped (scores work in days).

Extracting regex groups is slow (DuckDB: about 1.2 s per group per million values, against
0.1 s to test a match), so a format also has *layouts*: the fixed-width spellings most exports
use (``2024-06-30 14:05:00``, ``05/01/2024``), tested with one match and read by position.
Only values that fit no layout (``2024-1-5``, an offset, padding) go through the groups; both
paths give the same fields, and the result is the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

MONTHS = {
    name: i + 1
    for i, name in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])
}
FULL_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
}  # fmt: skip

# directive -> (regex when followed by a separator, regex when followed directly by a field, field)
_DIRECTIVES: dict[str, tuple[str, str, str]] = {
    "Y": (r"(\d{4})", r"(\d{4})", "year"),
    "y": (r"(\d{2})", r"(\d{2})", "year2"),
    "m": (r"(\d{1,2})", r"(\d{2})", "month"),
    "d": (r"(\d{1,2})", r"(\d{2})", "day"),
    "H": (r"(\d{1,2})", r"(\d{2})", "hour"),
    "I": (r"(\d{1,2})", r"(\d{2})", "hour12"),
    "M": (r"(\d{1,2})", r"(\d{2})", "minute"),
    "S": (r"(\d{1,2})", r"(\d{2})", "second"),
    "f": (r"(\d{1,9})", r"(\d{1,9})", "fraction"),
    "p": (r"([AaPp][Mm])", r"([AaPp][Mm])", "ampm"),
    "b": (r"([A-Za-z]{3})", r"([A-Za-z]{3})", "month_name"),
    "B": (r"([A-Za-z]+)", r"([A-Za-z]+)", "month_name"),
    "z": (r"(Z|[+-]\d{2}:?\d{2})", r"(Z|[+-]\d{2}:?\d{2})", "offset"),
}


@dataclass(frozen=True)
class Layout:
    """A fixed-width spelling of a format: values matching ``regex`` hold each field at a fixed
    place, ``(field, start, length)`` with 0-based starts; fields not listed are absent."""

    regex: str
    slices: tuple[tuple[str, int, int], ...]
    lengths: tuple[int, int]  # shortest and longest value it matches: a cheap test before the regex


# ISO 8601: date, optional time, optional offset. Groups: Y m d H M S frac offset.
_ISO = (
    r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[Tt ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?"
    r"\s*([Zz]|[+-]\d{2}(?::?\d{2})?)?\s*$"
)
_ISO_FIELDS = ("year", "month", "day", "hour", "minute", "second", "fraction", "offset")
_ISO_DATE = (("year", 0, 4), ("month", 5, 2), ("day", 8, 2))
# The common ISO spellings, without an offset other than Z (offset 0) and without padding; a
# fraction of a second is dropped either way, so it only has to have the right shape.
_ISO_LAYOUTS = (
    Layout(r"^\d{4}-\d{2}-\d{2}$", _ISO_DATE, (10, 10)),
    Layout(
        r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}([.,]\d{1,9})?[Zz]?$",
        (*_ISO_DATE, ("hour", 11, 2), ("minute", 14, 2), ("second", 17, 2)),
        (19, 30),
    ),
    Layout(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}[Zz]?$", (*_ISO_DATE, ("hour", 11, 2), ("minute", 14, 2)), (16, 17)),
)
# directive -> (regex, width) in a fixed-width layout
_FIXED = {"Y": (r"\d{4}", 4), "y": (r"\d{2}", 2), "m": (r"\d{2}", 2), "d": (r"\d{2}", 2), "H": (r"\d{2}", 2),
          "I": (r"\d{2}", 2), "M": (r"\d{2}", 2), "S": (r"\d{2}", 2), "p": (r"[AaPp][Mm]", 2),
          "b": (r"[A-Za-z]{3}", 3)}  # fmt: skip


@dataclass(frozen=True)
class DatePattern:
    """A compiled date format: a regex and the field each group holds (1-based group order),
    and the fixed-width layouts read by position (see the module)."""

    regex: str
    fields: tuple[str, ...]
    text: str  # the format as the user wrote it, for messages
    layouts: tuple[Layout, ...] = ()


class DateFormatError(ValueError):
    """A ``date_format`` the reader cannot use (unknown directive, no year/month/day)."""


def compile_format(fmt: str | None) -> DatePattern:
    """Turn a ``strptime`` format into a :class:`DatePattern` (None means ISO 8601).

    >>> compile_format("%d/%m/%Y").regex
    '^\\\\s*(\\\\d{1,2})/(\\\\d{1,2})/(\\\\d{4})\\\\s*$'
    """
    if fmt is None:
        return DatePattern(_ISO, _ISO_FIELDS, "ISO 8601 (YYYY-MM-DD[ HH:MM:SS])", _ISO_LAYOUTS)
    parts: list[str] = []
    fields: list[str] = []
    fixed: list[str] | None = []  # the fixed-width layout's regex, None once a field has no fixed width
    slices: list[tuple[str, int, int]] = []
    at = 0  # where the next character of a fixed-width value is
    i = 0
    while i < len(fmt):
        ch = fmt[i]
        if ch == "%":
            if i + 1 >= len(fmt):
                raise DateFormatError(f"date_format '{fmt}' ends with a lone '%'")
            code = fmt[i + 1]
            if code == "%":
                parts.append("%")
                fixed, at = (None, at) if fixed is None else ([*fixed, "%"], at + 1)
            elif code in _DIRECTIVES:
                loose, tight, field = _DIRECTIVES[code]
                followed_by_field = fmt[i + 2 : i + 3] == "%" and fmt[i + 3 : i + 4] not in ("%", "")
                parts.append(tight if followed_by_field else loose)
                fields.append(field)
                if fixed is not None and code in _FIXED:
                    regex, width = _FIXED[code]
                    fixed.append(regex)
                    slices.append((field, at, width))
                    at += width
                else:
                    fixed = None
            else:
                known = ", ".join(f"%{k}" for k in _DIRECTIVES)
                raise DateFormatError(f"date_format '{fmt}': %{code} is not supported (use {known})")
            i += 2
        elif ch.isspace():
            parts.append(r"\s+")
            fixed, at = (None, at) if fixed is None else ([*fixed, " "], at + 1)
            i += 1
        else:
            parts.append(re.escape(ch))
            fixed, at = (None, at) if fixed is None else ([*fixed, re.escape(ch)], at + 1)
            i += 1
    has_year = "year" in fields or "year2" in fields
    if not (has_year and "day" in fields and ("month" in fields or "month_name" in fields)):
        raise DateFormatError(f"date_format '{fmt}' needs a year, a month and a day")
    if len(set(fields)) != len(fields):
        raise DateFormatError(f"date_format '{fmt}' names a field twice")
    layouts = (Layout("^" + "".join(fixed) + "$", tuple(slices), (at, at)),) if fixed is not None else ()
    return DatePattern(r"^\s*" + "".join(parts) + r"\s*$", tuple(fields), fmt, layouts)


def _int(text: ir.StringValue) -> ir.IntegerValue:
    # An optional group that did not take part is '' on DuckDB and NULL on PostgreSQL.
    return text.nullif("").cast("int64")


def _month_from_name(text: ir.StringValue) -> ir.IntegerValue:
    lowered = text.lower()
    by_name = {**MONTHS, **FULL_MONTHS, "sept": 9}
    return lowered.substitute(by_name, else_=ibis.null("int64")).cast("int64")


def _days_in_month(year: ir.IntegerValue, month: ir.IntegerValue) -> ir.IntegerValue:
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    return ibis.cases(
        (month.isin([4, 6, 9, 11]), 30),
        (month == 2, leap.ifelse(29, 28)),
        else_=31,
    )


@dataclass(frozen=True)
class Parsed:
    """A parsed column: ``value`` (timestamp or NULL) and ``bad`` (text present but unreadable)."""

    value: ir.TimestampValue
    bad: ir.BooleanValue


def date_layout(text: ir.StringValue, pattern: DatePattern) -> ir.IntegerValue | None:
    """Step 0: which of the pattern's fixed-width layouts each value has (-1: none), or None
    when the pattern has none. Run it as its own projection: every field reads it."""
    if not pattern.layouts:
        return None
    size = text.length()
    tests = [(size.between(*lay.lengths) & text.re_search(lay.regex), i) for i, lay in enumerate(pattern.layouts)]
    return ibis.cases(*tests, else_=-1).fill_null(-1)


def _groups(text: ir.StringValue, pattern: DatePattern, layout: ir.IntegerValue | None) -> dict[str, ir.StringValue]:
    """The text of each field: by position for values with a layout, else the regex group.
    (Layouts have no offset but Z: the offset is always the group, read for other values only.)"""
    out: dict[str, ir.StringValue] = {}
    for i, field in enumerate(pattern.fields):
        group = text.re_extract(pattern.regex, i + 1)
        if layout is None or field == "offset":
            out[field] = group
            continue
        branches = []
        for n, lay in enumerate(pattern.layouts):
            place = next(((start, length) for f, start, length in lay.slices if f == field), None)
            branches.append((layout == n, text.substr(*place) if place else ibis.literal("")))
        out[field] = ibis.cases(*branches, else_=group)
    return out


def date_fields(
    text: ir.StringValue, pattern: DatePattern, layout: ir.IntegerValue | None = None
) -> dict[str, ir.Value]:
    """Step 1: the fields of each value as integers (``offset`` in minutes), plus ``match``
    (the text has the pattern's shape) and ``present`` (the text is not empty).

    ``layout`` is :func:`date_layout` of the same text (a column of the previous projection);
    without it every field is read through the regex."""
    grp = _groups(text, pattern, layout)
    zero = ibis.literal(0, "int64")
    if "year" in grp:
        year = _int(grp["year"])
    else:  # two-digit year: 69-99 -> 1900s, 00-68 -> 2000s, as strptime does
        y2 = _int(grp["year2"])
        year = (y2 < 69).ifelse(y2 + 2000, y2 + 1900)
    month = _int(grp["month"]) if "month" in grp else _month_from_name(grp["month_name"])
    hour = _int(grp["hour"]).fill_null(0) if "hour" in grp else zero
    if "hour12" in grp:
        h12 = _int(grp["hour12"])
        pm = grp["ampm"].upper() == "PM" if "ampm" in grp else ibis.literal(False)
        # 12 AM is hour 0, 12 PM is 12; an hour outside 1-12 becomes -1 and fails validation
        hour = ibis.cases((~h12.between(1, 12), -1), (h12 == 12, pm.ifelse(12, 0)), else_=pm.ifelse(h12 + 12, h12))
    out: dict[str, ir.Value] = {}
    if "offset" in grp:  # layouts have no offset but Z: only the other values are read for one
        raw = grp["offset"].nullif("")
        sign = (raw.substr(0, 1) == "-").ifelse(-1, 1)
        digits = raw.replace(":", "")
        hh, mm = _int(digits.substr(1, 2)).fill_null(0), _int(digits.substr(3, 2)).fill_null(0)
        offset = ((raw.upper() == "Z") | raw.isnull()).ifelse(0, (hh * 60 + mm) * sign).fill_null(0)
        out["offset"] = offset if layout is None else (layout >= 0).ifelse(0, offset)
        out["offset_minutes_ok"] = mm < 60 if layout is None else (layout >= 0).ifelse(True, mm < 60)
    return out | {
        "present": text.strip().nullif("").notnull(),
        "match": _matches(text, pattern, layout),
        "year": year,
        "month": month,
        "day": _int(grp["day"]),
        "hour": hour,
        "minute": _int(grp["minute"]).fill_null(0) if "minute" in grp else zero,
        "second": _int(grp["second"]).fill_null(0) if "second" in grp else zero,
    }


def _matches(text: ir.StringValue, pattern: DatePattern, layout: ir.IntegerValue | None) -> ir.BooleanValue:
    shaped = text.re_search(pattern.regex).fill_null(False)
    return shaped if layout is None else (layout >= 0).ifelse(True, shaped)


def date_valid(f: dict[str, ir.Value]) -> ir.BooleanValue:
    """Step 2: whether the fields name a real moment (Feb 31 and hour 25 do not)."""
    year, month, day = f["year"], f["month"], f["day"]
    # Years 2-9998: a UTC offset cannot carry the moment out of the years a timestamp can hold.
    valid = (
        f["match"]
        & year.between(2, 9998)
        & month.between(1, 12)
        & (day >= 1)
        & (day <= _days_in_month(year, month))
        & f["hour"].between(0, 23)
        & f["minute"].between(0, 59)
        & f["second"].between(0, 59)
    )
    if "offset" in f:  # real offsets are within ±18:00 (ISO 8601), minutes below 60
        valid = valid & f["offset"].between(-18 * 60, 18 * 60) & f["offset_minutes_ok"]
    return valid.fill_null(False)


def date_value(f: dict[str, ir.Value], valid: ir.BooleanValue) -> Parsed:
    """Step 3: the timestamp (UTC when an offset was given) or NULL, and the ``bad`` flag."""
    # Out-of-range fields would make make_timestamp raise even in a branch not taken on some
    # backends, so the arguments themselves are made safe before the value is masked.
    args = [
        valid.ifelse(f[k], d)
        for k, d in (("year", 2000), ("month", 1), ("day", 1), ("hour", 0), ("minute", 0), ("second", 0))
    ]
    stamp = ibis.timestamp(*args)
    if "offset" in f:
        stamp = stamp - f["offset"].as_interval("m")
    value = valid.ifelse(stamp, ibis.null("timestamp")).cast("timestamp")
    return Parsed(value=value, bad=f["present"] & ~valid)


def parse_column(table: ir.Table, column: str, pattern: DatePattern) -> ir.Table:
    """``table`` with the text ``column`` parsed by ``pattern`` into ``<column>__value`` (a
    timestamp or NULL) and ``<column>__bad`` (text present but unreadable).

    The steps run as their own projections (layout, fields, validity, value), as the contract
    step does: nested in one expression, every field would repeat the layout tests.
    """
    layout = date_layout(table[column], pattern)
    t = table.mutate(_csa_layout=layout) if layout is not None else table
    fields = date_fields(t[column], pattern, t._csa_layout if layout is not None else None)
    names = {f"_csa_f_{k}": v for k, v in fields.items()}
    t = t.mutate(**names)
    staged = {k: t[f"_csa_f_{k}"] for k in fields}
    t = t.mutate(_csa_valid=date_valid(staged))
    parsed = date_value({k: t[f"_csa_f_{k}"] for k in fields}, t._csa_valid)
    out = t.mutate(**{f"{column}__value": parsed.value, f"{column}__bad": parsed.bad})
    return out.drop(*[c for c in out.columns if c.startswith("_csa_")])


def parse_timestamp(text: ir.StringValue, pattern: DatePattern) -> Parsed:
    """Parse text into a timestamp with ``pattern`` in one expression; impossible or
    non-matching values become NULL and ``bad`` is true where text was present.

    Every field is read through the regex (no layouts: see :func:`parse_column` for a table,
    which is what the contract step does).
    """
    fields = date_fields(text, pattern)
    return date_value(fields, date_valid(fields))
