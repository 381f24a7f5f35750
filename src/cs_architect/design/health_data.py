"""The data a health model reads: which contract tables and columns each signal needs.

Only ``accounts`` is required; every other table is optional and a signal whose table is missing
is reported as missing (its weight redistributed). The table names the default file pattern from
the model's ``sources`` section, so a user sees what to export and what to call it.
"""

from __future__ import annotations

from pydantic import Field

from cs_architect.inputs.base import Strict
from cs_architect.spec.health_model import HealthModel

# Contract columns each signal kind reads (documentation of the data requirements).
KIND_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "active_user_ratio": {"events": ("account_id", "user_id", "ts", "event"), "accounts": ("seats",)},
    "usage_trend": {"events": ("account_id", "ts", "event", "quantity")},
    "days_since_last_activity": {"events": ("account_id", "ts", "event")},
    "feature_breadth": {"events": ("account_id", "ts", "event")},
    "value_event_frequency": {"events": ("account_id", "ts", "event", "quantity")},
    "onboarding_progress": {"events": ("account_id", "ts", "event"), "accounts": ("created_at", "contract_start")},
    "tickets_per_seat": {"tickets": ("ticket_id", "account_id", "created_at"), "accounts": ("seats",)},
    "open_high_priority_tickets": {"tickets": ("ticket_id", "account_id", "priority", "resolved_at")},
    "first_response_sla": {"tickets": ("ticket_id", "account_id", "created_at", "priority", "first_response_at")},
    "ticket_csat": {"tickets": ("ticket_id", "account_id", "created_at", "csat")},
    "nps": {"surveys": ("account_id", "user_id", "ts", "kind", "score")},
    "detractor_share": {"surveys": ("account_id", "user_id", "ts", "kind", "score")},
    "csm_sentiment": {"sentiment": ("account_id", "ts", "rating", "reason", "expires_at")},
    "seat_utilisation": {"users": ("user_id", "account_id", "deactivated_at"), "accounts": ("seats",)},
    "failed_payments": {"payments": ("account_id", "ts", "status")},
    "mrr_change": {"mrr": ("account_id", "month", "mrr")},
    "days_to_renewal": {"accounts": ("renewal_date",)},
    "days_since_touchpoint": {"touchpoints": ("account_id", "ts", "kind")},
    "executive_engagement": {"touchpoints": ("account_id", "ts", "with_executive")},
    "qbr_cadence": {"touchpoints": ("account_id", "ts", "kind")},
    "active_role_users": {"users": ("user_id", "account_id", "role", "deactivated_at")},
}


class DataRequirement(Strict):
    table: str
    file: str
    required: bool
    columns: list[str]
    signals: list[str]
    coverage_loss: float = Field(description="points of coverage (share of the score's weight) lost without it")
    if_missing: str


def data_requirements(model: HealthModel) -> list[DataRequirement]:
    """Tables the model reads, in contract order, with columns, signals and what happens if missing.

    Coverage lost without a table = Σ over the signals that read it of their effective weight
    (category weight x signal weight / the category's signal weights), in points of 100.
    """
    sources = model.sources
    effective = {
        s.id: cat.weight * s.weight / sum(x.weight for x in cat.signals)
        for cat in model.categories
        for s in cat.signals
    }
    by_table: dict[str, tuple[list[str], list[str]]] = {}
    for _cat, s in model.signals():
        for table, columns in KIND_COLUMNS[s.kind].items():
            cols, sigs = by_table.setdefault(table, ([], []))
            cols.extend(c for c in columns if c not in cols)
            if s.id not in sigs:
                sigs.append(s.id)
    acc_cols, _ = by_table.setdefault("accounts", ([], []))
    for c in ("account_id", "segment", "owner", "created_at"):
        if c not in acc_cols:
            acc_cols.insert(0 if c == "account_id" else len(acc_cols), c)
    order = ["accounts", "events", "users", "tickets", "surveys", "sentiment", "payments", "mrr", "touchpoints"]
    out = []
    for table in sorted(by_table, key=order.index):
        cols, sigs = by_table[table]
        src = getattr(sources, table)
        loss = round(sum(effective[s] for s in sigs), 1) if table != "accounts" else 100.0
        out.append(
            DataRequirement(
                table=table,
                file=src.file if src is not None and src.file else f"{table}.*",
                required=table == "accounts",
                columns=cols,
                signals=sigs,
                coverage_loss=loss,
                if_missing=(
                    "required: no score without it"
                    if table == "accounts"
                    else f"its {len(sigs)} signal{'s' if len(sigs) != 1 else ''} reported as missing and their "
                    f"weight redistributed; coverage drops by {loss:g} points"
                ),
            )
        )
    return out
