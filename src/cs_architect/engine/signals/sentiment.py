"""Sentiment signals: account NPS, detractor share (``surveys``) and the CSM's own rating (``sentiment``)."""

from __future__ import annotations

from collections.abc import Mapping

import ibis
import ibis.expr.types as ir

from cs_architect.engine.signals.plan import Agg, Derived, Params, SignalPlan, Window, ratio


def latest_answers(days: int) -> Derived:
    """Each respondent's latest valid NPS answer in the last ``days`` (GLOSSARY: account NPS).

    Answers count when ``kind`` is 'nps' (or not given) and the score is a whole number 0-10.
    A respondent is a user id; an answer without one counts as its own respondent.
    """

    def build(tables: Mapping[str, ir.Table], w: Window) -> ir.Table:
        s = tables["surveys"]
        valid = (
            (s.kind.isnull() | (s.kind.lower() == "nps"))
            & w.within(s.ts, days)
            & s.score.between(0, 10)
            & (s.score == s.score.round())
        )
        s = s.filter(valid)
        who = ibis.coalesce(s.user_id, s.ts.cast("string"))
        order = ibis.row_number().over(group_by=[s.account_id, who], order_by=[s.ts.desc(), s.score.desc()])
        return s.mutate(_rank=order).filter(lambda x: x._rank == 0).select("account_id", "score")

    return Derived(key=f"surveys_latest_{days}", needs=("surveys",), build=build)


def _nps_aggs(key: str) -> dict[str, Agg]:
    return {
        "n": Agg(key, lambda t: t.count()),
        "promoters": Agg(key, lambda t: t.count(where=t.score >= 9), 0),
        "detractors": Agg(key, lambda t: t.count(where=t.score <= 6), 0),
    }


def nps(params: Params, w: Window) -> SignalPlan:
    """Account NPS = % promoters (9-10) − % detractors (0-6) over each respondent's latest
    answer in the window; −100..100. No answer: no data (never 0).

    Example: answers 10, 9, 8, 3 -> (2 − 1) / 4 = 25.
    """
    source = latest_answers(params.whole("window_days", 180))
    return SignalPlan(
        needs=("surveys",),
        derived=(source,),
        aggs=_nps_aggs(source.key),
        raw=lambda f: ratio((f.agg("promoters") - f.agg("detractors")) * 100, f.agg("n")),
    )


def detractor_share(params: Params, w: Window) -> SignalPlan:
    """Share of respondents whose latest answer in the window is 0-6. No answer: no data."""
    source = latest_answers(params.whole("window_days", 180))
    return SignalPlan(
        needs=("surveys",),
        derived=(source,),
        aggs=_nps_aggs(source.key),
        raw=lambda f: ratio(f.agg("detractors"), f.agg("n")),
    )


def csm_sentiment(params: Params, w: Window) -> SignalPlan:
    """The CSM's latest rating given by the as-of date that has not expired (``expires_at``).

    Ratings outside 0..``scale_max`` are ignored. The raw value is the rating itself, on the
    CSM's scale; the signal's scoring maps it to 0-100.
    """
    scale = params.number("scale_max", 5)

    def build(tables: Mapping[str, ir.Table], win: Window) -> ir.Table:
        s = tables["sentiment"]
        s = s.filter(s.rating.between(0, scale) & (s.expires_at.isnull() | (s.expires_at >= win.end)))
        order = ibis.row_number().over(group_by=s.account_id, order_by=[s.ts.desc(), s.rating.asc()])
        return s.mutate(_rank=order).filter(lambda x: x._rank == 0).select("account_id", "rating")

    source = Derived(key=f"sentiment_current_{scale:g}", needs=("sentiment",), build=build)
    return SignalPlan(
        needs=("sentiment",),
        derived=(source,),
        aggs={"rating": Agg(source.key, lambda t: t.rating.max())},
        raw=lambda f: f.agg("rating").cast("float64"),
    )
