"""Golden files: every output of every example, byte for byte.

Regenerate with `pytest tests/test_golden.py --update-golden` and review `git diff tests/golden`.
The SVG is compared only where Graphviz is installed (its layout is Graphviz's, not ours).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cs_architect.design.compiler import design
from cs_architect.design.gates import check_gates
from cs_architect.inputs import load_project
from cs_architect.render.bundle import render_bundle
from cs_architect.render.diagram import dot_available
from tests.conftest import EXAMPLES

GOLDEN = Path(__file__).parent / "golden"
DESIGNABLE = sorted(
    p.name for p in EXAMPLES.iterdir() if (p / "brief.yaml").exists() and not check_gates(load_project(p)).refused
)


@pytest.mark.parametrize("example", DESIGNABLE)
def test_golden_outputs(example: str, update_golden: bool) -> None:
    files = render_bundle(design(load_project(EXAMPLES / example)), with_svg=dot_available()).files
    folder = GOLDEN / example
    if update_golden:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.iterdir():
            if old.name not in files and not (old.suffix == ".svg" and not dot_available()):
                old.unlink()
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
        return
    expected = {p.name for p in folder.iterdir()} if folder.exists() else set()
    if not dot_available():
        expected = {n for n in expected if not n.endswith(".svg")}
    assert set(files) == expected, f"run `pytest {__file__} --update-golden` and review the diff"
    for name, text in files.items():
        golden = (folder / name).read_text(encoding="utf-8")
        assert text == golden, f"{example}/{name} differs from its golden file; regenerate with --update-golden"


def test_reruns_are_byte_identical() -> None:
    project = load_project(EXAMPLES / "shiftwise")
    assert render_bundle(design(project)).files == render_bundle(design(load_project(EXAMPLES / "shiftwise"))).files
