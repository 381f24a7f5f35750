"""Every command is documented in the README, with an example in its --help."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from cs_architect.cli import _register, cli
from tests.conftest import REPO

_register()
COMMANDS = sorted(cli.commands)


def test_every_command_is_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text()
    missing = [c for c in COMMANDS if f"`csa {c}" not in readme]
    assert not missing, f"document these commands in README.md: {missing}"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_an_example(command: str) -> None:
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output, f"`csa {command} --help` needs an example"


def test_readme_opens_with_the_two_commands() -> None:
    text = (REPO / "README.md").read_text()
    block = text.split("```bash", 1)[1].split("```", 1)[0]
    commands = [line for line in block.splitlines() if line and not line.startswith("#")]
    assert commands == ["pip install uv && bash scripts/demo", "pip install uv && uv run pytest"]
    assert "uv run pytest" in (REPO / ".ci" / "run").read_text()
