"""The results store: score snapshots with history, in a DuckDB file or a schema of your database.

Tables (one row per as-of date and account, category or signal):

- ``csa_snapshots``: one row per as-of date: model digest, data source, counts;
- ``csa_account_scores``: health score, band, coverage and account attributes;
- ``csa_category_scores``: score and effective weight per category;
- ``csa_signal_values``: raw value, score, effective weight, points and a no-data note per signal.

Writing an as-of date again replaces that snapshot (idempotent); other dates are kept. The
snapshot row is written last and removed first, so readers never see half a snapshot. Trends
are computed when reading: change vs the previous snapshot and vs the latest snapshot at least
``trend_days`` older.

Default location: ``OUT/results.duckdb``; ``--store URL`` names any Ibis backend, e.g.
``postgresql://user@host/db/csa_results`` (the last path part is the schema, created if missing).

Rows are written with ``INSERT ... SELECT`` from Ibis tables on the store's connection, in one
transaction per snapshot. When ``--data`` files are read by the engine's DuckDB session and the
store is a DuckDB file, the file is attached to that session (:meth:`ResultsStore.open` with
``attach_to``): the scoring result goes into the store without leaving the database.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import ibis
import ibis.expr.types as ir
import sqlglot as sg
import sqlglot.expressions as sge
from ibis.backends import BaseBackend
from ibis.common.exceptions import TableNotFound

from cs_architect.engine.connect import duckdb_file, open_url, redact
from cs_architect.engine.execute import staged_sql, stop_if_interrupted, to_rows, use_engine_compiler
from cs_architect.errors import BackendError, InputError

SNAPSHOTS = "csa_snapshots"
ACCOUNTS = "csa_account_scores"
CATEGORIES = "csa_category_scores"
SIGNALS = "csa_signal_values"

SCHEMAS: dict[str, ibis.Schema] = {
    SNAPSHOTS: ibis.schema({
        "as_of": "date", "company": "string", "model_digest": "string", "data_source": "string",
        "backend": "string", "accounts": "int64", "scored": "int64", "mean_coverage": "float64",
    }),
    ACCOUNTS: ibis.schema({
        "as_of": "date", "account_id": "string", "name": "string", "segment": "string", "plan": "string",
        "owner": "string", "arr": "float64", "seats": "int64", "age_days": "int64", "score": "float64",
        "band": "string", "coverage": "float64",
    }),
    CATEGORIES: ibis.schema({
        "as_of": "date", "account_id": "string", "category": "string", "score": "float64", "weight": "float64",
    }),
    SIGNALS: ibis.schema({
        "as_of": "date", "account_id": "string", "signal_id": "string", "category": "string", "kind": "string",
        "raw": "float64", "score": "float64", "weight": "float64", "points": "float64", "note": "string",
    }),
}  # fmt: skip
DEFAULT_FILE = "results.duckdb"
ATTACHED = "csa_results"  # the store's catalog name when attached to a DuckDB data session


@dataclass(frozen=True)
class Snapshot:
    as_of: date
    company: str
    model_digest: str
    data_source: str
    backend: str
    accounts: int
    scored: int
    mean_coverage: float | None


class ResultsStore:
    """Read and write score snapshots through Ibis (any backend that Ibis can insert into)."""

    def __init__(
        self, con: BaseBackend, where: str, database: str | tuple[str, str] | None = None, *, attached: bool = False
    ) -> None:
        self.con = con
        self.where = where
        self.database = database
        self.attached = attached  # a DuckDB file attached to someone else's session: detach on close
        self._snapshots: list[Snapshot] | None = None

    @classmethod
    def open(
        cls,
        url: str | None = None,
        out_dir: Path | None = None,
        *,
        create: bool = True,
        attach_to: BaseBackend | None = None,
    ) -> ResultsStore:
        """Open the store: ``url`` if given, else ``out_dir/results.duckdb``.

        With ``create=False`` a missing DuckDB file is an error instead of a new empty store.
        With ``attach_to`` (a DuckDB connection) a DuckDB file store is attached to that session
        instead of opened on its own, so that tables of the session can be inserted directly;
        when it cannot be (the file is the session's own database), it is opened on its own.
        """
        if url is not None and urlsplit(url).scheme.lower() == "duckdb":  # duckdb:///path is a file path
            file = duckdb_file(url)
            if file is None:
                raise InputError(
                    "--store duckdb:// names no file: the snapshot would be kept nowhere; give a file, "
                    "e.g. --store results.duckdb or duckdb:///path/results.duckdb"
                )
            url = str(file)
        if url is None or "://" not in url:
            path = Path(url) if url else Path(out_dir or ".") / DEFAULT_FILE
            if not create and not path.exists():
                raise InputError(f"no results store at {path}: run `csa score` first")
            if path.is_dir():
                raise InputError(
                    f"--store {path} is a folder: the results store is a DuckDB file, e.g. {path / DEFAULT_FILE}"
                )
            _check_duckdb_file(path)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise InputError(
                    f"cannot create the folder of the results store {path}: {exc.strerror or exc}"
                ) from None
            if attach_to is not None and attach_to.name == "duckdb":
                attach = sge.Attach(this=sge.alias_(sge.Literal.string(str(path)), ATTACHED))
                try:
                    attach_to.raw_sql(attach.sql("duckdb")).fetchall()
                    return cls(attach_to, str(path), (ATTACHED, "main"), attached=True)
                except Exception:  # e.g. --store is the --db file itself; the error below says why if any
                    pass
            try:
                return cls(ibis.duckdb.connect(str(path), read_only=not create), str(path))
            except Exception as exc:  # locked by another process, not a DuckDB file ...
                raise BackendError(f"cannot open the results store {path}: {_first_line(exc)}") from None
        parts = urlsplit(url)
        segments = [p for p in parts.path.split("/") if p]
        if parts.scheme.startswith("postgres") and len(segments) > 2:
            raise InputError(
                f"--store {redact(url)}: a PostgreSQL store is postgresql://user@host/database[/schema] "
                f"(got {len(segments)} path parts)"
            )
        schema = segments[1] if parts.scheme.startswith("postgres") and len(segments) == 2 else None
        con = open_url(url, "--store")
        try:
            use_engine_compiler(con)
            if schema:
                con.create_database(schema, force=True)
        except Exception as exc:
            raise BackendError(f"cannot open the results store {redact(url)}: {_first_line(exc)}") from None
        return cls(con, redact(url), schema)

    # -- tables ----------------------------------------------------------------------------
    def _exists(self, name: str) -> bool:
        try:
            self.con.table(name, database=self.database)
        except TableNotFound:
            return False
        return True

    def table(self, name: str) -> ir.Table:
        if not self._exists(name):
            self.con.create_table(name, schema=SCHEMAS[name], database=self.database)
        return self.con.table(name, database=self.database)

    def _delete(self, name: str, as_of: date) -> None:
        # Ibis expressions have no delete, and history must stay while one date is replaced.
        self._run(sge.delete(self._target(name), where=sge.column("as_of", quoted=True).eq(_date(as_of))))

    def _target(self, name: str) -> sge.Table:
        catalog, db = self.database if isinstance(self.database, tuple) else (None, self.database)
        return sg.table(name, db=db, catalog=catalog, quoted=True)

    def _run(self, statement: sge.Expression) -> None:
        """Run a statement generated by sqlglot (the SQL library Ibis uses) in the store's dialect."""
        result = self.con.raw_sql(statement.sql(self.con.dialect))
        if result is not getattr(self.con, "con", None) and hasattr(result, "close"):
            result.close()

    def _insert_snapshot_row(self, snapshot: Snapshot) -> None:
        # One row of literals: through Arrow, pyarrow would import pandas (0.2 s) to convert it.
        values = [
            _date(v) if isinstance(v, date) else sge.convert(v)
            for v in (getattr(snapshot, n) for n in SCHEMAS[SNAPSHOTS])
        ]
        columns = [sg.to_identifier(n, quoted=True) for n in SCHEMAS[SNAPSHOTS]]
        row = sge.Values(expressions=[sge.Tuple(expressions=values)])
        self._run(sge.insert(row, self._target(SNAPSHOTS), columns=columns))

    def write_snapshot(self, snapshot: Snapshot, accounts: ir.Table, categories: ir.Table, signals: ir.Table) -> None:
        """Replace the snapshot of ``snapshot.as_of`` with these rows (idempotent).

        The rows are Ibis tables on this store's connection (``INSERT ... SELECT``)."""
        try:
            for name in SCHEMAS:
                self.table(name)
            # One transaction: a failure part-way (disk full, a changed table) leaves the earlier
            # snapshot of this date as it was.
            self._run(sge.Transaction())
            try:
                self._delete(SNAPSHOTS, snapshot.as_of)
                for name, rows in ((ACCOUNTS, accounts), (CATEGORIES, categories), (SIGNALS, signals)):
                    self._delete(name, snapshot.as_of)
                    with staged_sql():
                        self.con.insert(
                            name, rows.select(*SCHEMAS[name].names).cast(SCHEMAS[name]), database=self.database
                        )
                self._insert_snapshot_row(snapshot)
                self._run(sge.Commit())
            except BaseException:
                with contextlib.suppress(Exception):  # the connection may be gone: the server rolls back
                    self._run(sge.Rollback())
                raise
            self._snapshots = None
        except BackendError:
            raise
        except Exception as exc:  # disk full, permissions, lost connection
            stop_if_interrupted(exc)
            raise BackendError(f"cannot write the snapshot to {self.where}: {_first_line(exc)}") from None

    # -- reading ---------------------------------------------------------------------------
    def snapshots(self) -> list[Snapshot]:
        """All complete snapshots, oldest first."""
        if self._snapshots is None:
            if not self._exists(SNAPSHOTS):
                return []
            rows = to_rows(self.con.table(SNAPSHOTS, database=self.database).order_by("as_of"))
            self._snapshots = [Snapshot(**r) for r in rows]
        return self._snapshots

    def resolve(self, as_of: date | None) -> Snapshot:
        """The snapshot of ``as_of`` (the latest when None); InputError naming what exists."""
        snaps = self.snapshots()
        if not snaps:
            raise InputError(f"the results store {self.where} has no snapshots: run `csa score` first")
        if as_of is None:
            return snaps[-1]
        for s in snaps:
            if s.as_of == as_of:
                return s
        have = ", ".join(s.as_of.isoformat() for s in snaps[-5:])
        raise InputError(f"no snapshot for {as_of} in {self.where} (latest: {have})")

    def previous(self, as_of: date, days: int = 1) -> date | None:
        """The latest snapshot date at least ``days`` before ``as_of``."""
        limit = as_of - timedelta(days=days)
        earlier = [s.as_of for s in self.snapshots() if s.as_of <= limit]
        return earlier[-1] if earlier else None

    def rows(self, name: str, as_of: date) -> ir.Table:
        t = self.con.table(name, database=self.database)
        return t.filter(t.as_of == as_of)

    def account_scores(self, as_of: date, trend_days: int) -> ir.Table:
        """Account scores of one snapshot with ``change_prev`` (vs the previous snapshot) and
        ``change_trend`` (vs the latest snapshot at least ``trend_days`` older)."""
        cur = self.rows(ACCOUNTS, as_of)
        for column, when in (("change_prev", self.previous(as_of)), ("change_trend", self.previous(as_of, trend_days))):
            if when is None:
                cur = cur.mutate(**{column: ibis.null("float64")})
                continue
            old = self.rows(ACCOUNTS, when).select("account_id", _old="score")
            joined = cur.left_join(old, "account_id")
            cur = joined.select(
                *[c for c in joined.columns if c not in ("account_id_right", "_old")],
                **{column: (joined.score - joined._old).round(6)},
            )
        return cur

    def close(self) -> None:
        if self.attached:
            self.con.raw_sql(sge.Detach(this=sg.to_identifier(ATTACHED)).sql("duckdb")).fetchall()
            return
        disconnect = getattr(self.con, "disconnect", None)
        if disconnect is not None:
            disconnect()


def _check_duckdb_file(path: Path) -> None:
    """Refuse a store path that is not a DuckDB database file (new or existing).

    DuckDB opens an existing CSV or Parquet file, and ``:memory:``, as an in-memory database:
    the snapshot would be written nowhere.
    """
    if str(path) == ":memory:":
        raise InputError("the results store must be a file: --store PATH.duckdb or a database URL")
    if path.is_file() and path.stat().st_size > 0:
        with path.open("rb") as fh:
            header = fh.read(12)
        if header[8:12] != b"DUCK":
            raise InputError(
                f"{path} is not a DuckDB database: the results store must be a DuckDB file (e.g. results.duckdb) "
                "or a database URL"
            )


def _date(day: date) -> sge.Expression:
    return sge.cast(sge.Literal.string(day.isoformat()), "DATE")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
