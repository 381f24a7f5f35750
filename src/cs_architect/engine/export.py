"""Show and export stored scores: a text table, CSV, JSON or Parquet.

All accounts: one row per account with score, band, coverage, trend, category scores and its
three top detractors (signal ids, computed in the store). One account: its explanation (text
or JSON) or its signal rows (CSV, Parquet).

CSV cells holding text that begins with ``=``, ``+``, ``-``, ``@``, tab or carriage return are
prefixed with ``'`` so that spreadsheets do not run them as formulas (GLOSSARY); numbers are
written as numbers, to 4 decimals (scores and score changes to 2: the health score truncated,
like on screen, so it never shows across a band boundary), so no ``0.9999999999999964`` noise
reaches a spreadsheet. Parquet keeps the stored values. Files are written atomically (a
temporary file in the same folder, then renamed): a symlink's target is written, an existing
file keeps its permissions.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import stat
import tempfile
from datetime import date
from pathlib import Path
from typing import Literal

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from cs_architect.engine.execute import to_arrow
from cs_architect.engine.explain import BAND_NAMES, account_label, explain_account, fit, show_score
from cs_architect.engine.store import CATEGORIES, SIGNALS, ResultsStore
from cs_architect.engine.terminal import pad, printable
from cs_architect.errors import InputError, OutputError
from cs_architect.issues import Issue
from cs_architect.spec.health_model import HealthModel

Format = Literal["table", "csv", "json", "parquet"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
DETRACTORS = 3


def safe_cell(value: object) -> object:
    """A CSV cell that a spreadsheet will not run as a formula: text starting with = + - @ tab
    or CR gets a leading apostrophe. Numbers and empty cells pass unchanged.

    >>> safe_cell("=HYPERLINK(1)"), safe_cell("-12"), safe_cell(-12.5), safe_cell("Acme")
    ("'=HYPERLINK(1)", "'-12", -12.5, 'Acme')
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


DECIMALS = 4
SCORE_DECIMALS = 2
SCORE_KEYS = ("score", "previous_score")  # health (or signal/category) scores: truncated, like show_score
CHANGE_KEYS = ("change_prev", "change_trend", "change")


def tidy_number(key: str, value: object) -> object:
    """A float for an export: scores truncated to 2 decimals (a shown 69.99 is never rounded up
    into the healthy band), score changes and category scores (``cat_*``) rounded to 2,
    everything else to 4. Other values pass unchanged.

    >>> tidy_number("score", 69.996), tidy_number("raw", 0.9999999999999964), tidy_number("cat_usage", 40.1249)
    (69.99, 1.0, 40.12)
    """
    if not isinstance(value, float) or not math.isfinite(value):
        return value
    if key in SCORE_KEYS:
        return round(math.floor(value * 10**SCORE_DECIMALS + 1e-6) / 10**SCORE_DECIMALS, SCORE_DECIMALS)
    if key in CHANGE_KEYS or key.startswith("cat_"):
        return round(value, SCORE_DECIMALS)
    return round(value, DECIMALS)


def tidy(data: object, key: str = "") -> object:
    """:func:`tidy_number` applied through dicts and lists (a dict key names its values)."""
    if isinstance(data, dict):
        return {k: tidy(v, str(k)) for k, v in data.items()}
    if isinstance(data, list):
        return [tidy(v, key) for v in data]
    return tidy_number(key, data)


def accounts_export(store: ResultsStore, model: HealthModel, as_of: date) -> ir.Table:
    """One row per account of a snapshot: scores, trend, category scores, top detractors."""
    t = store.account_scores(as_of, model.trend_days)
    cats = store.rows(CATEGORIES, as_of)
    for cat in model.categories:
        part = cats.filter(cats.category == cat.id).select("account_id", _c="score")
        joined = t.left_join(part, "account_id")
        t = joined.select(
            *[c for c in joined.columns if c not in ("account_id_right", "_c")], **{f"cat_{cat.id}": joined._c}
        )
    sigs = store.rows(SIGNALS, as_of)
    costly = sigs.filter(sigs.points < 0)
    rank = ibis.row_number().over(group_by=costly.account_id, order_by=[costly.points, costly.signal_id])
    ranked = costly.select("account_id", "signal_id", _rank=rank)
    for i in range(DETRACTORS):
        part = ranked.filter(ranked._rank == i).select("account_id", _d="signal_id")
        joined = t.left_join(part, "account_id")
        t = joined.select(
            *[c for c in joined.columns if c not in ("account_id_right", "_d")], **{f"detractor_{i + 1}": joined._d}
        )
    return t.order_by([t.score.isnull(), t.score, t.account_id])


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomically(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` all-or-nothing: a temporary file in the same folder, renamed
    over it. A symlink is followed (its target is written, the link stays); an existing file
    keeps its permissions, a new one gets the usual ones (0666 less the umask). Returns the path
    written."""
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    try:
        mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o666 & ~_umask()
        if target.exists() and not os.access(target, os.W_OK):
            raise OutputError(
                f"cannot write {path}: the file is read-only; nothing was written",
                [Issue("error", "read-only file", file=str(target), hint="choose another -o path or make it writable")],
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:  # a file where a folder should be, no permission
        raise OutputError(f"cannot write {path}: {exc.strerror or exc} ({exc.filename or target.parent})") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            os.fchmod(fh.fileno(), mode)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    return target


def to_csv(rows: pa.Table) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(rows.column_names)
    for row in rows.to_pylist():
        writer.writerow(
            [safe_cell(v.isoformat() if isinstance(v, date) else tidy_number(k, v)) for k, v in row.items()]
        )
    return buf.getvalue()


def finite_or_null(data: object) -> object:
    """``data`` with every float that is not finite (inf, -inf, NaN) replaced by None, through
    dicts and lists: JSON has no spelling for them (``Infinity`` is not JSON).

    >>> finite_or_null({"arr": float("inf"), "raw": [1.5, float("nan")]})
    {'arr': None, 'raw': [1.5, None]}
    """
    if isinstance(data, dict):
        return {k: finite_or_null(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [finite_or_null(v) for v in data]
    if isinstance(data, float) and not math.isfinite(data):
        return None
    return data


def to_json(rows: pa.Table | dict[str, object] | list[dict[str, object]]) -> str:
    """Valid JSON always: non-finite floats are written as null (and ``allow_nan=False`` guards it)."""
    data = finite_or_null(tidy(rows.to_pylist() if isinstance(rows, pa.Table) else rows))
    text = json.dumps(
        data, indent=2, allow_nan=False, default=lambda v: v.isoformat() if isinstance(v, date) else str(v)
    )
    return text + "\n"


def to_text_table(rows: pa.Table, total: int) -> str:
    lines = [
        f"{'account':<30} {'owner':<12} {'ARR':>10} {'score':>6} {'band':<9} {'cov%':>5} "
        f"{'Δprev':>6} {'Δtrend':>7}  top detractors"
    ]
    for r in rows.to_pylist():
        label = account_label(r["name"], str(r["account_id"]), 30)
        arr = f"{r['arr']:,.0f}" if r["arr"] is not None else "-"
        delta = [f"{r[k]:+.1f}" if r[k] is not None else "-" for k in ("change_prev", "change_trend")]
        top = ", ".join(r[f"detractor_{i + 1}"] for i in range(DETRACTORS) if r[f"detractor_{i + 1}"])
        cov = f"{r['coverage']:.0f}" if r["coverage"] is not None else "-"
        lines.append(
            f"{pad(label, 30)} {pad(fit(r['owner'] or '-', 12), 12)} {arr:>10} {show_score(r['score']):>6} "
            f"{BAND_NAMES.get(r['band'] or '', '-'):<9} {cov:>5} {delta[0]:>6} {delta[1]:>7}  {top}"
        )
    if total > rows.num_rows:
        lines.append(f"... {total - rows.num_rows:,} more accounts (use --limit 0 for all, or --format csv)")
    return "\n".join(map(printable, lines))


def export_scores(
    store: ResultsStore,
    model: HealthModel,
    *,
    as_of: date | None = None,
    account: str | None = None,
    fmt: Format = "table",
    output: Path | None = None,
    limit: int | None = None,
) -> str:
    """Render (and with ``output``, write) one account or all accounts of a snapshot.

    Returns the text to print: the rendering itself, or a line saying what was written.
    """
    if fmt == "parquet" and output is None:
        raise InputError("--format parquet needs -o FILE")
    snap = store.resolve(as_of)
    if account is not None:
        explanation = explain_account(store, model, account, snap.as_of)
        if fmt == "table":
            text = explanation.to_text() + "\n"
        elif fmt == "json":
            text = to_json(explanation.to_dict())
        else:
            rows = pa.Table.from_pylist([s.__dict__ for s in explanation.signals])
            if fmt == "parquet":
                assert output is not None
                return _write_parquet(rows, output)
            text = to_csv(rows)
    else:
        expr = accounts_export(store, model, snap.as_of)
        total = None
        if limit:
            total = int(to_arrow(expr.count().as_table()).column(0)[0].as_py()) if fmt == "table" else None
            expr = expr.limit(limit)
        rows = to_arrow(expr)
        if fmt == "parquet":
            assert output is not None
            return _write_parquet(rows, output)
        if fmt == "table":
            text = (
                f"Scores as of {snap.as_of} ({printable(snap.company)})\n"
                + to_text_table(rows, total or rows.num_rows)
                + "\n"
            )
        elif fmt == "json":
            text = to_json(rows)
        else:
            text = to_csv(rows)
    if output is None:
        return text
    return f"wrote {_where(output, write_atomically(output, text.encode('utf-8')))}"


def _write_parquet(rows: pa.Table, output: Path) -> str:
    import pyarrow.parquet as pq  # 80 ms (it loads the cloud filesystems); only exports need it

    buf = pa.BufferOutputStream()
    pq.write_table(rows, buf)
    written = write_atomically(output, buf.getvalue().to_pybytes())
    return f"wrote {_where(output, written)} ({rows.num_rows:,} rows)"


def _where(output: Path, written: Path) -> str:
    return str(output) if written == output else f"{output} (-> {written})"
