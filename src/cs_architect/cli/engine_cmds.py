"""Engine commands: check-data, score, scores. Each parses options, calls one library function, prints."""

from __future__ import annotations

import time
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cs_architect.cli import _from_a_database, cli
from cs_architect.errors import BackendError, CsaError, DataError, InputError
from cs_architect.issues import Issue

if TYPE_CHECKING:
    from cs_architect.engine import ResultsStore
    from cs_architect.spec.health_model import HealthModel


class _IsoDate(click.ParamType):
    """A calendar date written YYYY-MM-DD (the engine checks the range it scores: check_as_of)."""

    name = "YYYY-MM-DD"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        text = str(value).strip()
        try:
            day = datetime.strptime(text, "%Y-%m-%d").date()
        except ValueError as exc:
            shaped = len(text) == 10 and text[4] == "-" and text[7] == "-" and text.replace("-", "").isdigit()
            why = f"not a real date ({exc})" if shaped else "not a date in the form YYYY-MM-DD"
            self.fail(f"'{text}' is {why}", param, ctx)
        return day


def _source(data: Path | None, db: str | None) -> None:
    if (data is None) == (db is None):
        raise InputError("give either --data DIR (a folder of CSV/Parquet files) or --db URL (a database)")


data_option = click.option(
    "--data",
    "data",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder of CSV/Parquet files named in the model's sources (accounts.csv ...).",
)
db_option = click.option("--db", "db", metavar="URL", help="Database URL, e.g. postgresql://user@host/db.")
as_of_option = click.option(
    "--as-of",
    "as_of",
    type=_IsoDate(),
    help="Score as of this date (YYYY-MM-DD, 1900-01-01 to 2999-12-31). Default: today.",
)
store_option = click.option(
    "--store",
    "store",
    metavar="URL",
    help="Results store: a DuckDB file or a database URL (default OUT/results.duckdb).",
)
out_argument = click.argument("out", type=click.Path(path_type=Path, exists=True))


class _Progress:
    """Stage lines with elapsed seconds on stderr, so a long run shows it is alive."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.start = time.perf_counter()

    def __call__(self, message: str) -> None:
        if not self.quiet:
            click.echo(f"[{time.perf_counter() - self.start:6.1f}s] {message}", err=True)


@cli.command("check-data")
@out_argument
@data_option
@db_option
@as_of_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def check_data_cmd(out: Path, data: Path | None, db: str | None, as_of: date | None, fmt: str) -> None:
    """Check customer data against the data contract before scoring.

    Reports per table and column what is missing or wrong (unreadable dates, duplicate account
    ids, rows for unknown accounts, future timestamps, negative money, NPS outside 0-10), with
    counts and example values. Exits 2 when something blocks scoring (4 when the database
    cannot be reached). With --format json, stdout is always one JSON document, also when the
    check cannot run (a file that cannot be read): {"ok": false, "error": ..., "issues": [...]}.

    \b
    Example:
      csa check-data out --data ./exports --as-of 2024-06-30
    """
    from cs_architect.engine import check_customer_data, load_health_model
    from cs_architect.engine.export import to_json

    when = as_of or date.today()
    try:
        _source(data, db)
        model = load_health_model(out)
        report = check_customer_data(model, data_dir=data, db_url=db, as_of=when)
    except Exception as exc:
        # A script reading stdout gets a document either way; the error boundary still prints
        # the message on stderr and sets the exit code (2, or 4 for a database).
        if fmt == "json" and (isinstance(exc, CsaError) or _from_a_database(exc)):
            err = exc if isinstance(exc, CsaError) else BackendError(f"the database failed: {exc}".splitlines()[0])
            click.echo(to_json(_stopped(err, when)))
        raise
    click.echo(to_json(report.to_dict()) if fmt == "json" else report.to_text())
    if not report.ok:
        raise DataError(f"{sum(i.level == 'error' for i in report.issues)} error(s) block scoring; fix them first")


def _stopped(err: CsaError, as_of: date) -> dict[str, object]:
    """The JSON report of a check that could not run: not ok, why, no tables."""
    issues = [i.to_dict() for i in err.issues] or [Issue("error", err.message).to_dict()]
    return {"as_of": as_of.isoformat(), "ok": False, "error": err.message, "tables": [], "issues": issues}


@cli.command("score")
@out_argument
@data_option
@db_option
@as_of_option
@store_option
@click.option("--full-check", is_flag=True, help="Run the full data check first (reads every table once more).")
@click.option("-q", "--quiet", is_flag=True, help="No progress lines on stderr.")
def score_cmd(
    out: Path,
    data: Path | None,
    db: str | None,
    as_of: date | None,
    store: str | None,
    full_check: bool,
    quiet: bool,
) -> None:
    """Score every account and save the snapshot to the results store.

    Prints accounts and ARR by band, the worst accounts with their top reasons, and the
    accounts falling fastest. Re-running the same --as-of date replaces that snapshot.

    \b
    Examples:
      csa score out --data ./exports
      csa score out --db postgresql://analyst@warehouse/prod --as-of 2024-06-30
      csa score out --data ./exports --store postgresql://analyst@warehouse/prod/csa_results
    """
    from cs_architect.engine import load_health_model, score_accounts

    _source(data, db)
    model = load_health_model(out)
    out_dir = out if out.is_dir() else out.parent
    run = score_accounts(
        model,
        data_dir=data,
        db_url=db,
        as_of=as_of or date.today(),
        store_url=store,
        out_dir=out_dir,
        progress=_Progress(quiet),
        deep_check=full_check,
    )
    click.echo(run.to_text())


def _warn_if_other_model(results: ResultsStore, model: HealthModel, as_of: date | None) -> None:
    """Warn when the snapshot was scored with another health model than OUT's: its signal
    names and labels are then read from a model that did not produce it."""
    from cs_architect.engine.model import model_digest

    snap = results.resolve(as_of)
    if snap.model_digest != model_digest(model):
        click.secho(
            f"warning: the snapshot of {snap.as_of} was scored with another health model than the one in this "
            f"folder (digest {snap.model_digest[:12]}, now {model_digest(model)[:12]}): signal names and labels "
            "below come from the current model; re-run `csa score` to rescore with it",
            fg="yellow",
            err=True,
        )


def _explain_date(given: date | None, store: str | None, out_dir: Path) -> tuple[date, str]:
    """The as-of date of ``--explain``: the one given, else the latest snapshot's, else today."""
    from cs_architect.engine import ResultsStore
    from cs_architect.errors import BackendError

    if given is not None:
        return given, "--as-of"
    try:
        results = ResultsStore.open(store, out_dir, create=False)
    except (InputError, BackendError):
        return date.today(), "today: no results store yet"
    try:
        snaps = results.snapshots()
    finally:
        results.close()
    if not snaps:
        return date.today(), "today: no snapshot yet"
    return snaps[-1].as_of, "the latest snapshot"


@cli.command("scores")
@out_argument
@click.option("--account", metavar="ID", help="Show one account with its explanation (with --explain: the SQL for it).")
@click.option(
    "--as-of",
    "as_of",
    type=_IsoDate(),
    help="Snapshot date (default: the latest; with --explain, the date the SQL scores, default the latest "
    "snapshot's, else today).",
)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "json", "parquet"]), default="table", show_default=True
)
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Write to this file, atomically (a symlink's target is written; an existing file keeps its "
    "permissions). '-' is standard output (not for parquet); ./- names a file called '-'.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=None,
    help="At most N accounts, worst first (table default 50; 0 = all).",
)
@store_option
@click.option("--explain", is_flag=True, help="Print the SQL of the scoring instead of scores.")
@data_option
@db_option
def scores_cmd(
    out: Path,
    account: str | None,
    as_of: date | None,
    fmt: str,
    output: str | None,
    limit: int | None,
    store: str | None,
    explain: bool,
    data: Path | None,
    db: str | None,
) -> None:
    """Show or export stored scores: all accounts, or one account with its explanation.

    With --explain, print the SQL the engine runs for the scoring: for --data/--db in that
    backend's dialect, otherwise against contract-shaped tables; with --account, that SQL
    filtered to the account.

    \b
    Examples:
      csa scores out                          # worst accounts first
      csa scores out --account acme-01        # why Acme has its score
      csa scores out --format csv -o scores.csv
      csa scores out --format json -o - | jq '.[0]'
      csa scores out --explain --db postgresql://analyst@warehouse/prod
    """
    from cs_architect.engine import ResultsStore, export_scores, load_health_model, scoring_sql

    model = load_health_model(out)
    out_dir = out if out.is_dir() else out.parent
    if explain:
        when, why = _explain_date(as_of, store, out_dir)
        sql = scoring_sql(model, when, data_dir=data, db_url=db, account=account)
        target = (
            f"account '{account}': the whole model's scoring, filtered to this account"
            if account is not None
            else "every account"
        )
        click.echo(f"-- csa scoring SQL as of {when} ({why}), {target}\n{sql}")
        return
    if data is not None or db is not None:
        raise InputError("--data/--db are only used with --explain; scores are read from the results store")
    if output == "-" and fmt == "parquet":
        raise InputError(
            "--format parquet is binary and cannot go to standard output (-o -)",
            [Issue("error", "parquet to standard output", path="-o", hint="give a file, e.g. -o scores.parquet")],
        )
    file = None if output is None or output == "-" else Path(output)
    if limit is None and fmt == "table" and account is None:
        limit = 50
    results = ResultsStore.open(store, out_dir, create=False)
    try:
        _warn_if_other_model(results, model, as_of)
        text = export_scores(
            results,
            model,
            as_of=as_of,
            account=account,
            fmt=fmt,  # type: ignore[arg-type]
            output=file,
            limit=limit or None,
        )
    finally:
        results.close()
    click.echo(text, nl=not text.endswith("\n"))
