"""The startup brief: who the company is, what it sells, how it sells, and when customers get value."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from cs_architect.inputs.base import Input

Stage = Literal["pre-revenue", "beta", "revenue"]
SalesMotion = Literal["product-led", "sales-led", "hybrid"]
Ident = Field(pattern=r"^[a-z][a-z0-9_]*$", description="lower_snake_case identifier")


class Feature(Input):
    id: str = Ident
    name: str
    description: str = ""
    event: str | None = Field(None, description="event name in the product data that shows the feature is used")


class ValueEvent(Input):
    """Something a customer does when it gets value from the product (an 'aha' moment)."""

    id: str = Ident
    name: str
    description: str = ""
    event: str = Field(description="event name as it appears in the product event data")
    count: int = Field(1, ge=1, description="how many times it must happen to count as reached")
    target_day: int | None = Field(None, ge=0, le=365, description="day after start by which it should happen")
    activation: bool = Field(False, description="true for the one value event that defines activation (TTV)")


class Brief(Input):
    company: str
    product: str
    value_proposition: str
    stage: Stage
    paying_customers: int = Field(ge=0)
    beta_users: int = Field(0, ge=0)
    arr: float | None = Field(None, ge=0, description="annual recurring revenue today, in currency")
    currency: str = Field("USD", pattern=r"^[A-Z]{3}$")
    business_model: str
    sales_motion: SalesMotion
    key_features: list[Feature] = Field(min_length=1)
    value_events: list[ValueEvent] = Field(min_length=1)
    integrations: list[str] = Field(default_factory=list)
    support_hours: str | None = Field(None, description="e.g. 'business hours, Mon-Fri, CET' or '24x7'")
    nps_survey_exists: bool | None = None

    @model_validator(mode="after")
    def _one_activation(self) -> Brief:
        flagged = [v.id for v in self.value_events if v.activation]
        if len(flagged) > 1:
            raise ValueError(f"only one value event can have activation: true (found {', '.join(flagged)})")
        return self

    @property
    def activation_event(self) -> ValueEvent:
        """The value event that defines activation: the flagged one, else the first listed."""
        return next((v for v in self.value_events if v.activation), self.value_events[0])
