"""Arrow schemas from the data contract, and a deterministic, streaming Parquet writer.

Files are byte-identical for the same rows: fixed compression, fixed row-group size, no write
time in the metadata, and no Arrow schema blob (``store_schema=False``), so every reader sees the
contract's plain types (string, timestamp[us], date32, float64, int64, bool) even where a column
is dictionary-encoded in memory. Writing runs on one background thread, in submission order,
while the next block is generated; the queue is bounded to keep memory flat.
"""

from __future__ import annotations

import queue
import threading
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from numpy.typing import NDArray

from cs_architect.spec.sources import CONTRACT

ROW_GROUP_ROWS = 1 << 20
COMPRESSION = "zstd"
COMPRESSION_LEVEL = 1
_TYPES = {
    "str": pa.string(),
    "timestamp": pa.timestamp("us"),
    "date": pa.date32(),
    "float": pa.float64(),
    "int": pa.int64(),
    "bool": pa.bool_(),
}


def contract_schema(table: str) -> pa.Schema:
    """The Arrow schema of a contract table (column order as in the contract)."""
    return pa.schema([pa.field(name, _TYPES[kind]) for name, (kind, _) in CONTRACT[table].items()])


def timestamps(seconds: NDArray[np.int64], missing: NDArray[np.bool_] | None = None) -> pa.Array:
    """Seconds since epoch -> timestamp[us] (naive UTC), with nulls where ``missing``."""
    micros = np.asarray(seconds, dtype=np.int64) * 1_000_000
    return pa.array(micros, type=pa.timestamp("us"), mask=missing)


def dates(days: NDArray[np.int64], missing: NDArray[np.bool_] | None = None) -> pa.Array:
    return pa.array(np.asarray(days, dtype=np.int32), type=pa.date32(), mask=missing)


def floats(values: NDArray[np.floating], missing: NDArray[np.bool_] | None = None) -> pa.Array:
    values = np.asarray(values, dtype=np.float64)
    mask = np.isnan(values) if missing is None else (missing | np.isnan(values))
    return pa.array(values, type=pa.float64(), mask=mask if mask.any() else None)


def coded(
    codes: NDArray[np.integer], labels: list[str] | tuple[str, ...] | pa.Array, missing: NDArray[np.bool_] | None = None
) -> pa.DictionaryArray:
    """Strings as dictionary codes into ``labels`` (written as a plain string column)."""
    dictionary = labels if isinstance(labels, pa.Array) else pa.array(list(labels), type=pa.string())
    indices = pa.array(np.asarray(codes, dtype=np.int32), type=pa.int32(), mask=missing)
    return pa.DictionaryArray.from_arrays(indices, dictionary)


class ParquetSink:
    """One Parquet file per table under ``root``, appended to block by block (a table that
    never gets a row gets no file).

    ``write(name, table)`` queues a table for the background thread; ``close()`` waits for
    every queued write, closes the files and re-raises the first error the thread met.
    """

    def __init__(self, root: Path, depth: int = 3) -> None:
        self.root = root
        self.writers: dict[str, pq.ParquetWriter] = {}
        self.rows: dict[str, int] = {}
        self._queue: queue.Queue[tuple[str, pa.Table] | None] = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="csa-demo-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            if self._error is not None:
                continue
            name, table = item
            try:
                self._write(name, table)
            except BaseException as exc:  # surfaced by close()
                self._error = exc

    def _write(self, name: str, table: pa.Table) -> None:
        self.rows[name] = self.rows.get(name, 0) + table.num_rows
        if not table.num_rows:
            return  # a table without rows gets no file (as a company without that export)
        writer = self.writers.get(name)
        if writer is None:
            writer = pq.ParquetWriter(
                self.root / f"{name}.parquet",
                table.schema,
                compression=COMPRESSION,
                compression_level=COMPRESSION_LEVEL,
                store_schema=False,
                write_statistics=True,
            )
            self.writers[name] = writer
        writer.write_table(table, row_group_size=ROW_GROUP_ROWS)

    def write(self, name: str, table: pa.Table) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put((name, table))

    def close(self) -> dict[str, int]:
        self._queue.put(None)
        self._thread.join()
        for writer in self.writers.values():
            writer.close()
        if self._error is not None:
            raise self._error
        return dict(self.rows)
