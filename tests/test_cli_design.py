"""The design commands as a user runs them: exit codes, messages, nothing half-written."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES

CSA = [sys.executable, "-m", "cs_architect"]


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CSA, *map(str, args)], capture_output=True, text=True, cwd=cwd)


def test_design_writes_every_output(tmp_path: Path) -> None:
    out = tmp_path / "out"
    r = run("design", EXAMPLES / "shiftwise", "-o", out)
    assert r.returncode == 0, r.stderr
    names = {p.name for p in out.iterdir()}
    assert {
        "playbook.md",
        "playbook.html",
        "playbook.json",
        "health_model.yaml",
        "operations.yaml",
        "onboarding_flow.mmd",
    } <= names
    assert json.loads((out / "playbook.json").read_text())["status"] == "ready"
    assert "playbook.html" in r.stdout


def test_refused_when_handoff_missing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    r = run("design", EXAMPLES / "brightdesk", "-o", out)
    assert r.returncode == 3
    assert "Traceback" not in r.stderr
    assert "handoff.success_criteria" in r.stderr and "handoff.contract_terms" in r.stderr
    assert not out.exists()


def test_ignore_gates_says_so_on_page_one(tmp_path: Path) -> None:
    out = tmp_path / "out"
    r = run("design", EXAMPLES / "brightdesk", "-o", out, "--ignore-gates")
    assert r.returncode == 0, r.stderr
    head = (out / "playbook.md").read_text().split("## At a glance")[0]
    assert "--ignore-gates" in head and "handoff" in head


def test_pre_revenue_is_queued(tmp_path: Path) -> None:
    out = tmp_path / "out"
    r = run("design", EXAMPLES / "tallyhive", "-o", out)
    assert r.returncode == 0, r.stderr
    data = json.loads((out / "playbook.json").read_text())
    assert data["status"] == "queued" and data["queued"]["trigger_customers"] == 5
    assert not (out / "health_model.yaml").exists()


def test_invalid_input_exit_2_nothing_written(tmp_path: Path) -> None:
    src = tmp_path / "in"
    shutil.copytree(EXAMPLES / "shiftwise", src)
    (src / "brief.yaml").write_text((src / "brief.yaml").read_text().replace("stage: revenue", "stage: growth"))
    out = tmp_path / "out"
    r = run("design", src, "-o", out)
    assert r.returncode == 2
    assert "brief.yaml:" in r.stderr and "stage" in r.stderr and "Traceback" not in r.stderr
    assert not out.exists()


def test_foreign_output_folder_needs_force(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.docx").write_text("precious")
    r = run("design", EXAMPLES / "shiftwise", "-o", out)
    assert r.returncode == 2 and "--force" in r.stderr
    assert [p.name for p in out.iterdir()] == ["thesis.docx"]


def test_render_after_editing_a_weight(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("design", EXAMPLES / "shiftwise", "-o", out).returncode == 0
    hm = out / "health_model.yaml"
    text = hm.read_text()
    assert "weight: 40" in text and "weight: 5\n" in text
    hm.write_text(text.replace("weight: 40", "weight: 35", 1).replace("weight: 5\n", "weight: 10\n", 1))
    r = run("render", out)
    assert r.returncode == 0, r.stderr
    data = json.loads((out / "playbook.json").read_text())
    weights = {c["id"]: c["weight"] for c in data["health"]["model"]["categories"]}
    assert weights["usage"] == 35 and weights["engagement"] == 10
    md = (out / "playbook.md").read_text()
    usage_row = next(line for line in md.splitlines() if line.startswith("| Usage | 35%"))
    assert "health\\_model.yaml" in usage_row  # the edited weight is based on the edit
    assert "Engagement | 10%" in md


def test_render_rejects_weights_not_summing_to_100(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("design", EXAMPLES / "shiftwise", "-o", out).returncode == 0
    hm = out / "health_model.yaml"
    hm.write_text(hm.read_text().replace("weight: 40", "weight: 45", 1))
    before = (out / "playbook.md").read_text()
    r = run("render", out)
    assert r.returncode == 2
    assert "health_model.yaml" in r.stderr and "sum to 100" in r.stderr and "105" in r.stderr
    assert (out / "playbook.md").read_text() == before


def test_init_then_design(tmp_path: Path) -> None:
    d = tmp_path / "co"
    assert run("init", d).returncode == 0
    assert run("validate", d).returncode == 0
    assert run("design", d, "-o", d / "out").returncode == 0
    assert run("init", d).returncode == 2


def test_validate_reports_refusal(tmp_path: Path) -> None:
    r = run("validate", EXAMPLES / "brightdesk")
    assert r.returncode == 3 and "would refuse" in r.stderr


def test_schema_writes_all(tmp_path: Path) -> None:
    r = run("schema", "-o", tmp_path)
    assert r.returncode == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(
        [
            "brief.schema.json",
            "personas.schema.json",
            "sales_process.schema.json",
            "pricing.schema.json",
            "health_model.schema.json",
            "operations.schema.json",
            "playbook.schema.json",
        ]
    )


@pytest.mark.parametrize("cmd", ["init", "validate", "schema", "design", "render"])
def test_every_command_has_help_with_example(cmd: str) -> None:
    r = run(cmd, "--help")
    assert r.returncode == 0 and "Example" in r.stdout


def test_redesign_does_not_discard_spec_edits(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("design", EXAMPLES / "shiftwise", "-o", out).returncode == 0
    hm = out / "health_model.yaml"
    hm.write_text(hm.read_text().replace("weight: 40", "weight: 35", 1).replace("weight: 5\n", "weight: 10\n", 1))
    edited = hm.read_text()
    r = run("design", EXAMPLES / "shiftwise", "-o", out)
    assert r.returncode == 2 and "csa render" in r.stderr and "health_model.yaml" in r.stderr
    assert hm.read_text() == edited
    assert run("render", out).returncode == 0  # render keeps the edits and records them
    assert run("design", EXAMPLES / "shiftwise", "-o", out, "--force").returncode == 0
    assert hm.read_text() != edited


def test_yes_is_not_a_boolean(tmp_path: Path) -> None:
    src = tmp_path / "in"
    shutil.copytree(EXAMPLES / "shiftwise", src)
    sp = src / "sales_process.yaml"
    sp.write_text(sp.read_text().replace("complete: true", "complete: yes"))
    r = run("validate", src)
    assert r.returncode == 2 and "complete" in r.stderr and "true or false" in r.stderr


def test_render_keeps_the_users_spec_text(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("design", EXAMPLES / "shiftwise", "-o", out).returncode == 0
    hm = out / "health_model.yaml"
    edited = (
        hm.read_text()
        .replace("weight: 40", "weight: 35  # usage matters less for us", 1)
        .replace("weight: 5\n", "weight: 10\n", 1)
    )
    hm.write_text(edited)
    assert run("render", out).returncode == 0
    assert hm.read_text() == edited  # comments and layout survive
    assert (out / "operations.yaml").exists()
