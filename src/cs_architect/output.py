"""Writing an output folder safely.

- A folder csa did not create is never overwritten without ``force`` (csa marks its folders with
  ``.csa-output``, which lists the files it wrote).
- Files are written to temporary names in the same folder and moved into place with ``os.replace``,
  after all of them were written; files csa wrote last time and does not write now are removed.
  Nothing else in the folder is touched.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from cs_architect.errors import OutputError
from cs_architect.issues import Issue

MARKER = ".csa-output"


def owned_files(out: Path) -> list[str] | None:
    """Files listed in the marker, or None when the folder is not csa's."""
    marker = out / MARKER
    if not marker.exists():
        return None
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
        return [str(f) for f in data.get("files", [])]
    except (json.JSONDecodeError, AttributeError):
        return []


def check_writable(out: Path, *, force: bool) -> None:
    if out.exists() and not out.is_dir():
        raise OutputError(
            f"{out} exists and is not a folder",
            [Issue("error", "output path is a file", file=str(out), hint="choose another -o path")],
        )
    if out.is_dir() and any(out.iterdir()) and owned_files(out) is None and not force:
        raise OutputError(
            f"{out} already exists and was not created by csa; nothing was written",
            [
                Issue(
                    "error",
                    "refusing to write into a folder csa did not create",
                    file=str(out),
                    hint="choose an empty or new folder, or pass --force to write into it anyway",
                )
            ],
        )


def write_files(out: Path, files: dict[str, str], *, force: bool = False) -> list[Path]:
    """Write ``files`` (name -> text) into ``out`` all-or-nothing; return the paths written."""
    check_writable(out, force=force)
    out.mkdir(parents=True, exist_ok=True)
    previous = owned_files(out) or []
    staged: list[tuple[str, str]] = []
    try:
        for name, text in files.items():
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=out)
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
            staged.append((tmp, name))
        marker_text = json.dumps({"generator": "cs-architect", "files": sorted(files)}, indent=2) + "\n"
        fd, tmp = tempfile.mkstemp(prefix=f"{MARKER}.", suffix=".tmp", dir=out)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(marker_text)
        staged.append((tmp, MARKER))
    except OSError as exc:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
        raise OutputError(
            f"cannot write to {out}: {exc.strerror}",
            [Issue("error", str(exc), file=str(out), hint="check permissions and free space")],
        ) from None
    for tmp, name in staged:
        os.replace(tmp, out / name)
    for stale in sorted(set(previous) - set(files)):
        if "/" not in stale and stale != MARKER:
            (out / stale).unlink(missing_ok=True)
    return [out / name for name in files]
