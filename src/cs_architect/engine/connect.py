"""Where the customer data lives: a folder of CSV/Parquet files, or a database URL.

``--data DIR`` opens an in-memory DuckDB that reads the files in place (Parquet is streamed, CSV
is read as text so that ids such as ``02142`` and dates keep their exact spelling; the contract
step converts them). ``--db URL`` connects through Ibis to any backend it supports
(``postgresql://user@host/db``, ``duckdb:///path.db``, ``snowflake://...``). Either way the
engine gets Ibis tables and runs the same expressions.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

import ibis
import ibis.expr.types as ir
from ibis.backends import BaseBackend
from ibis.common.exceptions import TableNotFound

from cs_architect.engine.execute import stop_if_interrupted, use_engine_compiler
from cs_architect.errors import BackendError, DataError, InputError
from cs_architect.issues import Issue
from cs_architect.spec.sources import TableSource

PARQUET = (".parquet", ".pq")
CSV = (".csv", ".csv.gz", ".tsv", ".tsv.gz", ".txt")


def redact(url: str) -> str:
    """A database URL without its password, safe to print."""
    parts = urlsplit(url)
    if not parts.password:
        return url  # unchanged: urlunsplit would turn duckdb:///path into duckdb://path
    if parts.password:
        host = parts.hostname or ""
        netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
        parts = parts._replace(netloc=netloc)
    return urlunsplit(parts)


@dataclass
class DataSource:
    """An open connection to the customer's data and where it points (for messages)."""

    con: BaseBackend
    kind: Literal["files", "database"]
    where: str
    data_dir: Path | None = None
    notes: list[Issue] = field(default_factory=list)

    @property
    def backend(self) -> str:
        return str(self.con.name)

    def close(self) -> None:
        """Disconnect (a database URL keeps a server connection open until then)."""
        disconnect = getattr(self.con, "disconnect", None)
        if disconnect is not None:
            disconnect()


class EmptyFiles(Exception):
    """Every file of a table is empty (0 bytes, no header row): the table is absent."""


@dataclass(frozen=True)
class RawTable:
    """A table as the user has it (their column names and types) and where it came from."""

    name: str
    table: ir.Table
    origin: str
    text: bool = False  # read as text (CSV): every column needs converting


def duckdb_config() -> dict[str, object]:
    """Extra DuckDB settings for `--data` runs. CSA_DUCKDB_MEMORY_LIMIT (e.g. '1GB') caps DuckDB's buffer
    memory; it then spills to disk. Without it `csa score` peaks at about 0.8 GB at 100k accounts / 50M
    events (bench/README.md)."""
    limit = os.environ.get("CSA_DUCKDB_MEMORY_LIMIT")
    return {"memory_limit": limit} if limit else {}


def connect_data(*, data_dir: Path | None = None, db_url: str | None = None, timezone: str = "UTC") -> DataSource:
    """Open the customer's data: exactly one of ``data_dir`` (CSV/Parquet folder) or ``db_url``.

    The embedded DuckDB session runs in UTC (as Ibis sets it), whatever the machine's zone.
    """
    if (data_dir is None) == (db_url is None):
        raise DataError("give either --data DIR (CSV/Parquet files) or --db URL (a database)")
    if data_dir is not None:
        path = Path(data_dir)
        if not path.is_dir():
            raise DataError(
                f"{path}: no such folder",
                [
                    Issue(
                        "error",
                        "the --data folder does not exist",
                        file=str(path),
                        hint="pass the folder that holds accounts.csv or accounts.parquet",
                    )
                ],
            )
        notes: list[Issue] = []
        # Ibis sets the DuckDB session to UTC: timestamps with a time zone are read in UTC.
        con = ibis.duckdb.connect(preserve_insertion_order=False, **duckdb_config())
        use_engine_compiler(con)
        if timezone != "UTC":
            notes.append(
                Issue(
                    "warning",
                    f"timestamps with a time zone are read in UTC, not {timezone}; "
                    "timestamps without one are taken as they are",
                    path="sources.timezone",
                )
            )
        return DataSource(con=con, kind="files", where=str(path), data_dir=path, notes=notes)
    assert db_url is not None
    file = duckdb_file(db_url)
    if file is not None and not file.is_file():  # DuckDB would create an empty database and find no tables
        raise DataError(
            f"{file}: no such DuckDB database",
            [Issue("error", "the --db file does not exist", file=str(file), hint="check the path after duckdb:///")],
        )
    con = open_url(db_url, "--db")
    use_engine_compiler(con)
    if con.name == "postgres":
        _no_jit(con)
    return DataSource(con=con, kind="database", where=redact(db_url))


def duckdb_file(url: str) -> Path | None:
    """The file a ``duckdb://`` URL names (``duckdb:///abs/path``, ``duckdb://relative/path``);
    None for another scheme or an in-memory database (``duckdb://``, ``duckdb://:memory:``)."""
    parts = urlsplit(url)
    target = parts.netloc + parts.path
    if parts.scheme.lower() != "duckdb" or target in ("", "/", ":memory:", "/:memory:"):
        return None
    return Path(target)


CONNECT_TIMEOUT_S = 10  # PostgreSQL: a host that accepts but never answers fails in seconds, not minutes
# URL schemes -> the Ibis backend (and pip extra) behind them, for messages.
BACKENDS = {"duckdb": "duckdb", "postgres": "postgres", "postgresql": "postgres", "snowflake": "snowflake",
            "bigquery": "bigquery", "mysql": "mysql", "mssql": "mssql", "trino": "trino", "clickhouse": "clickhouse",
            "databricks": "databricks", "oracle": "oracle", "sqlite": "sqlite", "pyspark": "pyspark"}  # fmt: skip


def open_url(url: str, what: str) -> BaseBackend:
    """Connect to a database URL through Ibis; ``what`` names it in messages ("--db", "--store").

    A scheme Ibis does not know, or whose driver is not installed, is an input error (exit 2) that
    says what would work; a database that cannot be reached is a :class:`BackendError` (exit 4).
    PostgreSQL connections get a connect timeout unless the URL sets one.
    """
    scheme = urlsplit(url).scheme.lower()
    backend = BACKENDS.get(scheme)
    if backend is None:
        known = ", ".join(f"{s}://" for s in ("duckdb", "postgresql", "snowflake", "bigquery", "mysql", "trino"))
        raise InputError(
            f"{what} {redact(url)}: '{scheme or url}' is not a database URL scheme Ibis connects to",
            [Issue("error", f"use a URL such as {known} ...", path=what, hint="e.g. postgresql://user@host/db")],
        )
    extra: dict[str, object] = {}
    if backend == "postgres" and "connect_timeout" not in urlsplit(url).query:
        extra["connect_timeout"] = CONNECT_TIMEOUT_S
    try:
        return ibis.connect(url, **extra)
    except ImportError as exc:  # the backend's driver is an optional extra
        raise InputError(
            f"{what} {redact(url)}: the {backend} backend is not installed ({_first_line(exc)})",
            [Issue("error", "install its driver", path=what, hint=f"pip install 'ibis-framework[{backend}]'")],
        ) from None
    except Exception as exc:  # driver errors vary by backend; all mean "cannot connect"
        raise BackendError(
            f"cannot connect to {redact(url)}: {_first_line(exc)}",
            [
                Issue(
                    "error",
                    "connection failed",
                    file=redact(url),
                    hint="check host, port, database name and credentials",
                )
            ],
        ) from None


def _no_jit(con: BaseBackend) -> None:
    """Turn PostgreSQL's JIT compiler off for this session.

    The scoring query's plan costs more than ``jit_above_cost``, and compiling its hundreds of
    expressions took 143 s of a 152 s run at 200 accounts; without JIT the query took 9.7 s.
    Servers without JIT (before PostgreSQL 11) have no such setting: nothing to do.
    """
    with contextlib.suppress(Exception):
        con.raw_sql("SET jit = off").close()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _files(data_dir: Path, pattern: str) -> list[Path]:
    base = Path(pattern) if Path(pattern).is_absolute() else data_dir / pattern
    if base.is_dir():
        matches = [base]
    else:
        matches = sorted(base.parent.glob(base.name)) if base.parent.is_dir() else []
        if not matches and pattern.endswith(".*") and base.with_suffix("").is_dir():
            matches = [base.with_suffix("")]  # 'events.*' also finds a folder 'events/' of parts
    found: list[Path] = []
    for m in matches:
        if m.is_dir():
            found += sorted(p for p in m.rglob("*") if p.is_file() and _fmt(p))
        elif _fmt(m):
            found.append(m)
    return found


def _fmt(path: Path) -> str | None:
    name = path.name.lower()
    if name.endswith(PARQUET):
        return "parquet"
    if name.endswith(CSV):
        return "csv"
    return None


def open_table(source: DataSource, name: str, spec: TableSource) -> RawTable | None:
    """Open one contract table as the user has it, or None when it is not there.

    Files: ``spec.file`` is a file name or glob relative to ``--data`` (``events.*`` also
    matches a folder ``events/`` of Parquet parts). If both Parquet and CSV match, Parquet is
    read (a note says so). Databases: ``spec.table`` (``schema.table`` allowed), else a table
    named like the contract table. Unreadable files raise :class:`DataError` naming the file;
    files that are all empty (0 bytes) raise :class:`EmptyFiles`.
    """
    if source.kind == "files":
        if not spec.file:
            return None
        assert source.data_dir is not None
        files = _files(source.data_dir, spec.file)
        if not files:
            return None
        formats = {_fmt(f) for f in files}
        if formats == {"parquet", "csv"}:
            source.notes.append(
                Issue(
                    "info",
                    f"'{spec.file}' matches both Parquet and CSV files; reading the Parquet ones",
                    file=spec.file,
                    path=f"sources.{name}.file",
                )
            )
            files = [f for f in files if _fmt(f) == "parquet"]
        paths = [str(f) for f in files]
        shown = ", ".join(_rel(f, source.data_dir) for f in files[:3]) + (" ..." if len(files) > 3 else "")
        if all(f.stat().st_size == 0 for f in files):  # not even a header: DuckDB would invent a column0
            raise EmptyFiles(shown)
        try:
            if _fmt(files[0]) == "parquet":
                table = source.con.read_parquet(paths, table_name=f"src_{name}")
            else:
                # All text: ids like 02142 and dates keep their spelling; the contract converts them.
                table = source.con.read_csv(paths, table_name=f"src_{name}", all_varchar=True, header=True)
            table.schema()
        except Exception as exc:  # the reader's message names the problem (bad quoting, not Parquet...)
            stop_if_interrupted(exc)
            what, hint = read_problem(exc)
            raise DataError(
                f"cannot read {shown}: {what}",
                [Issue("error", what, file=shown, path=name, hint=hint)],
            ) from None
        return RawTable(name=name, table=table, origin=shown, text=_fmt(files[0]) == "csv")

    table_name = spec.table or name
    schema, _, tname = table_name.rpartition(".")
    try:
        table = source.con.table(tname, database=schema or None)
    except TableNotFound:
        return None
    except Exception as exc:  # permissions, a dropped connection ...
        stop_if_interrupted(exc)
        raise BackendError(f"cannot read table {table_name}: {_first_line(exc)}") from None
    return RawTable(name=name, table=table, origin=f"table {table_name}")


def read_problem(exc: BaseException) -> tuple[str, str]:
    """What the file reader said (its first line, plus DuckDB's own explanation line when it has
    one) and how to fix it."""
    lines = [ln.strip() for ln in str(exc).strip().splitlines() if ln.strip()]
    first = lines[0] if lines else type(exc).__name__
    if any("not utf-8 encoded" in ln.lower() or "invalid unicode" in ln.lower() for ln in lines):
        return (
            f"{first}: the file is not UTF-8 text",
            "save it as UTF-8 (e.g. iconv -f latin1 -t utf-8 in.csv > out.csv, or 'CSV UTF-8' in a spreadsheet)",
        )
    if "schema mismatch" in first.lower():  # files of one table with different columns
        detail = [ln for ln in lines[1:] if ln.lower().startswith(("main file", "current file", "column with name"))]
        return (
            f"{first} {'; '.join(detail)}".strip(),
            "give every file of a table the same header, or map the files as separate tables",
        )
    return first, "check that the file is valid CSV (with a header row) or Parquet"


def _rel(path: Path, base: Path) -> str:
    try:
        return str(path.relative_to(base))
    except ValueError:
        return str(path)
