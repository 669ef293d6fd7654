"""Payment-risk scores of clients from their own payment history (see app.core.risk).

A paid invoice's payment date is the date of the allocation that settled it
last; "overdue now" is the oldest unpaid due date; the book's averages (the
prior that short histories lean on) come from every paid invoice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.risk import BookAverages, ClientHistory, PaidInvoice, RiskScore, book_averages, score
from app.db import models as m
from app.services.context import AppContext
from app.services.errors import NotFoundError

OPEN = ("issued", "sent", "partly_paid")


def _paid(s: Session, client_ids: Iterable[int] | None) -> dict[int, list[PaidInvoice]]:
    I, A = m.Invoice, m.Allocation  # noqa: E741
    stmt = (
        select(I.client_id, I.due_date, func.max(A.date))
        .join(A, A.invoice_id == I.id)
        .where(
            I.kind == "invoice",
            I.status == "paid",
            A.amount_minor > 0,
            A.reversed_by_id.is_(None),
        )
        .group_by(I.id, I.client_id, I.due_date)
    )
    if client_ids is not None:
        stmt = stmt.where(I.client_id.in_(list(client_ids)))
    out: dict[int, list[PaidInvoice]] = defaultdict(list)
    for client_id, due, paid in s.execute(stmt):
        out[client_id].append(PaidInvoice(due, paid))
    for items in out.values():
        items.sort(key=lambda p: (p.paid, p.due))
    return out


def _book(s: Session) -> BookAverages:
    return book_averages(p for items in _paid(s, None).values() for p in items)


def histories(
    s: Session, today: date, client_ids: Iterable[int] | None = None
) -> dict[int, ClientHistory]:
    ids = None if client_ids is None else list(client_ids)
    paid = _paid(s, ids)
    I = m.Invoice  # noqa: E741
    oldest = select(I.client_id, func.min(I.due_date)).where(
        I.kind == "invoice", I.status.in_(OPEN), I.balance_minor > 0, I.due_date < today
    )
    disputes = select(I.client_id, func.count()).where(
        I.kind == "invoice", I.status.in_(OPEN), I.disputed.is_(True)
    )
    if ids is not None:
        oldest = oldest.where(I.client_id.in_(ids))
        disputes = disputes.where(I.client_id.in_(ids))
    overdue = dict(s.execute(oldest.group_by(I.client_id)).all())
    disputed = dict(s.execute(disputes.group_by(I.client_id)).all())
    everyone = set(paid) | set(overdue) | set(disputed) | set(ids or ())
    return {
        c: ClientHistory(
            tuple(paid.get(c, ())),
            (today - overdue[c]).days if c in overdue else 0,
            int(disputed.get(c, 0)),
        )
        for c in everyone
    }


def client_risk(ctx: AppContext, client_id: int) -> RiskScore:
    """The client's score with the reasons that drive it (for the client and invoice panes)."""
    with ctx.uow.read() as uow:
        s = uow.session
        if s.get(m.Client, client_id) is None:
            raise NotFoundError(f"There is no client with id {client_id}.")
        history = histories(s, ctx.clock.today(), [client_id])[client_id]
        return score(history, _book(s))


def invoice_risk(ctx: AppContext, invoice_id: int) -> RiskScore:
    """The risk of the client an invoice is addressed to."""
    with ctx.uow.read() as uow:
        row = uow.session.get(m.Invoice, invoice_id)
        if row is None:
            raise NotFoundError(f"There is no invoice with id {invoice_id}.")
        client_id = row.client_id
    return client_risk(ctx, client_id)


@dataclass(frozen=True)
class ClientRisk:
    client_id: int
    name: str
    score: RiskScore

    def as_dict(self) -> dict[str, object]:
        return {"client_id": self.client_id, "client": self.name, **self.score.as_dict()}


def all_risks(ctx: AppContext, level: str | None = None) -> list[ClientRisk]:
    """Every active client's score, riskiest first (optionally only one level)."""
    with ctx.uow.read() as uow:
        s = uow.session
        names = dict(
            s.execute(
                select(m.Client.id, m.Client.name).where(m.Client.archived_at.is_(None))
            ).all()
        )
        book = _book(s)
        found = histories(s, ctx.clock.today(), None)
    out = [ClientRisk(c, names[c], score(found.get(c, ClientHistory(())), book)) for c in names]
    if level:
        out = [r for r in out if r.score.level == level]
    out.sort(key=lambda r: (-r.score.points, r.name))
    return out
