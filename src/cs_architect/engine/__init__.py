"""The engine: run ``health_model.yaml`` on customer data through Ibis (DuckDB embedded, any
Ibis backend by URL), with explained scores and a history of snapshots.

    >>> from cs_architect.engine import load_health_model, score_accounts   # doctest: +SKIP
    >>> run = score_accounts(load_health_model(out), data_dir=data, as_of=date.today(), out_dir=out)
    >>> print(run.to_text())
"""

from __future__ import annotations

from cs_architect.engine.checks import DataReport, check_data
from cs_architect.engine.explain import AccountExplanation, explain_account
from cs_architect.engine.export import export_scores
from cs_architect.engine.model import load_health_model, tables_needed
from cs_architect.engine.run import build_scoring, check_customer_data, score_accounts, scoring_sql
from cs_architect.engine.store import ResultsStore
from cs_architect.engine.summary import ScoreRun

__all__ = [
    "AccountExplanation",
    "DataReport",
    "ResultsStore",
    "ScoreRun",
    "build_scoring",
    "check_customer_data",
    "check_data",
    "explain_account",
    "export_scores",
    "load_health_model",
    "score_accounts",
    "scoring_sql",
    "tables_needed",
]
