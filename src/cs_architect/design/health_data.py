"""The data a health model reads: which contract tables and columns each signal needs.

Only ``accounts`` is required; every other table is optional and a signal whose table is missing
is reported as missing (its weight redistributed). The table names the default file pattern from
the model's ``sources`` section, so a user sees what to export and what to call it.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import Field

from cs_architect.inputs.base import Strict
from cs_architect.spec.health_model import HealthModel, Signal

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


def segment_shares(model: HealthModel, segment_ids: Sequence[str] = ()) -> dict[str, dict[str, float]]:
    """Each signal's share of the health score (in points of 100) for the accounts of each segment it
    applies to: signal id -> segment id -> share.

    A signal scoped to other segments has no data for an account, so its weight is redistributed:
    for segment k, a category counts only if one of its signals applies to k, and
    ``share(s, k) = 100 × W_c / Σ W (categories that apply to k) × w_s / Σ w (signals of c that apply to k)``.
    The shares of the signals that apply to one segment add up to 100. ``segment_ids`` are the
    company's segments; segments named only by signals are added, and without any the key '' stands
    for every account.
    """
    named = [s for c in model.categories for sig in c.signals for s in sig.segments]
    keys = list(dict.fromkeys([*segment_ids, *named])) or [""]

    def applies(sig: Signal, key: str) -> bool:
        return not sig.segments or key in sig.segments

    out: dict[str, dict[str, float]] = {sig.id: {} for _c, sig in model.signals()}
    for key in keys:
        live = [(c, [sig for sig in c.signals if applies(sig, key)]) for c in model.categories]
        live = [(c, sigs) for c, sigs in live if sigs]
        total = sum(c.weight for c, _ in live)
        for c, sigs in live:
            inside = sum(sig.weight for sig in sigs)
            for sig in sigs:
                out[sig.id][key] = 100 * c.weight / total * sig.weight / inside if total and inside else 0.0
    return out


class DataRequirement(Strict):
    table: str
    file: str
    required: bool
    columns: list[str]
    signals: list[str]
    coverage_loss: float = Field(description="points of coverage (share of the score's weight) lost without it")
    if_missing: str


def data_requirements(model: HealthModel, segment_ids: Sequence[str] = ()) -> list[DataRequirement]:
    """Tables the model reads, in contract order, with columns, signals and what happens if missing.

    Coverage lost without a table = Σ over the signals that read it of their share of the score
    (:func:`segment_shares`), in points of 100, for the segment that loses most.
    """
    sources = model.sources
    shares = segment_shares(model, segment_ids)
    keys = sorted({k for by_segment in shares.values() for k in by_segment})
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
        lost = [round(sum(shares[s].get(k, 0.0) for s in sigs), 1) for k in keys]
        loss = round(max(lost, default=0.0), 1) if table != "accounts" else 100.0
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
                    f"weight redistributed; coverage drops by {'up to ' if len(set(lost)) > 1 else ''}{loss:g} points"
                ),
            )
        )
    return out
