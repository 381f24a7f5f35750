"""Imports point one way: the design compiler never imports the engine or ibis."""

from __future__ import annotations

import subprocess
import sys


def test_design_never_imports_engine_or_ibis() -> None:
    code = (
        "import sys\n"
        "import cs_architect.design.compiler, cs_architect.render.bundle, cs_architect.inputs\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('ibis', 'duckdb', 'cs_architect.engine')))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""
