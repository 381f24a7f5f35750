"""Named assumptions of the demo simulation: every number that is neither an input nor a benchmark.

Each is an :class:`Assumed` float carrying the sentence that justifies it, so the manifest can list
them and a reader can see which dynamics are invented for the demo. Rates that *are* published
(churn, declines, dunning recovery, NPS, CSAT, expansion, CSM ratios, SLAs) come from the benchmark
table instead (see :mod:`cs_architect.demo.calibration`).
"""

from __future__ import annotations


class Assumed(float):
    """A float with the reason it was chosen."""

    why: str

    def __new__(cls, value: float, why: str) -> Assumed:
        obj = super().__new__(cls, value)
        obj.why = why
        return obj


# --- latent health ---------------------------------------------------------------------------
HEALTH_PERSISTENCE = Assumed(0.85, "monthly AR(1) coefficient of latent health: a bad month mostly carries over")
HEALTH_SHOCK_SD = Assumed(0.30, "sd of the monthly health shock (logit scale)")
ACCOUNT_EFFECT_SD = Assumed(0.55, "sd of an account's own mean health around its segment's mean (logit scale)")
SEGMENT_MEAN_SCALE = Assumed(
    0.5, "segment mean health = this x logit(1 - benchmark annual logo churn): lower-churn segments are healthier"
)

# --- churn, expansion, contraction ---------------------------------------------------------
CHURN_HEALTH_LINK = Assumed(1.3, "log churn hazard falls by this per unit of latent health (mean-preserving)")
NOTICE_MONTHS = Assumed(
    2, "a customer decides not to renew about two months before the renewal date (notice windows are 30-90 days)"
)
WIND_DOWN = Assumed(0.8, "latent health lost by an account that has decided to leave, until its contract ends")
MIDTERM_CHURN_SHARE = Assumed(
    0.10, "share of a contract account's voluntary churn that happens mid-term (early termination); the rest at renewal"
)
EXPANSION_HEALTH_LINK = Assumed(1.0, "log odds of an expansion rise by this per unit of latent health")
CONTRACTION_HEALTH_LINK = Assumed(1.2, "log odds of a contraction at renewal fall by this per unit of latent health")
EXPANSION_STEP_MIN = Assumed(0.05, "smallest seat/usage expansion, as a share of the current amount")
EXPANSION_STEP_MAX = Assumed(0.30, "largest seat/usage expansion, as a share of the current amount")
CONTRACTION_STEP_MIN = Assumed(0.10, "smallest contraction at renewal, as a share")
CONTRACTION_STEP_MAX = Assumed(0.30, "largest contraction at renewal, as a share")
MIN_CONTRACTION_RATE = Assumed(0.01, "floor on the annual contraction rate when GRR - churn leaves nothing")
EXPANSION_MIN_AGE_MONTHS = Assumed(2, "no expansion in the first two months (still onboarding)")
ADDON_TAKE_RATE = Assumed(0.15, "share of accounts that buy an add-on their plan lacks, at average health")
DISCOUNTED_SHARE = Assumed(0.5, "share of CSM-led deals signed with a discount (uniform up to the policy maximum)")
USAGE_DRIFT_SD = Assumed(0.06, "monthly sd of usage volume on usage-priced plans, besides health")

# --- users and usage -----------------------------------------------------------------------
PROVISIONED_MIN = Assumed(0.60, "users provisioned per seat at the worst health (seat utilisation floor)")
ENGAGED_MIN = Assumed(0.15, "share of provisioned users active in a month at the worst health")
ENGAGED_RANGE = Assumed(0.80, "extra active share at the best health (active share = min + range x health)")
RAMP_MONTH_0 = Assumed(0.40, "share of target users provisioned in the first month (onboarding ramp)")
RAMP_MONTH_1 = Assumed(0.75, "share of target users provisioned in the second month")
KEY_USERS = Assumed(3, "the first users (admin, champion, executive sponsor) stay while the account is a customer")
USER_TURNOVER = Assumed(0.015, "monthly share of users deactivated and replaced (people leave the customer)")
EVENTS_PER_ENGAGED_USER_MONTH = Assumed(
    4, "default volume when --events is not given: about one key action a week per active user"
)
INTENSITY_MIN = Assumed(0.4, "events per active user at the worst health, relative to the mean rate")
INTENSITY_RANGE = Assumed(1.2, "extra events per active user at the best health")
POWER_USER_SKEW = Assumed(2.0, "events concentrate on long-tenured users: user rank ~ U^skew")
BREADTH_FIRST = Assumed(0.15, "health at which the first (activation) feature is half-used")
BREADTH_LAST = Assumed(0.65, "health at which the last feature in the adoption order is half-used")
BREADTH_STEEPNESS = Assumed(0.08, "width of the health band over which a feature goes from unused to used")
MILESTONE_HEALTH_LINK = Assumed(1.0, "log of the day a milestone is reached falls by this per unit of starting health")
MILESTONE_DISPERSION = Assumed(0.45, "lognormal sd of the day a milestone is reached")
FEATURE_SPACING_DAYS = Assumed(30, "key features that are not value events are first used 30 days apart")
WORK_HOUR_MEAN = Assumed(14.5, "mean UTC hour of customer activity (business hours, Europe to US East)")
WORK_HOUR_SD = Assumed(3.0, "sd of the UTC hour of customer activity")
WEEKEND_SHIFT = Assumed(0.75, "share of weekend activity moved to the nearest weekday (B2B usage dips at weekends)")
OPEN_ACV_MULTIPLE = Assumed(3.0, "an open-ended ACV range is sized up to this multiple of its minimum")
OPEN_SIZE_MULTIPLE = Assumed(4.0, "an open-ended company-size range reaches this multiple of its minimum")
ACV_FLOOR_SHARE = Assumed(0.01, "a segment whose ACV range starts at 0 is sized from 1% of its maximum up")
CAPPED_USAGE_MIN = Assumed(0.3, "accounts on plans without overage use 30-100% of their included usage")
OPEN_SEATS_MULTIPLE = Assumed(4.0, "a plan without max_seats is sold up to this multiple of min_seats")
USER_SHARE_OF_EMPLOYEES = Assumed(0.10, "logins per employee when the plan is not seat-priced")
HYBRID_USAGE_SHARE = Assumed(0.15, "hybrid plans: usage above the included amount adds this share of the seat fee")

# --- support -------------------------------------------------------------------------------
TICKETS_PER_ACCOUNT_MONTH = Assumed(1.0, "tickets per account-month at the median account size and average health")
TICKET_SIZE_EXPONENT = Assumed(0.5, "tickets grow with the square root of users")
TICKET_HEALTH_LINK = Assumed(0.8, "log ticket rate rises by this per unit of lost health")
ONBOARDING_TICKET_BOOST = Assumed(1.6, "ticket rate multiplier in the first two months")
URGENT_SHARE = Assumed(0.05, "share of urgent tickets at average health")
HIGH_SHARE = Assumed(0.20, "share of high-priority tickets at average health")
LOW_SHARE = Assumed(0.25, "share of low-priority tickets (normal = the rest)")
PRIORITY_HEALTH_LINK = Assumed(0.7, "log share of urgent/high tickets rises by this per unit of lost health")
RESPONSE_MEDIAN_OF_SLA = Assumed(0.6, "median first response as a share of the tier's first-response target")
RESPONSE_SPREAD = Assumed(0.9, "lognormal sd of first-response times")
RESOLVE_HOURS_URGENT = Assumed(8, "median hours to resolve an urgent ticket")
RESOLVE_HOURS_HIGH = Assumed(24, "median hours to resolve a high-priority ticket")
RESOLVE_HOURS_NORMAL = Assumed(72, "median hours to resolve a normal ticket")
RESOLVE_HOURS_LOW = Assumed(120, "median hours to resolve a low-priority ticket")
RESOLVE_SPREAD = Assumed(1.0, "lognormal sd of resolution times")
CSAT_RESPONSE_RATE = Assumed(0.35, "share of resolved tickets whose requester rates the support")
CSAT_HEALTH_LINK = Assumed(1.0, "log odds of a top-box CSAT rise by this per unit of latent health")
CSAT_FIVE_OF_TOP_BOX = Assumed(0.6, "share of top-box CSAT ratings that are 5 rather than 4")
CSAT_SLOW_PENALTY = Assumed(0.8, "log odds of a top-box CSAT fall by this when the first response missed its target")

# --- surveys -------------------------------------------------------------------------------
NPS_FIRST_DAY = Assumed(90, "first relational NPS survey after onboarding, on day 90")
NPS_EVERY_DAYS = Assumed(182, "relational NPS every six months after that")
NPS_INVITES = Assumed(10, "users invited per account and wave (fewer if the account has fewer)")
NPS_RESPONSE_RATE = Assumed(0.25, "share of invited users who answer")
NPS_HEALTH_LINK = Assumed(1.8, "NPS points (0-10 scale) gained per unit of latent health")
NPS_NOISE = Assumed(1.5, "sd of a respondent's score around the account's level")
NPS_ANSWER_DAYS = Assumed(7, "answers arrive within a week of the survey")
ADMIN_SHARE = Assumed(0.03, "share of ordinary users who are also admins")
COMMENT_SHARE = Assumed(0.3, "share of NPS answers with a comment")

# --- payments ------------------------------------------------------------------------------
NET_TERMS_DAYS = Assumed(30, "invoice payment terms (Net 30)")
EARLY_PAY_DAYS = Assumed(10, "healthy invoice customers pay up to this many days before the due date")
LATE_DAYS_MEAN = Assumed(6, "mean days an invoice is paid after its due date, at average health")
LATE_HEALTH_LINK = Assumed(1.2, "log days late rise by this per unit of lost health")
FAILURE_HEALTH_LINK = Assumed(0.5, "log card-decline rate rises by this per unit of lost health")
MANUAL_RECOVERY_DAYS = Assumed(30, "an unrecovered card failure is settled by hand within this many days, or churns")
BILLING_RUN_HOURS = Assumed(6, "card charges run in the first hours of the billing day (UTC)")
USAGE_REPORT_SPREAD = Assumed(0.3, "lognormal sd of the quantity on each billed-usage event")

# --- customer success touchpoints ---------------------------------------------------------
GUIDED_TOUCHES_PER_MONTH = Assumed(1.5, "calls, emails and meetings per month for a guided account")
HIGH_TOUCH_TOUCHES_PER_MONTH = Assumed(3.0, "calls, emails and meetings per month for a high-touch account")
TOUCH_HEALTH_LINK = Assumed(0.5, "log touchpoint rate rises by this per unit of latent health (responsive customers)")
ONBOARDING_TRAININGS = Assumed(2, "training sessions in the first two months of a CSM-led account")
QBR_HELD_MIN = Assumed(0.5, "chance a due QBR happens at the worst health")
QBR_HELD_MAX = Assumed(0.95, "chance a due QBR happens at the best health")
QBR_JITTER_DAYS = Assumed(7, "a QBR happens within a week either side of its due date")
QBR_EXEC_MIN = Assumed(0.2, "chance an executive attends a QBR at the worst health")
QBR_EXEC_MAX = Assumed(0.9, "chance an executive attends a QBR at the best health")
TOUCH_CALL_SHARE = Assumed(0.35, "share of CSM touchpoints that are calls")
TOUCH_EMAIL_SHARE = Assumed(0.45, "share of CSM touchpoints that are emails (meetings are the rest)")
CSM_RATING_NOISE = Assumed(0.6, "sd of a CSM's 1-5 rating around 1 + 4 x health")
OTHER_EXEC_SHARE = Assumed(0.05, "share of non-QBR touchpoints with an executive")
CSM_RATING_SHARE = Assumed(0.5, "chance a CSM records a sentiment rating in a month")
CSM_RATING_EXPIRY_DAYS = Assumed(60, "a CSM sentiment rating expires after 60 days")

# --- messy data (only with --mess) --------------------------------------------------------
LATE_ROW_SHARE = Assumed(0.0005, "share of event and ticket rows that arrive late (written out of order at the end)")
NULL_SHARE = Assumed(0.01, "share of optional values left empty (event user, quantity, ticket priority, ...)")
NO_FIRST_RESPONSE_SHARE = Assumed(0.02, "share of tickets exported without first_response_at")
NO_ROLE_SHARE = Assumed(0.03, "share of users without a role")


def all_assumptions() -> dict[str, dict[str, float | str]]:
    """Every assumption in this module: name -> {value, why} (for the manifest)."""
    return {
        name.lower(): {"value": float(value), "why": value.why}
        for name, value in sorted(globals().items())
        if isinstance(value, Assumed)
    }
