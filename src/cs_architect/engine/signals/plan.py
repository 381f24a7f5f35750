"""The building blocks of a signal: what it aggregates per account, and how that becomes a raw value.

A signal kind is a function ``(params, window) -> SignalPlan``. The plan names

- ``aggs``: reductions over the rows of one source table per account (``COUNT(*) FILTER (...)``,
  ``COUNT(DISTINCT user_id) FILTER (...)``, ``MAX(ts) FILTER (...)``), each with the value an
  account with no rows gets (0 for counts, NULL for "last seen");
- ``raw``: an expression over one account's row (its accounts columns and its aggregates);
- ``needs``/``columns``: contract tables and columns without which the signal has no data.

Plans are not run one by one: the runner groups the aggregates of every signal by source table
and computes them in one ``GROUP BY account_id`` per table, so ``events`` is read once however
many signals use it. A source can also be *derived* (e.g. each respondent's latest survey
answer), shared by the signals that ask for the same key.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import ibis
import ibis.expr.types as ir

from cs_architect.errors import InputError
from cs_architect.issues import Issue

# Row filters applied to every source before signals see it: rows dated after the as-of
# date do not exist yet for this snapshot.
TIME_COLUMN = {
    "events": "ts", "tickets": "created_at", "surveys": "ts", "payments": "ts",
    "touchpoints": "ts", "sentiment": "ts", "users": "created_at", "mrr": "month",
}  # fmt: skip


# The as-of dates the engine scores: windows of years before and days after stay valid dates.
EARLIEST_AS_OF, LATEST_AS_OF = date(1900, 1, 1), date(2999, 12, 31)


def check_as_of(as_of: date) -> None:
    """Refuse an as-of date outside the range every window computed from it can represent."""
    if not EARLIEST_AS_OF <= as_of <= LATEST_AS_OF:
        raise InputError(
            f"as-of date {as_of} is outside the dates the engine scores ({EARLIEST_AS_OF} to {LATEST_AS_OF})",
            [Issue("error", "pass --as-of YYYY-MM-DD within that range", path="--as-of")],
        )


class ParamError(ValueError):
    """A signal's params are missing or of the wrong kind (reported with the signal's location)."""

    def __init__(self, param: str, message: str) -> None:
        super().__init__(message)
        self.param = param


@dataclass(frozen=True)
class Window:
    """The as-of date of a run. Windows end at the end of that day (exclusive ``end``)."""

    as_of: date

    @property
    def end(self) -> datetime:
        return datetime.combine(self.as_of + timedelta(days=1), time(0))

    def start(self, days: int) -> datetime:
        """Start of a window of ``days`` full days ending with the as-of date."""
        return self.end - timedelta(days=days)

    def within(self, ts: ir.TimestampValue, days: int) -> ir.BooleanValue:
        return (ts >= self.start(days)) & (ts < self.end)

    def days_since(self, when: ir.Value) -> ir.IntegerValue:
        """Whole days from ``when`` (a date or timestamp) to the as-of date."""
        day = when.date() if when.type().is_timestamp() else when
        return ibis.literal(self.as_of).delta(day, unit="day")


@dataclass(frozen=True)
class Agg:
    """One reduction over the rows of ``source`` for each account.

    A distinct count that only looks at recent rows says so with ``since``: the runner then
    computes it on the source filtered to those rows first. Databases hash every row a
    ``COUNT(DISTINCT ...) FILTER (...)`` sees, so prefiltering a 7-day window out of a year of
    events is several times faster and uses a fraction of the memory.
    """

    source: str
    expr: Callable[[ir.Table], ir.Scalar]
    empty: float | None = None  # value for an account with no rows (0 for counts and sums)
    optional: bool = False  # when the source is missing, the value is NULL instead of "no data"
    since: datetime | None = None  # only rows at or after this time matter (distinct counts)


@dataclass(frozen=True)
class Derived:
    """A source computed from contract tables, e.g. each respondent's latest answer."""

    key: str
    needs: tuple[str, ...]
    build: Callable[[Mapping[str, ir.Table], Window], ir.Table]


@dataclass(frozen=True)
class SignalPlan:
    needs: tuple[str, ...]
    aggs: dict[str, Agg]
    raw: Callable[[Frame], ir.Value]
    columns: tuple[str, ...] = ()  # 'table.column' that must be in the data
    derived: tuple[Derived, ...] = field(default_factory=tuple)


class Frame:
    """One account's row while computing raw values: accounts columns and this signal's aggregates."""

    def __init__(self, table: ir.Table, prefix: str, plan: SignalPlan, window: Window, present: set[str]) -> None:
        self.table = table
        self.prefix = prefix
        self.plan = plan
        self.window = window
        self._present = present

    def agg(self, name: str) -> ir.Value:
        spec = self.plan.aggs[name]
        column = f"{self.prefix}__{name}"
        if column not in self.table.columns:  # an optional source that is missing
            return ibis.null("float64")
        value = self.table[column]
        return value.fill_null(spec.empty) if spec.empty is not None else value

    def has(self, source: str) -> bool:
        """Whether an optional source is present."""
        return source in self._present

    def __getattr__(self, name: str) -> ir.Value:
        if name.startswith("_"):
            raise AttributeError(name)
        return self.table[name]


def ratio(num: ir.NumericValue, den: ir.NumericValue) -> ir.FloatingValue:
    """num / den, NULL when the denominator is NULL or not positive (no basis to compare)."""
    return (den > 0).ifelse(num.cast("float64") / den.cast("float64"), ibis.null("float64"))


def named(column: ir.StringValue, names: list[str]) -> ir.BooleanValue:
    """Row filter on event/kind names; an empty list means any."""
    return column.isin(names) if names else ibis.literal(True)


class Params:
    """Typed access to a signal's ``params`` with catalogue defaults; wrong types raise ParamError."""

    def __init__(self, params: Mapping[str, object]) -> None:
        self.params = params

    def whole(self, name: str, default: int | None = None, *, minimum: int = 1) -> int:
        value = self.params.get(name, default)
        if value is None:
            raise ParamError(name, f"'{name}' is required")
        if isinstance(value, bool) or not isinstance(value, int | float) or int(value) != value:
            raise ParamError(name, f"'{name}' must be a whole number (got {value!r})")
        if value < minimum:
            raise ParamError(name, f"'{name}' must be at least {minimum} (got {value})")
        return int(value)

    def number(self, name: str, default: float) -> float:
        value = self.params.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ParamError(name, f"'{name}' must be a number (got {value!r})")
        return float(value)

    def names(self, name: str, *, required: bool = False) -> list[str]:
        value = self.params.get(name)
        if value is None or value == []:
            if required:
                raise ParamError(name, f"'{name}' is required: a list of names")
            return []
        if isinstance(value, str):
            return [value]
        if isinstance(value, list) and all(isinstance(v, str | int) for v in value):
            return [str(v) for v in value]
        raise ParamError(name, f"'{name}' must be a name or a list of names (got {value!r})")

    def mapping(self, name: str) -> dict[str, float]:
        value = self.params.get(name)
        if not isinstance(value, dict) or not value:
            raise ParamError(name, f"'{name}' is required: a mapping such as {{urgent: 4, high: 8}}")
        out: dict[str, float] = {}
        for k, v in value.items():
            if isinstance(v, bool) or not isinstance(v, int | float) or v <= 0:
                raise ParamError(name, f"'{name}.{k}' must be a positive number (got {v!r})")
            out[str(k)] = float(v)
        return out

    def records(self, name: str) -> list[dict[str, object]]:
        value = self.params.get(name)
        if not isinstance(value, list) or not value or not all(isinstance(v, dict) for v in value):
            raise ParamError(name, f"'{name}' is required: a list of mappings")
        return value
