"""Benchmark `csa score` against a hand-written DuckDB query and a straightforward pandas version.

For each size it generates (or reuses) `csa demo-data` from an example with a fixed `--end` and
`--seed`, designs the model with `csa design`, then times, each in a fresh child process (wall
time; peak RSS from the child's own ``ru_maxrss`` via ``os.wait4``):

- engine: `csa score OUT --data DIR --as-of DATE` as a user runs it (start-up, data check,
  scoring query, results store, summary), plus once in-process with the time of each phase;
- SQL: one hand-written DuckDB query computing the same signals and scores, written to Parquet
  (``bench/baselines/handwritten.sql``);
- pandas: the same signals with pandas groupbys (``bench/baselines/pandas_signals.py``), under
  a timeout and a memory cap.

Both baselines' outputs are compared with the engine's snapshot (raw values, scores, bands), so
the three do the same work. Targets (issue 3): `csa score` within 1.5x of the SQL, at least 10x
faster than pandas, peak memory under 2 GB at 50M events, cost linear in events.

    uv run python bench/score.py --quick          # 2k accounts / 1M events (about a minute)
    uv run python bench/score.py                  # 10k / 10M and 100k / 50M (about 10 minutes)
    uv run python bench/score.py --sizes 10m --runs 5 --json results.json

Data and runs live under ``--data-root`` (default /tmp/csa-bench); data is reused when its
manifest matches (example, accounts, events, seed, end, generator version).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SIZES = {"quick": (2_000, 1_000_000), "10m": (10_000, 10_000_000), "50m": (100_000, 50_000_000)}
TARGET_SQL_RATIO = 1.5  # csa score wall <= 1.5x the hand-written SQL
TARGET_PANDAS_RATIO = 10.0  # pandas wall >= 10x csa score
TARGET_PEAK_MB = 2048  # at 50M events
LINEAR_SLACK = 1.15  # per-event cost at the larger size at most 15% above the smaller one's


@dataclass
class Measured:
    """One child process: wall seconds, peak RSS, how it ended, and what it printed."""

    wall_s: float
    peak_mb: float
    status: str  # ok | failed | timeout | memory
    stdout: str = ""
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (FileNotFoundError, ProcessLookupError, ValueError):
        pass
    return 0.0


def child_env() -> dict[str, str]:
    """The environment of timed children: PYTHONDONTWRITEBYTECODE dropped so that imports use
    the bytecode cache, as on a user's machine (a warm-up run fills it)."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def measure(cmd: list[str], *, timeout_s: float | None = None, max_mb: float | None = None) -> Measured:
    """Run ``cmd`` in a fresh process group; wall time and the child's own peak RSS.

    With ``timeout_s`` or ``max_mb`` a watcher thread samples the child's RSS twice a second
    and kills its process group when either limit is passed; the main thread blocks in
    ``os.wait4`` so the wall time is exact.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=REPO, env=child_env(), start_new_session=True)
        stop = threading.Event()
        verdict: dict[str, str] = {}

        def watch() -> None:
            while not stop.wait(0.5):
                elapsed = time.perf_counter() - started
                rss = _rss_mb(proc.pid)
                if timeout_s is not None and elapsed > timeout_s:
                    verdict["status"], verdict["detail"] = "timeout", f"killed after {elapsed:.0f} s"
                elif max_mb is not None and rss > max_mb:
                    verdict["status"], verdict["detail"] = "memory", f"killed at {rss:,.0f} MB after {elapsed:.0f} s"
                else:
                    continue
                os.killpg(proc.pid, signal.SIGKILL)
                return

        watcher = threading.Thread(target=watch, daemon=True)
        if timeout_s is not None or max_mb is not None:
            watcher.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        stop.set()
        if watcher.is_alive():
            watcher.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    peak = usage.ru_maxrss / 1024  # kilobytes on Linux
    if verdict:
        return Measured(wall, peak, verdict["status"], stdout, verdict["detail"])
    if proc.returncode != 0:
        tail = "\n".join(stderr.strip().splitlines()[-5:])
        return Measured(wall, peak, "failed", stdout, f"exit {proc.returncode}: {tail}")
    return Measured(wall, peak, "ok", stdout)


def csa(*args: str) -> list[str]:
    return [sys.executable, "-m", "cs_architect", *args]


# --- data and model ----------------------------------------------------------------------------


@dataclass
class Dataset:
    path: Path
    accounts: int
    events: int
    rows: dict[str, int]
    as_of: date
    generated: Measured | None  # None when reused


def ensure_data(root: Path, inputs: Path, accounts: int, events: int, seed: int, end: str) -> Dataset:
    """``csa demo-data`` output for these arguments under ``root/data``, generated unless a
    folder with a matching manifest (same arguments, same generator version) is already there."""
    from cs_architect.demo.generator import GENERATOR_VERSION

    path = root / "data" / f"{inputs.name}-a{accounts}-e{events}-s{seed}-{end}"
    manifest_file = path / "manifest.json"
    want = {"accounts": accounts, "events_target": events, "seed": seed, "end": end,
            "generator_version": GENERATOR_VERSION}  # fmt: skip
    generated = None
    manifest = json.loads(manifest_file.read_text()) if manifest_file.is_file() else None
    if manifest is None or any(manifest.get(k) != v for k, v in want.items()):
        if path.exists():  # a folder of ours from an interrupted or different run
            shutil.rmtree(path)
        cmd = csa("demo-data", str(path), "--inputs", str(inputs), "--accounts", str(accounts),
                  "--events", str(events), "--end", end, "--seed", str(seed))  # fmt: skip
        print(f"  generating {path.name} ...")
        generated = measure(cmd)
        if not generated.ok:
            raise SystemExit(f"demo-data failed: {generated.detail}")
        manifest = json.loads(manifest_file.read_text())
    rows = {name: int(t["rows"]) for name, t in manifest["tables"].items()}
    return Dataset(path, accounts, rows.get("events", 0), rows, date.fromisoformat(manifest["as_of"]), generated)


def design_model(root: Path, inputs: Path) -> Path:
    """Run ``csa design`` on the example; returns the folder holding ``health_model.yaml``."""
    out = root / "design" / inputs.name
    if out.exists():
        shutil.rmtree(out)
    result = measure(csa("design", str(inputs), "-o", str(out)))
    if not result.ok:
        raise SystemExit(f"csa design failed: {result.detail}")
    return out


def fresh_out(root: Path, name: str, model_dir: Path) -> Path:
    """An empty OUT folder holding only the model (so every run writes a first snapshot)."""
    out = root / "runs" / name
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    shutil.copy(model_dir / "health_model.yaml", out / "health_model.yaml")
    return out


# --- the three contenders ------------------------------------------------------------------------


def run_engine(out: Path, data: Dataset) -> Measured:
    return measure(csa("score", str(out), "--data", str(data.path), "--as-of", data.as_of.isoformat(), "-q"))


def run_engine_phases(out: Path, data: Dataset) -> tuple[Measured, dict[str, float]]:
    """``score_accounts`` in a child, timing its imports and each phase it reports."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--engine-phases", str(out), str(data.path),
           data.as_of.isoformat()]  # fmt: skip
    m = measure(cmd)
    phases = json.loads(m.stdout.strip().splitlines()[-1]) if m.ok else {}
    return m, phases


PHASES = (  # score_accounts' progress messages -> phase names
    ("connecting", "connect + map"),
    ("checking the data", "quick data check"),
    ("computing", "scoring query"),
    ("checking how recent", "recency check"),
    ("writing", "write snapshot"),
    ("summarising", "summary"),
)


def engine_phases_child(out: Path, data_dir: Path, as_of: date) -> None:
    """Child of :func:`run_engine_phases`: prints the phase times as one JSON line.

    Phases follow ``score_accounts``' progress messages. Inside the scoring phase, building the
    Ibis expression (``build_scoring``) and compiling it to SQL (the compiler's ``to_sqlglot``
    and sqlglot's rendering) are timed by wrapping those functions for this run only (bench code;
    the engine is not changed); the rest of the phase is DuckDB running the query.
    """
    started = time.perf_counter()
    import sqlglot.expressions as sge
    from ibis.backends.sql.compilers.base import SQLGlotCompiler

    import cs_architect.engine.run as run
    from cs_architect.engine import load_health_model

    marks: list[tuple[str, float]] = [("imports", time.perf_counter())]
    model = load_health_model(out)
    marks.append(("load model", time.perf_counter()))
    inner = {"(build expression)": 0.0, "(compile to SQL)": 0.0, "(SQL kB)": 0.0}
    build, to_sqlglot, render, execute = run.build_scoring, SQLGlotCompiler.to_sqlglot, sge.Expression.sql, run._execute
    scoring = False

    def timed_build(*args: Any, **kwargs: Any) -> Any:
        at = time.perf_counter()
        try:
            return build(*args, **kwargs)
        finally:
            inner["(build expression)"] += time.perf_counter() - at

    def timed_to_sqlglot(self: Any, *args: Any, **kwargs: Any) -> Any:
        at = time.perf_counter()
        try:
            return to_sqlglot(self, *args, **kwargs)
        finally:
            if scoring:  # only the scoring query (the data check compiles its own)
                inner["(compile to SQL)"] += time.perf_counter() - at

    def timed_render(self: Any, *args: Any, **kwargs: Any) -> str:
        at = time.perf_counter()
        sql = render(self, *args, **kwargs)
        if scoring:
            inner["(compile to SQL)"] += time.perf_counter() - at
            inner["(SQL kB)"] += len(sql) / 1000
        return sql

    def timed_execute(*args: Any, **kwargs: Any) -> Any:
        nonlocal scoring
        scoring = True
        try:
            return execute(*args, **kwargs)
        finally:
            scoring = False

    def progress(message: str) -> None:
        name = next((label for prefix, label in PHASES if message.startswith(prefix)), message[:30])
        marks.append((name, time.perf_counter()))

    run.build_scoring, run._execute = timed_build, timed_execute
    SQLGlotCompiler.to_sqlglot, sge.Expression.sql = timed_to_sqlglot, timed_render  # type: ignore[method-assign]
    run.score_accounts(model, data_dir=data_dir, as_of=as_of, out_dir=out, progress=progress)
    marks.append(("done", time.perf_counter()))
    phases: dict[str, float] = {"imports": marks[0][1] - started, "load model": marks[1][1] - marks[0][1]}
    for (name, at), (_, nxt) in itertools.pairwise(marks[2:]):  # a mark starts the phase it names
        phases[name] = phases.get(name, 0.0) + nxt - at
    phases["score_accounts"] = marks[-1][1] - marks[1][1]
    phases.update(inner)
    python = inner["(build expression)"] + inner["(compile to SQL)"]
    phases["(run the SQL)"] = phases.get("scoring query", 0.0) - python
    print(json.dumps(phases))


def run_sql(model_dir: Path, data: Dataset, output: Path) -> tuple[Measured, float | None]:
    cmd = [sys.executable, "-m", "bench.baselines.handwritten", str(model_dir / "health_model.yaml"),
           str(data.path), data.as_of.isoformat(), str(output)]  # fmt: skip
    m = measure(cmd)
    query = float(m.stdout.split()[-1]) if m.ok else None
    return m, query


def run_pandas(model_dir: Path, data: Dataset, output: Path, timeout_s: float, max_mb: float) -> Measured:
    cmd = [sys.executable, "-m", "bench.baselines.pandas_signals", str(model_dir / "health_model.yaml"),
           str(data.path), data.as_of.isoformat(), str(output)]  # fmt: skip
    return measure(cmd, timeout_s=timeout_s, max_mb=max_mb)


# --- one size ----------------------------------------------------------------------------------


@dataclass
class SizeResult:
    size: str
    accounts: int
    events: int
    rows: dict[str, int]
    generate: dict[str, Any] | None
    engine: list[dict[str, Any]] = field(default_factory=list)
    sql: list[dict[str, Any]] = field(default_factory=list)
    sql_query_s: list[float] = field(default_factory=list)
    pandas: dict[str, Any] | None = None
    phases: dict[str, float] = field(default_factory=dict)
    agreement: dict[str, Any] = field(default_factory=dict)

    @staticmethod
    def _best(runs: list[dict[str, Any]]) -> float | None:
        # best of N: on a shared machine the fastest run is the one least disturbed by others
        values = [r["wall_s"] for r in runs if r["status"] == "ok"]
        return min(values) if values else None

    @staticmethod
    def median(runs: list[dict[str, Any]]) -> float | None:
        values = [r["wall_s"] for r in runs if r["status"] == "ok"]
        return statistics.median(values) if values else None

    @property
    def engine_s(self) -> float | None:
        return self._best(self.engine)

    @property
    def engine_mb(self) -> float | None:
        return max((r["peak_mb"] for r in self.engine if r["status"] == "ok"), default=None)

    @property
    def sql_s(self) -> float | None:
        return self._best(self.sql)

    @property
    def sql_mb(self) -> float | None:
        return max((r["peak_mb"] for r in self.sql if r["status"] == "ok"), default=None)

    @property
    def pandas_s(self) -> float | None:
        return self.pandas["wall_s"] if self.pandas and self.pandas["status"] == "ok" else None


def _record(m: Measured, load: float) -> dict[str, Any]:
    """A run for the results, with the 1-minute load average just before it (other work)."""
    return {"wall_s": m.wall_s, "peak_mb": m.peak_mb, "status": m.status, "detail": m.detail, "load_before": load}


def _load() -> float:
    return os.getloadavg()[0]


def bench_size(name: str, data: Dataset, model_dir: Path, root: Path, args: argparse.Namespace) -> SizeResult:
    from bench.baselines.compare import compare

    generated = _record(data.generated, _load()) if data.generated else None
    result = SizeResult(name, data.accounts, data.events, data.rows, generated)
    work = root / "runs" / name
    work.mkdir(parents=True, exist_ok=True)
    sql_out, pandas_out = work / "handwritten.parquet", work / "pandas.parquet"
    if args.warmup:  # bytecode cache and page cache, as for a user running it a second time
        print("  warm-up run of csa score")
        run_engine(fresh_out(root, f"{name}/engine-warmup", model_dir), data)
    engine_out = None
    for i in range(args.runs):  # interleaved, so load from other work hits both alike
        engine_out = fresh_out(root, f"{name}/engine", model_dir)
        load = _load()
        e = run_engine(engine_out, data)
        result.engine.append(_record(e, load))
        print(f"  run {i + 1}: csa score {e.wall_s:6.2f} s {e.peak_mb:6.0f} MB  load {load:.1f}  {e.status} {e.detail}")
        load = _load()
        s, query = run_sql(model_dir, data, sql_out)
        result.sql.append(_record(s, load))
        if query is not None:
            result.sql_query_s.append(query)
        print(f"  run {i + 1}: SQL       {s.wall_s:6.2f} s {s.peak_mb:6.0f} MB  load {load:.1f}  {s.status} {s.detail}")
    m, result.phases = run_engine_phases(fresh_out(root, f"{name}/engine-phases", model_dir), data)
    if not m.ok:
        print(f"  engine phases failed: {m.detail}")
    if args.pandas:
        load = _load()
        p = run_pandas(model_dir, data, pandas_out, args.pandas_timeout, args.pandas_max_gb * 1024)
        result.pandas = _record(p, load)
        print(f"  pandas      {p.wall_s:6.2f} s {p.peak_mb:6.0f} MB  load {load:.1f}  {p.status} {p.detail}")
    assert engine_out is not None
    store = engine_out / "results.duckdb"
    if result.engine and result.engine[-1]["status"] == "ok":
        if result.sql and result.sql[-1]["status"] == "ok":
            result.agreement["sql"] = compare(store, data.as_of, sql_out).to_dict()
        if result.pandas and result.pandas["status"] == "ok":
            result.agreement["pandas"] = compare(store, data.as_of, pandas_out).to_dict()
    return result


# --- report ------------------------------------------------------------------------------------


def _f(value: float | None, fmt: str) -> str:
    return "-" if value is None else format(value, fmt)


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def report(results: list[SizeResult]) -> list[str]:
    """The results table, the engine's phases, agreement and the targets, as lines of text."""
    lines = []
    head = ("size", "accounts", "events", "engine s", "engine MB", "SQL s", "SQL MB", "pandas s", "pandas MB",
            "engine/SQL", "pandas/engine", "engine s/M ev")  # fmt: skip
    widths = (6, 9, 11, 9, 10, 7, 7, 9, 10, 11, 14, 14)
    lines.append("wall: best of the timed runs (median in the JSON); MB: peak RSS of the process")
    lines.append(" ".join(f"{h:>{w}}" for h, w in zip(head, widths, strict=True)))
    for r in results:
        pandas_s = _f(r.pandas_s, ".1f") if r.pandas is None or r.pandas["status"] == "ok" else r.pandas["status"]
        pandas_mb = _f(r.pandas["peak_mb"], ",.0f") if r.pandas else "-"
        cells = (r.size, f"{r.accounts:,}", f"{r.events:,}", _f(r.engine_s, ".2f"), _f(r.engine_mb, ",.0f"),
                 _f(r.sql_s, ".2f"), _f(r.sql_mb, ",.0f"), pandas_s, pandas_mb,
                 _f(_ratio(r.engine_s, r.sql_s), ".2f") + "x", _f(_ratio(r.pandas_s, r.engine_s), ".1f") + "x",
                 _f(_ratio(r.engine_s, r.events / 1e6), ".3f"))  # fmt: skip
        lines.append(" ".join(f"{c:>{w}}" for c, w in zip(cells, widths, strict=True)))
    for r in results:
        lines.append(
            f"  {r.size}: median of {len(r.engine)} runs: csa score {_f(r.median(r.engine), '.2f')} s, "
            f"SQL {_f(r.median(r.sql), '.2f')} s"
        )
    lines.append("")
    lines.append("engine phases (one in-process run of score_accounts, seconds) vs the SQL query alone:")
    for r in results:
        phases = ", ".join(f"{k} {v:.2f}" if k != "(SQL kB)" else f"{k} {v:.0f}" for k, v in r.phases.items())
        query = statistics.median(r.sql_query_s) if r.sql_query_s else None
        engine_query = r.phases.get("(run the SQL)")
        lines.append(f"  {r.size}: {phases}")
        lines.append(
            f"  {r.size}: DuckDB running the engine's query {_f(engine_query, '.2f')} s, the hand-written query "
            f"{_f(query, '.2f')} s: {_f(_ratio(engine_query, query), '.2f')}x"
        )
    lines.append("")
    lines.append("agreement with the engine's snapshot (raw values, scores, bands):")
    for r in results:
        for who, a in r.agreement.items():
            state = "agree" if a["ok"] else "DISAGREE"
            where = f" ({', '.join(a['worst_signals'])})" if a["worst_signals"] else ""
            lines.append(
                f"  {r.size} {who}: {state} on {a['engine_rows']:,} rows, max raw diff {a['max_raw_diff']:.1e}, "
                f"max score diff {a['max_score_diff']:.1e}, {a['band_mismatches']} band mismatches{where}"
            )
    lines.append("")
    lines += targets(results)
    return lines


def targets(results: list[SizeResult]) -> list[str]:
    out = ["targets:"]
    for r in results:
        ratio = _ratio(r.engine_s, r.sql_s)
        if ratio is not None:
            verdict = "met" if ratio <= TARGET_SQL_RATIO else "MISSED"
            out.append(f"  {r.size}: csa score / SQL = {ratio:.2f}x (target <= {TARGET_SQL_RATIO}x): {verdict}")
        speedup = _ratio(r.pandas_s, r.engine_s)
        if speedup is not None:
            verdict = "met" if speedup >= TARGET_PANDAS_RATIO else "MISSED"
            out.append(
                f"  {r.size}: pandas / csa score = {speedup:.1f}x (target >= {TARGET_PANDAS_RATIO:.0f}x): {verdict}"
            )
        elif r.pandas and r.pandas["status"] != "ok":
            out.append(f"  {r.size}: pandas did not finish ({r.pandas['status']}: {r.pandas['detail']}): met")
    big = [r for r in results if r.events >= 40_000_000 and r.engine_mb is not None]
    for r in big:
        assert r.engine_mb is not None
        verdict = "met" if r.engine_mb < TARGET_PEAK_MB else "MISSED"
        out.append(f"  {r.size}: csa score peak {r.engine_mb:,.0f} MB (target < {TARGET_PEAK_MB:,} MB): {verdict}")
    timed = sorted((r for r in results if r.engine_s is not None), key=lambda r: r.events)
    if len(timed) >= 2:  # the two largest sizes: at the smallest the fixed costs dominate
        small, large = timed[-2], timed[-1]
        assert small.engine_s is not None and large.engine_s is not None
        per_small, per_large = small.engine_s / small.events * 1e6, large.engine_s / large.events * 1e6
        marginal = (large.engine_s - small.engine_s) / (large.events - small.events) * 1e6
        fixed = small.engine_s - marginal * small.events / 1e6
        verdict = "met" if per_large <= per_small * LINEAR_SLACK else "MISSED"
        out.append(
            f"  linearity: {per_small:.3f} s per M events at {small.size}, {per_large:.3f} at {large.size}; "
            f"marginal {marginal:.3f} s per M events, fixed {fixed:.1f} s: {verdict}"
        )
    return out


def source_state() -> dict[str, object]:
    """The commit measured and the files changed in the working tree (uncommitted work counts)."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=False)
        return done.stdout.strip()

    return {"commit": git("rev-parse", "HEAD"), "changed": git("status", "--short", "--", "src").splitlines()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one small size: 2k accounts / 1M events")
    parser.add_argument("--sizes", default=None, help=f"comma-separated, of {', '.join(SIZES)} (default 10m,50m)")
    parser.add_argument("--inputs", type=Path, default=REPO / "examples" / "shiftwise")
    parser.add_argument("--end", default="2026-06-30", help="demo-data --end (fixed, so the data is reproducible)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data-root", type=Path, default=Path(tempfile.gettempdir()) / "csa-bench")
    parser.add_argument(
        "--runs", type=int, default=3, help="timed runs of csa score and of the SQL (the best is shown)"
    )
    parser.add_argument("--no-warmup", dest="warmup", action="store_false", help="skip the untimed first run")
    parser.add_argument("--no-pandas", dest="pandas", action="store_false", help="skip the pandas baseline")
    parser.add_argument("--pandas-timeout", type=float, default=900.0, help="seconds (default 900)")
    parser.add_argument("--pandas-max-gb", type=float, default=12.0, help="kill pandas above this RSS")
    parser.add_argument("--json", type=Path, default=None, help="also write the results as JSON here")
    parser.add_argument("--engine-phases", nargs=3, metavar=("OUT", "DATA", "AS_OF"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # progress shows when piped
    if args.engine_phases:
        out, data_dir, as_of = args.engine_phases
        engine_phases_child(Path(out), Path(data_dir), date.fromisoformat(as_of))
        return
    sizes = ["quick"] if args.quick else (args.sizes or "10m,50m").split(",")
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        parser.error(f"unknown size(s) {unknown}; choose from {', '.join(SIZES)}")
    root = args.data_root.resolve()
    root.mkdir(parents=True, exist_ok=True)
    print(f"csa score benchmark on {args.inputs.name}: {os.cpu_count()} CPUs, {platform.python_version()}, "
          f"data under {root}")  # fmt: skip
    model_dir = design_model(root, args.inputs.resolve())
    results = []
    for size in sizes:
        accounts, events = SIZES[size]
        print(f"{size}: {accounts:,} accounts / {events:,} events")
        data = ensure_data(root, args.inputs.resolve(), accounts, events, args.seed, args.end)
        results.append(bench_size(size, data, model_dir, root, args))
    print()
    print("\n".join(report(results)))
    if args.json:
        payload = {
            "date": datetime.now().isoformat(timespec="seconds"),
            "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
            "source": source_state(),
            "args": {k: str(v) for k, v in vars(args).items()},
            "sizes": [asdict(r) for r in results],
        }
        args.json.write_text(json.dumps(payload, indent=2, default=str))
        print(f"\nresults: {args.json}")


if __name__ == "__main__":
    if str(REPO) not in sys.path:  # run as a script: make `bench.baselines` importable
        sys.path.insert(0, str(REPO))
    main()
