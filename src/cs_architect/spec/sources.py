"""The ``sources`` section: how the user's files or tables map onto the customer data contract.

Users never rename their exports: each contract table names a file (relative to ``--data``) or a
table (for ``--db``), maps contract columns to the user's column names, translates values
(e.g. ticket priority 'P1' -> 'urgent'), and states date formats.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from cs_architect.inputs.base import Strict

TableName = Literal[
    "accounts",
    "mrr",
    "users",
    "events",
    "tickets",
    "surveys",
    "payments",
    "touchpoints",
    "sentiment",
]

# The data contract: table -> {column: (type, required)}
CONTRACT: dict[str, dict[str, tuple[str, bool]]] = {
    "accounts": {
        "account_id": ("str", True),
        "name": ("str", False),
        "segment": ("str", False),
        "plan": ("str", False),
        "owner": ("str", False),
        "created_at": ("timestamp", False),
        "contract_start": ("date", False),
        "renewal_date": ("date", False),
        "arr": ("float", False),
        "seats": ("int", False),
        "billing": ("str", False),
        "churned_at": ("timestamp", False),
    },
    "mrr": {"account_id": ("str", True), "month": ("date", True), "mrr": ("float", True)},
    "users": {
        "user_id": ("str", True),
        "account_id": ("str", True),
        "role": ("str", False),
        "created_at": ("timestamp", False),
        "deactivated_at": ("timestamp", False),
    },
    "events": {
        "account_id": ("str", True),
        "user_id": ("str", False),
        "ts": ("timestamp", True),
        "event": ("str", True),
        "quantity": ("float", False),
    },
    "tickets": {
        "ticket_id": ("str", True),
        "account_id": ("str", True),
        "created_at": ("timestamp", True),
        "priority": ("str", False),
        "first_response_at": ("timestamp", False),
        "resolved_at": ("timestamp", False),
        "csat": ("float", False),
    },
    "surveys": {
        "account_id": ("str", True),
        "user_id": ("str", False),
        "ts": ("timestamp", True),
        "kind": ("str", False),
        "score": ("float", True),
        "comment": ("str", False),
    },
    "payments": {
        "account_id": ("str", True),
        "ts": ("timestamp", True),
        "amount": ("float", False),
        "status": ("str", True),
        "invoice_id": ("str", False),
    },
    "touchpoints": {
        "account_id": ("str", True),
        "ts": ("timestamp", True),
        "kind": ("str", False),
        "with_executive": ("bool", False),
    },
    "sentiment": {  # manual CSM sentiment: rating with a reason and an expiry
        "account_id": ("str", True),
        "ts": ("timestamp", True),
        "rating": ("float", True),
        "reason": ("str", False),
        "expires_at": ("timestamp", False),
    },
}


class JoinSource(Strict):
    """Columns a table lacks, looked up in another file or table by a shared key.

    E.g. usage rows keyed by subscription: ``join: {file: subscriptions.csv, on: subscription_id,
    columns: {account_id: account_id}}`` takes each row's account from its subscription.
    """

    file: str | None = Field(None, description="file or glob relative to --data (CSV or Parquet)")
    table: str | None = Field(None, description="table name in the database (--db)")
    on: str = Field(description="key column, named the same in this table and in the lookup")
    columns: dict[str, str] = Field(description="contract column -> the lookup's column name")

    @model_validator(mode="after")
    def _somewhere(self) -> JoinSource:
        if not self.file and not self.table:
            raise ValueError("give a file (for --data) or a table (for --db) to look up")
        return self


# Contract columns with a fixed vocabulary: the names signals and the design compiler use.
VOCABULARY: dict[tuple[str, str], tuple[str, ...]] = {
    ("accounts", "billing"): ("card", "invoice"),
    ("users", "role"): ("admin", "champion", "executive", "member"),
    ("tickets", "priority"): ("urgent", "high", "normal", "low"),
    ("surveys", "kind"): ("nps", "csat"),
    ("payments", "status"): ("succeeded", "failed", "refunded"),
    ("touchpoints", "kind"): ("qbr", "meeting", "call", "email", "training"),
}


class PeriodSource(Strict):
    """Rows that hold a monthly amount over a period instead of one month (the ``mrr`` table).

    E.g. subscriptions with start and end dates: ``period: {start: start_date, end: end_date}``.
    Each row counts in every month whose first day lies in the period (both ends inclusive), i.e.
    MRR as it stands on the 1st of each month: a subscription from 2023-12-23 to 2024-04-12 is MRR
    in January to April 2024 (churn shows in May). An empty end means "still running": up to the
    latest date in the table's start and end columns. Billing exports often end a period on the
    day the next one starts (2024-01-01 to 2024-02-01): ``end_exclusive: true`` reads such an end
    as the day before, so that the row counts in January only.
    """

    start: str = Field(description="your column with the first day the amount applies")
    end: str = Field(description="your column with the last day it applies (empty: still running)")
    end_exclusive: bool = Field(
        False,
        description="the end is the first day the amount no longer applies (the next period's start, as "
        "billing systems write it), not the last day it does",
    )


class TableSource(Strict):
    """One contract table: where it is and how its columns are named."""

    file: str | None = Field(None, description="file or glob relative to --data (CSV or Parquet)")
    table: str | None = Field(None, description="table name in the database (--db)")
    columns: dict[str, str] = Field(default_factory=dict, description="contract column -> your column name")
    values: dict[str, dict[str, str]] = Field(
        default_factory=dict, description="contract column -> {your value: contract value}"
    )
    date_format: str | None = Field(None, description="strptime format for text dates, e.g. '%d/%m/%Y'")
    defaults: dict[str, str | float | int | bool] = Field(
        default_factory=dict, description="constant value for a contract column your data lacks"
    )
    where: dict[str, str | list[str]] = Field(
        default_factory=dict,
        description="keep only rows whose contract column equals one of these values",
    )
    join: JoinSource | None = Field(None, description="look up columns this table lacks in another table")
    period: PeriodSource | None = Field(
        None, description="mrr only: each row holds from a start to an end date; it counts in every month between"
    )

    @model_validator(mode="after")
    def _somewhere(self) -> TableSource:
        if not self.file and not self.table:
            raise ValueError("give a file (for --data) or a table (for --db)")
        return self


class Sources(Strict):
    accounts: TableSource = Field(default_factory=lambda: TableSource(file="accounts.*"))
    mrr: TableSource | None = None
    users: TableSource | None = None
    events: TableSource | None = None
    tickets: TableSource | None = None
    surveys: TableSource | None = None
    payments: TableSource | None = None
    touchpoints: TableSource | None = None
    sentiment: TableSource | None = None
    timezone: str = Field("UTC", description="reporting time zone for bucketing timestamps")

    def present(self) -> dict[str, TableSource]:
        return {name: src for name in CONTRACT if (src := getattr(self, name)) is not None}


def default_sources() -> Sources:
    """The contract's own file names and column names (what `csa demo-data` writes)."""
    return Sources(**{name: TableSource(file=f"{name}.*") for name in CONTRACT})
