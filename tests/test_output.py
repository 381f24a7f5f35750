"""The output writer: never overwrites a folder csa did not create, replaces its own files, removes stale ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from cs_architect.errors import OutputError
from cs_architect.output import MARKER, write_files


def test_writes_into_new_folder_with_marker(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_files(out, {"a.md": "A\n", "b.json": "{}\n"})
    assert (out / "a.md").read_text() == "A\n"
    assert MARKER in {p.name for p in out.iterdir()}
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_refuses_foreign_folder_without_force(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("my notes")
    with pytest.raises(OutputError) as exc:
        write_files(out, {"a.md": "A"})
    assert "--force" in str(exc.value)
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    write_files(out, {"a.md": "A"}, force=True)
    assert (out / "notes.txt").read_text() == "my notes"


def test_rewrites_own_folder_and_removes_stale_files_only(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_files(out, {"a.md": "1", "old.svg": "x"})
    (out / "user.txt").write_text("keep")
    write_files(out, {"a.md": "2"})
    assert (out / "a.md").read_text() == "2"
    assert not (out / "old.svg").exists()
    assert (out / "user.txt").read_text() == "keep"


def test_output_path_is_a_file(tmp_path: Path) -> None:
    f = tmp_path / "f"
    f.write_text("x")
    with pytest.raises(OutputError):
        write_files(f, {"a": "b"})


def test_files_get_the_usual_permissions(tmp_path: Path) -> None:
    import os
    import stat

    old = os.umask(0o022)
    try:
        write_files(tmp_path / "out", {"a.md": "x"})
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "out" / "a.md").stat().st_mode) == 0o644


def test_edited_spec_is_not_overwritten_without_force(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_files(out, {"health_model.yaml": "a: 1\n", "playbook.md": "x"}, protect=["health_model.yaml"])
    (out / "health_model.yaml").write_text("a: 2  # my edit\n")
    with pytest.raises(OutputError) as exc:
        write_files(out, {"health_model.yaml": "a: 1\n", "playbook.md": "y"}, protect=["health_model.yaml"])
    assert "csa render" in str(exc.value)
    assert (out / "health_model.yaml").read_text() == "a: 2  # my edit\n"
    assert (out / "playbook.md").read_text() == "x"
    write_files(out, {"health_model.yaml": "a: 1\n", "playbook.md": "y"}, protect=["health_model.yaml"], force=True)
    assert (out / "health_model.yaml").read_text() == "a: 1\n"
