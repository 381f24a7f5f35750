"""Terminal tables: user strings stay on one line, columns align by display width."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cs_architect.cli import main
from cs_architect.engine.explain import account_label, fit
from cs_architect.engine.export import to_csv, to_text_table
from cs_architect.engine.summary import AccountLine, _account_rows
from cs_architect.engine.terminal import cut, display_width, pad, printable
from tests.engine.conftest import full_model, write_model


def test_control_characters_are_shown_not_obeyed() -> None:
    assert printable("Line1\nLine2") == "Line1⏎Line2"
    assert printable("a\r\nb\rc") == "a⏎b⏎c"
    assert printable("Tab\there") == "Tab here"
    assert printable("\x1b[31mred\x07") == "\ufffd[31mred\ufffd"  # no escape sequence reaches the terminal
    assert printable("Zoë 東京 😀") == "Zoë 東京 😀"


def test_display_width_counts_terminal_columns() -> None:
    assert display_width("東京ロジスティクス") == 18
    assert display_width("😀") == 2 and display_width("e\u0301") == 1  # combining acute accent
    assert pad("東京", 6) == "東京  " and pad("東京", 6, ">") == "  東京"
    assert cut("東京ロジスティクス株式会社", 9) == "東京ロジ…" and display_width(cut("東京ロジスティクス", 9)) <= 9
    assert fit("Ann\nBrown", 12) == "Ann⏎Brown"


def test_account_label_fits_wide_names_and_keeps_the_id() -> None:
    label = account_label("東京ロジスティクス株式会社", "A000014", 28)
    assert label.endswith(" (A000014)") and display_width(label) <= 28
    assert account_label("Line1\nLine2", "a\n1", 28) == "Line1⏎Line2 (a⏎1)"


def column(row: str, needle: str) -> int:
    """The terminal column where ``needle`` starts in ``row``."""
    return display_width(row[: row.index(needle)])


def assert_aligned(rows: list[str], needles: tuple[str, ...] = ("1,000", "Critical")) -> None:
    for row in rows:
        assert "\n" not in row and "\t" not in row and "\x1b" not in row
    for needle in needles:
        assert len({column(row, needle) for row in rows}) == 1, (needle, rows)


NAMES = ["Line1\nLine2", "東京ロジスティクス株式会社", "Café 😀 Ltd", "Tab\there\x1b[31m"]
OWNERS = ["Ann\nB", "山田太郎", "Zoë", "x\ty"]


def test_summary_rows_stay_aligned() -> None:
    lines = [
        _account_rows(AccountLine(f"a{i}", name, owner, None, 1000.0, 12.3, "critical", 80.0, None, None))[0]
        for i, (name, owner) in enumerate(zip(NAMES, OWNERS, strict=True))
    ]
    assert_aligned(lines)


def test_scores_table_rows_stay_aligned_and_exports_keep_the_values() -> None:
    n = len(NAMES)
    rows = pa.table(
        {
            "account_id": [f"a{i}" for i in range(n)],
            "name": NAMES,
            "owner": OWNERS,
            "arr": [1000.0] * n,
            "score": [12.3] * n,
            "band": ["critical"] * n,
            "coverage": [80.0] * n,
            "change_prev": [None] * n,
            "change_trend": [None] * n,
            **{f"detractor_{i}": ["nps"] * n for i in (1, 2, 3)},
        }
    )
    lines = to_text_table(rows, n).split("\n")
    assert len(lines) == n + 1
    assert_aligned(lines[1:])
    assert column(lines[0], "score") + 5 == column(lines[1], "12.3") + 4  # right-aligned under the header
    assert "Line1\nLine2" in to_csv(rows)  # exports are not rewritten


@pytest.fixture
def odd_names(tmp_path: Path, company_parquet: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(company_parquet, data)
    accounts = pq.read_table(data / "accounts.parquet")
    names = ["Line1\nLine2", "東京ロジスティクス株式会社", "Tab\there", "Gone"][: accounts.num_rows]
    accounts = accounts.set_column(accounts.column_names.index("name"), "name", pa.array(names))
    pq.write_table(accounts, data / "accounts.parquet")
    return data


def test_score_and_scores_on_screen(tmp_path: Path, odd_names: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = write_model(tmp_path / "out", full_model())
    main(["score", str(out), "--data", str(odd_names), "--as-of", "2024-06-30", "--quiet"])
    summary = capsys.readouterr().out
    assert "Line1⏎Line2 (acme)" in summary and "Tab here (cyan)" in summary
    assert "Line1\nLine2" not in summary and "\t" not in summary
    main(["scores", str(out)])
    table = capsys.readouterr().out
    assert "Line1⏎Line2 (acme)" in table and "\t" not in table
    header, *rows = [line for line in table.splitlines()[1:] if line]
    assert len(rows) == 3
    for row in rows:
        assert column(row, "Critical" if "Critical" in row else "At risk") == column(header, "band"), row


def test_invisible_format_characters_are_shown() -> None:
    """A right-to-left override would reverse the rest of the row; zero-width ones misalign it."""
    from cs_architect.engine.terminal import printable

    assert printable("Acme\u202eLtd") == "Acme\ufffdLtd"
    assert printable("Ac\u200bme") == "Ac\ufffdme" and printable("\ufeffAcme") == "\ufffdAcme"
    assert printable("x\u200dy") == "x\u200dy"  # joiners are parts of emoji and scripts: kept
