"""Shared base for input and spec models: strict, frozen, no unknown fields."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True)


class Input(Strict):
    """An input document's model: also strict about types, so `yes`, `on` or "820" are not silently
    coerced into booleans or numbers (YAML is loaded so that they stay strings; strict typing then
    rejects them with the expected type)."""

    model_config = ConfigDict(strict=True)
