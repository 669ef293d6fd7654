"""Reconciliation: bank lines against open invoices, applied when sure, suggested otherwise.

The matching itself is pure (app.core.matching); this module feeds it the
book, applies its sure answers as payments (each undoable), stores its
suggestions with their reasons, and learns a payer's name and IBAN when the
user confirms a match, so next month the same payer matches by itself.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.matching import (
    BankLine,
    ClientProfile,
    MatchResult,
    MatchSettings,
    OpenInvoice,
    match_statement,
)
from app.core.money import Money
from app.db import models as m
from app.services import settings as settings_service
from app.services.audit import record
from app.services.context import AppContext
from app.services.errors import InvariantError, NotFoundError, ValidationError
from app.services.payments import OPEN_VALUES, add_payment, reverse_payment_in, write_off_in

OUTGOING_KINDS = {"out", "refund", "own_transfer"}


def _similarity():  # type: ignore[no-untyped-def]
    from rapidfuzz import fuzz

    return fuzz.token_set_ratio


@dataclass
class ReconcileResult:
    lines: int = 0
    auto_applied: int = 0
    suggested: int = 0
    unmatched: int = 0
    outgoing: int = 0
    cancelled: bool = False
    by_kind: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def match_settings(s: Session) -> MatchSettings:
    values = settings_service.get_all(s)
    own = tuple(i for (i,) in s.execute(select(m.BankAccount.iban)) if i)
    if values["payment.iban"]:
        own += (values["payment.iban"].replace(" ", "").upper(),)
    return MatchSettings(
        fee_tolerance=values["bank.fee_tolerance"],
        numbering_templates=(values["numbering.invoice_template"],),
        auto_apply=values["bank.auto_apply"],
        own_ibans=own,
    )


def _book(s: Session) -> tuple[list[OpenInvoice], list[ClientProfile]]:
    invoices = [
        OpenInvoice(
            r.id,
            r.number,
            r.client_id,
            r.issue_date,
            r.due_date,
            r.currency,
            Money.from_minor(r.total_minor, r.currency).amount,
            Money.from_minor(r.balance_minor, r.currency).amount,
            r.creditor_reference or "",
        )
        for r in s.execute(
            select(
                m.Invoice.id,
                m.Invoice.number,
                m.Invoice.client_id,
                m.Invoice.issue_date,
                m.Invoice.due_date,
                m.Invoice.currency,
                m.Invoice.total_minor,
                m.Invoice.balance_minor,
                m.Invoice.creditor_reference,
            ).where(
                m.Invoice.kind == "invoice",
                m.Invoice.status.in_(OPEN_VALUES),
                m.Invoice.balance_minor > 0,
            )
        )
    ]
    names: dict[int, list[str]] = defaultdict(list)
    ibans: dict[int, list[str]] = defaultdict(list)
    for a in s.execute(select(m.ClientAlias.client_id, m.ClientAlias.name, m.ClientAlias.iban)):
        if a.name:
            names[a.client_id].append(a.name)
        if a.iban:
            ibans[a.client_id].append(a.iban)
    clients = [
        ClientProfile(c.id, c.name, tuple(names[c.id]), tuple(ibans[c.id]))
        for c in s.execute(select(m.Client.id, m.Client.name))
    ]
    return invoices, clients


def _bank_line(row: m.BankLine) -> BankLine:
    return BankLine(
        row.id,
        row.booking_date,
        Money.from_minor(row.amount_minor, row.currency).amount,
        row.currency,
        row.counterparty,
        row.counterparty_iban,
        row.description,
        row.reference,
    )


def reconcile(
    ctx: AppContext, progress: Any = None, cancel: Any = None, line_ids: list[int] | None = None
) -> ReconcileResult:
    """Match every unmatched (or suggested) line; auto-apply the sure ones in one transaction."""
    result = ReconcileResult()
    with ctx.uow() as uow:
        s = uow.session
        stmt = select(m.BankLine).where(m.BankLine.status.in_(("unmatched", "suggested")))
        if line_ids is not None:
            stmt = stmt.where(m.BankLine.id.in_(line_ids))
        rows = list(s.execute(stmt.order_by(m.BankLine.booking_date, m.BankLine.id)).scalars())
        invoices, clients = _book(s)
        results = match_statement(
            [_bank_line(r) for r in rows],
            invoices,
            clients,
            match_settings(s),
            name_similarity=_similarity(),
        )
        auto_writeoff = settings_service.get(s, "bank.fee_writeoff")
        by_id = {r.id: r for r in rows}
        for n, res in enumerate(results, start=1):
            if cancel is not None and cancel():
                result.cancelled = True
                break
            row = by_id[int(res.line_id)]
            _store(s, ctx, row, res, auto_writeoff, result)
            if progress is not None and n % 500 == 0:
                progress(n, len(results), "matching")
        result.lines = len(results)
        if not result.cancelled:
            uow.commit()
    return result


def _store(
    s: Session,
    ctx: AppContext,
    row: m.BankLine,
    res: MatchResult,
    writeoff: bool,
    result: ReconcileResult,
) -> None:
    result.by_kind[res.kind] = result.by_kind.get(res.kind, 0) + 1
    row.match_kind = res.kind
    row.match_explanation = res.explanation
    row.suggestions_json = json.dumps(
        [
            {
                "invoice_ids": list(c.invoice_ids),
                "score": round(float(c.score), 4),
                "reasons": list(c.reasons),
            }
            for c in res.candidates
        ]
        + (
            [
                {
                    "allocations": [[a.invoice_id, str(a.amount)] for a in res.allocations],
                    "client_id": res.client_id,
                    "credit": str(res.credit_remainder),
                    "fee": str(res.fee_writeoff),
                }
            ]
            if res.allocations
            else []
        )
    )
    row.match_score = round(float(res.candidates[0].score) * 100) if res.candidates else 0
    if res.action == "auto":
        try:
            with s.begin_nested():  # one line that cannot be applied never stops the others
                _apply(
                    s,
                    ctx,
                    row,
                    res.client_id,
                    [(a.invoice_id, a.amount) for a in res.allocations],
                    res.fee_writeoff if writeoff else Decimal(0),
                    source="auto",
                )
        except (InvariantError, ValidationError, NotFoundError) as exc:
            row.status = "suggested"
            row.match_explanation = f"{res.explanation} — not applied automatically: {exc}"
            result.suggested += 1
            return
        row.status = "auto"
        result.auto_applied += 1
    elif res.action == "suggest":
        row.status = "suggested"
        result.suggested += 1
    elif res.kind in OUTGOING_KINDS:
        row.status = "outgoing"
        result.outgoing += 1
    else:
        row.status = "unmatched"
        result.unmatched += 1


def _apply(
    s: Session,
    ctx: AppContext,
    row: m.BankLine,
    client_id: int | None,
    allocations: list[tuple[int, Decimal]],
    fee: Decimal,
    source: str,
) -> int:
    if client_id is None:
        first = s.get(m.Invoice, allocations[0][0]) if allocations else None
        if first is None:
            raise ValidationError("The match names no client.")
        client_id = first.client_id
    amount = Money.from_minor(row.amount_minor, row.currency).amount
    if amount <= 0:
        raise InvariantError("Only money coming in can pay invoices.")
    paid = add_payment(
        s,
        ctx,
        client_id,
        amount,
        row.booking_date,
        method="bank transfer",
        reference=(row.reference or row.description)[:200],
        allocations=allocations,
        bank_line_id=row.id,
        source=source,
    )
    fee_left = Money.of(fee, row.currency).minor
    for invoice_id, _ in allocations:
        invoice = s.get(m.Invoice, invoice_id)
        if fee_left <= 0 or invoice is None:
            break
        take = min(fee_left, invoice.balance_minor)
        if take > 0:
            write_off_in(
                s, ctx, invoice_id, Money.from_minor(take, row.currency).amount, "bank charges"
            )
            fee_left -= take
    record(
        s,
        ctx.audit,
        "bank_line.apply",
        "bank_line",
        row.id,
        after={
            "payment_id": paid.payment_id,
            "source": source,
            "allocations": [[i, str(a)] for i, a in allocations],
            "fee": str(fee),
        },
    )
    return paid.payment_id


def _line(s: Session, line_id: int) -> m.BankLine:
    row = s.get(m.BankLine, line_id)
    if row is None:
        raise NotFoundError(f"There is no bank line {line_id}.")
    return row


def accept(ctx: AppContext, line_id: int, invoice_ids: list[int] | None = None) -> None:
    """Apply a suggestion (the best one, or the given invoices) and learn the payer."""
    with ctx.uow() as uow:
        s = uow.session
        row = _line(s, line_id)
        if row.status not in ("suggested", "unmatched"):
            raise InvariantError("That line is already matched or ignored.")
        stored = json.loads(row.suggestions_json or "[]")
        if row.amount_minor < 0:
            _accept_reversal(
                s, ctx, row, invoice_ids or (stored[0]["invoice_ids"] if stored else [])
            )
            uow.commit()
            return
        plan = next((x for x in stored if "allocations" in x), None)
        if invoice_ids is None and plan is not None:
            allocations = [(int(i), Decimal(a)) for i, a in plan["allocations"]]
            fee = Decimal(plan.get("fee") or 0)
        else:
            ids = invoice_ids or (
                stored[0]["invoice_ids"] if stored and "invoice_ids" in stored[0] else []
            )
            if not ids:
                raise ValidationError("Choose the invoice(s) this payment is for.")
            allocations = _spread(s, row, ids)
            fee = Decimal(0)
        client_id = s.get(m.Invoice, allocations[0][0]).client_id  # type: ignore[union-attr]
        _apply(
            s,
            ctx,
            row,
            client_id,
            allocations,
            fee if settings_service.get(s, "bank.fee_writeoff") else Decimal(0),
            source="confirmed",
        )
        row.status = "matched"
        _learn(s, ctx, client_id, row)
        uow.commit()


def _accept_reversal(s: Session, ctx: AppContext, row: m.BankLine, invoice_ids: list[int]) -> None:
    """Money returned by the bank: reverse the payment it undoes, reopening the invoice exactly."""
    for invoice_id in invoice_ids:
        payment = s.execute(
            select(m.Payment)
            .join(m.Allocation, m.Allocation.payment_id == m.Payment.id)
            .where(
                m.Allocation.invoice_id == invoice_id,
                m.Payment.reversed_at.is_(None),
                m.Payment.amount_minor == -row.amount_minor,
            )
            .order_by(m.Payment.date.desc(), m.Payment.id.desc())
            .limit(1)
        ).scalar_one_or_none()
        if payment is not None:
            reverse_payment_in(s, ctx, payment.id, f"returned by the bank (line {row.id})")
            row.status = "matched"
            record(
                s,
                ctx.audit,
                "bank_line.reversal",
                "bank_line",
                row.id,
                after={"payment_id": payment.id},
            )
            return
    raise InvariantError("No payment of that amount was found to reverse.")


def _spread(s: Session, row: m.BankLine, invoice_ids: list[int]) -> list[tuple[int, Decimal]]:
    left = row.amount_minor
    out: list[tuple[int, Decimal]] = []
    for inv_id in invoice_ids:
        inv = s.get(m.Invoice, inv_id)
        if inv is None:
            raise NotFoundError(f"There is no invoice {inv_id}.")
        take = min(left, inv.balance_minor)
        if take > 0:
            out.append((inv.id, Money.from_minor(take, inv.currency).amount))
            left -= take
    if not out:
        raise InvariantError("Those invoices have nothing left to pay.")
    return out


def _learn(s: Session, ctx: AppContext, client_id: int, row: m.BankLine) -> None:
    """Remember the payer's name and IBAN as the client's (unless they belong to another client)."""
    iban = row.counterparty_iban.replace(" ", "").upper()
    name = " ".join(row.counterparty.split())
    if iban:
        other = s.execute(
            select(m.ClientAlias.client_id).where(
                m.ClientAlias.iban == iban, m.ClientAlias.client_id != client_id
            )
        ).first()
        if other:
            iban = ""
    known = s.execute(
        select(func.count())
        .select_from(m.ClientAlias)
        .where(
            m.ClientAlias.client_id == client_id,
            m.ClientAlias.name == name,
            m.ClientAlias.iban == iban,
        )
    ).scalar()
    if known or not (name or iban):
        return
    s.add(m.ClientAlias(client_id=client_id, name=name, iban=iban, created_at=ctx.clock.now_utc()))
    record(
        s, ctx.audit, "client.learn_alias", "client", client_id, after={"name": name, "iban": iban}
    )


def reject(ctx: AppContext, line_id: int) -> None:
    with ctx.uow() as uow:
        row = _line(uow.session, line_id)
        if row.status not in ("suggested",):
            raise InvariantError("Only a suggestion can be rejected.")
        row.status = "unmatched"
        row.suggestions_json = ""
        record(uow.session, ctx.audit, "bank_line.reject", "bank_line", row.id)
        uow.commit()


def ignore(ctx: AppContext, line_id: int, ignored: bool = True) -> None:
    with ctx.uow() as uow:
        row = _line(uow.session, line_id)
        if row.status in ("auto", "matched"):
            raise InvariantError("Undo the match first.")
        row.status = "ignored" if ignored else "unmatched"
        record(
            uow.session,
            ctx.audit,
            "bank_line.ignore" if ignored else "bank_line.unignore",
            "bank_line",
            row.id,
        )
        uow.commit()


def undo(ctx: AppContext, line_id: int) -> None:
    """Undo an automatic or confirmed match: the invoices reopen at their former balances."""
    with ctx.uow() as uow:
        s = uow.session
        row = _line(s, line_id)
        if row.status not in ("auto", "matched"):
            raise InvariantError("That line is not matched.")
        for p in s.execute(
            select(m.Payment).where(
                m.Payment.bank_line_id == row.id, m.Payment.reversed_at.is_(None)
            )
        ).scalars():
            reverse_payment_in(s, ctx, p.id, "bank match undone")
        row.status = "suggested" if row.suggestions_json else "unmatched"
        record(s, ctx.audit, "bank_line.undo", "bank_line", row.id)
        uow.commit()


def accept_above(ctx: AppContext, min_score: int) -> int:
    """Bulk-accept every suggestion whose best score is at least ``min_score`` (0–100)."""
    with ctx.uow.read() as uow:
        ids = list(
            uow.session.execute(
                select(m.BankLine.id).where(
                    m.BankLine.status == "suggested", m.BankLine.match_score >= min_score
                )
            ).scalars()
        )
    done = 0
    for line_id in ids:
        try:
            accept(ctx, line_id)
            done += 1
        except (InvariantError, ValidationError, NotFoundError):
            continue
    return done


@dataclass(frozen=True)
class BankLineRow:
    id: int
    booking_date: date
    amount_minor: int
    currency: str
    counterparty: str
    description: str
    status: str
    match_kind: str
    match_score: int
    explanation: str


@dataclass(frozen=True)
class BankLineQuery:
    statuses: tuple[str, ...] = ()
    search: str = ""


def bank_line_ids(ctx: AppContext, q: BankLineQuery) -> list[int]:
    stmt = select(m.BankLine.id)
    if q.statuses:
        stmt = stmt.where(m.BankLine.status.in_(q.statuses))
    for word in q.search.lower().split():
        stmt = stmt.where(
            func.lower(m.BankLine.counterparty).like(f"%{word}%")
            | func.lower(m.BankLine.description).like(f"%{word}%")
        )
    with ctx.uow.read() as uow:
        return list(
            uow.session.execute(
                stmt.order_by(m.BankLine.booking_date.desc(), m.BankLine.id.desc())
            ).scalars()
        )


def bank_line_rows(ctx: AppContext, ids: list[int]) -> list[BankLineRow]:
    if not ids:
        return []
    with ctx.uow.read() as uow:
        found = {
            r.id: BankLineRow(
                r.id,
                r.booking_date,
                r.amount_minor,
                r.currency,
                r.counterparty,
                r.description,
                r.status,
                r.match_kind,
                r.match_score,
                r.match_explanation,
            )
            for r in uow.session.execute(select(m.BankLine).where(m.BankLine.id.in_(ids))).scalars()
        }
    return [found[i] for i in ids if i in found]


@dataclass(frozen=True)
class Suggestion:
    invoice_ids: tuple[int, ...]
    numbers: tuple[str, ...]
    client_name: str
    balance_minor: int
    currency: str
    score: float
    reasons: tuple[str, ...]


def suggestions(ctx: AppContext, line_id: int) -> list[Suggestion]:
    """The ranked candidates for one line, with their invoices and reasons (for the side panel)."""
    with ctx.uow.read() as uow:
        s = uow.session
        row = _line(s, line_id)
        out = []
        for c in json.loads(row.suggestions_json or "[]"):
            if "invoice_ids" not in c:
                continue
            invs = [s.get(m.Invoice, i) for i in c["invoice_ids"]]
            invs = [i for i in invs if i is not None]
            if not invs:
                continue
            client = s.get(m.Client, invs[0].client_id)
            out.append(
                Suggestion(
                    tuple(i.id for i in invs),
                    tuple(i.number or "" for i in invs),
                    client.name if client else "",
                    sum(i.balance_minor for i in invs),
                    invs[0].currency,
                    c["score"],
                    tuple(c["reasons"]),
                )
            )
        return out
