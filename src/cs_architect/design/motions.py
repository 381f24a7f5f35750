"""Who onboards each segment, and how: the onboarding motion, the entry path and the CS roles.

The motion follows the sales motion and the segment's touch model (:func:`segment_motion`)::

    sales motion   self_serve    guided        high_touch
    product-led    automated     automated     kickoff_led
    hybrid         automated     kickoff_led   kickoff_led
    sales-led      kickoff_led   kickoff_led   kickoff_led

Kickoff-led accounts arrive through the sales handoff and a CSM (named for high touch, pooled
otherwise) runs onboarding from a kickoff held by the handoff's ``within_days``. Automated accounts
sign up themselves; the Digital CS programme's lifecycle automation runs onboarding and a pooled CSM
is the fallback.

Role names are the CS team vocabulary (:data:`cs_architect.design.cs_team.CSM_ROLE`), so the
journey, onboarding, health and churn sections name each CS role exactly as the support tiers do.
"""

from __future__ import annotations

from typing import Literal

from cs_architect.design.context import DesignContext, SegmentProfile, TouchModel
from cs_architect.design.cs_team import CSM_ROLE, DEFAULT_SELLER, HEAD_OF_CS, TIER_NAMES
from cs_architect.spec.basis import Figure

Motion = Literal["automated", "kickoff_led"]
Entry = Literal["sales_handoff", "self_signup"]

# The company's own CS roles (personas name the customer's people), one name per role across the
# playbook: the tier owners are the support section's, the executive sponsor is the QBR section's.
DIGITAL_CS = CSM_ROLE["self_serve"]  # runs lifecycle automation (emails, in-app guides) for every tier
POOLED_CSM = CSM_ROLE["guided"]
NAMED_CSM = CSM_ROLE["high_touch"]
EXEC_SPONSOR = f"{HEAD_OF_CS} (executive sponsor)"
ASSUMED_KICKOFF_DAYS = 7  # used only when the handoff has no within_days, as a stated assumption


def segment_motion(sales_motion: str, touch: TouchModel) -> Motion:
    """Automated or kickoff-led onboarding for a segment (table in the module docstring)."""
    if sales_motion == "sales-led":
        return "kickoff_led"
    if touch == "self_serve" or (touch == "guided" and sales_motion == "product-led"):
        return "automated"
    return "kickoff_led"


def tier_owner(touch: TouchModel) -> str:
    """Who owns an account of a touch tier: the Digital CS programme, a pooled CSM or a named CSM."""
    return CSM_ROLE[touch]


def tier_name(touch: TouchModel) -> str:
    """The tier's display name ('Self-serve', 'Guided', 'High-touch')."""
    return TIER_NAMES[touch]


def in_sentence(title: str) -> str:
    """A job title inside a sentence: 'Account executive' -> 'account executive'; titles with other
    capitals ('Technical Account Executive', 'VP Operations', 'Head of Customer Success') stay."""
    first, _, rest = title.partition(" ")
    if first[1:].islower() and rest == rest.lower():
        return title[0].lower() + title[1:]
    return title


def csm_role(touch: TouchModel) -> str:
    """The human CS role for a touch model: a named CSM for high touch, else the pooled team."""
    return NAMED_CSM if touch == "high_touch" else POOLED_CSM


def onboarding_lead(ctx: DesignContext, profile: SegmentProfile) -> str:
    """Who leads onboarding: the Digital CS programme for automated segments, else the CSM role."""
    if segment_motion(ctx.motion, profile.touch) == "automated":
        return DIGITAL_CS
    return csm_role(profile.touch)


def entry_path(ctx: DesignContext, profile: SegmentProfile) -> Entry:
    """Kickoff-led accounts arrive through the sales handoff; automated ones sign up themselves."""
    return "sales_handoff" if segment_motion(ctx.motion, profile.touch) == "kickoff_led" else "self_signup"


def handoff_owner(ctx: DesignContext) -> str:
    """The handoff owner role from the sales process (the handoff's owner, else the sales process owner,
    else the account executive)."""
    sales = ctx.project.sales
    if sales.handoff is not None and sales.handoff.owner:
        return sales.handoff.owner
    return sales.owner or DEFAULT_SELLER


def kickoff_day(ctx: DesignContext) -> Figure:
    """Day by which the kickoff is held: the handoff's ``within_days``, else an assumed week."""
    handoff = ctx.project.sales.handoff
    if handoff is not None and handoff.within_days is not None:
        return Figure(
            value=handoff.within_days,
            unit="days",
            basis=[ctx.inp("sales_process", ("handoff", "within_days"))],
        )
    days = ASSUMED_KICKOFF_DAYS
    basis = ctx.assume(
        "kickoff_within_days",
        f"the kickoff call is held within {days} days of contract signature",
        "sales_process.yaml gives no handoff.within_days; a first-week kickoff leaves the rest of the "
        "time-to-value window for setup",
        "Within how many days of signature must the handoff and kickoff happen? Set handoff.within_days.",
    )
    return Figure(value=days, unit="days", basis=[basis])
