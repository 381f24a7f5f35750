"""`python -m cs_architect` is the same as `csa`."""

from cs_architect.cli import run

run()
