"""The auto-resolution rules: what a rule may settle by itself, and how it records it.

Each rule re-reads the current state in the scan's write transaction (the
evaluation ran in an earlier read transaction) and refuses when anything no
longer holds; it acts inside a savepoint, so one refusal never spoils the
rest.  An item a person already closed is never acted on again.

* fee_writeoff — a short payment whose balance is within the bank-fee
  tolerance is closed with a write-off "bank charges" (never on a disputed
  invoice);
* clear_variance — a variance explained by recorded proration or an agreed
  change of terms is cleared;
* ignore_duplicate_line — a bank line that repeats a line of another statement
  is ignored;
* apply_credit — a client's waiting credit is applied to that client's next
  open invoices in the same currency (issued on or after the credit, not
  disputed), oldest first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.exception_rules import Finding, MoneyText
from app.core.money import Money
from app.core.payment_rules import WAITING
from app.db import models as m
from app.services.audit import record
from app.services.context import AppContext
from app.services.errors import InvariantError, NotFoundError, ValidationError
from app.services.exceptions import close_item, raise_finding
from app.services.invoice_store import issue
from app.services.payments import OPEN_VALUES, allocate, write_off_in

if TYPE_CHECKING:
    from app.services.exception_evaluate import ScanSettings


class _Refused(Exception):
    """The rule's conditions no longer hold; the finding is raised for a person instead."""


class Settler:
    def __init__(self, s: Session, ctx: AppContext, cfg: ScanSettings, money: MoneyText) -> None:
        self.s = s
        self.ctx = ctx
        self.cfg = cfg
        self.money = money
        self.review_touched: set[int] = set()
        self._handlers: dict[str, Callable[[Finding], str]] = {
            "fee_writeoff": self._fee_writeoff,
            "clear_variance": self._clear_variance,
            "ignore_duplicate_line": self._ignore_duplicate_line,
            "apply_credit": self._apply_credit,
        }

    def settle(self, f: Finding) -> bool:
        """Settle one finding by its rule; False leaves it to be raised for a person."""
        existing = self.s.execute(
            select(m.ExceptionItem).where(m.ExceptionItem.dedupe_key == f.dedupe_key)
        ).scalar_one_or_none()
        if existing is not None and existing.status != "open":
            return False
        handler = self._handlers.get(f.auto)
        if handler is None:
            return False
        try:
            with self.s.begin_nested():
                resolution = handler(f)
                item = existing or raise_finding(self.s, self.ctx, f)
                close_item(self.s, self.ctx, item, resolution, auto=True)
        except (_Refused, InvariantError, ValidationError, NotFoundError):
            return False
        if f.entity_type == "invoice" and f.type == "variance":
            self.review_touched.add(f.entity_id)
        return True

    # --- the rules ----------------------------------------------------------------------

    def _fee_writeoff(self, f: Finding) -> str:
        inv = self.s.get(m.Invoice, f.entity_id)
        if inv is None:
            raise _Refused
        tolerance = Money.of(self.cfg.limits.fee_tolerance, inv.currency).minor
        if (
            inv.status != "partly_paid"
            or inv.disputed
            or not 0 < inv.balance_minor <= tolerance
            or inv.paid_minor <= 0
        ):
            raise _Refused
        short = inv.balance_minor
        write_off_in(
            self.s,
            self.ctx,
            inv.id,
            Money.from_minor(short, inv.currency).amount,
            "bank charges (short payment within the bank-fee tolerance)",
        )
        return (
            f"Written off by rule: {self.money(short, inv.currency)} as bank charges, a short "
            f"payment within the bank-fee tolerance of {self.money(tolerance, inv.currency)}."
        )

    def _clear_variance(self, f: Finding) -> str:
        why = str(f.evidence.get("explained_by", ""))
        if not why:
            raise _Refused
        return f"Cleared by rule: the variance is explained by {why}."

    def _ignore_duplicate_line(self, f: Finding) -> str:
        row = self.s.get(m.BankLine, f.entity_id)
        twin = self.s.get(m.BankLine, int(f.evidence["twin_line_id"]))
        if (
            row is None
            or twin is None
            or row.status not in WAITING
            or twin.status == "ignored"
            or twin.import_id == row.import_id
            or (twin.account_id, twin.amount_minor, twin.currency)
            != (row.account_id, row.amount_minor, row.currency)
        ):
            raise _Refused
        row.status = "ignored"
        record(
            self.s,
            self.ctx.audit,
            "bank_line.ignore",
            "bank_line",
            row.id,
            after={"rule": "imported twice", "twin_line_id": twin.id},
        )
        return (
            f"Ignored by rule: the same transaction as bank line {twin.id} of another statement "
            f"({twin.status})."
        )

    def _apply_credit(self, f: Finding) -> str:
        ids = [f.entity_id] if f.entity_type == "payment" else list(f.evidence["payment_ids"])
        applied: list[tuple[str, int]] = []
        currency = ""
        left = 0
        for payment_id in ids:
            p = self.s.get(m.Payment, int(payment_id))
            if (
                p is None
                or p.client_id != f.client_id
                or p.reversed_at is not None
                or p.kind not in ("payment", "credit")
                or p.unallocated_minor <= 0
            ):
                continue
            currency = p.currency
            for inv in self._next_invoices(p):
                if inv.client_id != p.client_id or inv.currency != p.currency:
                    continue  # never another client's (or another currency's) invoice
                take = min(p.unallocated_minor, inv.balance_minor)
                if take <= 0:
                    break
                allocate(self.s, self.ctx, p, inv, take, source="credit", note="applied by rule")
                applied.append((inv.number or str(inv.id), take))
            left += p.unallocated_minor
        if not applied:
            raise _Refused
        total = sum(a for _, a in applied)
        text = (
            f"Applied by rule: {self.money(total, currency)} of the client's credit to "
            + ", ".join(f"{n} ({self.money(a, currency)})" for n, a in applied)
        )
        if left:
            text += f"; {self.money(left, currency)} of credit remains"
        return text + "."

    def _next_invoices(self, p: m.Payment) -> list[m.Invoice]:
        return list(
            self.s.execute(
                select(m.Invoice)
                .where(
                    m.Invoice.client_id == p.client_id,
                    m.Invoice.currency == p.currency,
                    m.Invoice.kind == "invoice",
                    m.Invoice.status.in_(OPEN_VALUES),
                    m.Invoice.balance_minor > 0,
                    m.Invoice.disputed.is_(False),
                    m.Invoice.issue_date >= p.date,
                )
                .order_by(m.Invoice.issue_date, m.Invoice.id)
            ).scalars()
        )

    # --- invoices whose every review reason was cleared ---------------------------------

    def approve_cleared_reviews(self) -> int:
        """Approve (and, with auto-issue on, issue) invoices in review with no open reason left."""
        if not self.review_touched:
            return 0
        self.s.flush()
        E = m.ExceptionItem
        still = set(
            self.s.execute(
                select(E.entity_id)
                .where(
                    E.entity_type == "invoice",
                    E.entity_id.in_(self.review_touched),
                    E.status == "open",
                )
                .group_by(E.entity_id)
                .having(func.count() > 0)
            ).scalars()
        )
        done = 0
        for invoice_id in sorted(self.review_touched - still):
            row = self.s.get(m.Invoice, invoice_id)
            if row is None or row.status != "review":
                continue
            row.status = "approved"
            record(
                self.s,
                self.ctx.audit,
                "invoice.approve",
                "invoice",
                row.id,
                after={
                    "reasons": row.review_reasons,
                    "note": "every review reason cleared by rule",
                },
            )
            if self.cfg.auto_issue:
                issue(self.s, self.ctx, row)
            done += 1
        return done
