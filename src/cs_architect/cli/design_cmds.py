"""Design commands: init, validate, schema, design, render."""

from __future__ import annotations

from cs_architect.cli import cli  # noqa: F401
