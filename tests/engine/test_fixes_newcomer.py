"""What a newcomer found wrong, fixed: segment-scoped signals, failed payments counted per unpaid
invoice, value events counted as occurrences, empty exports refused, stale data and missing
heavy tables announced first, ids never cut, tidy export numbers, ``--explain`` for one account.

Hand-computed fixtures are written into ``tmp_path``; the arithmetic is in the comments.
"""

from __future__ import annotations

import csv
import io
import json
import math
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import ibis
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cs_architect.cli import main
from cs_architect.engine import ResultsStore, score_accounts
from cs_architect.engine.connect import connect_data
from cs_architect.engine.contract import ContractData, load_contract
from cs_architect.engine.execute import to_rows
from cs_architect.engine.explain import account_label, fit
from cs_architect.engine.export import tidy, tidy_number, to_csv, to_json
from cs_architect.engine.readiness import Staleness
from cs_architect.engine.scoring import score_table
from cs_architect.engine.signals import signal_table
from cs_architect.engine.store import ACCOUNTS, SIGNALS
from cs_architect.engine.summary import AccountLine, _account_rows
from cs_architect.errors import DataError
from cs_architect.spec.health_model import CategorySpec, HealthModel, LinearScoring, MissingData, Signal
from cs_architect.spec.sources import CONTRACT, Sources, TableSource, default_sources
from tests.engine.conftest import AS_OF, BANDS, COMPANY, db_sources, full_model, load_into, small_model, write_model
from tests.engine.test_contract import write

# -- fixtures ---------------------------------------------------------------------------------
SEG_ACCOUNTS = """
account_id,name,segment,created_at,renewal_date
e1,Ent One,enterprise,2024-01-01,2024-12-31
s1,Small One,smb,2024-01-01,2024-08-29
n1,No Segment,,2024-01-01,2024-07-30
"""
# As of 2024-06-30. qbr_cadence (cadence 90): e1's QBR 60 days ago -> 90/90 = 1.0; s1's 120 days
# ago -> 0.75; n1 never, 181 days old -> 90/181. executive_engagement (180 days): e1 1, s1 0, n1 1.
# days_to_renewal: e1 184, s1 60, n1 30.
SEG_TOUCHPOINTS = """
account_id,ts,kind,with_executive
e1,2024-05-01,qbr,true
s1,2024-03-02,qbr,false
n1,2024-06-20,call,true
"""


def segment_model(policy: str = "redistribute", engagement: tuple[str, ...] = ("qbr", "exec")) -> HealthModel:
    """engagement 60 (qbr_cadence only for enterprise, linear 0.5 -> 1; executive_engagement
    0 -> 2), commercial 40 (days_to_renewal 30 -> 120)."""
    signals = {
        "qbr": Signal(
            id="qbr",
            kind="qbr_cadence",
            name="QBR on time",
            weight=1,
            params={"cadence_days": 90},
            scoring=LinearScoring(bad=0.5, good=1),
            segments=["enterprise"],
        ),
        "exec": Signal(
            id="exec",
            kind="executive_engagement",
            name="Executive touchpoints",
            weight=1,
            params={"window_days": 180},
            scoring=LinearScoring(bad=0, good=2),
        ),
    }
    renewal = Signal(
        id="renewal", kind="days_to_renewal", name="Days to renewal", weight=1, scoring=LinearScoring(bad=30, good=120)
    )
    return HealthModel(
        company="Segments Co",
        categories=[
            CategorySpec(id="engagement", weight=60, signals=[signals[k] for k in engagement]),
            CategorySpec(id="commercial", weight=40, signals=[renewal]),
        ],
        bands=BANDS,
        missing_data=MissingData(policy=policy, neutral_score=50),
        sources=Sources(touchpoints=TableSource(file="touchpoints.*")),
    )


@pytest.fixture(scope="module")
def seg_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("segments")
    write(folder, "accounts.csv", SEG_ACCOUNTS)
    write(folder, "touchpoints.csv", SEG_TOUCHPOINTS)
    return folder


def stored(out: Path, as_of: date = AS_OF) -> tuple[dict[str, dict[str, Any]], dict[tuple[str, str], dict[str, Any]]]:
    store = ResultsStore.open(None, out)
    try:
        accounts = {r["account_id"]: r for r in to_rows(store.rows(ACCOUNTS, as_of))}
        signals = {(r["account_id"], r["signal_id"]): r for r in to_rows(store.rows(SIGNALS, as_of))}
    finally:
        store.close()
    return accounts, signals


# Hand-computed (redistribute). Signal scores: renewal e1 100, s1 (60-30)/90 = 33.333, n1 0;
# exec e1 50, s1 0, n1 50; qbr e1 100 (s1 and n1: not enterprise, no data).
# e1: engagement (100 + 50)/2 = 75 -> health (60·75 + 40·100)/100 = 85, coverage 100.
# s1: engagement 0 (exec alone) -> (60·0 + 40·33.333)/100 = 13.333, coverage 100 − 30 = 70.
# n1: engagement 50 -> (60·50 + 40·0)/100 = 30, coverage 70.
# Unscoped, s1's QBR (0.75 -> 50) would count: engagement 25, health 28.333.
SEGMENT_SCORES = {"e1": 85.0, "s1": 40 / 3, "n1": 30.0}
# A signal scoped to other segments does not apply: it is not missing data, so coverage stays 100.
SEGMENT_COVERAGE = {"e1": 100.0, "s1": 100.0, "n1": 100.0}


def check_segment_snapshot(out: Path) -> None:
    accounts, signals = stored(out)
    for aid, want in SEGMENT_SCORES.items():
        assert accounts[aid]["score"] == pytest.approx(want, abs=1e-6), aid
        assert accounts[aid]["coverage"] == pytest.approx(SEGMENT_COVERAGE[aid], abs=1e-6), aid
    assert signals[("e1", "qbr")]["raw"] == pytest.approx(1.0) and signals[("e1", "qbr")]["note"] is None
    for aid in ("s1", "n1"):
        qbr = signals[(aid, "qbr")]
        assert qbr["raw"] is None and qbr["weight"] == 0 and qbr["points"] == 0
        assert qbr["note"] == "only for segment enterprise: not this account's segment"
        # its weight went to the other engagement signal: 60 points of 100
        assert signals[(aid, "exec")]["weight"] == pytest.approx(60)
    assert signals[("e1", "exec")]["weight"] == pytest.approx(30)


# -- 1. segment-scoped signals ----------------------------------------------------------------
def test_segment_scoped_signal_redistributes_its_weight(seg_data: Path, tmp_path: Path) -> None:
    run = score_accounts(segment_model(), data_dir=seg_data, as_of=AS_OF, out_dir=tmp_path)
    check_segment_snapshot(tmp_path)
    assert not [i for i in run.issues if "segments" in (i.path or "")]


def test_fixed_policy_leaves_a_signal_out_where_it_does_not_apply(seg_data: Path, tmp_path: Path) -> None:
    # Every signal has data where it applies, so "fixed" gives the same scores: s1's QBR is not
    # scored neutral (50), which would give engagement 25 and health 28.333.
    score_accounts(segment_model("fixed"), data_dir=seg_data, as_of=AS_OF, out_dir=tmp_path / "a")
    check_segment_snapshot(tmp_path / "a")
    # A category whose only signal does not apply is left out under both policies:
    # s1 = renewal alone = 33.333; e1 = (60·100 + 40·100)/100 = 100.
    for policy in ("fixed", "redistribute"):
        out = tmp_path / policy
        score_accounts(segment_model(policy, ("qbr",)), data_dir=seg_data, as_of=AS_OF, out_dir=out)
        accounts, _ = stored(out)
        assert accounts["s1"]["score"] == pytest.approx(100 / 3, abs=1e-6)
        assert accounts["e1"]["score"] == pytest.approx(100.0)
        # engagement does not apply to s1 at all, and all that applies had data
        assert accounts["s1"]["coverage"] == pytest.approx(100.0)


def test_segments_no_account_has_are_reported(seg_data: Path, tmp_path: Path) -> None:
    base = segment_model()
    qbr = base.categories[0].signals[0].model_copy(update={"segments": ["Enterprise "]})  # a typo
    engagement = base.categories[0].model_copy(update={"signals": [qbr, base.categories[0].signals[1]]})
    model = base.model_copy(update={"categories": [engagement, base.categories[1]]})
    run = score_accounts(model, data_dir=seg_data, as_of=AS_OF, out_dir=tmp_path)
    warned = [i for i in run.issues if i.path == "categories[0].signals[0].segments"]
    assert warned and "no scored account has" in warned[0].message and "enterprise, smb" in warned[0].message


@settings(max_examples=12, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "c", None]),
            st.floats(0, 100),
            st.one_of(st.none(), st.floats(0, 100)),
        ),
        min_size=1,
        max_size=8,
    ),
    st.sets(st.sampled_from(["a", "b", "c"]), min_size=1),
    st.sampled_from(["redistribute", "fixed"]),
)
def test_a_scoped_signal_counts_only_where_it_applies(
    rows: list[tuple[str | None, float, float | None]], segs: set[str], policy: str
) -> None:
    """Signal x (weight 2) scoped to ``segs``, y (weight 1, maybe without data) for all. Inside
    the segments an account scores as if x were unscoped; outside, as if the model had no x at
    all (under ``fixed`` too: x is not scored neutral there). Points add up to the score."""
    identity = LinearScoring(bad=0, good=100)
    x = Signal(id="x", kind="usage_trend", name="x", weight=2, scoring=identity)
    y = Signal(id="y", kind="usage_trend", name="y", weight=1, scoring=identity)
    commercial = Signal(id="z", kind="failed_payments", name="z", weight=1, scoring=identity)

    def model(*signals: Signal) -> HealthModel:
        return HealthModel(
            company="T",
            categories=[
                CategorySpec(id="usage", weight=70, signals=list(signals)),
                CategorySpec(id="commercial", weight=30, signals=[commercial]),
            ],
            bands=BANDS,
            missing_data=MissingData(policy=policy, neutral_score=50),
        )

    inside = [seg in segs for seg, _, _ in rows]
    frame = ibis.memtable(
        {
            "account_id": [f"{i:02d}" for i in range(len(rows))],
            "age_days": [400] * len(rows),
            "segment": [seg for seg, _, _ in rows],
            # compute_signals leaves x without data outside its segments
            "x__raw": [xv if ok else None for (_, xv, _), ok in zip(rows, inside, strict=True)],
            "y__raw": [yv for _, _, yv in rows],
            "z__raw": [60.0] * len(rows),
        },
        schema={"account_id": "string", "age_days": "int64", "segment": "string", "x__raw": "float64",
                "y__raw": "float64", "z__raw": "float64"},
    )  # fmt: skip
    scoped = model(x.model_copy(update={"segments": sorted(segs)}), y)
    got = to_rows(score_table(frame, scoped).order_by("account_id"))
    unscoped = to_rows(score_table(frame, model(x, y)).order_by("account_id"))
    without_x = to_rows(score_table(frame.drop("x__raw"), model(y)).order_by("account_id"))
    for g, u, w, ok in zip(got, unscoped, without_x, inside, strict=True):
        want = u if ok else w
        assert g["score"] == pytest.approx(want["score"], abs=1e-6)
        assert g["coverage"] == pytest.approx(want["coverage"], abs=1e-6)  # outside: as if there were no x
        assert g["score"] == pytest.approx(100 + g["x__points"] + g["y__points"] + g["z__points"], abs=1e-4)


# -- 2. failed payments: unpaid invoices, retries once -----------------------------------------
PAYMENTS = """
account_id,ts,amount,status,invoice_id
a,2024-06-01,100,failed,inv1
a,2024-06-02,100,failed,inv1
a,2024-06-03,100,failed,inv1
a,2024-06-04,100,failed,inv1
a,2024-06-05,100,failed,inv1
a,2024-06-06,100,failed,inv1
a,2024-06-07,100,failed,inv1
a,2024-06-08,100,failed,inv1
a,2024-06-09,100,failed,inv1
a,2024-06-10,100,succeeded,inv1
b,2024-06-01,100,failed,inv2
b,2024-06-05,100,Failed,inv2
b,2024-06-09,100,failed,inv2
b,2024-06-02,100,failed,inv3
c,2024-06-01,100,failed,
c,2024-06-02,100,failed,
d,2024-06-01,100,failed,inv4
d,2024-07-05,100,succeeded,inv4
e,2024-01-01,100,failed,inv5
f,2024-05-01,100,succeeded,inv6
f,2024-06-01,100,failed,inv6
g,2024-06-01,100,failed,inv7
g,2024-06-02,100,refunded,inv7
"""
# As of 2024-06-30, 90 days (from 2024-04-02). a: retried 9 times, then paid -> 0. b: inv2 (3
# failures, one spelled 'Failed') and inv3, unpaid -> 2. c: two failures without an invoice id,
# one each -> 2. d: paid 07-05, after the as-of date: still unpaid then -> 1. e: failure outside
# the window -> 0. f: a succeeded row of inv6 by the as-of date -> paid -> 0. g: refunded is not
# paid -> 1. h: no payments -> 0.
FAILED = {"a": 0.0, "b": 2.0, "c": 2.0, "d": 1.0, "e": 0.0, "f": 0.0, "g": 1.0, "h": 0.0}


@pytest.fixture(scope="module")
def pay_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("payments")
    write(folder, "accounts.csv", "account_id,created_at\n" + "\n".join(f"{a},2023-01-01" for a in FAILED))
    write(folder, "payments.csv", PAYMENTS)
    write(
        folder,
        "events.csv",
        # value events: 'report' three times (quantities 5, 1, empty); 'export' once with 10
        # -> value_event_frequency(report, export) = 4 occurrences (the sum of quantities is 17).
        # usage_trend keeps quantities: June 5+1+1+10 = 17 vs May 'report' of 34 -> 0.5.
        "account_id,user_id,ts,event,quantity\n"
        "a,u1,2024-06-03,report,5\na,u1,2024-06-04,report,1\na,u1,2024-06-05,report,\n"
        "a,u1,2024-06-06,export,10\na,u1,2024-05-20,report,34",
    )
    return folder


def folder_data(folder: Path) -> ContractData:
    return load_contract(connect_data(data_dir=folder), default_sources(), CONTRACT)


def raws(data: ContractData, kind: str, params: dict[str, Any]) -> dict[str, float | None]:
    return {r["account_id"]: r["raw"] for r in to_rows(signal_table(data, kind, params, AS_OF))}


def test_failed_payments_count_unpaid_invoices_once(pay_data: Path) -> None:
    data = folder_data(pay_data)
    assert raws(data, "failed_payments", {"window_days": 90}) == FAILED


def test_value_events_are_occurrences_and_usage_keeps_quantity(pay_data: Path) -> None:
    data = folder_data(pay_data)
    value = raws(data, "value_event_frequency", {"window_days": 30, "events": ["report", "export"]})
    assert value["a"] == 4.0 and value["b"] == 0.0
    trend = raws(data, "usage_trend", {"window_days": 30})
    assert trend["a"] == pytest.approx(17 / 34)


# -- 4 & 5. nothing to score: refused, the snapshot kept --------------------------------------
def test_an_empty_accounts_export_never_replaces_a_snapshot(
    tmp_path: Path, company_parquet: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = write_model(tmp_path / "out", full_model())
    score_accounts(full_model(), data_dir=company_parquet, as_of=AS_OF, out_dir=out)
    empty = tmp_path / "empty"
    write(empty, "accounts.csv", "account_id,name,segment")
    with pytest.raises(DataError) as err:
        score_accounts(full_model(), data_dir=empty, as_of=AS_OF, out_dir=out)
    assert "accounts.csv has no accounts: nothing was written" in str(err.value)
    # through the CLI: exit 2, a located message
    code = cli(["score", out, "--data", empty, "--as-of", "2024-06-30", "--quiet"])
    err_text = capsys.readouterr().err
    assert code == 2 and "accounts.csv has no accounts" in err_text and "Traceback" not in err_text
    # a where filter that keeps nothing is the same, and says so
    kept_none = full_model(sources=default_sources().model_copy(
        update={"accounts": TableSource(file="accounts.*", where={"segment": ["nobody"]})}
    ))  # fmt: skip
    with pytest.raises(DataError) as err:
        score_accounts(kept_none, data_dir=company_parquet, as_of=AS_OF, out_dir=out)
    assert "no accounts left after sources.accounts.where" in str(err.value)
    accounts, _ = stored(out)
    assert sorted(accounts) == ["acme", "beta", "cyan"]  # the good snapshot is still there


def test_an_as_of_before_every_account_is_refused(tmp_path: Path, company_parquet: Path) -> None:
    with pytest.raises(DataError) as err:
        score_accounts(full_model(), data_dir=company_parquet, as_of=date(2020, 1, 1), out_dir=tmp_path)
    text = str(err.value)
    assert "none of the 4 accounts" in text and "4 start after it" in text and "nothing was written" in text
    assert "pass --as-of 2023-01-01 or later" in text  # the earliest start (gone, 2023-01-01)
    assert not (tmp_path / "results.duckdb").exists()


def test_stale_data_is_announced_first(tmp_path: Path, company_parquet: Path) -> None:
    fresh = score_accounts(small_model(), data_dir=company_parquet, as_of=AS_OF, out_dir=tmp_path)
    assert fresh.notices == []
    run = score_accounts(small_model(), data_dir=company_parquet, as_of=date(2024, 8, 15), out_dir=tmp_path)
    # newest event 2024-07-05 (41 days > 7), ticket 06-30 (46 > 30), payment 06-12 (64 > 35)
    assert run.notices == [
        "the newest event is 2024-07-05, 41 days before the as-of date 2024-08-15: usage signals will look "
        "worse than they are; if the export ends there, pass --as-of 2024-07-05",
        "the newest payment is 2024-06-12, 64 days before the as-of date 2024-08-15: signals reading payments "
        "see nothing after it; if the export ends there, pass --as-of 2024-06-12",
        "the newest ticket is 2024-06-30, 46 days before the as-of date 2024-08-15: signals reading tickets "
        "see nothing after it; if the export ends there, pass --as-of 2024-06-30",
    ]
    text = run.to_text()
    assert text.index("WARNING: the newest event") < text.index("band")
    # seven days is still fresh: only events are checked against 7
    week = score_accounts(small_model(), data_dir=company_parquet, as_of=date(2024, 7, 12), out_dir=tmp_path)
    assert week.notices == []
    assert "no rows" in Staleness("events", "events.csv", None, None).message(AS_OF)


# -- 7. a missing heavy table is said first ---------------------------------------------------
def test_a_missing_heavy_table_is_announced_first(tmp_path: Path) -> None:
    data = tmp_path / "data"
    for f in COMPANY.glob("*.csv"):
        if f.name not in ("events.csv", "surveys.csv"):
            write(data, f.name, f.read_text())
    run = score_accounts(full_model(), data_dir=data, as_of=AS_OF, out_dir=tmp_path / "out")
    # events feed all of usage (40) and adoption (15): 55% of the weight. surveys feed 2 of the 3
    # sentiment signals: 10% (under 30%, not announced first).
    assert len(run.notices) == 1
    notice = run.notices[0]
    assert notice.startswith(f"events table not found (sources.events.file 'events.*' in {data}): 55% of the model")
    assert notice.endswith(f"coverage {run.snapshot.mean_coverage:.0f}%")
    text = run.to_text()
    assert text.index("WARNING: events table not found") < text.index("band")


# -- 6. display and exports -------------------------------------------------------------------
def test_account_ids_are_never_cut() -> None:
    assert account_label("Acme", "acme-01", 28) == "Acme (acme-01)"
    assert account_label("A Very Long Customer Name Indeed Ltd", "acme-0001", 28) == "A Very Long Cus… (acme-0001)"
    assert account_label("Name", "an-id-longer-than-the-column-itself", 28) == "an-id-longer-than-the-column-itself"
    assert account_label(None, "x", 28) == "x"
    assert fit("Days since the last executive touchpoint", 20) == "Days since the last…"
    assert fit("short", 20) == "short"
    line = AccountLine("cust-000123", "Extremely Long Company Name GmbH", "a-very-long-owner", None, 1000.0,
                       12.34, "critical", 80.0, None, None)  # fmt: skip
    row = _account_rows(line)[0]
    assert "(cust-000123)" in row and "…" in row


def test_exports_round_numbers() -> None:
    assert tidy_number("raw", 0.9999999999999964) == 1.0
    assert tidy_number("weight", 33.333333333) == 33.3333
    assert tidy_number("score", 69.996) == 69.99  # truncated: never shown in the healthy band
    assert tidy_number("cat_usage", 40.1259) == 40.13 and tidy_number("change_prev", -2.456) == -2.46
    assert tidy_number("name", "x") == "x" and tidy_number("raw", None) is None
    assert math.isnan(tidy_number("raw", float("nan")))  # type: ignore[arg-type]
    rows = pa.table({"account_id": ["a"], "score": [39.99999], "coverage": [66.66666666], "arr": [1200.0]})
    parsed = list(csv.reader(io.StringIO(to_csv(rows))))
    assert parsed[1] == ["a", "39.99", "66.6667", "1200.0"]
    assert json.loads(to_json(rows)) == [{"account_id": "a", "score": 39.99, "coverage": 66.6667, "arr": 1200.0}]
    nested = tidy({"account": {"score": 70.0}, "signals": [{"raw": 0.30000000000000004, "points": -1.23456}]})
    assert nested == {"account": {"score": 70.0}, "signals": [{"raw": 0.3, "points": -1.2346}]}


def cli(args: list[Any]) -> int:
    try:
        main([str(a) for a in args])
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def test_scores_exports_and_explain_for_one_account(
    tmp_path: Path, company_parquet: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = write_model(tmp_path / "out", full_model())
    assert cli(["score", out, "--data", company_parquet, "--as-of", "2024-06-15", "--quiet"]) == 0
    capsys.readouterr()
    assert cli(["scores", out, "--format", "csv"]) == 0
    text = capsys.readouterr().out
    for row in csv.DictReader(io.StringIO(text)):
        for key, value in row.items():
            if value and value.replace(".", "").replace("-", "").isdigit() and "." in value:
                decimals = len(value.split(".")[1])
                assert decimals <= (2 if key == "score" or key.startswith(("cat_", "change_")) else 4), (key, value)
    assert cli(["scores", out, "--account", "acme", "--format", "json"]) == 0
    explained = json.loads(capsys.readouterr().out)
    assert all(s["raw"] is None or round(s["raw"], 4) == s["raw"] for s in explained["signals"])
    # --explain: the latest snapshot's date by default, and one account's SQL on request
    assert cli(["scores", out, "--explain", "--account", "acme"]) == 0
    sql = capsys.readouterr().out
    first = sql.splitlines()[0]
    assert first.startswith("-- csa scoring SQL as of 2024-06-15 (the latest snapshot)")
    assert "account 'acme'" in first and "filtered to this account" in first
    assert "'acme'" in sql.splitlines()[-1] or "= 'acme'" in sql
    assert cli(["scores", out, "--explain", "--as-of", "2024-06-30"]) == 0
    assert capsys.readouterr().out.startswith("-- csa scoring SQL as of 2024-06-30 (--as-of), every account")
    assert cli(["scores", tmp_path / "out", "--explain", "--store", tmp_path / "none.duckdb"]) == 0
    assert f"as of {date.today()} (today: no results store yet)" in capsys.readouterr().out


# -- both backends ----------------------------------------------------------------------------
@pytest.mark.postgres
def test_segments_and_failed_payments_on_postgres(pg_url: str, seg_data: Path, pay_data: Path, tmp_path: Path) -> None:
    seg, pay = folder_data(seg_data), folder_data(pay_data)
    try:
        load_into(pg_url, seg, prefix="nwseg_")
        load_into(pg_url, pay, prefix="nwpay_")
    finally:
        for d in (seg, pay):
            assert d.source is not None
            d.source.close()
    model = segment_model().model_copy(update={"sources": db_sources("nwseg_")})
    score_accounts(model, db_url=pg_url, as_of=AS_OF, out_dir=tmp_path)
    check_segment_snapshot(tmp_path)
    source = connect_data(db_url=pg_url)
    try:
        data = load_contract(source, db_sources("nwpay_"), [])
        assert raws(data, "failed_payments", {"window_days": 90}) == FAILED
        value = raws(data, "value_event_frequency", {"window_days": 30, "events": ["report", "export"]})
        assert value["a"] == 4.0
    finally:
        source.close()


def test_when_every_account_has_churned_the_hint_points_earlier(tmp_path: Path, company_parquet: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(company_parquet, data)
    accounts = data / "accounts.parquet"
    churned = tmp_path / "accounts.parquet"
    duckdb.sql(  # test data: every account churned on 2024-06-20 at noon
        f"COPY (SELECT * REPLACE (TIMESTAMP '2024-06-20 12:00' AS churned_at) FROM read_parquet('{accounts}'))"
        f" TO '{churned}' (FORMAT parquet)"
    )
    shutil.move(churned, accounts)
    with pytest.raises(DataError) as err:
        score_accounts(full_model(), data_dir=data, as_of=AS_OF, out_dir=tmp_path / "out")
    text = str(err.value)
    assert "4 churned by then" in text and "start after it" not in text
    assert "pass --as-of 2024-06-19 or earlier" in text and "later --as-of" not in text


def test_events_without_any_event_name_are_announced(tmp_path: Path, company_parquet: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(company_parquet, data)
    events = data / "events.parquet"
    blank = tmp_path / "events.parquet"
    duckdb.sql(  # test data: the event column mapped to nothing useful, every row NULL
        f"COPY (SELECT * REPLACE (CAST(NULL AS VARCHAR) AS event) FROM read_parquet('{events}'))"
        f" TO '{blank}' (FORMAT parquet)"
    )
    shutil.move(blank, events)
    run = score_accounts(full_model(), data_dir=data, as_of=AS_OF, out_dir=tmp_path / "out")
    assert any("no row has a value in events.event" in n for n in run.notices)
    assert "WARNING: events.parquet: no row has a value in events.event" in run.to_text()
