"""Without Graphviz, `csa design` says so and still writes the Mermaid diagram."""

from __future__ import annotations

import pytest

from cs_architect.design.compiler import design
from cs_architect.inputs import load_project
from cs_architect.render import diagram
from cs_architect.render.bundle import render_bundle
from tests.conftest import EXAMPLES


def test_no_dot_means_mmd_and_a_note(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(diagram.shutil, "which", lambda _name: None)
    rendered = render_bundle(design(load_project(EXAMPLES / "shiftwise")))
    assert "onboarding_flow.mmd" in rendered.files
    assert "onboarding_flow.svg" not in rendered.files
    assert any("Graphviz" in n and "onboarding_flow.mmd" in n for n in rendered.notes)
    assert "Graphviz was not installed" in rendered.files["playbook.html"]


def test_user_text_is_escaped_everywhere(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import shutil

    src = tmp_path / "in"
    shutil.copytree(EXAMPLES / "shiftwise", src)
    evil = '<script>alert(1)</script> | **bold** "q" & co'
    brief = src / "brief.yaml"
    brief.write_text(brief.read_text().replace("company: Shiftwise", f"company: '{evil}'"))
    seg = src / "personas.yaml"
    seg.write_text(seg.read_text().replace("name: Regional chains", "name: '<img src=x onerror=alert(2)>'"))
    files = render_bundle(design(load_project(src))).files
    html = files["playbook.html"]
    assert "<script>alert(1)</script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html
    svg = files.get("onboarding_flow.svg", "")
    assert "<script>" not in svg and "<img" not in svg
    assert "<script>" not in files["onboarding_flow.mmd"]
    md = files["playbook.md"]
    assert "\\<script\\>" in md and "\\| \\*\\*bold\\*\\*" in md
