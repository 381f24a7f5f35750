"""Benchmark `csa demo-data`: wall time, peak memory and output size, as a whole process.

Each size runs `python -m cs_architect demo-data` in a fresh child process (so interpreter start
and imports are included, as a user sees them), reads the child's own resource usage when it
exits (``os.wait4``: the same ``ru_maxrss`` that ``resource.getrusage(RUSAGE_CHILDREN)``
reports, but for that child alone), and reads the row counts from ``manifest.json``.

    uv run python bench/demo_data.py            # 10k accounts / 10M events, 100k / 50M
    uv run python bench/demo_data.py --quick    # 2k accounts / 1M events

Targets (issue 3): 100k accounts / 50M events in under 2 minutes and under 4 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FULL = [(10_000, 10_000_000), (100_000, 50_000_000)]
QUICK = [(2_000, 1_000_000)]


def run(inputs: Path, out: Path, accounts: int, events: int, end: str, seed: int) -> dict[str, float]:
    cmd = [
        sys.executable,
        "-m",
        "cs_architect",
        "demo-data",
        str(out),
        "--inputs",
        str(inputs),
        "--accounts",
        str(accounts),
        "--events",
        str(events),
        "--end",
        end,
        "--seed",
        str(seed),
    ]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"demo-data failed ({proc.returncode}):\n{stderr}")
    manifest = json.loads((out / "manifest.json").read_text())
    rows = {name: t["rows"] for name, t in manifest["tables"].items()}
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    peak_kb = usage.ru_maxrss  # kilobytes on Linux
    return {
        "accounts": accounts,
        "events_target": events,
        "events": rows.get("events", 0),
        "rows": sum(rows.values()),
        "wall_s": wall,
        "peak_mb": peak_kb / 1024,
        "disk_mb": size / 1e6,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one small size (2k accounts / 1M events)")
    parser.add_argument("--inputs", type=Path, default=REPO / "examples" / "shiftwise")
    parser.add_argument("--end", default="2026-06-30", help="generation date passed to demo-data")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print the results as JSON too")
    args = parser.parse_args()

    results = []
    with tempfile.TemporaryDirectory(prefix="csa-bench-") as tmp:
        for accounts, events in QUICK if args.quick else FULL:
            out = Path(tmp) / f"demo-{accounts}"
            results.append(run(args.inputs, out, accounts, events, args.end, args.seed))
            shutil.rmtree(out)

    print(f"csa demo-data on {args.inputs.name} ({os.cpu_count()} CPUs)")
    header = ("accounts", 9), ("events", 11), ("rows (all)", 11), ("wall s", 7), ("peak MB", 8), ("disk MB", 8)
    print(" ".join(f"{name:>{width}}" for name, width in header), f"{'events/s':>10}")
    for r in results:
        print(
            f"{r['accounts']:>9,} {r['events']:>11,} {r['rows']:>11,} {r['wall_s']:>7.1f} {r['peak_mb']:>8.0f} "
            f"{r['disk_mb']:>8.0f} {r['events'] / r['wall_s']:>10,.0f}"
        )
    if args.json:
        print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
