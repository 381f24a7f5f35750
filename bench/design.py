"""Time `csa design` on the bundled examples, as a whole process (start-up included) and in-process.

Target: under 1 s per example as a whole process.

    uv run python bench/design.py            # all ready examples, 5 runs each
    uv run python bench/design.py --runs 10 shiftwise
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = ["shiftwise", "pipestream", "vaultline", "posthog", "tallyhive"]


def whole_process(example: str, runs: int) -> list[float]:
    """Wall time of `csa design` as a user runs it: a fresh process with Python's bytecode cache
    (a warm-up run fills it; PYTHONDONTWRITEBYTECODE is dropped for the child, as on a user's machine)."""
    times = []
    csa = Path(sys.executable).with_name("csa")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    for i in range(runs + 1):
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            subprocess.run(
                [str(csa), "design", str(REPO / "examples" / example), "-o", f"{tmp}/out"],
                check=True,
                capture_output=True,
                env=env,
            )
            if i:  # the first run is the warm-up
                times.append(time.perf_counter() - start)
    return times


def in_process(example: str, runs: int) -> list[float]:
    from cs_architect.design.compiler import design
    from cs_architect.inputs import load_project
    from cs_architect.render.bundle import render_bundle

    times = []
    for _ in range(runs):
        start = time.perf_counter()
        render_bundle(design(load_project(REPO / "examples" / example)))
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("examples", nargs="*", default=[e for e in EXAMPLES if (REPO / "examples" / e).exists()])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"{'example':<12} {'process median':>15} {'process max':>12} {'in-process median':>18}  target < 1.00 s")
    worst = 0.0
    for example in args.examples:
        proc = whole_process(example, args.runs)
        inproc = in_process(example, args.runs)
        worst = max(worst, statistics.median(proc))
        print(
            f"{example:<12} {statistics.median(proc):>13.3f} s {max(proc):>10.3f} s "
            f"{statistics.median(inproc):>16.3f} s"
        )
    print(f"worst median whole-process time: {worst:.3f} s ({'OK' if worst < 1 else 'OVER TARGET'})")


if __name__ == "__main__":
    main()
