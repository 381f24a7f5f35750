"""The signal library's catalogue: every signal kind, its category, table and parameters.

Shared by the design compiler (which chooses and parametrises signals) and the engine (which
computes them). A kind's raw value has a unit and a natural direction; scoring maps it to 0-100.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Category = Literal["usage", "adoption", "support", "sentiment", "commercial", "engagement"]
CATEGORIES: tuple[Category, ...] = (
    "usage",
    "adoption",
    "support",
    "sentiment",
    "commercial",
    "engagement",
)
DEFAULT_CATEGORY_WEIGHTS: dict[Category, float] = {
    "usage": 40,
    "adoption": 15,
    "support": 15,
    "sentiment": 15,
    "commercial": 10,
    "engagement": 5,
}


@dataclass(frozen=True)
class SignalKind:
    kind: str
    category: Category
    tables: tuple[str, ...]  # data-contract tables it reads (besides accounts)
    unit: str
    higher_is_better: bool
    params: dict[str, str]  # param name -> description (with default)
    description: str


_K = SignalKind
SIGNAL_KINDS: dict[str, SignalKind] = {
    k.kind: k
    for k in [
        # usage
        _K(
            "active_user_ratio",
            "usage",
            ("events",),
            "ratio",
            True,
            {
                "window_days": "window in days (default 30)",
                "events": "event names that count as activity (default: any)",
            },
            "distinct users with activity in the window / seats (or active users if seats unknown)",
        ),
        _K(
            "usage_trend",
            "usage",
            ("events",),
            "ratio",
            True,
            {
                "window_days": "window in days (default 30)",
                "events": "event names counted (default: any)",
            },
            "event quantity in the last window / quantity in the window before (1.0 = flat)",
        ),
        _K(
            "days_since_last_activity",
            "usage",
            ("events",),
            "days",
            False,
            {"events": "event names that count (default: any)"},
            "days since the account's last event",
        ),
        # adoption
        _K(
            "feature_breadth",
            "adoption",
            ("events",),
            "ratio",
            True,
            {
                "window_days": "window in days (default 30)",
                "features": "list of event names, one per key feature",
            },
            "share of key features used at least once in the window",
        ),
        _K(
            "value_event_frequency",
            "adoption",
            ("events",),
            "count",
            True,
            {"window_days": "window in days (default 30)", "events": "value event names"},
            "how many times value events occurred in the window",
        ),
        _K(
            "onboarding_progress",
            "adoption",
            ("events",),
            "ratio",
            True,
            {"milestones": "list of {event, count, day} from operations.yaml milestones"},
            "milestones done / milestones due by the account's age (1.0 when none are due)",
        ),
        # support
        _K(
            "tickets_per_seat",
            "support",
            ("tickets",),
            "ratio",
            False,
            {"window_days": "window in days (default 30)"},
            "tickets opened in the window / seats",
        ),
        _K(
            "open_high_priority_tickets",
            "support",
            ("tickets",),
            "count",
            False,
            {"priorities": "priority values that count as high (default [urgent, high])"},
            "tickets of high priority not yet resolved",
        ),
        _K(
            "first_response_sla",
            "support",
            ("tickets",),
            "ratio",
            True,
            {"window_days": "window in days (default 90)", "sla_hours": "map priority -> hours"},
            "share of tickets in the window whose first response met the SLA",
        ),
        _K(
            "ticket_csat",
            "support",
            ("tickets",),
            "ratio",
            True,
            {
                "window_days": "window in days (default 90)",
                "scale_max": "top of the CSAT scale (default 5)",
            },
            "top-box share of ticket CSAT ratings in the window",
        ),
        # sentiment
        _K(
            "nps",
            "sentiment",
            ("surveys",),
            "nps",
            True,
            {"window_days": "window in days (default 180)"},
            "account NPS from each respondent's latest answer in the window (-100..100)",
        ),
        _K(
            "detractor_share",
            "sentiment",
            ("surveys",),
            "ratio",
            False,
            {"window_days": "window in days (default 180)"},
            "share of respondents whose latest answer is 0-6",
        ),
        _K(
            "csm_sentiment",
            "sentiment",
            ("sentiment",),
            "score",
            True,
            {"scale_max": "top of the CSM rating scale (default 5)"},
            "the CSM's latest unexpired manual rating (with reason and expiry)",
        ),
        # commercial
        _K(
            "seat_utilisation",
            "commercial",
            ("users",),
            "ratio",
            True,
            {},
            "active (not deactivated) users / seats purchased",
        ),
        _K(
            "failed_payments",
            "commercial",
            ("payments",),
            "count",
            False,
            {"window_days": "window in days (default 90)"},
            "invoices with a failed payment in the window still unpaid at the as-of date, retries counted once",
        ),
        _K(
            "mrr_change",
            "commercial",
            ("mrr",),
            "ratio",
            True,
            {"months": "months to look back (default 3)"},
            "MRR now / MRR N months ago (1.0 = flat)",
        ),
        _K(
            "days_to_renewal",
            "commercial",
            (),
            "days",
            True,
            {},
            "days until renewal_date (fewer days = less time to fix problems)",
        ),
        # engagement
        _K(
            "days_since_touchpoint",
            "engagement",
            ("touchpoints",),
            "days",
            False,
            {"kinds": "touchpoint kinds that count (default: any)"},
            "days since the last CSM touchpoint",
        ),
        _K(
            "executive_engagement",
            "engagement",
            ("touchpoints",),
            "count",
            True,
            {"window_days": "window in days (default 180)"},
            "touchpoints with an executive in the window",
        ),
        _K(
            "active_role_users",
            "engagement",
            ("users",),
            "count",
            True,
            {"roles": "user roles counted (default [champion])"},
            "users with one of the roles who are not deactivated (0 = e.g. the champion has left)",
        ),
        _K(
            "qbr_cadence",
            "engagement",
            ("touchpoints",),
            "ratio",
            True,
            {"cadence_days": "days between QBRs for this tier (default 90)"},
            "days of the cadence / days since the last QBR (1.0 = on time, capped at 1)",
        ),
    ]
}
