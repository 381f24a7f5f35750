"""Seeded, scalable synthetic customer data in the data contract, for a company from its inputs.

``csa demo-data DIR --inputs INPUTS`` writes ``<table>.parquet`` files (accounts, mrr, users,
events, tickets, surveys, payments, touchpoints, sentiment) and ``manifest.json``. A latent
health per account drives every table, so a health model has real signal to find. See
:mod:`cs_architect.demo.generator` for the pipeline and :mod:`cs_architect.demo.assumptions`
for every invented number.
"""

from cs_architect.demo.generator import (
    GENERATOR_VERSION,
    TABLES,
    DemoOptions,
    DemoResult,
    block_size,
    generate,
    simulate,
)

__all__ = ["GENERATOR_VERSION", "TABLES", "DemoOptions", "DemoResult", "block_size", "generate", "simulate"]
