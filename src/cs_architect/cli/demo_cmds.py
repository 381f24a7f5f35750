"""Demo data command: demo-data."""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import click

from cs_architect.cli import cli
from cs_architect.spec.sources import CONTRACT

_TABLES = tuple(CONTRACT)


def _tables(value: str) -> tuple[str, ...]:
    if value.strip().lower() == "all":
        return _TABLES
    names = [t.strip() for t in value.split(",") if t.strip()]
    unknown = sorted(set(names) - set(_TABLES))
    if unknown:
        raise click.BadParameter(f"unknown table(s) {', '.join(unknown)}; use some of: {', '.join(_TABLES)}")
    # accounts is the one required table of the data contract: always written.
    return tuple(t for t in _TABLES if t in names or t == "accounts")


@cli.command("demo-data")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--inputs",
    "inputs",
    required=True,
    type=click.Path(path_type=Path),
    help="Input set (folder or combined file) the company comes from.",
)
@click.option(
    "--accounts",
    default=500,
    show_default=True,
    type=click.IntRange(1, 10_000_000),
    help="Number of customer accounts.",
)
@click.option(
    "--months",
    default=24,
    show_default=True,
    type=click.IntRange(1, 120),
    help="Calendar months of history, ending with the month before --end.",
)
@click.option("--seed", default=1, show_default=True, type=int, help="Random seed: same arguments, same files.")
@click.option(
    "--events",
    "events",
    default=None,
    type=click.IntRange(0),
    help="Target total events (about). Default: derived from users x usage (4 events per active user-month).",
)
@click.option(
    "--end",
    "end",
    default=None,
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Generation date: every timestamp is before it. Default: today (UTC); pass it for reproducible files. "
    "Supported: 1971-01-01 to 2999-12-31, and the --months of history before it must start in 1970 or later.",
)
@click.option(
    "--mess/--no-mess",
    default=True,
    show_default=True,
    help="Realistic imperfections: late rows, empty optional values, users without a role.",
)
@click.option(
    "--tables",
    "tables",
    default="all",
    show_default=True,
    help="Comma-separated tables to write (accounts is always written).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Write into a folder that demo-data did not make. Only the files this run writes "
    "(<table>.parquet, manifest.json, truth/) are replaced; nothing else is removed.",
)
@click.option("--truth", is_flag=True, help="Also write truth/latent_health.parquet (the hidden health per month).")
def demo_data(
    directory: Path,
    inputs: Path,
    accounts: int,
    months: int,
    seed: int,
    events: int | None,
    end: datetime | None,
    mess: bool,
    tables: str,
    force: bool,
    truth: bool,
) -> None:
    """Generate a demo company's customer data (Parquet, in the data contract) into DIRECTORY.

    Segments, plans, prices, seats and product events come from the input set; a hidden health
    per account drives usage, tickets, NPS, payments, touchpoints, expansion and churn.
    Writes <table>.parquet for each table and manifest.json. Re-running into a folder an
    earlier demo-data run wrote also removes the table files that run's manifest.json lists and
    this run does not write (e.g. events.parquet after --events 0), and says so; files no
    manifest lists are never removed.

    \b
    Example:
      csa demo-data data --inputs examples/shiftwise --accounts 500 --end 2026-06-30
      csa demo-data big --inputs examples/shiftwise --accounts 100000 --events 50000000
    """
    from cs_architect.demo import DemoOptions, generate
    from cs_architect.inputs import load_project

    project = load_project(inputs)
    options = DemoOptions(
        end=(end or datetime.now(UTC)).date(),
        accounts=accounts,
        months=months,
        seed=seed,
        events=events,
        mess=mess,
        tables=_tables(tables),
        truth=truth,
    )
    started = time.perf_counter()
    if sys.stderr.isatty():
        with click.progressbar(length=1, label="generating", file=sys.stderr) as bar:

            def progress(done: int, total: int) -> None:
                bar.length = total
                bar.update(done - bar.pos)

            result = generate(project, directory, options, progress=progress, force=force)
    else:
        result = generate(project, directory, options, force=force)
    elapsed = time.perf_counter() - started
    click.echo(f"wrote {directory}/ for {project.brief.company} (seed {seed}, end {options.end}) in {elapsed:.1f}s")
    width = max(len(t) for t in _TABLES)
    for name, rows in result.rows.items():
        click.echo(f"  {name:<{width}}  {rows:>12,} rows")
    skipped = result.manifest.get("not_written") or []
    if skipped:
        click.echo(f"  not written: {', '.join(skipped)}")  # type: ignore[arg-type]
    if result.removed:
        click.echo(f"  removed (written by the previous demo-data run): {', '.join(result.removed)}")
    if result.kept:
        click.echo(f"  kept as they were (not written by demo-data): {', '.join(result.kept)}")
