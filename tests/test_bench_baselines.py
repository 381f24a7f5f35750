"""The benchmark baselines compute what the engine computes, so `bench/score.py` compares like with like.

On a small demo company (300 accounts, 100k events) designed from the Shiftwise example, the
hand-written DuckDB query and the pandas version must give every account the engine's raw
value for every signal, the same signal and health scores and the same band. Also: the SQL
builder's literals, the model reader's refusals, the scoring rule, and the benchmark harness's
timeout and memory cap.
"""

from __future__ import annotations

import re
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from bench.baselines.compare import compare
from bench.baselines.handwritten import handwritten_sql, in_list, literal, run_handwritten
from bench.baselines.model import BaselineModelError, Scoring, read_model
from bench.baselines.pandas_signals import run_pandas, score_values
from bench.score import measure
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from cs_architect.cli import _register, cli
from cs_architect.engine import load_health_model, score_accounts

REPO = Path(__file__).resolve().parents[1]
AS_OF = date(2026, 6, 30)
_register()  # the design and demo-data commands


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(model folder with an engine snapshot, demo data folder)."""
    root = tmp_path_factory.mktemp("bench")
    out, data = root / "out", root / "data"
    runner = CliRunner()
    designed = runner.invoke(cli, ["design", str(REPO / "examples" / "shiftwise"), "-o", str(out)])
    assert designed.exit_code == 0, designed.output
    generated = runner.invoke(
        cli,
        ["demo-data", str(data), "--inputs", str(REPO / "examples" / "shiftwise"), "--accounts", "300",
         "--events", "100000", "--end", AS_OF.isoformat(), "--seed", "7"],
    )  # fmt: skip
    assert generated.exit_code == 0, generated.output
    model = load_health_model(out)
    score_accounts(model, data_dir=data, as_of=AS_OF, out_dir=out)
    return out, data


def test_handwritten_sql_agrees_with_the_engine(company: tuple[Path, Path], tmp_path: Path) -> None:
    out, data = company
    result = tmp_path / "sql.parquet"
    run_handwritten(out / "health_model.yaml", data, AS_OF, result)
    agreement = compare(out / "results.duckdb", AS_OF, result)
    assert agreement.ok, agreement.describe()
    signals = read_model(out / "health_model.yaml", AS_OF).signals
    assert agreement.engine_rows == len(signals) * pd.read_parquet(result).account_id.nunique()


def test_pandas_agrees_with_the_engine(company: tuple[Path, Path], tmp_path: Path) -> None:
    out, data = company
    result = tmp_path / "pandas.parquet"
    run_pandas(out / "health_model.yaml", data, AS_OF, result)
    agreement = compare(out / "results.duckdb", AS_OF, result)
    assert agreement.ok, agreement.describe()


def test_baselines_follow_a_segment_scoped_milestone(company: tuple[Path, Path], tmp_path: Path) -> None:
    """A milestone for one segment is never due for the others (not in the compiled model yet)."""
    out, data = company
    text = (out / "health_model.yaml").read_text(encoding="utf-8")
    first = "      - event: rota.published\n        count: 1\n        day: 14\n"
    assert first in text
    variant = tmp_path / "out"
    variant.mkdir()
    (variant / "health_model.yaml").write_text(text.replace(first, first + "        segments: [regional]\n", 1))
    score_accounts(load_health_model(variant), data_dir=data, as_of=AS_OF, out_dir=variant)
    for name, run in (("sql", run_handwritten), ("pandas", run_pandas)):
        result = tmp_path / f"{name}.parquet"
        run(variant / "health_model.yaml", data, AS_OF, result)
        agreement = compare(variant / "results.duckdb", AS_OF, result)
        assert agreement.ok, f"{name}: {agreement.describe()}"


def test_comparison_notices_a_wrong_value(company: tuple[Path, Path], tmp_path: Path) -> None:
    out, data = company
    result = tmp_path / "sql.parquet"
    run_handwritten(out / "health_model.yaml", data, AS_OF, result)
    rows = pd.read_parquet(result)
    target = rows.index[(rows.signal_id == "usage_trend") & rows.raw.notna()][0]
    rows.loc[target, "raw"] += 0.01
    rows.to_parquet(result, index=False)
    agreement = compare(out / "results.duckdb", AS_OF, result)
    assert not agreement.ok
    assert agreement.raw_mismatches == 1
    assert agreement.worst_signals == ("usage_trend",)


def test_literals_are_exact_and_quoted() -> None:
    assert literal("O'Brien") == "'O''Brien'"
    assert literal(0.3) == "CAST('0.3' AS DOUBLE)"  # a bare 0.3 would be a DECIMAL
    assert literal(date(2026, 6, 30)) == "DATE '2026-06-30'"
    assert literal({"a": [1, None], "b": True}) == "{'a': [1, NULL], 'b': true}"
    assert in_list(["a", "b'c"]) == "('a', 'b''c')"


def test_query_names_every_signal_once_per_output_column(company: tuple[Path, Path], tmp_path: Path) -> None:
    out, data = company
    sql = handwritten_sql(out / "health_model.yaml", data, AS_OF, tmp_path / "x.parquet")
    assert "{{" not in sql and "{%" not in sql
    for s in read_model(out / "health_model.yaml", AS_OF).signals:
        assert re.search(rf"\bAS {s.id}\b(?!__)", sql), s.id  # its raw value column


def test_reader_refuses_what_the_baselines_do_not_cover(company: tuple[Path, Path], tmp_path: Path) -> None:
    source = (company[0] / "health_model.yaml").read_text(encoding="utf-8")
    for change, message in [
        (("kind: days_to_renewal", "kind: mrr_change"), "no hand-written baseline"),
        (("features:", "features: []\n      unused:"), "explicit 'features' list"),
        (("policy: redistribute", "policy: fixed"), "redistribute"),
    ]:
        path = tmp_path / "health_model.yaml"
        path.write_text(source.replace(*change, 1), encoding="utf-8")
        with pytest.raises(BaselineModelError, match=message):
            read_model(path, AS_OF)


linear = st.tuples(st.floats(-100, 100), st.floats(-100, 100)).filter(lambda bg: abs(bg[0] - bg[1]) > 1e-3)


@given(bad_good=linear, raws=st.lists(st.floats(-1e3, 1e3) | st.none(), min_size=1, max_size=20))
def test_pandas_linear_scoring_follows_the_rule(bad_good: tuple[float, float], raws: list[float | None]) -> None:
    rule = Scoring("linear", bad=bad_good[0], good=bad_good[1])
    got = score_values(pd.Series(raws, dtype="float64"), rule)
    for raw, score in zip(raws, got, strict=True):
        if raw is None:
            assert pd.isna(score)
        else:
            assert score == rule.score(raw)
            assert 0 <= score <= 100


@given(raws=st.lists(st.floats(-5, 5) | st.none(), min_size=1, max_size=20), higher=st.booleans())
def test_pandas_band_scoring_follows_the_rule(raws: list[float | None], higher: bool) -> None:
    thresholds = (2.0, 1.0) if higher else (0.0, 1.0)
    rule = Scoring("bands", higher_is_better=higher, thresholds=thresholds, scores=(100.0, 50.0), otherwise=0.0)
    got = score_values(pd.Series(raws, dtype="float64"), rule)
    for raw, score in zip(raws, got, strict=True):
        assert pd.isna(score) if raw is None else score == rule.score(raw)


def test_harness_kills_on_timeout_and_memory() -> None:
    slow = measure([sys.executable, "-c", "import time; time.sleep(30)"], timeout_s=0.5)
    assert slow.status == "timeout"
    assert slow.wall_s < 5
    hungry = measure([sys.executable, "-c", "import time; b = b'x' * (300 << 20); time.sleep(30)"], max_mb=100)
    assert hungry.status == "memory"
    ok = measure([sys.executable, "-c", "print('hi')"])
    assert ok.ok and ok.stdout.strip() == "hi" and ok.peak_mb > 0
