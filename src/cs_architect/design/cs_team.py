"""The CS team's vocabulary shared by the design steps: tiers, roles, and how segments are named.

Tiers are the touch models (self-serve, guided, high-touch) in that order; each has the CS role
that covers it. Role names are the ones the playbook uses everywhere (owners of milestones,
triggers, reviews), so a reader sees one name per job. The seller comes from the sales handoff.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pydantic import Field

from cs_architect.design.context import DesignContext, SegmentProfile, TouchModel
from cs_architect.inputs.base import Strict

TIER_ORDER: tuple[TouchModel, ...] = ("self_serve", "guided", "high_touch")
TIER_NAMES: dict[TouchModel, str] = {"self_serve": "Self-serve", "guided": "Guided", "high_touch": "High-touch"}
CSM_ROLE: dict[TouchModel, str] = {
    "high_touch": "Named CSM",
    "guided": "Pooled CSM",
    "self_serve": "Digital CS programme",
}
HEAD_OF_CS = "Head of Customer Success"
SUPPORT_LEAD = "Support lead"
CS_OPS = "CS operations"
PRODUCT_MANAGER = "Product manager"
DEFAULT_SELLER = "Account executive"


def seller_role(ctx: DesignContext) -> str:
    """The seller role from the sales handoff (who hands accounts to CS), as written there."""
    handoff = ctx.project.sales.handoff
    return handoff.owner if handoff and handoff.owner else DEFAULT_SELLER


def seller_title(ctx: DesignContext) -> str:
    """The seller's job title alone, for owner cells and sentences.

    The handoff owner often carries a note ('Account executive, with the solutions engineer who ran
    the proof of value'); the title is the text before the first comma, bracket or ' with '.
    """
    role = seller_role(ctx)
    title = re.split(r",| \(| with ", role, maxsplit=1)[0].strip()
    return title or DEFAULT_SELLER


def segments_by_tier(ctx: DesignContext) -> dict[TouchModel, list[SegmentProfile]]:
    """Segments grouped by touch model, tiers in self-serve, guided, high-touch order (empty tiers left out)."""
    out: dict[TouchModel, list[SegmentProfile]] = {}
    for tier in TIER_ORDER:
        members = [s for s in ctx.segments if s.touch == tier]
        if members:
            out[tier] = members
    return out


def scope(ctx: DesignContext, segment_ids: Iterable[str]) -> list[str]:
    """Segment ids for a ``segments`` field: empty when the list covers every segment (means 'all')."""
    ids = [s.id for s in ctx.segments if s.id in set(segment_ids)]
    return [] if len(ids) == len(ctx.segments) else ids


def segment_names(ctx: DesignContext) -> dict[str, str]:
    """Segment id -> name, in input order (sections carry it so templates can name a ``segments`` list)."""
    return {p.id: p.name for p in ctx.segments}


class NamedSegments(Strict):
    """Mixin for sections whose items carry ``segments`` id lists: names them for the renderers."""

    segment_names: dict[str, str] = Field(description="segment id -> name")

    def label(self, segment_ids: list[str]) -> str:
        """'all segments' for an empty list, else the segments' names."""
        if not segment_ids:
            return "all segments"
        return join_names([self.segment_names.get(s, s) for s in segment_ids])


def join_names(items: Iterable[str]) -> str:
    """'A', 'A and B', 'A, B and C': names in a sentence (segment names may contain commas of their own,
    so a list of them reads better with 'and' before the last)."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def lower_first(text: str) -> str:
    """Lower-case the first letter for use mid-sentence, unless it starts an acronym ('CSM-led', 'SSO')."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def role_in_sentence(title: str) -> str:
    """A job title for use mid-sentence: 'Account executive' -> 'account executive'; title-cased or
    acronym titles ('Technical Account Executive', 'CFO') are kept as written."""
    words = title.split()
    if len(words) > 1 and all(w.islower() for w in words[1:]):
        return lower_first(title)
    return title


def names(profiles: Iterable[SegmentProfile]) -> str:
    """The segments' names in a sentence."""
    return join_names(p.name for p in profiles)


def _alternatives(title: str) -> set[str]:
    return {t.strip().lower() for t in re.split(r",| or | and |/", title) if t.strip()}


def covered(title: str, others: Iterable[str]) -> bool:
    """True when another title already names this one ('CTO' is covered by 'VP Engineering or CTO')."""
    alts = _alternatives(title)
    return any(alts <= _alternatives(o) for o in others)


def distinct_titles(titles: Iterable[str]) -> list[str]:
    """Job titles without repeats: 'CTO' is dropped next to 'VP Engineering or CTO', which covers it."""
    items = list(dict.fromkeys(t for t in titles if t))
    out = []
    for i, title in enumerate(items):
        alts = _alternatives(title)
        covered = any(
            j != i and alts <= _alternatives(other) and (alts != _alternatives(other) or j < i)
            for j, other in enumerate(items)
        )
        if not covered:
            out.append(title)
    return out
