"""The engine commands through the real entry point: output, exit codes, clean errors."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from cs_architect.cli import main
from tests.engine.conftest import COMPANY, full_model, write_model
from tests.engine.test_contract import write


def csa(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    """Run `csa ARGS`; return (exit code, stdout, stderr)."""
    try:
        main([str(a) for a in args])
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory, company_parquet: Path) -> Path:
    folder = write_model(tmp_path_factory.mktemp("bundle"), full_model())
    main(["score", str(folder), "--data", str(company_parquet), "--as-of", "2024-06-30", "--quiet"])
    return folder


def test_check_data(capsys: pytest.CaptureFixture[str], out: Path, company_parquet: Path) -> None:
    code, text, _ = csa(capsys, "check-data", out, "--data", COMPANY, "--as-of", "2024-06-30")
    assert code == 0 and "the data can be scored" in text and "events.csv" in text
    code, text, _ = csa(
        capsys, "check-data", out, "--data", company_parquet, "--as-of", "2024-06-30", "--format", "json"
    )
    assert json.loads(text)["ok"] is True


def test_check_data_json_when_a_file_cannot_be_read(
    capsys: pytest.CaptureFixture[str], out: Path, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "accounts.csv").write_bytes(b"PAR1\x15\x04\x15\x00" + bytes(range(256)) * 8)
    write(data, "events.csv", "account_id,ts,event\na1,2024-06-01,x")
    code, text, err = csa(capsys, "check-data", out, "--data", data, "--as-of", "2024-06-30", "--format", "json")
    assert code == 2 and "cannot read accounts.csv" in err
    report = json.loads(text)
    assert report["ok"] is False and report["as_of"] == "2024-06-30" and report["tables"] == []
    assert "cannot read accounts.csv" in report["error"]
    assert report["issues"][0]["level"] == "error" and report["issues"][0]["file"] == "accounts.csv"
    # a check that cannot start at all (no data source given) is a document too
    code, text, _ = csa(capsys, "check-data", out, "--format", "json")
    assert code == 2 and json.loads(text)["ok"] is False
    code, text, _ = csa(capsys, "check-data", out, "--data", data, "--as-of", "2024-06-30")
    assert code == 2 and text == ""  # text mode: the message is on stderr only
    code, text, _ = csa(capsys, "check-data", out, "--db", "postgresql://nobody@127.0.0.1:1/none", "--format", "json")
    assert code == 4 and json.loads(text)["ok"] is False  # unreachable database: exit 4, still a document


def test_score_prints_a_summary_and_progress(
    capsys: pytest.CaptureFixture[str], out: Path, company_parquet: Path
) -> None:
    code, text, err = csa(capsys, "score", out, "--data", company_parquet, "--as-of", "2024-06-30")
    assert code == 0
    assert "3 accounts scored as of 2024-06-30" in text and "Worst 3 accounts" in text
    assert "computing 21 signals" in err


def test_scores_table_account_and_exports(capsys: pytest.CaptureFixture[str], out: Path, tmp_path: Path) -> None:
    code, text, _ = csa(capsys, "scores", out)
    assert code == 0 and "Scores as of 2024-06-30" in text and "Acme Ltd (acme)" in text
    code, text, _ = csa(capsys, "scores", out, "--account", "acme")
    assert code == 0 and "Top detractors" in text
    code, text, _ = csa(capsys, "scores", out, "--format", "csv")
    assert text.splitlines()[0].startswith("as_of,account_id,name") and len(text.splitlines()) == 4
    code, text, _ = csa(capsys, "scores", out, "--account", "beta", "--format", "json")
    assert json.loads(text)["account"]["account_id"] == "beta"
    code, text, _ = csa(capsys, "scores", out, "--format", "parquet", "-o", tmp_path / "s.parquet")
    assert code == 0 and pq.read_table(tmp_path / "s.parquet").num_rows == 3
    code, _, err = csa(capsys, "scores", out, "--format", "parquet")
    assert code == 2 and "needs -o" in err
    code, _, err = csa(capsys, "scores", out, "--account", "nobody")
    assert code == 2 and "'nobody' is not in the snapshot" in err
    code, _, err = csa(capsys, "scores", out, "--as-of", "2020-01-01")
    assert code == 2 and "no snapshot for 2020-01-01" in err


def test_scores_dash_is_standard_output(
    capsys: pytest.CaptureFixture[str], out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, text, _ = csa(capsys, "scores", out, "--format", "json", "-o", "-")
    assert code == 0 and len(json.loads(text)) == 3
    code, text, _ = csa(capsys, "scores", out, "--format", "csv", "-o", "-")
    assert code == 0 and text.startswith("as_of,account_id")
    assert not (tmp_path / "-").exists()
    code, _, err = csa(capsys, "scores", out, "--format", "parquet", "-o", "-")
    assert code == 2 and "binary" in err and "-o scores.parquet" in err
    code, text, _ = csa(capsys, "scores", out, "--format", "csv", "-o", "./-")  # a file named '-', on purpose
    assert code == 0 and (tmp_path / "-").read_text().startswith("as_of,account_id")


def test_scores_output_through_a_symlink(capsys: pytest.CaptureFixture[str], out: Path, tmp_path: Path) -> None:
    target = tmp_path / "exports" / "scores.csv"
    target.parent.mkdir()
    target.write_text("old")
    target.chmod(0o640)
    (tmp_path / "latest.csv").symlink_to(target)
    code, text, _ = csa(capsys, "scores", out, "--format", "csv", "-o", tmp_path / "latest.csv")
    assert code == 0 and f"-> {target}" in text
    assert (tmp_path / "latest.csv").is_symlink() and target.read_text().startswith("as_of,")
    assert target.stat().st_mode & 0o777 == 0o640


def test_explain_prints_the_sql(capsys: pytest.CaptureFixture[str], out: Path, company_parquet: Path) -> None:
    code, text, _ = csa(capsys, "scores", out, "--explain")
    assert code == 0 and "SELECT" in text and "FILTER" in text and "GROUP BY" in text
    code, text, _ = csa(capsys, "scores", out, "--explain", "--data", company_parquet, "--as-of", "2024-06-30")
    assert code == 0 and 'FROM "src_events"' in text
    assert f"--   src_events: events.parquet in {company_parquet}" in text  # what the views read


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"events.csv": "account_id,ts,event\na1,2024-06-01,x"}, "the accounts table is required"),
        ({"accounts.csv": "account_id\na1\na1"}, "appear more than once"),
        ({"accounts.csv": "account_id,created_at\na1,2024-31-01"}, "cannot be read as dates"),
    ],
)
def test_bad_data_exits_2_with_a_clean_message(
    capsys: pytest.CaptureFixture[str], out: Path, tmp_path: Path, files: dict[str, str], message: str
) -> None:
    for name, text in files.items():
        write(tmp_path, name, text)
    for command in (["score", "--quiet"], ["check-data"]):
        code, text, err = csa(capsys, *command, out, "--data", tmp_path, "--as-of", "2024-06-30")
        assert code == 2, (command, text, err)
        assert message in text + err and err.startswith("error:")


def test_bad_model_is_located(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = write_model(tmp_path, full_model())
    text = (folder / "health_model.yaml").read_text()
    (folder / "health_model.yaml").write_text(text.replace("window_days: 30", "window_days: thirty", 1))
    code, _, err = csa(capsys, "score", folder, "--data", COMPANY)
    assert code == 2 and "health_model.yaml:" in err and "window_days" in err
    code, _, err = csa(capsys, "score", tmp_path / "nothing-here", "--data", COMPANY)
    assert code == 2


def test_source_options(capsys: pytest.CaptureFixture[str], out: Path) -> None:
    assert csa(capsys, "score", out)[0] == 2
    assert csa(capsys, "score", out, "--data", COMPANY, "--db", "duckdb://")[0] == 2
    code, _, err = csa(capsys, "score", out, "--db", "postgresql://nobody:pw@127.0.0.1:1/x", "--quiet")
    assert code == 4 and "pw" not in err


def test_commands_are_listed_with_examples(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("check-data", "score", "scores"):
        code, text, _ = csa(capsys, command, "--help")
        assert code == 0 and "Example" in text
