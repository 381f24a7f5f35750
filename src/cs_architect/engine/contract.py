"""Apply the ``sources`` mapping: the user's tables become the customer data contract.

For each contract table (see :data:`cs_architect.spec.sources.CONTRACT`) and column:

1. find the user's column (``columns`` mapping, else the contract name, else a unique
   case-insensitive match); absent optional columns take the ``defaults`` value or NULL;
2. translate values with the ``values`` map (``P1`` -> ``urgent``), compared as text;
3. convert to the contract type: text dates through ``date_format`` (ISO 8601 by default),
   text numbers and booleans through patterns, so unreadable values become NULL and are
   flagged instead of failing the query; a number that is not finite (``inf``, ``nan``,
   ``1e400`` in text, or a double column holding them) is unreadable too;
4. keep only rows matching ``where``;
5. ``mrr`` rows that cover a period (``period``: start and end dates) become one row per month.

Only ``accounts`` is required. A table that is absent, or lacks a required column, is reported
as missing and its signals have no data (their weight is redistributed). The converted table
keeps, beside each converted column, the user's original text (``<column>__text``; for a double
column, the spelling of its non-finite values) so that the data check can show example values.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from cs_architect.engine.connect import DataSource, EmptyFiles, RawTable, open_table, read_problem
from cs_architect.engine.dates import (
    DateFormatError,
    compile_format,
    date_fields,
    date_layout,
    date_valid,
    date_value,
)
from cs_architect.engine.execute import staged_sql, stop_if_interrupted
from cs_architect.errors import DataError
from cs_architect.issues import Issue, Level
from cs_architect.spec.sources import CONTRACT, VOCABULARY, Sources, TableSource

IBIS_TYPES = {"str": "string", "float": "float64", "int": "int64", "bool": "boolean",
              "date": "date", "timestamp": "timestamp"}  # fmt: skip
NUMBER = r"^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$"
INT_LIMIT = 2.0**63  # an int column holds int64
# A number beyond about ±1e300 (or as small): DuckDB reads it as inf or 0, PostgreSQL refuses the
# whole query; no amount, count or score is that large, so it is unreadable before any cast.
EXTREME = r"[eE][-+]?0*(3\d\d|[4-9]\d\d|\d{4,})\s*$"  # and any spelling longer than 300 characters
TRUE_WORDS = ["true", "t", "yes", "y", "1"]
FALSE_WORDS = ["false", "f", "no", "n", "0"]
TEXT_SUFFIX = "__text"
SRC = "__src"
PERIOD_END = "period_end"  # the end of a row's period (sources.mrr.period), beside the contract columns


@dataclass
class ContractTable:
    """One contract table: converted columns plus the original text of converted columns."""

    name: str
    origin: str
    staged: ir.Table
    mapped: dict[str, str]  # contract column -> the user's column it came from
    converted: list[str]  # contract columns read from text, or doubles that may be inf/NaN (have a <col>__text twin)
    defaulted: list[str] = field(default_factory=list)  # contract columns set by sources.defaults
    period: bool = False  # rows run from ``month`` to ``period_end``: ``table`` has one row per month
    end_exclusive: bool = False  # ``period_end`` is the first day the row no longer covers
    typed: list[str] = field(default_factory=list)  # of ``converted``: typed doubles, checked for inf/NaN only
    date_format: str | None = None  # sources.<table>.date_format (None: ISO 8601), for messages

    def present(self, column: str) -> bool:
        """Whether the data has this contract column (mapped or given a default)."""
        return column in self.mapped or column in self.defaulted

    def column_type(self, column: str) -> str:
        """Contract type of a staged column (the end of a period is a date)."""
        return "date" if column == PERIOD_END else CONTRACT[self.name][column][0]

    @property
    def table(self) -> ir.Table:
        """The table in contract shape: contract column names and types only (for a table of
        periods, one row per month each period covers: see :func:`monthly_rows`)."""
        staged = monthly_rows(self.staged, end_exclusive=self.end_exclusive) if self.period else self.staged
        return staged.select(*CONTRACT[self.name])


def _month_index(day: ir.DateValue) -> ir.IntegerValue:
    return day.year() * 12 + day.month() - 1


def monthly_rows(staged: ir.Table, *, end_exclusive: bool = False) -> ir.Table:
    """Rows holding an amount from ``month`` (any day) to ``period_end`` -> one row per month.

    A row counts in every month whose first day lies in its period, both ends inclusive: the
    first such month is the start's month if the start is the 1st, else the next one; the last is
    the end's month. An empty end runs to the latest start or end date in the table (the data's
    horizon; months after the as-of date are dropped by the scoring like any later row). A
    period that covers no first day (say the 5th to the 20th) gives no row. Example: 2023-12-23
    to 2024-04-12 -> 2024-01-01, 2024-02-01, 2024-03-01, 2024-04-01. With ``end_exclusive`` the
    end is the first day no longer covered: 2024-01-01 to 2024-02-01 -> 2024-01-01 only.
    """
    start, end = staged.month, staged[PERIOD_END]
    if end_exclusive:
        end = end - ibis.interval(days=1)
    horizon = ibis.greatest(start.max(), ibis.coalesce(end.max(), start.max()))
    # Two projections: window aggregates (the horizon) first, then the set-returning unnest.
    bounds = staged.mutate(
        period_first=_month_index(start) + (start.day() > 1).ifelse(1, 0),
        period_last=_month_index(ibis.coalesce(end, horizon)),
    )
    rows = bounds.mutate(period_month=ibis.range(bounds.period_first, bounds.period_last + 1).unnest())
    index = rows.period_month
    return rows.mutate(month=ibis.date(index // 12, index % 12 + 1, 1))


@dataclass
class ContractData:
    """The customer's data in contract shape, what is missing, and problems found on the way."""

    source: DataSource | None  # None for contract-shaped placeholders (``--explain`` without data)
    tables: dict[str, ContractTable]
    missing: dict[str, str] = field(default_factory=dict)  # table -> reason
    issues: list[Issue] = field(default_factory=list)

    def get(self, name: str) -> ir.Table | None:
        t = self.tables.get(name)
        return t.table if t is not None else None

    def has(self, name: str) -> bool:
        return name in self.tables


def _family(dtype: dt.DataType) -> str:
    if dtype.is_string():
        return "text"
    if dtype.is_boolean():
        return "bool"
    if dtype.is_numeric():
        return "number"
    if dtype.is_timestamp() or dtype.is_date():
        return "time"
    return "other"


@dataclass(frozen=True)
class _Converted:
    value: ir.Value
    text: ir.StringValue | None  # original text when converted from text (for examples)
    bad: ir.BooleanValue | None  # text present but unreadable
    problem: str | None = None  # the whole column has the wrong type


def _finite(number: ir.FloatingValue, ctype: str) -> ir.BooleanValue:
    """Whether a float is a value the contract column can hold: not infinite, not NaN, and for
    an int column within the int64 range (NULL stays NULL)."""
    ok = ~(number.isnan() | number.isinf())
    return ok & (number.abs() < INT_LIMIT) if ctype == "int" else ok


def _from_text(text: ir.StringValue, ctype: str) -> _Converted:
    present = text.strip().nullif("").notnull()
    if ctype == "str":  # only spaces is no value (an id of " " is no id), other text is kept as written
        return _Converted(present.ifelse(text, ibis.null("string")), None, None)
    if ctype in ("float", "int"):
        # A spelling like 1e400 matches the pattern but is infinite as a double: unreadable too.
        ok = (text.re_search(NUMBER) & ~text.re_search(EXTREME) & (text.length() <= 300)).fill_null(False)
        parsed = ok.ifelse(text.strip(), ibis.null("string")).cast("float64")
        readable = ok & _finite(parsed, ctype).fill_null(False)
        number = readable.ifelse(parsed, ibis.null("float64"))
        value = number.round().cast("int64") if ctype == "int" else number
        return _Converted(value, text, present & ~readable)
    assert ctype == "bool", ctype
    word = text.strip().lower()
    value = ibis.cases((word.isin(TRUE_WORDS), True), (word.isin(FALSE_WORDS), False), else_=ibis.null("boolean"))
    return _Converted(value, text, present & value.isnull())


def _convert(col: ir.Value, ctype: str) -> _Converted:
    """Convert a column of any type except text dates (see :mod:`.dates`) to ``ctype``."""
    fam = _family(col.type())
    want = IBIS_TYPES[ctype]
    if fam == "text":
        return _from_text(col, ctype)
    if ctype == "str":
        return _Converted(col.cast("string"), None, None)
    if ctype in ("float", "int") and fam == "number" and col.type().is_floating():
        # inf and NaN (a Parquet or database double) are no amount: NULL, flagged like unreadable
        # text, with the value's spelling as the example.
        ok = _finite(col, ctype)
        shown = ok.fill_null(True).ifelse(ibis.null("string"), col.cast("string"))
        return _Converted(ok.ifelse(col, ibis.null(col.type())).cast(want), shown, ~ok.fill_null(True))
    if ctype in ("float", "int") and fam == "number":
        return _Converted(col.cast(want), None, None)
    if ctype == "bool" and fam == "bool":
        return _Converted(col, None, None)
    if ctype == "bool" and fam == "number":
        return _Converted(col != 0, None, None)
    if ctype in ("date", "timestamp") and fam == "time":
        if ctype == "date":
            return _Converted(col.date() if col.type().is_timestamp() else col, None, None)
        return _Converted(col.cast("timestamp"), None, None)
    return _Converted(ibis.null(want), None, None, problem=f"has type {col.type()}, expected {ctype}")


def _default_value(value: str | float | bool, ctype: str) -> object | None:
    """A ``sources.<table>.defaults`` constant as a value of the contract type, or None when it is not one."""
    text = str(value).strip()
    try:
        if ctype == "str":
            return str(value)
        if ctype == "bool":
            if isinstance(value, bool):
                return value
            lowered = text.lower()
            return True if lowered in TRUE_WORDS else False if lowered in FALSE_WORDS else None
        if isinstance(value, bool):
            return None
        if ctype == "int":
            number = float(value)
            return int(number) if number.is_integer() and abs(number) < INT_LIMIT else None
        if ctype == "float":
            number = float(value)
            return number if math.isfinite(number) else None
        if ctype == "date":
            return date.fromisoformat(text)
        if ctype == "timestamp":
            return datetime.fromisoformat(text)
    except ValueError:
        return None
    return None


def _find_column(raw: ir.Table, wanted: str) -> str | None:
    if wanted in raw.columns:
        return wanted
    folded = [c for c in raw.columns if c.lower() == wanted.lower()]
    return folded[0] if len(folded) == 1 else None


def map_table(raw: RawTable, spec: TableSource) -> tuple[ContractTable | None, list[Issue]]:
    """Map one user table onto its contract table. Returns (None, issues) when it is unusable.

    Unusable means a required contract column is missing or has a type that cannot be read.
    For ``accounts`` those issues are errors (nothing can be scored); for other tables they are
    warnings and the table counts as missing.
    """
    name = raw.name
    contract = CONTRACT[name]
    blocking: Level = "error" if name == "accounts" else "warning"
    issues: list[Issue] = []
    where = f"sources.{name}"

    for key, section in (
        ("columns", spec.columns),
        ("values", spec.values),
        ("defaults", spec.defaults),
        ("where", spec.where),
    ):
        for col in section:
            if col not in contract:
                issues.append(
                    Issue(
                        "warning",
                        f"'{col}' is not a column of the {name} table; ignored",
                        file=raw.origin,
                        path=f"{where}.{key}.{col}",
                        hint=f"contract columns: {', '.join(contract)}",
                    )
                )
    for col, mapping in spec.values.items():
        known = VOCABULARY.get((name, col))
        odd = sorted({str(v) for v in mapping.values()} - set(known)) if known else []
        if odd:
            issues.append(
                Issue(
                    "warning",
                    f"{', '.join(repr(v) for v in odd)} {'is' if len(odd) == 1 else 'are'} not among the contract's "
                    f"{name}.{col} values ({', '.join(known or ())}): signals that look for those names do not see "
                    "these rows",
                    file=raw.origin,
                    path=f"{where}.values.{col}",
                    hint=f"translate to one of: {', '.join(known or ())}",
                )
            )
    try:
        compile_format(spec.date_format)
    except DateFormatError as exc:
        issues.append(Issue("error", str(exc), file=raw.origin, path=f"{where}.date_format"))
        return None, issues
    period = spec.period is not None and "month" in contract
    if spec.period is not None and not period:
        issues.append(
            Issue(
                "warning",
                f"period applies to tables with a month column (mrr), not {name}; ignored",
                file=raw.origin,
                path=f"{where}.period",
            )
        )
    paths = {}  # where a column's mapping is written, for messages
    if spec.period is not None and period:
        # The period's start is the row's month; its end is read like a contract date column.
        contract = {**contract, PERIOD_END: ("date", True)}
        spec = spec.model_copy(
            update={"columns": {**spec.columns, "month": spec.period.start, PERIOD_END: spec.period.end}}
        )
        paths = {"month": f"{where}.period.start", PERIOD_END: f"{where}.period.end"}

    # Projections keep the generated SQL small: (0) which fixed-width layout each text date has,
    # (1) pick, translate and split text dates into fields, (2) validate the fields, (3) convert
    # to contract types.
    first: dict[str, ir.Value] = {}
    layouts: dict[str, ir.Value] = {}  # text date column -> its layout (step 0)
    text_dates: dict[str, list[str]] = {}  # contract column -> names of its date fields
    mapped: dict[str, str] = {}
    converted: list[str] = []
    typed: list[str] = []  # converted columns that were numbers already (checked only for inf/NaN)
    defaulted: list[str] = []
    unusable = False
    pattern = compile_format(spec.date_format)
    for col, (ctype, required) in contract.items():
        wanted = spec.columns.get(col, col)
        found = _find_column(raw.table, wanted)
        if found is None and col in spec.columns and col not in paths:
            # An explicit mapping that names a column the file lacks is a mistake, never a silent gap.
            issues.append(
                Issue(
                    "error",
                    f"sources.{name}.columns.{col} maps '{wanted}', which is not a column; "
                    f"columns are: {', '.join(raw.table.columns[:30])}",
                    file=raw.origin,
                    path=f"{where}.columns.{col}",
                    hint="fix the column name in health_model.yaml (names match exactly, else case-insensitively)",
                )
            )
            unusable = True
            first[col + SRC] = ibis.null(IBIS_TYPES[ctype])
            continue
        if found is None:
            if col in spec.defaults:
                constant = _default_value(spec.defaults[col], ctype)
                if constant is None:
                    issues.append(
                        Issue(
                            "error",
                            f"default {spec.defaults[col]!r} for {col} is not a{'n' if ctype == 'int' else ''} {ctype}",
                            path=f"{where}.defaults.{col}",
                            hint=f"give a {ctype} value in health_model.yaml",
                        )
                    )
                    unusable = True
                    first[col + SRC] = ibis.null(IBIS_TYPES[ctype])
                    continue
                first[col + SRC] = ibis.literal(constant, IBIS_TYPES[ctype])
                defaulted.append(col)
                continue
            if required:
                how = f"mapped from '{wanted}'" if col in spec.columns else "not mapped in sources"
                issues.append(
                    Issue(
                        blocking,
                        f"required column '{wanted}' ({col}, {how}) not found; "
                        f"columns are: {', '.join(raw.table.columns[:20])}",
                        file=raw.origin,
                        path=paths.get(col, f"{where}.columns.{col}"),
                        hint=f"map it: {paths.get(col, f'sources.{name}.columns.{col}')}: <your column name>",
                    )
                )
                unusable = True
            first[col + SRC] = ibis.null(IBIS_TYPES[ctype])
            continue
        mapped[col] = found
        value: ir.Value = raw.table[found]
        if col in spec.values:
            text = value.cast("string")
            value = text.substitute(spec.values[col], else_=text)
        if ctype in ("date", "timestamp") and _family(value.type()) == "text":
            first[col + TEXT_SUFFIX] = value
            layout = date_layout(value, pattern)
            if layout is not None:
                layouts[col] = layout
            text_dates[col] = []  # its fields, once step 0 exists
            continue
        first[col + SRC] = value
        problem = _convert(value, ctype).problem
        if problem:
            level: Level = blocking if required else "warning"
            issues.append(
                Issue(
                    level,
                    f"column '{found}' ({col}) {problem}; its values are ignored",
                    file=raw.origin,
                    path=f"{where}.columns.{col}",
                    hint="map another column, or convert it in your export",
                )
            )
            unusable = unusable or required
    if unusable:
        return None, issues

    pre = raw.table.mutate(**{f"{c}__layout": v for c, v in layouts.items()}) if layouts else raw.table
    for col in text_dates:
        value = first[col + TEXT_SUFFIX]
        fields = date_fields(value, pattern, pre[f"{col}__layout"] if col in layouts else None)
        first.update({f"{col}__{k}": v for k, v in fields.items()})
        text_dates[col] = list(fields)
    a = pre.select(**first)
    b = a.mutate(**{c + "__valid": date_valid({f: a[f"{c}__{f}"] for f in fs}) for c, fs in text_dates.items()})
    columns: dict[str, ir.Value] = {}
    for col, (ctype, _required) in contract.items():
        if col in text_dates:
            parsed = date_value({f: b[f"{col}__{f}"] for f in text_dates[col]}, b[col + "__valid"])
            columns[col] = (parsed.value.date() if ctype == "date" else parsed.value).cast(IBIS_TYPES[ctype])
            columns[col + TEXT_SUFFIX] = b[col + TEXT_SUFFIX]
            converted.append(col)
            continue
        conv = _convert(b[col + SRC], ctype)
        columns[col] = conv.value.cast(IBIS_TYPES[ctype])
        if conv.text is not None and col in mapped:
            columns[col + TEXT_SUFFIX] = conv.text
            converted.append(col)
            if _family(b[col + SRC].type()) == "number":
                typed.append(col)
    staged = b.select(**columns)
    for col, allowed in spec.where.items():
        if col in contract:
            values = [allowed] if isinstance(allowed, str) else list(allowed)
            staged = staged.filter(staged[col].cast("string").isin(values))
    exclusive = period and spec.period is not None and spec.period.end_exclusive
    table = ContractTable(
        name,
        raw.origin,
        staged,
        mapped,
        converted,
        defaulted,
        period=period,
        end_exclusive=exclusive,
        typed=typed,
        date_format=spec.date_format,
    )
    return table, issues


JOINED = "__join_"


def _join(source: DataSource, raw: RawTable, spec: TableSource) -> tuple[RawTable, TableSource] | Issue:
    """Add the ``join`` lookup's columns to a table (left join on the shared key, compared as
    text); the mapping then reads them like the table's own columns."""
    j = spec.join
    assert j is not None
    where = f"sources.{raw.name}.join"
    lookup = open_table(source, f"{raw.name}_lookup", TableSource.model_validate({"file": j.file, "table": j.table}))
    if lookup is None:
        return Issue("warning", f"lookup {j.file or j.table} not found", path=where, file=raw.origin)
    key, lookup_key = _find_column(raw.table, j.on), _find_column(lookup.table, j.on)
    if key is None or lookup_key is None:
        missing = raw.origin if key is None else lookup.origin
        return Issue("warning", f"key column '{j.on}' not found in {missing}", path=f"{where}.on", file=missing)
    picked: dict[str, ir.Value] = {}
    for col, theirs in j.columns.items():
        found = _find_column(lookup.table, theirs)
        if found is None:
            return Issue(
                "warning",
                f"column '{theirs}' not found in {lookup.origin}",
                path=f"{where}.columns.{col}",
                file=lookup.origin,
            )
        picked[JOINED + col] = lookup.table[found]
    small = lookup.table.select(**{JOINED + "key": lookup.table[lookup_key].cast("string")}, **picked).distinct()
    left = raw.table
    joined = left.left_join(small, left[key].cast("string") == small[JOINED + "key"])
    table = joined.select(*left.columns, *picked)
    columns = {**spec.columns, **{col: JOINED + col for col in j.columns}}
    merged = RawTable(raw.name, table, f"{raw.origin} + {lookup.origin}", text=raw.text)
    return merged, spec.model_copy(update={"columns": columns})


def _materialize(source: DataSource, table: ContractTable) -> ContractTable:
    """Convert a text (CSV) table once into a temporary table of the session.

    A CSV is text that every query would otherwise parse and convert again (the data check,
    then the scoring); converting it once also keeps later queries small.
    """
    try:
        with staged_sql():
            stored = source.con.create_table(f"csa_contract_{table.name}", table.staged, temp=True)
    except Exception as exc:  # a value the converter did not anticipate; report, do not crash
        stop_if_interrupted(exc)
        text, hint = read_problem(exc)
        raise DataError(
            f"cannot read {table.origin}: {text}", [Issue("error", text, file=table.origin, path=table.name, hint=hint)]
        ) from None
    return replace(table, staged=stored)


def load_contract(source: DataSource, sources: Sources, needed: Iterable[str] = ()) -> ContractData:
    """Open and map the contract tables: accounts, those listed in ``sources``, and ``needed``.

    A needed table not listed in ``sources`` is looked for under its contract name
    (``events.*`` in the data folder, table ``events`` in a database), as ``csa demo-data``
    writes them. Tables not found are recorded in ``missing`` with the reason.
    """
    specs: dict[str, TableSource] = dict(sources.present())
    for name in ["accounts", *needed]:
        if name not in specs:
            specs[name] = TableSource.model_validate({"file": f"{name}.*", "table": name})
    data = ContractData(source=source, tables={})
    if sources.timezone != "UTC" and source.kind == "database":  # pragma: no cover - needs a zone-aware DB
        data.issues.append(
            Issue(
                "info",
                f"timestamps with a time zone are bucketed in the database "
                f"session's zone; set it to {sources.timezone}",
                path="sources.timezone",
            )
        )
    for name in CONTRACT:
        if name not in specs:
            continue
        spec = specs[name]
        try:
            raw = open_table(source, name, spec)
        except EmptyFiles as empty:
            data.missing[name] = f"{empty} is empty (0 bytes, not even a header row)"
            if name != "accounts":  # for accounts the data check's error says it
                data.issues.append(Issue("warning", f"{empty} is empty: read as absent", file=str(empty), path=name))
            continue
        if raw is None:
            where = spec.file if source.kind == "files" else (spec.table or name)
            data.missing[name] = f"{where} not found" if where else "no file or table given"
            if name != "accounts" and name in sources.present() and _named(spec, source):
                data.issues.append(_not_found(name, spec, source))
            continue
        if spec.join is not None:
            joined = _join(source, raw, spec)
            if isinstance(joined, Issue):
                data.issues.append(joined)
                data.missing[name] = "unusable: " + joined.message
                continue
            raw, spec = joined
        mapped, issues = map_table(raw, spec)
        data.issues += issues
        if mapped is not None and raw.text:
            mapped = _materialize(source, mapped)
        if mapped is None:
            data.missing[name] = "unusable: " + _shorten("; ".join(i.message for i in issues if i.level != "info"))
        else:
            data.tables[name] = mapped
    data.issues = source.notes + data.issues
    return data


def _shorten(text: str, limit: int = 200) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with an ellipsis."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:(") + "…"


def _named(spec: TableSource, source: DataSource) -> bool:
    """Whether ``sources`` names one file (no wildcard) rather than a pattern to look for. (A
    database table name has no pattern form, so an absent one stays an optional table.)"""
    return source.kind == "files" and bool(spec.file) and not any(ch in str(spec.file) for ch in "*?[")


def _not_found(name: str, spec: TableSource, source: DataSource) -> Issue:
    """A file the model names explicitly but the folder lacks: a typo, not an optional gap."""
    return Issue(
        "error",
        f"no file '{spec.file}' in {source.where}",
        file=source.where,
        path=f"sources.{name}.file",
        hint=f"fix the name in health_model.yaml, or use a pattern such as '{name}.*' to score without it when absent",
    )


def unbound_contract() -> ContractData:
    """Every contract table as an unbound placeholder with contract names and types: the
    scoring expression compiles against it without data (for ``--explain``)."""
    tables = {}
    for name, columns in CONTRACT.items():
        schema = ibis.schema({c: IBIS_TYPES[t] for c, (t, _) in columns.items()})
        raw = RawTable(name, ibis.table(schema, name=name), f"table {name}")
        mapped, _ = map_table(raw, TableSource.model_validate({"table": name}))
        assert mapped is not None
        tables[name] = mapped
    return ContractData(source=None, tables=tables)
