"""Reconciliation: bank lines against open invoices, applied when sure, suggested otherwise.

The matching itself is pure (app.core.matching); this module feeds it the
book, applies its sure answers as payments (each undoable), stores its
suggestions with their reasons, and learns a payer's name and IBAN when the
user confirms a match, so next month the same payer matches by itself.

A person's word stands over the matcher's: invoices rejected for a line are
never suggested for it again, and a line whose match was undone, or one of
whose suggestions was rejected, is never applied automatically again — it is
matched on its own (against the book without its rejected invoices) after the
rest of the statement, and at most suggested.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.matching import (
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
from app.services.bank_application import (
    apply_line,
    forget_payer,
    learn_payer,
    reverse_returned,
    unapply_line,
)
from app.services.bank_line_memory import LineMemory
from app.services.context import AppContext
from app.services.errors import InvariantError, NotFoundError, ValidationError
from app.services.payments import OPEN_VALUES
from app.services.reconcile_reversals import bank_line_of, with_earlier_payments
from app.services.reconcile_views import BankLineQuery as BankLineQuery
from app.services.reconcile_views import BankLineRow as BankLineRow
from app.services.reconcile_views import Suggestion as Suggestion
from app.services.reconcile_views import bank_line_counts as bank_line_counts
from app.services.reconcile_views import bank_line_ids as bank_line_ids
from app.services.reconcile_views import bank_line_rows as bank_line_rows
from app.services.reconcile_views import suggestions as suggestions

OUTGOING_KINDS = {"out", "refund", "own_transfer"}
HELD = "a person undid an earlier match of this line"
REJECTED = "a person rejected a suggestion for this line"


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


class _Run:
    """One reconciliation: the session, the matcher's settings and what was done so far."""

    def __init__(self, s: Session, ctx: AppContext) -> None:
        self.s = s
        self.ctx = ctx
        self.settings = match_settings(s)
        self.similarity = _similarity()
        self.writeoff = bool(settings_service.get(s, "bank.fee_writeoff"))
        self.result = ReconcileResult()

    def match(
        self, rows: list[m.BankLine], invoices: list[OpenInvoice], clients: list[ClientProfile]
    ) -> list[MatchResult]:
        lines = [bank_line_of(r) for r in rows]
        results = match_statement(
            lines, invoices, clients, self.settings, name_similarity=self.similarity
        )
        return with_earlier_payments(self.s, lines, results, self.settings.reversal_window_days)

    def match_looked_at(
        self,
        row: m.BankLine,
        memory: LineMemory,
        invoices: list[OpenInvoice],
        clients: list[ClientProfile],
    ) -> MatchResult:
        """A line a person has had a say on: matched alone, without the invoices they rejected."""
        book = [i for i in invoices if i.id not in memory.rejected]
        res = _without(self.match([row], book, clients)[0], memory.rejected, row)
        if memory.rejected and res.action != "auto":
            rejected = _numbers(self.s, memory.rejected)
            res = replace(res, explanation=f"{res.explanation} Rejected for this line: {rejected}.")
        return res


def _numbers(s: Session, invoice_ids: set[int]) -> str:
    """The invoices' numbers, in order, for a sentence."""
    found = s.execute(select(m.Invoice.number).where(m.Invoice.id.in_(invoice_ids))).scalars()
    return ", ".join(sorted(n or "" for n in found))


def _without(res: MatchResult, rejected: set[int], row: m.BankLine) -> MatchResult:
    """The verdict with the rejected invoices taken out (a reversal names paid invoices,
    which the open book cannot leave out)."""
    if not rejected:
        return res
    candidates = tuple(c for c in res.candidates if not rejected & set(c.invoice_ids))
    if not rejected & {a.invoice_id for a in res.allocations}:
        return replace(res, candidates=candidates)
    if candidates:
        return replace(res, action="suggest", allocations=(), candidates=candidates)
    return MatchResult(
        res.line_id,
        "none",
        kind="out" if row.amount_minor < 0 else "no_match",
        explanation="No invoice fits that was not rejected for this line.",
    )


def reconcile(
    ctx: AppContext, progress: Any = None, cancel: Any = None, line_ids: list[int] | None = None
) -> ReconcileResult:
    """Match every unmatched (or suggested) line; auto-apply the sure ones in one transaction."""
    with ctx.uow() as uow:
        s = uow.session
        run = _Run(s, ctx)
        stmt = select(m.BankLine).where(m.BankLine.status.in_(("unmatched", "suggested")))
        if line_ids is not None:
            stmt = stmt.where(m.BankLine.id.in_(line_ids))
        rows = list(s.execute(stmt.order_by(m.BankLine.booking_date, m.BankLine.id)).scalars())
        memories = {r.id: LineMemory.read(r.suggestions_json) for r in rows}
        fresh = [r for r in rows if not memories[r.id].looked_at]
        looked_at = [r for r in rows if memories[r.id].looked_at]
        invoices, clients = _book(s)
        matched = run.match(fresh, invoices, clients)
        for done, (row, res) in enumerate(zip(fresh, matched, strict=True), start=1):
            if cancel is not None and cancel():
                run.result.cancelled = True
                break
            _store(run, row, memories[row.id], res)
            if progress is not None and done % 500 == 0:
                progress(done, len(rows), "matching")
        if looked_at and not run.result.cancelled:
            invoices, clients = _book(s)  # the balances this run has just paid
            for row in looked_at:
                if cancel is not None and cancel():
                    run.result.cancelled = True
                    break
                memory = memories[row.id]
                _store(run, row, memory, run.match_looked_at(row, memory, invoices, clients))
        run.result.lines = len(rows)
        if not run.result.cancelled:
            uow.commit()
    return run.result


def _store(run: _Run, row: m.BankLine, memory: LineMemory, res: MatchResult) -> None:
    s, ctx, result = run.s, run.ctx, run.result
    if res.action == "auto" and memory.looked_at:
        why = HELD if memory.held else REJECTED
        res = replace(
            res,
            action="suggest",
            explanation=f"{res.explanation} — not applied automatically: {why}.",
        )
    result.by_kind[res.kind] = result.by_kind.get(res.kind, 0) + 1
    row.match_kind = res.kind
    row.match_explanation = res.explanation
    memory.set_readings(res)
    row.match_score = round(float(res.candidates[0].score) * 100) if res.candidates else 0
    row.suggestions_json = memory.dump()
    if res.action == "auto":
        try:
            with s.begin_nested():  # one line that cannot be applied never stops the others
                apply_line(
                    s,
                    ctx,
                    row,
                    memory,
                    res.client_id,
                    [(a.invoice_id, a.amount) for a in res.allocations],
                    res.fee_writeoff if run.writeoff else Decimal(0),
                    source="auto",
                )
        except (InvariantError, ValidationError, NotFoundError) as exc:
            memory.writeoffs = []
            row.status = "suggested"
            row.match_explanation = f"{res.explanation} — not applied automatically: {exc}"
            result.suggested += 1
            return
        row.suggestions_json = memory.dump()
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
        memory = LineMemory.read(row.suggestions_json)
        if row.amount_minor < 0:
            ids = invoice_ids or memory.first_invoice_ids()
            reverse_returned(s, ctx, row, ids)
            memory.rejected -= set(ids)
            row.status = "matched"
            row.suggestions_json = memory.dump()
            uow.commit()
            return
        if invoice_ids is None and memory.plan is not None:
            allocations = memory.plan_allocations()
            fee = Decimal(memory.plan.get("fee") or 0)
        else:
            ids = invoice_ids or memory.first_invoice_ids()
            if not ids:
                raise ValidationError("Choose the invoice(s) this payment is for.")
            allocations = _spread(s, row, ids)
            fee = Decimal(0)
        client_id = s.get(m.Invoice, allocations[0][0]).client_id  # type: ignore[union-attr]
        memory.rejected -= {i for i, _a in allocations}
        apply_line(
            s,
            ctx,
            row,
            memory,
            client_id,
            allocations,
            fee if settings_service.get(s, "bank.fee_writeoff") else Decimal(0),
            source="confirmed",
        )
        row.status = "matched"
        memory.learnt_alias = learn_payer(s, ctx, client_id, row)
        row.suggestions_json = memory.dump()
        uow.commit()


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


def reject(ctx: AppContext, line_id: int, invoice_ids: list[int] | None = None) -> None:
    """Not these invoices (every one suggested, unless named): never suggested for the line again."""
    with ctx.uow() as uow:
        s = uow.session
        row = _line(s, line_id)
        if row.status not in ("suggested",):
            raise InvariantError("Only a suggestion can be rejected.")
        memory = LineMemory.read(row.suggestions_json)
        ids = set(invoice_ids) if invoice_ids is not None else memory.suggested_invoice_ids()
        memory.rejected |= ids
        memory.forget_readings(ids)
        numbers = _numbers(s, ids)
        if memory.candidates:
            row.match_score = round(float(memory.candidates[0]["score"]) * 100)
        else:
            row.status = "unmatched"
            row.match_score = 0
            row.match_kind = "none"  # what the matcher says of a line with no candidate
            row.match_explanation = (
                f"Rejected {numbers}: not suggested for this line again."
                if numbers
                else "Suggestion rejected."
            )
        row.suggestions_json = memory.dump()
        record(
            s,
            ctx.audit,
            "bank_line.reject",
            "bank_line",
            row.id,
            after={"invoice_ids": sorted(ids)},
        )
        uow.commit()


def take_back_rejection(ctx: AppContext, line_id: int) -> ReconcileResult:
    """Forget the invoices rejected for a line and match it again (undo of ``reject``)."""
    with ctx.uow() as uow:
        s = uow.session
        row = _line(s, line_id)
        if row.status not in ("suggested", "unmatched"):
            raise InvariantError("That line is already matched or ignored.")
        memory = LineMemory.read(row.suggestions_json)
        record(
            s,
            ctx.audit,
            "bank_line.unreject",
            "bank_line",
            row.id,
            before={"invoice_ids": sorted(memory.rejected)},
        )
        memory.rejected = set()
        row.suggestions_json = memory.dump()
        uow.commit()
    return reconcile(ctx, line_ids=[line_id])


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
    """Undo an automatic or confirmed match: the invoices reopen at their former balances.

    The bank charges written off with it are reversed too, the payer alias the
    confirmation taught is forgotten, and the line is never applied
    automatically again (it waits for a person).
    """
    with ctx.uow() as uow:
        s = uow.session
        row = _line(s, line_id)
        if row.status not in ("auto", "matched"):
            raise InvariantError("That line is not matched.")
        if row.amount_minor < 0:
            raise InvariantError(
                "A returned payment cannot be taken back here: if the bank paid the money "
                "again, that is a new line to match (or record the payment by hand)."
            )
        unapply_line(s, ctx, row)
        memory = LineMemory.read(row.suggestions_json)
        if memory.learnt_alias is not None:
            forget_payer(s, ctx, memory.learnt_alias, row)
            memory.learnt_alias = None
        memory.held = True
        row.status = "suggested" if memory.has_readings else "unmatched"
        row.suggestions_json = memory.dump()
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
