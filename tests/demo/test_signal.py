"""The latent health is real signal: churners fade before they leave, detractors sit in weak accounts."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from tests.demo.conftest import END, read


def test_churned_accounts_are_less_active_in_their_last_60_days(demo_dir: Path) -> None:
    acc = read(demo_dir, "accounts").to_pandas()
    acc["stop"] = acc["churned_at"].fillna(pd.Timestamp(END))
    acc = acc[acc["stop"] - acc["created_at"] > timedelta(days=120)].set_index("account_id")
    ev = read(demo_dir, "events").to_pandas().join(acc[["stop"]], on="account_id", how="inner")
    recent = ev[ev["ts"] >= ev["stop"] - timedelta(days=60)]
    per_seat = recent.groupby("account_id").size().reindex(acc.index, fill_value=0) / acc["seats"]
    churned = acc["churned_at"].notna()
    assert churned.sum() >= 10
    assert per_seat[churned].mean() < 0.8 * per_seat[~churned].mean()


def test_detractors_concentrate_in_low_health_accounts(demo_dir: Path) -> None:
    truth = pq.read_table(demo_dir / "truth" / "latent_health.parquet").to_pandas()
    surveys = read(demo_dir, "surveys").to_pandas()
    surveys["month"] = surveys["ts"].dt.to_period("M").dt.to_timestamp().dt.date
    joined = surveys.merge(truth, on=["account_id", "month"], how="inner")
    assert len(joined) == len(surveys)
    low = joined["health"] <= joined["health"].quantile(1 / 3)
    high = joined["health"] >= joined["health"].quantile(2 / 3)
    detractor = joined["score"] <= 6
    assert detractor[low].mean() > 2 * detractor[high].mean()
    assert joined.loc[joined["score"] >= 9, "health"].mean() > joined.loc[detractor, "health"].mean()


def test_failed_payments_and_tickets_follow_health(demo_dir: Path) -> None:
    truth = pq.read_table(demo_dir / "truth" / "latent_health.parquet").to_pandas()
    mean_health = truth.groupby("account_id")["health"].mean()
    weak = mean_health[mean_health <= mean_health.quantile(0.25)].index
    strong = mean_health[mean_health >= mean_health.quantile(0.75)].index
    tickets = read(demo_dir, "tickets").to_pandas().groupby("account_id").size()
    months = truth.groupby("account_id").size()
    rate = tickets.reindex(months.index, fill_value=0) / months
    assert rate[weak].mean() > rate[strong].mean()
