"""Buyer personas: the customer segments (by ACV and size) and the people who buy and use."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from cs_architect.inputs.base import Input

Ident = Field(pattern=r"^[a-z][a-z0-9_]*$", description="lower_snake_case identifier")
BuyingRole = Literal["champion", "economic_buyer", "end_user", "technical_buyer", "executive_sponsor"]


class Range(Input):
    min: float = Field(ge=0)
    max: float | None = Field(None, ge=0, description="empty for open-ended")

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.max is not None and self.max < self.min:
            raise ValueError(f"max ({self.max:g}) is below min ({self.min:g})")
        return self

    def contains(self, value: float) -> bool:
        return value >= self.min and (self.max is None or value <= self.max)

    @property
    def midpoint(self) -> float:
        return self.min if self.max is None else (self.min + self.max) / 2


class Segment(Input):
    id: str = Ident
    name: str
    acv: Range = Field(description="annual contract value range, in the brief's currency")
    company_size: Range = Field(description="employees")
    expected_accounts: int = Field(ge=0, description="accounts expected in this segment over the next 12 months")
    needs: list[str] = Field(min_length=1, description="jobs to be done / needs")
    champion: str = Field(description="who champions the product inside the customer (title)")
    economic_buyer: str = Field(description="who signs (title)")
    end_users: str = Field(description="who uses it day to day")


class Persona(Input):
    id: str = Ident
    name: str
    title: str
    role: BuyingRole
    segments: list[str] = Field(min_length=1, description="ids of segments this persona appears in")
    goals: list[str] = Field(default_factory=list)
    pains: list[str] = Field(default_factory=list)
    success_looks_like: str | None = None


class Personas(Input):
    segments: list[Segment] = Field(min_length=1)
    personas: list[Persona] = Field(default_factory=list)

    def segment(self, segment_id: str) -> Segment:
        return next(s for s in self.segments if s.id == segment_id)
