"""Contract tables (Arrow) from the simulated arrays: names, ids, types and messy values.

Ids are readable and stable: accounts ``A000123``, users ``A000123-u7``, tickets
``A000123-T4``, invoices ``A000123-202405``. Columns with few distinct values (account, event,
segment, priority, ...) are dictionary-encoded in memory: cheap to build, written as plain
strings.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from cs_architect.demo.assumptions import NO_FIRST_RESPONSE_SHARE, NO_ROLE_SHARE
from cs_architect.demo.blocks import ROLES, Block
from cs_architect.demo.book import NEVER, Book
from cs_architect.demo.calendar import DAY
from cs_architect.demo.calibration import PRIORITIES
from cs_architect.demo.events import Events
from cs_architect.demo.mess import Mess, merge
from cs_architect.demo.names import nps_comments
from cs_architect.demo.parquet import coded, contract_schema, dates, floats, timestamps
from cs_architect.demo.payments import Payments
from cs_architect.demo.surveys import CATEGORIES, Responses
from cs_architect.demo.tickets import Tickets
from cs_architect.demo.touchpoints import KINDS, REASONS, Ratings, Touchpoints

I64 = NDArray[np.int64]


def _table(name: str, columns: dict[str, pa.Array]) -> pa.Table:
    schema = contract_schema(name)
    fields = [pa.field(f.name, columns[f.name].type) for f in schema]
    return pa.Table.from_arrays([columns[f.name] for f in schema], schema=pa.schema(fields))


def _ids(block: Block) -> pa.Array:
    return pa.array(block.book.account_ids[block.start : block.stop], type=pa.string())


def _numbered(prefix_ids: pa.Array, codes: I64, numbers: I64, sep: str) -> pa.Array:
    """'<id><sep><number>' for each row, built in Arrow (no Python loop)."""
    left = prefix_ids.take(pa.array(codes))
    right = pc.cast(pa.array(numbers), pa.string())
    return pc.binary_join_element_wise(left, right, sep)


def user_ids(block: Block) -> pa.Array:
    users = block.users
    return _numbered(_ids(block), users.account, users.number, "-u")


def accounts_table(book: Book) -> pa.Table:
    """One row per account, as of the generation end: ARR is the contracted ARR now (for an
    account still in its trial, what it signed for; for a churned account, at churn)."""
    n = book.n
    churned = book.churn_s < NEVER
    first_month = book.window.month_starts[:-1]
    last_day = np.minimum(book.churn_s, book.window.end_s - 1) // DAY
    m_last = np.clip(np.searchsorted(first_month, last_day, side="right") - 1, 0, book.months - 1)
    arr = np.round(12 * book.contracted_mrr, 2)
    seat_priced = book.plans.seat_priced[book.plan]
    seats = book.seats[np.arange(n), m_last]
    seg_ids = [s.id for s in book.profile.segments]
    plan_ids = [p.id or "" for p in book.profile.plans]
    no_plan = np.array([p.id is None for p in book.profile.plans])[book.plan]
    billing = np.where(book.plans.card[book.plan], 0, 1)
    owners = book.owners or [""]
    return _table(
        "accounts",
        {
            "account_id": pa.array(book.account_ids, type=pa.string()),
            "name": pa.array(book.names, type=pa.string()),
            "segment": coded(book.seg, seg_ids),
            "plan": coded(book.plan, plan_ids, missing=no_plan if no_plan.any() else None),
            "owner": coded(np.maximum(book.owner, 0), owners, missing=book.owner < 0),
            "created_at": timestamps(book.created_s),
            "contract_start": dates(book.contract_day),
            "renewal_date": dates(book.renewal_day),
            "arr": floats(arr),
            "seats": pa.array(seats.astype(np.int64), type=pa.int64(), mask=~seat_priced),
            "billing": coded(billing, ("card", "invoice")),
            "churned_at": timestamps(np.where(churned, book.churn_s, 0), missing=~churned),
        },
    )


def mrr_table(block: Block) -> pa.Table:
    """MRR per account and month while billed, then one 0 row in the month after churn."""
    book = block.book
    mrr = book.mrr[block.rows].astype(np.float64)
    paid = mrr > 0
    churned = (book.churn_s[block.rows] < NEVER)[:, None]
    after = np.zeros_like(paid)
    after[:, 1:] = paid[:, :-1] & ~paid[:, 1:]
    zero_row = after & churned
    a, m = np.nonzero(paid | zero_row)
    months = book.window.month_starts[:-1][m]
    return _table(
        "mrr",
        {
            "account_id": coded(a, _ids(block)),
            "month": dates(months),
            "mrr": floats(np.round(np.where(paid[a, m], mrr[a, m], 0.0), 2)),
        },
    )


def users_table(block: Block, mess: Mess) -> pa.Table:
    users = block.users
    gone = users.deactivated_s == NEVER
    return _table(
        "users",
        {
            "user_id": user_ids(block),
            "account_id": coded(users.account, _ids(block)),
            "role": coded(users.role, ROLES, missing=mess.nulls(len(users.role), NO_ROLE_SHARE)),
            "created_at": timestamps(users.created_s),
            "deactivated_at": timestamps(np.where(gone, 0, users.deactivated_s), missing=gone),
        },
    )


def events_table(block: Block, ev: Events, uids: pa.Array, mess: Mess) -> tuple[pa.Table, pa.Table]:
    """(on-time rows, late rows) of the block's events."""
    n = len(ev)
    table = _table(
        "events",
        {
            "account_id": coded(ev.account, _ids(block)),
            "user_id": uids.take(pa.array(ev.user, mask=mess.nulls(n))),
            "ts": timestamps(ev.ts),
            "event": coded(ev.event, block.book.profile.events),
            "quantity": floats(ev.quantity, missing=mess.nulls(n)),
        },
    )
    return _split_late(table, mess)


def _split_late(table: pa.Table, mess: Mess) -> tuple[pa.Table, pa.Table]:
    late = mess.late(table.num_rows)
    if late is None or not late.any():
        return table, table.slice(0, 0)
    mask = pa.array(late)
    return table.filter(pc.invert(mask)), table.filter(mask)


def tickets_table(block: Block, t: Tickets, mess: Mess) -> tuple[pa.Table, pa.Table]:
    n = len(t.account)
    ids = _numbered(_ids(block), t.account, t.number, "-T")
    no_first = merge(t.first_response_s < 0, mess.nulls(n, NO_FIRST_RESPONSE_SHARE))
    table = _table(
        "tickets",
        {
            "ticket_id": ids,
            "account_id": coded(t.account, _ids(block)),
            "created_at": timestamps(t.created_s),
            "priority": coded(t.priority, PRIORITIES, missing=mess.nulls(n)),
            "first_response_at": timestamps(np.maximum(t.first_response_s, 0), missing=no_first),
            "resolved_at": timestamps(np.maximum(t.resolved_s, 0), missing=t.resolved_s < 0),
            "csat": floats(t.csat),
        },
    )
    return _split_late(table, mess)


def surveys_table(block: Block, r: Responses, uids: pa.Array, mess: Mess) -> pa.Table:
    profile = block.book.profile
    features = [profile.feature_names[a.feature] for a in profile.activities if a.feature in profile.feature_names]
    templates = nps_comments(features)
    texts = [text for cat in CATEGORIES for text in templates[cat]]
    n = len(r.account)
    return _table(
        "surveys",
        {
            "account_id": coded(r.account, _ids(block)),
            "user_id": uids.take(pa.array(r.user, mask=mess.nulls(n))),
            "ts": timestamps(r.ts),
            "kind": coded(np.zeros(n, np.int32), ("nps",)),
            "score": floats(r.score),
            "comment": coded(np.maximum(r.comment, 0), texts, missing=r.comment < 0),
        },
    )


def payments_table(block: Block, p: Payments, mess: Mess) -> pa.Table:
    book = block.book
    n = len(p.account)
    month = book.window.first_month.astype(np.int64) + p.period  # months since 1970-01
    yyyymm = pc.cast(pa.array((1970 + month // 12) * 100 + month % 12 + 1), pa.string())
    invoice = pc.binary_join_element_wise(_ids(block).take(pa.array(p.account)), yyyymm, "-")
    missing = mess.nulls(n)
    if missing is not None:
        invoice = pc.if_else(pa.array(missing), pa.scalar(None, pa.string()), invoice)
    return _table(
        "payments",
        {
            "account_id": coded(p.account, _ids(block)),
            "ts": timestamps(p.ts),
            "amount": floats(p.amount),
            "status": coded(p.failed.astype(np.int8), ("succeeded", "failed")),
            "invoice_id": invoice,
        },
    )


def touchpoints_table(block: Block, tp: Touchpoints, mess: Mess) -> pa.Table:
    n = len(tp.account)
    return _table(
        "touchpoints",
        {
            "account_id": coded(tp.account, _ids(block)),
            "ts": timestamps(tp.ts),
            "kind": coded(tp.kind, KINDS),
            "with_executive": pa.array(tp.with_executive, type=pa.bool_(), mask=mess.nulls(n)),
        },
    )


def sentiment_table(block: Block, r: Ratings) -> pa.Table:
    return _table(
        "sentiment",
        {
            "account_id": coded(r.account, _ids(block)),
            "ts": timestamps(r.ts),
            "rating": floats(r.rating),
            "reason": coded((r.rating - 1).astype(np.int32), REASONS),
            "expires_at": timestamps(r.expires_s),
        },
    )


def truth_table(block: Block) -> pa.Table:
    """The latent health (0-100) of each account in each month it was active: the answer key a
    health model is trying to recover (not part of the contract)."""
    book = block.book
    a, m = np.nonzero(block.span_hi > block.span_lo)
    return pa.table(
        {
            "account_id": coded(a, _ids(block)),
            "month": dates(book.window.month_starts[:-1][m]),
            "health": floats(np.round(100 * book.health(block.rows)[a, m], 2)),
        }
    )
