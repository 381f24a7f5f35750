"""The data check: per table and column, what is missing or wrong, with counts and examples.

It blocks only what cannot be scored (errors) and warns about the rest:

=============================================  =======  ====================================
problem                                        level    effect when scoring
=============================================  =======  ====================================
accounts table missing / no account id column  error    nothing can be scored
duplicate account ids                          error    ambiguous accounts
values that cannot be read (dates, numbers)    error    the format or values map is wrong
NPS answers outside 0-10 or not whole          error    GLOSSARY: rejected, never guessed
other table missing / lacks a required column  warning  its signals have no data
rows without a required value                  warning  rows ignored
rows for unknown accounts                      warning  rows ignored
timestamps after the as-of date                warning  rows ignored for this as-of date
negative money                                 warning  kept as given
accounts without seats                         info     seat-based signals have no data
negative seat counts                           warning  seat-based signals have no data
=============================================  =======  ====================================

Each table is checked with one aggregation (plus an anti-join for unknown accounts); examples
(up to 3 distinct values, sorted) are fetched only for problems that occur.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import ibis
import ibis.expr.types as ir

from cs_architect.engine.contract import TEXT_SUFFIX, ContractData, ContractTable
from cs_architect.engine.execute import scalar, to_arrow, to_rows
from cs_architect.engine.terminal import cut, display_width, pad, printable
from cs_architect.issues import Issue, Level
from cs_architect.spec.sources import CONTRACT

# Columns that say when something happened: later than the as-of date means "not yet".
EVENT_TIME = {
    "accounts": "created_at", "users": "created_at", "events": "ts", "tickets": "created_at",
    "surveys": "ts", "payments": "ts", "touchpoints": "ts", "sentiment": "ts", "mrr": "month",
}  # fmt: skip
MONEY = {"accounts": "arr", "mrr": "mrr", "payments": "amount"}
UNIQUE_KEYS = {"users": "user_id", "tickets": "ticket_id"}
EXAMPLES = 3


@dataclass(frozen=True)
class TableStatus:
    name: str
    origin: str
    rows: int | None
    status: str  # "ok", "missing", "unusable", "errors", "warnings"


@dataclass
class DataReport:
    """Result of :func:`check_data`: one status line per table and the located issues."""

    as_of: date
    tables: list[TableStatus] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(i.level == "error" for i in self.issues)

    def to_text(self) -> str:
        # A missing table's source column holds why; the full reason is in the issues below.
        sources = [cut(printable(t.origin), SOURCE_WIDTH) for t in self.tables]
        width = max([display_width(s) for s in sources] + [6])
        lines = [
            f"Data check as of {self.as_of.isoformat()}",
            "",
            f"{'table':<12} {'source':<{width}} {'rows':>12}  status",
        ]
        for t, source in zip(self.tables, sources, strict=True):
            rows = f"{t.rows:,}" if t.rows is not None else "-"
            lines.append(f"{t.name:<12} {pad(source, width)} {rows:>12}  {t.status}")
        if self.issues:
            lines.append("")
            lines += [printable(str(i)) for i in self.issues]
        errors = sum(i.level == "error" for i in self.issues)
        warnings = sum(i.level == "warning" for i in self.issues)
        lines += ["", f"{errors} error(s), {warnings} warning(s)" + ("" if errors else ": the data can be scored")]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, object]:
        return {
            "as_of": self.as_of.isoformat(),
            "ok": self.ok,
            "tables": [t.__dict__ for t in self.tables],
            "issues": [i.to_dict() for i in self.issues],
        }


SOURCE_WIDTH = 60  # columns of the source column of the table (longer reasons are cut there)


@dataclass(frozen=True)
class _Problem:
    key: str
    level: Level
    column: str
    flag: ir.BooleanValue
    example: ir.Value
    text: str  # message template: {n} rows, {total} total
    hint: str | None = None


def _fmt_example(value: object) -> str:
    if value is None:
        return "(empty)"
    if isinstance(value, datetime) and value.time() == time(0):
        return repr(value.date().isoformat())
    if isinstance(value, datetime | date):
        return repr(value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat())
    return repr(value)


def _examples(staged: ir.Table, problem: _Problem) -> str:
    rows = to_arrow(staged.filter(problem.flag).select(v=problem.example).distinct().order_by("v").limit(EXAMPLES))
    values = [_fmt_example(v) for v in rows.column("v").to_pylist()]
    return ", ".join(values)


def _problems(t: ContractTable, as_of: date, deep: bool) -> list[_Problem]:
    s = t.staged
    end = datetime.combine(as_of + timedelta(days=1), time(0))
    out: list[_Problem] = []
    for col in t.converted:
        if not deep and t.name != "accounts" and col in t.typed:
            # inf/NaN in a typed double are read as no value either way; looking for them means
            # scanning the column (0.7 s of 50M events), so only the full check reports them.
            continue
        text = s[col + TEXT_SUFFIX]
        ctype = t.column_type(col)
        what = "dates" if ctype in ("date", "timestamp") else ("true/false values" if ctype == "bool" else "numbers")
        if what != "dates":
            hint = f"fix the values, or translate them with sources.{t.name}.values"
        elif t.date_format:
            hint = (
                f"they do not fit sources.{t.name}.date_format '{t.date_format}', or name impossible dates "
                "(Feb 31): fix the format or the values"
            )
        else:
            hint = (
                f"set sources.{t.name}.date_format to their format (e.g. '%d/%m/%Y'), or fix impossible dates (Feb 31)"
            )
        # inf/NaN in a typed double outside accounts: the rows count as having no value (a warning,
        # as score does not look for them); unreadable text, or accounts, block scoring.
        ignored = col in t.typed and t.name != "accounts"
        out.append(
            _Problem(
                f"bad_{col}",
                "warning" if ignored else "error",
                col,
                text.strip().nullif("").notnull() & s[col].isnull(),
                text,
                f"{{n}} of {{total}} rows cannot be read as {what}"
                + ("; they are read as no value" if ignored else ""),
                hint,
            )
        )
    if t.name == "surveys":  # GLOSSARY: rejected, never guessed; checked by `csa score` too
        nps = s.kind.isnull() | (s.kind.lower() == "nps")
        outside = nps & s.score.notnull() & ((s.score < 0) | (s.score > 10) | (s.score != s.score.round()))
        out.append(
            _Problem(
                "nps_range",
                "error",
                "score",
                outside,
                s.score,
                "{n} of {total} rows are NPS answers that are not whole numbers from 0 to 10",
                "fix them, or keep other surveys out with sources.surveys.where.kind",
            )
        )
    if not deep and t.name != "accounts":
        return out
    for col, (_, required) in CONTRACT[t.name].items():
        if required and col in t.mapped and not (t.name == "accounts" and col == "account_id"):
            out.append(
                _Problem(
                    f"null_{col}",
                    "warning",
                    col,
                    # empty, not unreadable: a value that cannot be read is reported as such above
                    s[col].isnull()
                    & (s[col + TEXT_SUFFIX].strip().nullif("").isnull() if col in t.converted else True),
                    ibis.literal("(empty)"),
                    "{n} of {total} rows have no value; they are ignored",
                )
            )
    if t.name in EVENT_TIME and EVENT_TIME[t.name] in t.mapped:
        col = EVENT_TIME[t.name]
        value = s[col].cast("timestamp")
        out.append(
            _Problem(
                f"future_{col}",
                "warning",
                col,
                value >= end,
                s[col],
                f"{{n}} of {{total}} rows are dated after the as-of date {as_of}; they are ignored for this date",
            )
        )
    if t.name in MONEY and MONEY[t.name] in t.mapped:
        col = MONEY[t.name]
        flag = s[col] < 0
        if t.name == "payments":
            flag = flag & (s.status.fill_null("") != "refunded")
        out.append(
            _Problem(f"negative_{col}", "warning", col, flag, s[col], "{n} of {total} rows have negative amounts")
        )
    if t.name == "events" and "quantity" in t.mapped:
        out.append(
            _Problem(
                "negative_quantity",
                "warning",
                "quantity",
                s.quantity < 0,
                s.quantity,
                "{n} of {total} rows have a negative quantity; usage_trend sums them as given",
            )
        )
    rating = {"tickets": "csat", "surveys": "score"}.get(t.name)
    if rating and rating in t.mapped:
        flag = (s[rating] < 0) | (s[rating] > 10)
        if t.name == "surveys":
            flag = flag & (s.kind.fill_null("").lower() == "csat")
        out.append(
            _Problem(
                f"csat_range_{t.name}",
                "warning",
                rating,
                flag,
                s[rating],
                "{n} of {total} rows are CSAT ratings outside any 0-10 scale; they are kept as given",
            )
        )
    if t.name == "accounts":
        out.append(
            _Problem(
                "null_account_id",
                "warning",
                "account_id",
                s.account_id.isnull(),
                ibis.literal("(empty)"),
                "{n} of {total} accounts have no id; they are ignored",
            )
        )
        if "seats" in t.mapped:
            out.append(
                _Problem(
                    "no_seats",
                    "info",
                    "seats",
                    s.seats.isnull() | (s.seats == 0),
                    s.seats,
                    "{n} of {total} accounts have no seat count; seat-based signals have no data for them",
                )
            )
            out.append(
                _Problem(
                    "negative_seats",
                    "warning",
                    "seats",
                    s.seats < 0,
                    s.seats,
                    "{n} of {total} accounts have a negative seat count; seat-based signals have no data for them",
                )
            )
    return out


def _check_table(
    t: ContractTable, accounts: ir.Table | None, as_of: date, deep: bool
) -> tuple[int | None, list[Issue]]:
    problems = _problems(t, as_of, deep)
    s = t.staged
    counts: dict[str, ir.Value] = {p.key: s.count(where=p.flag) for p in problems}
    if deep or t.name == "accounts":
        counts["__rows"] = s.count()
    issues: list[Issue] = []
    if not counts:
        return None, issues
    result = to_rows(s.aggregate(**counts))[0]
    total = result.get("__rows")
    for p in problems:
        n = int(result[p.key] or 0)
        if n == 0:
            continue
        shown = f"{total:,}" if total is not None else "the"  # the quick check does not count rows
        msg = p.text.format(n=f"{n:,}", total=shown)
        issues.append(
            Issue(
                p.level,
                f"{msg} (e.g. {_examples(s, p)})",
                file=t.origin,
                path=f"{t.name}.{p.column}",
                hint=p.hint,
            )
        )
    if t.name == "accounts":
        dup = (
            s.filter(s.account_id.notnull())
            .group_by("account_id")
            .aggregate(n=ibis._.count())
            .filter(lambda g: g.n > 1)
        )
        found = to_rows(dup.aggregate(ids=dup.count(), rows=dup.n.sum()))[0]
        if found["ids"]:
            ex = [r["account_id"] for r in to_rows(dup.order_by("account_id").limit(EXAMPLES))]
            issues.append(
                Issue(
                    "error",
                    f"{found['ids']:,} account ids appear more than once "
                    f"({found['rows']:,} rows; e.g. {', '.join(map(repr, ex))})",
                    file=t.origin,
                    path="accounts.account_id",
                    hint="each account must have one row; remove or merge the duplicates",
                )
            )
    elif deep and accounts is not None:
        if t.name in UNIQUE_KEYS and UNIQUE_KEYS[t.name] in t.mapped:
            key = UNIQUE_KEYS[t.name]
            dup = s.filter(s[key].notnull()).group_by(key).aggregate(n=ibis._.count()).filter(lambda g: g.n > 1)
            n = scalar(dup.count())
            if n:
                ex = [r[key] for r in to_rows(dup.order_by(key).limit(EXAMPLES))]
                issues.append(
                    Issue(
                        "warning",
                        f"{n:,} {key} values appear more than once "
                        f"(e.g. {', '.join(map(repr, ex))}); each row is counted",
                        file=t.origin,
                        path=f"{t.name}.{key}",
                    )
                )
        known = accounts.select("account_id")
        unknown = s.filter(s.account_id.notnull()).anti_join(known, "account_id")
        n = scalar(unknown.count())
        if n:
            ex = unknown.select("account_id").distinct().order_by("account_id").limit(EXAMPLES)
            values = [r["account_id"] for r in to_rows(ex)]
            issues.append(
                Issue(
                    "warning",
                    f"{n:,} of {total:,} rows belong to accounts not in the accounts "
                    f"table (e.g. {', '.join(map(repr, values))}); they are ignored",
                    file=t.origin,
                    path=f"{t.name}.account_id",
                    hint="check the account id mapping, or add the accounts",
                )
            )
    return total, issues


def check_data(
    data: ContractData, as_of: date, *, deep: bool = True, needed: Mapping[str, list[str]] | None = None
) -> DataReport:
    """Check the mapped customer data against the contract as of ``as_of``.

    ``deep=False`` (what ``csa score`` runs) checks the accounts table fully and, in other
    tables, only values that cannot be read; ``deep=True`` (``csa check-data``) also counts
    rows, nulls, unknown accounts, future timestamps, negative money and NPS ranges.
    ``needed`` (table -> signal ids, from the model) names the signals a missing table affects.
    """
    report = DataReport(as_of=as_of, issues=list(data.issues))
    if "accounts" in data.missing:
        report.issues.append(
            Issue(
                "error",
                f"the accounts table is required: {data.missing['accounts']}",
                file=data.source.where if data.source else None,
                path="sources.accounts",
                hint=(
                    "name your accounts table in sources.accounts.table (schema.table allowed)"
                    if data.source is not None and data.source.kind == "database"
                    else "add accounts.csv (or .parquet) with an account_id column, or map yours in sources.accounts"
                ),
            )
        )
    accounts = data.get("accounts")
    for name in CONTRACT:
        if name in data.missing:
            status = "unusable" if data.missing[name].startswith("unusable") else "missing"
            report.tables.append(TableStatus(name, data.missing[name], None, status))
            users = (needed or {}).get(name)
            if name != "accounts" and status == "missing" and users:
                report.issues.append(
                    Issue(
                        "info",
                        f"{name}: {data.missing[name]}; these signals have no data: {', '.join(users)}",
                        path=f"sources.{name}",
                    )
                )
            continue
        t = data.tables.get(name)
        if t is None:
            continue
        rows, issues = _check_table(t, accounts, as_of, deep)
        report.issues += issues
        levels = {i.level for i in issues}
        status = "errors" if "error" in levels else ("warnings" if "warning" in levels else "ok")
        report.tables.append(TableStatus(name, t.origin, rows, status))
    return report
