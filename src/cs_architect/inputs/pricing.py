"""The pricing model (optional input): plans, metric, billing, contracts, discounts."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from cs_architect.inputs.base import Input

Ident = Field(pattern=r"^[a-z][a-z0-9_]*$", description="lower_snake_case identifier")
PricingMetric = Literal["seat", "usage", "flat", "hybrid"]
BillingPeriod = Literal["monthly", "quarterly", "annual"]
PaymentMethod = Literal["card", "invoice"]
PERIODS_PER_YEAR = {"monthly": 12, "quarterly": 4, "annual": 1}


class Plan(Input):
    id: str = Ident
    name: str
    segment: str | None = Field(None, description="id of the segment this plan is sold to")
    price: float = Field(ge=0, description="list price per billing period (per seat if seat-priced)")
    billing_period: BillingPeriod
    payment_method: PaymentMethod | None = Field(None, description="defaults to the model's payment_method")
    contract_months: int | None = Field(None, ge=1, le=60)
    min_seats: int | None = Field(None, ge=1)
    max_seats: int | None = Field(None, ge=1)
    included_usage: float | None = Field(None, ge=0, description="usage units included per billing period")
    usage_limit: float | None = Field(None, ge=0, description="hard cap per billing period, if any")
    overage_price: float | None = Field(None, ge=0, description="price per usage unit above the included amount")
    features: list[str] = Field(default_factory=list, description="ids of key features in this plan")

    def annual_price(self, metric: str) -> float:
        """List price for a year at the plan's minimum size (seats x price for seat pricing)."""
        seats = (self.min_seats or 1) if metric in ("seat", "hybrid") else 1
        return self.price * PERIODS_PER_YEAR[self.billing_period] * seats


class AddOn(Input):
    id: str = Ident
    name: str
    price: float = Field(ge=0)
    billing_period: BillingPeriod
    description: str = ""
    feature: str | None = Field(None, description="id of the key feature the add-on unlocks")


class DiscountPolicy(Input):
    max_discount_pct: float = Field(ge=0, le=100)
    approver: str | None = None
    annual_prepay_discount_pct: float | None = Field(None, ge=0, le=100)
    multi_year_discount_pct: float | None = Field(None, ge=0, le=100)
    renewal_uplift_pct: float | None = Field(None, ge=0, le=100, description="standard price increase at renewal")


class Pricing(Input):
    currency: str = Field("USD", pattern=r"^[A-Z]{3}$")
    pricing_metric: PricingMetric
    usage_unit: str | None = Field(None, description="what usage is counted in, e.g. 'events' (usage/hybrid)")
    usage_event: str | None = Field(None, description="event name in the data whose quantity is billed usage")
    payment_method: PaymentMethod
    contract_months: int = Field(12, ge=1, le=60)
    plans: list[Plan] = Field(min_length=1)
    add_ons: list[AddOn] = Field(default_factory=list)
    discount_policy: DiscountPolicy | None = None
    free_tier: bool = False
    trial_days: int | None = Field(None, ge=0, le=90)

    @model_validator(mode="after")
    def _usage_unit(self) -> Pricing:
        if self.pricing_metric in ("usage", "hybrid") and not self.usage_unit:
            raise ValueError("usage_unit is required when pricing_metric is usage or hybrid")
        return self

    def method(self, plan: Plan) -> str:
        return plan.payment_method or self.payment_method

    def contract(self, plan: Plan) -> int:
        return plan.contract_months or self.contract_months
