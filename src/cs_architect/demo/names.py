"""Names for demo accounts, CSMs and survey comments (fictional, deterministic per seed)."""

from __future__ import annotations

import numpy as np

_FIRST = (
    "Amber",
    "Arrow",
    "Aspen",
    "Beacon",
    "Birch",
    "Blue",
    "Bright",
    "Cedar",
    "Clear",
    "Coast",
    "Copper",
    "Crest",
    "Delta",
    "Elm",
    "Fern",
    "Field",
    "Flint",
    "Fox",
    "Granite",
    "Green",
    "Harbor",
    "Hazel",
    "Iron",
    "Juniper",
    "Kestrel",
    "Lake",
    "Linden",
    "Maple",
    "Meadow",
    "North",
    "Oak",
    "Orchard",
    "Pine",
    "Quarry",
    "River",
    "Rowan",
    "Sage",
    "Silver",
    "Stone",
    "Summit",
    "Thistle",
    "Union",
    "Valley",
    "West",
    "Willow",
)
_SECOND = (
    "bridge",
    "brook",
    "field",
    "gate",
    "hill",
    "line",
    "mark",
    "point",
    "ridge",
    "side",
    "stone",
    "view",
    "wood",
    "works",
    "way",
)
_KIND = (
    "Group",
    "Holdings",
    "Partners",
    "Services",
    "Foods",
    "Logistics",
    "Health",
    "Retail",
    "Hospitality",
    "Systems",
    "Labs",
    "Co",
    "Industries",
    "Studios",
    "Care",
)
_CSM_FIRST = (
    "Alex",
    "Bea",
    "Chris",
    "Dana",
    "Eli",
    "Fatima",
    "Gus",
    "Hana",
    "Ivan",
    "Jo",
    "Kai",
    "Lena",
    "Marco",
    "Nia",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sam",
    "Tomas",
    "Uma",
    "Vik",
    "Wen",
    "Yara",
)
_CSM_LAST = (
    "Adams",
    "Baker",
    "Chen",
    "Diaz",
    "Evans",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ito",
    "Jensen",
    "Kowalski",
    "Larsen",
    "Moreau",
    "Novak",
    "Okafor",
    "Patel",
    "Rossi",
    "Silva",
    "Tanaka",
    "Weber",
)


def account_names(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` company names such as 'Harborbridge Logistics'; repeats get a number ('... 2')."""
    a = rng.integers(0, len(_FIRST), n)
    b = rng.integers(0, len(_SECOND), n)
    c = rng.integers(0, len(_KIND), n)
    seen: dict[str, int] = {}
    out = []
    for i, j, k in zip(a.tolist(), b.tolist(), c.tolist(), strict=True):
        name = f"{_FIRST[i]}{_SECOND[j]} {_KIND[k]}"
        count = seen.get(name, 0) + 1
        seen[name] = count
        out.append(name if count == 1 else f"{name} {count}")
    return out


def csm_names(n: int) -> list[str]:
    """``n`` distinct CSM names, in a fixed order."""
    out = []
    for i in range(n):
        first = _CSM_FIRST[i % len(_CSM_FIRST)]
        last = _CSM_LAST[(i // len(_CSM_FIRST)) % len(_CSM_LAST)]
        rounds = i // (len(_CSM_FIRST) * len(_CSM_LAST))
        out.append(f"{first} {last}" + (f" {rounds + 1}" if rounds else ""))
    return out


def nps_comments(features: list[str]) -> dict[str, list[str]]:
    """Comment templates per NPS category, naming the company's own features."""
    core = features[0] if features else "the product"
    other = features[1] if len(features) > 1 else core
    return {
        "promoter": [
            f"{core} saves us hours every week.",
            f"Our team relies on {other} now.",
            "Support is quick and the product just works.",
        ],
        "passive": [
            f"{core} is good, but setup took longer than expected.",
            f"We would use {other} more if it fitted our process better.",
            "Fine overall; a few rough edges.",
        ],
        "detractor": [
            f"We struggle to get value from {core}.",
            "Too many issues and slow answers from support.",
            "Hard to get the team to adopt it.",
        ],
    }
