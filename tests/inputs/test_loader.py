"""Loading inputs: located errors (file, line, field path, hint), combined files, cross-file rules."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cs_architect.errors import InputError
from cs_architect.inputs import load_project
from tests.conftest import EXAMPLES


@pytest.fixture
def shiftwise(tmp_path: Path) -> Path:
    dst = tmp_path / "in"
    shutil.copytree(EXAMPLES / "shiftwise", dst)
    return dst


def _errors(path: Path) -> list[str]:
    with pytest.raises(InputError) as exc:
        load_project(path)
    return [str(i) for i in exc.value.issues]


def test_example_loads(shiftwise: Path) -> None:
    project = load_project(shiftwise)
    assert project.brief.company == "Shiftwise"
    assert [s.id for s in project.personas.segments] == ["growth", "regional"]
    assert project.pricing is not None and project.pricing.pricing_metric == "seat"


def test_wrong_enum_names_file_line_field_and_allowed_values(shiftwise: Path) -> None:
    brief = shiftwise / "brief.yaml"
    brief.write_text(brief.read_text().replace("sales_motion: hybrid", "sales_motion: partner-led"))
    (issue,) = _errors(shiftwise)
    line = next(i for i, t in enumerate(brief.read_text().splitlines(), 1) if t.startswith("sales_motion"))
    assert issue.startswith(f"brief.yaml:{line}: error: sales_motion:")
    assert "'product-led'" in issue and "partner-led" in issue


def test_unknown_field_is_rejected_with_hint(shiftwise: Path) -> None:
    p = shiftwise / "personas.yaml"
    p.write_text(p.read_text().replace("    expected_accounts: 110\n", "    expected_accounts: 110\n    acv_max: 3\n"))
    (issue,) = _errors(shiftwise)
    assert "segments[0].acv_max" in issue and "remove it" in issue


def test_missing_required_file(shiftwise: Path) -> None:
    (shiftwise / "personas.yaml").unlink()
    (issue,) = _errors(shiftwise)
    assert "personas.yaml is missing" in issue


def test_yaml_syntax_error_names_line(shiftwise: Path) -> None:
    (shiftwise / "sales_process.yaml").write_text("owner: x\nstages: [a, b\ncomplete: true\n")
    (issue,) = _errors(shiftwise)
    assert issue.startswith("sales_process.yaml:") and "indentation" in issue


def test_persona_naming_unknown_segment(shiftwise: Path) -> None:
    p = shiftwise / "personas.yaml"
    p.write_text(p.read_text().replace("segments: [growth]", "segments: [smb]"))
    (issue,) = _errors(shiftwise)
    assert "personas[0].segments[0]" in issue and "'smb'" in issue and "growth, regional" in issue
    assert issue.startswith("personas.yaml:")


def test_plan_price_outside_segment_acv(shiftwise: Path) -> None:
    p = shiftwise / "pricing.yaml"
    p.write_text(p.read_text().replace("    price: 180\n", "    price: 1800\n"))
    (issue,) = _errors(shiftwise)
    assert "plans[1].price" in issue and "450,000" in issue and "regional" in issue


def test_yes_no_values_stay_strings(shiftwise: Path) -> None:
    b = shiftwise / "brief.yaml"
    b.write_text(b.read_text().replace("company: Shiftwise", "company: NO"))
    assert load_project(shiftwise).brief.company == "NO"


def test_combined_file(shiftwise: Path, tmp_path: Path) -> None:
    parts = []
    for key, name in (
        ("brief", "brief"),
        ("personas", "personas"),
        ("sales_process", "sales_process"),
        ("pricing", "pricing"),
    ):
        body = (shiftwise / f"{name}.yaml").read_text()
        parts.append(f"{key}:\n" + "".join(f"  {line}\n" if line else "\n" for line in body.splitlines()))
    combined = tmp_path / "company.yaml"
    combined.write_text("".join(parts))
    project = load_project(combined)
    assert project.brief.company == "Shiftwise"
    combined.write_text(combined.read_text().replace("sales_motion: hybrid", "sales_motion: nope"))
    (issue,) = _errors(combined)
    assert issue.startswith("company.yaml:") and "brief.sales_motion" not in issue and "sales_motion" in issue


def test_duplicate_yaml_key(shiftwise: Path) -> None:
    b = shiftwise / "brief.yaml"
    b.write_text(b.read_text() + "company: Again\n")
    (issue,) = _errors(shiftwise)
    assert "appears twice" in issue
