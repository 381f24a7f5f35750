"""One error family. The library raises these; only the CLI turns them into messages and exit codes."""

from __future__ import annotations

from collections.abc import Iterable

from cs_architect.issues import Issue


class CsaError(Exception):
    """Root of every error cs-architect raises on purpose.

    ``issues`` carries located problems (file, line, field path, hint); ``exit_code`` is what the
    CLI exits with.
    """

    exit_code = 1

    def __init__(self, message: str, issues: Iterable[Issue] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.issues = list(issues)

    def __str__(self) -> str:
        lines = [self.message, *(f"  {issue}" for issue in self.issues)]
        return "\n".join(lines)


class InputError(CsaError, ValueError):
    """The user's input files are missing, malformed or inconsistent (exit 2)."""

    exit_code = 2


class GateRefused(CsaError):
    """A design gate refuses to produce a playbook (exit 3), e.g. no sales handoff is defined."""

    exit_code = 3


class OutputError(CsaError):
    """The output location cannot be written safely (exit 2)."""

    exit_code = 2


class DataError(CsaError, ValueError):
    """Customer data cannot be scored: missing required table/columns, unusable values (exit 2)."""

    exit_code = 2


class BackendError(CsaError):
    """The database or store cannot be reached or used (exit 4)."""

    exit_code = 4


def interrupted(exc: BaseException) -> bool:
    """Whether a database error is the user's Ctrl-C: DuckDB's Python client turns SIGINT during a
    query into ``RuntimeError('Query interrupted')``, and ``interrupt()`` into an InterruptException."""
    if type(exc).__name__ == "InterruptException":
        return True
    return type(exc) is RuntimeError and str(exc).strip() == "Query interrupted"
