"""The `csa` command line: a thin layer that parses options, calls one library function, prints.

One error boundary (:func:`main`) turns :class:`CsaError` into a message on stderr and its exit
code; nothing else prints tracebacks for user mistakes.
"""

from __future__ import annotations

import gc
import sys

import click

from cs_architect import __version__
from cs_architect.errors import BackendError, CsaError, interrupted
from cs_architect.issues import Issue


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="csa")
def cli() -> None:
    """cs-architect: design a customer success function from your documents, then run it on your data.

    \b
    Start here:
      csa init my-company          # a commented starter input set
      csa design my-company -o out # the playbook, health model and onboarding flow
      csa demo-data data --inputs my-company --accounts 500
      csa score out --data data    # score every account
    """


def _register() -> None:
    # Each module adds its commands to `cli`; imported here so `csa --help` lists them all.
    from cs_architect.cli import design_cmds  # noqa: F401

    for optional in ("engine_cmds", "demo_cmds"):
        try:
            __import__(f"cs_architect.cli.{optional}")
        except ModuleNotFoundError as exc:  # pragma: no cover - while a part is being built
            if exc.name != f"cs_architect.cli.{optional}":
                raise


def echo_issues(err: CsaError) -> None:
    click.secho(f"error: {err.message}", fg="red", err=True)
    for issue in err.issues:
        color = "red" if issue.level == "error" else "yellow"
        click.secho(f"  {issue}", fg=color, err=True)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `csa` console script (the one error boundary)."""
    _register()
    try:
        cli.main(args=argv, prog_name="csa", standalone_mode=False)
    except CsaError as err:
        echo_issues(err)
        sys.exit(err.exit_code)
    except click.exceptions.Abort:  # click's form of Ctrl-C
        click.echo("interrupted", err=True)
        sys.exit(130)
    except click.ClickException as err:
        err.show()
        sys.exit(err.exit_code)
    except click.exceptions.Exit as err:
        sys.exit(err.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:
        if interrupted(exc):  # DuckDB's forms of Ctrl-C during a query
            click.echo("interrupted", err=True)
            sys.exit(130)
        if not _from_a_database(exc):
            raise  # a bug in csa: the traceback is what a report needs
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        hint = "check that the database is reachable (the connection may have been lost) and run the command again"
        echo_issues(BackendError(f"the database failed: {text}", [Issue("error", type(exc).__name__, hint=hint)]))
        sys.exit(BackendError.exit_code)


DATABASE_MODULES = ("duckdb", "_duckdb", "psycopg", "psycopg2", "snowflake", "google", "pyspark", "ibis")


def _from_a_database(exc: BaseException) -> bool:
    """Whether ``exc`` was raised by a database driver or Ibis (a lost connection, a server
    error) rather than by csa's own code."""
    return type(exc).__module__.split(".")[0] in DATABASE_MODULES


def run() -> None:
    """The `csa` console script: :func:`main`, then a quick exit.

    A scoring run leaves hundreds of thousands of small objects (Ibis and sqlglot expression
    trees); the interpreter's final garbage collection walks them all, 0.3-0.4 s after the work
    is done. Freezing them first skips that walk: files and connections are already closed,
    and objects are still released as usual. Not in :func:`main`, which tests call in-process.
    """
    try:
        main()
    finally:
        gc.freeze()
