"""Generate a demo company's customer data: the whole pipeline, streamed block by block.

1. Read the company from the inputs (:mod:`company`) and its benchmark rates (:mod:`calibration`).
2. Draw the accounts (:func:`book.open_book`) and run the months (:func:`lifecycle.run_months`).
3. Fix the events-per-volume rate: ``(--events - milestone events) / total volume``, or
   ``EVENTS_PER_ENGAGED_USER_MONTH`` when ``--events`` is not given.
4. For each block of accounts build users, events, tickets, surveys, payments, touchpoints, CSM
   sentiment and MRR, and hand the Arrow tables to a background Parquet writer.
5. Write the accounts table and ``manifest.json``, then move the files into place.

Blocks are sized so that one holds about ``BLOCK_ROWS`` events and users, which bounds memory
whatever the total; the size depends only on the arguments, so the output is reproducible.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa

from cs_architect import __version__
from cs_architect.demo import assumptions as A
from cs_architect.demo import tables as T
from cs_architect.demo.blocks import build_block
from cs_architect.demo.book import NEVER, Book, open_book
from cs_architect.demo.calendar import Window
from cs_architect.demo.calibration import calibrate
from cs_architect.demo.company import company_profile
from cs_architect.demo.events import block_events, expected_milestone_events
from cs_architect.demo.lifecycle import run_months
from cs_architect.demo.mess import Mess
from cs_architect.demo.parquet import ParquetSink
from cs_architect.demo.payments import block_payments
from cs_architect.demo.streams import stream
from cs_architect.demo.surveys import block_surveys, segment_levels
from cs_architect.demo.tickets import block_tickets
from cs_architect.demo.touchpoints import block_ratings, block_touchpoints
from cs_architect.errors import InputError, OutputError
from cs_architect.inputs.project import Project
from cs_architect.issues import Issue
from cs_architect.spec.sources import CONTRACT

GENERATOR = "cs-architect demo-data"
GENERATOR_VERSION = 1  # bump when the same arguments would give different data
TABLES: tuple[str, ...] = tuple(CONTRACT)
BLOCK_ROWS = 1_000_000
MIN_BLOCK, MAX_BLOCK = 64, 8192

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class DemoOptions:
    """What to generate. ``events`` is a target total (about: Poisson noise, and never fewer
    than the value-event milestones themselves); None derives the volume from the usage model
    (``EVENTS_PER_ENGAGED_USER_MONTH`` per active user-month); 0 writes no events table.
    ``tables`` chooses what to write; accounts (the contract's one required table) always is.
    ``truth`` also writes ``truth/latent_health.parquet``, the hidden health per account-month."""

    end: date
    accounts: int = 500
    months: int = 24
    seed: int = 1
    events: int | None = None
    mess: bool = True
    tables: tuple[str, ...] = TABLES
    truth: bool = False

    def __post_init__(self) -> None:
        unknown = sorted(set(self.tables) - set(TABLES))
        if unknown:
            raise OutputError(
                f"unknown table(s): {', '.join(unknown)}", [Issue("error", f"use some of: {', '.join(TABLES)}")]
            )
        if self.accounts < 1 or self.months < 1:
            raise OutputError("--accounts and --months must be at least 1")
        check_window(self.end, self.months)


FIRST_YEAR, LAST_YEAR = 1971, 2999


def check_window(end: date, months: int) -> None:
    """Refuse generation dates the demo cannot represent: ``end`` in years
    ``FIRST_YEAR``..``LAST_YEAR``, and the ``months`` of history before it starting no earlier
    than January 1970 (times are seconds since 1970-01-01; contract terms run years past ``end``)."""
    if not FIRST_YEAR <= end.year <= LAST_YEAR:
        raise InputError(
            f"--end {end.isoformat()} is outside the supported range {FIRST_YEAR}-01-01 to {LAST_YEAR}-12-31",
            [
                Issue(
                    "error",
                    "unsupported generation date",
                    path="--end",
                    hint=f"pass a date in {FIRST_YEAR}..{LAST_YEAR}",
                )
            ],
        )
    first = Window(end, months).first_month
    if first < np.datetime64("1970-01", "M"):
        raise InputError(
            f"--months {months} before --end {end.isoformat()} would start in {first}, before January 1970",
            [
                Issue(
                    "error",
                    "history starts before 1970",
                    path="--months",
                    hint="pass a later --end or fewer --months",
                )
            ],
        )


@dataclass
class DemoResult:
    """Where the files went and the manifest written with them. ``removed``: files of the
    previous demo run there (listed in its manifest) that this run did not write again; ``kept``:
    files named like a contract table that no demo run wrote and this one did not replace."""

    directory: Path
    manifest: dict[str, object] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)

    @property
    def rows(self) -> dict[str, int]:
        return {k: v["rows"] for k, v in self.manifest["tables"].items()}  # type: ignore[attr-defined]


def simulate(project: Project, options: DemoOptions) -> Book:
    """The simulated book (accounts, monthly state, event rate) without writing anything.

    Tests and notebooks use it to see the latent health behind the generated tables.
    """
    profile = company_profile(project)
    calibration = calibrate(profile.segments, profile.renewal_uplift_pct)
    window = Window(options.end, options.months)
    book = open_book(profile, calibration, window, options.accounts, options.seed)
    run_months(book, options.seed)
    volume = float(book.volume.sum(dtype=np.float64))
    if options.events is None:
        book.event_rate = float(A.EVENTS_PER_ENGAGED_USER_MONTH)
    elif options.events == 0:
        book.event_rate = 0.0
    else:
        counts = [a.milestone_count for a in profile.activities]
        bursts = expected_milestone_events(book.adopt_s, book.churn_s, window.end_s, counts)
        book.event_rate = max(options.events - bursts, 0) / volume if volume > 0 else 0.0
    return book


def block_size(book: Book) -> int:
    """Accounts per block: about ``BLOCK_ROWS`` expected event and user rows, a power of two in
    [64, 8192] (users count too: a block of large accounts holds many users even when events are
    few)."""
    events = book.event_rate * float(book.volume.sum(dtype=np.float64))
    users = float(book.users_hi[:, -1].sum(dtype=np.float64)) if book.months else 0.0
    per_account = (events + users) / max(book.n, 1)
    size = BLOCK_ROWS / max(per_account, 1.0)
    return int(np.clip(2 ** int(np.floor(np.log2(max(size, 1.0)))), MIN_BLOCK, MAX_BLOCK))


def _median_users(book: Book) -> float:
    cap = np.where(book.plans.seat_priced[book.plan], book.seats0, book.user_cap)
    return float(max(np.median(cap), 1.0))


def _write_blocks(
    book: Book, options: DemoOptions, sink: ParquetSink, truth: ParquetSink | None, progress: Progress | None
) -> None:
    wanted = set(options.tables)
    seed = options.seed
    size = block_size(book)
    levels = segment_levels(book)
    median_users = _median_users(book)
    late: dict[str, list[pa.Table]] = {"events": [], "tickets": []}
    starts = list(range(0, book.n, size))
    for index, start in enumerate(starts):
        block = build_block(book, index, start, min(start + size, book.n), seed)
        needs_uids = wanted & {"users", "events", "surveys"}
        uids = T.user_ids(block) if needs_uids else None

        def mess(table: str, block_index: int = index) -> Mess:
            return Mess.for_table(options.mess, seed, table, block_index)

        if "users" in wanted:
            sink.write("users", T.users_table(block, mess("users")))
        if "events" in wanted and options.events != 0:
            ev = block_events(block, stream(seed, "events", index))
            on_time, late_rows = T.events_table(block, ev, uids, mess("events"))
            sink.write("events", on_time)
            late["events"].append(late_rows)
            del ev
        if "tickets" in wanted:
            on_time, late_rows = T.tickets_table(
                block, block_tickets(block, stream(seed, "tickets", index), median_users), mess("tickets")
            )
            sink.write("tickets", on_time)
            late["tickets"].append(late_rows)
        if "surveys" in wanted and book.profile.nps_program:
            r = block_surveys(block, stream(seed, "surveys", index), levels)
            sink.write("surveys", T.surveys_table(block, r, uids, mess("surveys")))
        if "payments" in wanted:
            sink.write(
                "payments",
                T.payments_table(block, block_payments(block, stream(seed, "payments", index)), mess("payments")),
            )
        if "touchpoints" in wanted:
            tp = block_touchpoints(block, stream(seed, "touchpoints", index))
            sink.write("touchpoints", T.touchpoints_table(block, tp, mess("touchpoints")))
        if "sentiment" in wanted:
            sink.write("sentiment", T.sentiment_table(block, block_ratings(block, stream(seed, "sentiment", index))))
        if "mrr" in wanted:
            sink.write("mrr", T.mrr_table(block))
        if truth is not None:
            truth.write("latent_health", T.truth_table(block))
        if progress:
            progress(index + 1, len(starts))
    for name, parts in late.items():
        if name in wanted and parts:
            sink.write(name, pa.concat_tables(parts))


def _manifest(book: Book, options: DemoOptions, project: Project, rows: dict[str, int]) -> dict[str, object]:
    profile = book.profile
    written = {
        name: {"file": f"{name}.parquet", "rows": rows[name]} for name in TABLES if name in rows and rows[name] > 0
    }
    skipped = sorted(set(TABLES) - set(written))
    return {
        "generator": GENERATOR,
        "generator_version": GENERATOR_VERSION,
        "package_version": __version__,
        "company": project.brief.company,
        "seed": options.seed,
        "accounts": options.accounts,
        "months": options.months,
        "start": str(book.window.first_month.astype("datetime64[D]")),
        "end": options.end.isoformat(),
        "as_of": options.end.isoformat(),
        "events_target": options.events,
        "event_rate_per_volume": round(book.event_rate, 6),
        "mess": options.mess,
        "timestamps": "naive UTC, microseconds; every event before 'end' (exclusive)",
        "tables": written,
        "not_written": skipped,
        "truth": "truth/latent_health.parquet" if options.truth else None,
        "churned_accounts": int((book.churn_s < NEVER).sum()),
        "involuntary_churn": int((book.churn_kind == 2).sum()),
        "segments": [s.id for s in profile.segments],
        "plans": [p.id for p in profile.plans if p.id],
        "events": profile.events,
        "calibration": book.calibration.to_dict([s.id for s in profile.segments]),
        "assumptions": A.all_assumptions(),
    }


def _prepare(directory: Path, force: bool) -> list[Path]:
    """Files to remove from ``directory`` before the new files move in: those the previous
    `csa demo-data` run there lists in its manifest.json (its ``<table>.parquet`` files, its
    ``truth/`` folder and the manifest), so that no table of an earlier run is left beside the
    new ones. A file no manifest lists is never removed; one named like a table this run writes
    is replaced by it. Refuses a non-empty folder that demo-data did not write unless ``force``."""
    if not directory.exists():
        return []
    if not directory.is_dir():
        raise OutputError(f"{directory} is not a folder")
    manifest = directory / "manifest.json"
    entries = [p for p in directory.iterdir() if not p.name.startswith(".")]
    if not entries:
        return []
    try:
        old = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        old = None
    ours = isinstance(old, dict) and old.get("generator") == GENERATOR
    if not ours and not force:
        raise OutputError(
            f"{directory} is not empty and was not written by `csa demo-data`; nothing was written",
            [Issue("error", "choose an empty or new folder, or pass --force", file=str(directory))],
        )
    if not isinstance(old, dict) or not ours:
        return []
    # Only names demo-data itself writes: a manifest edited to list other files removes nothing else.
    ours_names = {f"{name}.parquet" for name in TABLES}
    tables = old.get("tables")
    listed = [t.get("file") for t in tables.values() if isinstance(t, dict)] if isinstance(tables, dict) else []
    owned = [directory / f for f in listed if isinstance(f, str) and f in ours_names]
    if old.get("truth") == "truth/latent_health.parquet":
        owned.append(directory / "truth" / "latent_health.parquet")
    return sorted({*owned, manifest})


def generate(
    project: Project,
    directory: Path,
    options: DemoOptions,
    progress: Progress | None = None,
    force: bool = False,
) -> DemoResult:
    """Write the demo company's tables as ``<table>.parquet`` plus ``manifest.json`` into
    ``directory`` (created if needed). A previous demo run there is replaced (the files its
    manifest lists); a folder with other content is refused unless ``force``, and even then only
    the files this run writes are replaced: nothing else is removed. Files appear only once every
    table is complete."""
    directory = Path(directory)
    stale = _prepare(directory, force)
    book = simulate(project, options)
    try:
        directory.parent.mkdir(parents=True, exist_ok=True)
        # A fresh, unique folder beside the target (same file system, so files move by rename):
        # never a fixed name that could be someone's folder.
        staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}.demo-", dir=directory.parent))
        try:
            manifest = _write_all(book, options, project, staging, progress)
            directory.mkdir(parents=True, exist_ok=True)
            written = sorted(p.relative_to(staging) for p in staging.rglob("*") if p.is_file())
            for rel in written:
                (directory / rel).parent.mkdir(parents=True, exist_ok=True)
                (staging / rel).replace(directory / rel)
            removed = [p for p in stale if p.relative_to(directory) not in written and p.is_file()]
            for path in removed:
                path.unlink()
            truth_dir = directory / "truth"
            if truth_dir / "latent_health.parquet" in removed and not any(truth_dir.iterdir()):
                truth_dir.rmdir()  # the folder an earlier run made, now empty
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    except OSError as exc:
        raise OutputError(
            f"cannot write {directory}: {exc.strerror or exc}",
            [Issue("error", str(exc), file=str(exc.filename or directory))],
        ) from exc
    kept = sorted(
        p.name
        for p in directory.iterdir()
        if p.suffix == ".parquet" and p.stem in TABLES and Path(p.name) not in written
    )
    return DemoResult(directory, manifest, [str(p.relative_to(directory)) for p in removed], kept)


def _write_all(
    book: Book, options: DemoOptions, project: Project, staging: Path, progress: Progress | None
) -> dict[str, object]:
    """Every table and the manifest into ``staging``; returns the manifest."""
    sink = ParquetSink(staging)
    truth = None
    if options.truth:
        (staging / "truth").mkdir()
        truth = ParquetSink(staging / "truth")
    try:
        _write_blocks(book, options, sink, truth, progress)
        sink.write("accounts", T.accounts_table(book))
    finally:
        rows = sink.close()
        if truth is not None:
            truth.close()
    manifest = _manifest(book, options, project, rows)
    text = json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    (staging / "manifest.json").write_text(text, encoding="utf-8")
    return manifest
