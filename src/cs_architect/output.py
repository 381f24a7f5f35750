"""Writing an output folder safely.

- A folder csa did not create is never overwritten without ``force`` (csa marks its folders with
  ``.csa-output``, which lists the files it wrote and a digest of each).
- Files are written to temporary names in the same folder and moved into place with ``os.replace``,
  after all of them were written; files csa wrote last time and does not write now are removed.
  Nothing else in the folder is touched. Files get the usual permissions (0666 less the umask).
- ``protect`` names files a user is invited to edit (``health_model.yaml``, ``operations.yaml``):
  if one was edited since csa wrote it, writing stops (nothing written) unless ``force``, so
  re-running `csa design` never silently discards a user's edits.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from cs_architect.errors import OutputError
from cs_architect.issues import Issue

MARKER = ".csa-output"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _marker(out: Path) -> dict[str, object] | None:
    marker = out / MARKER
    if not marker.exists():
        return None
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return {}
    return data if isinstance(data, dict) else {}


def owned_files(out: Path) -> list[str] | None:
    """Files listed in the marker, or None when the folder is not csa's."""
    data = _marker(out)
    if data is None:
        return None
    files = data.get("files", [])
    return [str(f) for f in files] if isinstance(files, list) else []


def edited_files(out: Path, names: Iterable[str]) -> list[str]:
    """Those of ``names`` whose content differs from what csa last wrote there."""
    data = _marker(out) or {}
    digests = data.get("digests", {})
    if not isinstance(digests, dict):
        return []
    edited = []
    for name in names:
        path = out / name
        if name in digests and path.exists() and _digest(path.read_text(encoding="utf-8")) != digests[name]:
            edited.append(name)
    return edited


def check_writable(out: Path, *, force: bool, protect: Iterable[str] = ()) -> None:
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
    edited = [] if force or not out.is_dir() else edited_files(out, protect)
    if edited:
        raise OutputError(
            f"{out}: {', '.join(edited)} changed since csa wrote it; nothing was written",
            [
                Issue(
                    "error",
                    "your edits would be overwritten",
                    file=str(out / name),
                    hint=f"run `csa render {out}` to re-render the documents from your edits, or pass --force to "
                    "replace them with a fresh design",
                )
                for name in edited
            ],
        )


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_files(
    out: Path,
    files: dict[str, str],
    *,
    force: bool = False,
    protect: Iterable[str] = (),
    keep: Iterable[str] = (),
) -> list[Path]:
    """Write ``files`` (name -> text) into ``out`` all-or-nothing; return the paths written.

    ``keep`` names files csa wrote before and leaves as they are (e.g. user-edited specs during
    `csa render`): they stay listed as csa's, with the digest csa recorded when it wrote them.
    """
    check_writable(out, force=force, protect=protect)
    out.mkdir(parents=True, exist_ok=True)
    previous = owned_files(out) or []
    old = _marker(out) or {}
    raw = old.get("digests")
    old_digests: dict[str, str] = raw if isinstance(raw, dict) else {}
    kept = {name: old_digests[name] for name in keep if name in previous and name in old_digests}
    mode = 0o666 & ~_umask()
    staged: list[tuple[str, str]] = []
    try:
        digests = {**kept, **{name: _digest(text) for name, text in files.items()}}
        marker = {
            "generator": "cs-architect",
            "files": sorted(digests),
            "digests": dict(sorted(digests.items())),
        }
        for name, text in [*files.items(), (MARKER, json.dumps(marker, indent=2) + "\n")]:
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=out)
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
            os.chmod(tmp, mode)
            staged.append((tmp, name))
    except OSError as exc:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
        raise OutputError(
            f"cannot write to {out}: {exc.strerror}",
            [Issue("error", str(exc), file=str(out), hint="check permissions and free space")],
        ) from None
    for tmp, name in staged:
        os.replace(tmp, out / name)
    for stale in sorted(set(previous) - set(files) - set(kept)):
        if "/" not in stale and stale != MARKER:
            (out / stale).unlink(missing_ok=True)
    return [out / name for name in files]
