"""Acting on queue items: one click approves, rejects, writes off, applies credit, ignores a line.

Each action goes through the service that owns the change (invoicing,
payments, reconciliation), so the approval gate, the audit trail and the
money rules are the same as anywhere else in the app; the item is then closed
with who, when and why.  An approval closes every open item of the invoice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from app.core.exception_types import ACTIONS, actions_of
from app.core.money import Money
from app.db import models as m
from app.services import invoicing, payments, reconcile
from app.services.context import AppContext
from app.services.errors import InvariantError, NotFoundError, ServiceError, ValidationError
from app.services.exceptions import close_item


@dataclass(frozen=True)
class ActionResult:
    item_id: int
    action: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.item_id, "action": self.action, "message": self.message}


@dataclass
class BulkResult:
    done: list[ActionResult] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "done": [d.as_dict() for d in self.done],
            "skipped": [{"id": i, "reason": r} for i, r in self.skipped],
        }


@dataclass(frozen=True)
class _Item:
    id: int
    type: str
    status: str
    entity_type: str
    entity_id: int
    client_id: int | None
    actions: tuple[str, ...]


def _item(ctx: AppContext, item_id: int) -> _Item:
    with ctx.uow.read() as uow:
        row = uow.session.get(m.ExceptionItem, item_id)
        if row is None:
            raise NotFoundError(f"There is no exception item {item_id}.")
        return _Item(
            row.id,
            row.type,
            row.status,
            row.entity_type,
            row.entity_id,
            row.client_id,
            actions_of(row.type, row.actions),
        )


def _close(ctx: AppContext, item_id: int, resolution: str, status: str = "resolved") -> None:
    """Close the item if the action's own service has not already done so."""
    with ctx.uow() as uow:
        row = uow.session.get(m.ExceptionItem, item_id)
        if row is not None and row.status == "open":
            close_item(uow.session, ctx, row, resolution, status=status)
            uow.commit()


def _invoice_status(ctx: AppContext, invoice_id: int) -> str:
    with ctx.uow.read() as uow:
        row = uow.session.get(m.Invoice, invoice_id)
        if row is None:
            raise NotFoundError(f"The invoice of this item (id {invoice_id}) no longer exists.")
        return row.status


def resolve(ctx: AppContext, item_id: int, action: str, note: str = "") -> ActionResult:
    """Take one action on one open item (the CLI's ``resolve`` and the queue's buttons)."""
    if action not in ACTIONS or action == "edit":
        raise ValidationError(
            f"Unknown action {action!r}; use one of: {', '.join(a for a in ACTIONS if a != 'edit')}."
        )
    item = _item(ctx, item_id)
    if item.status != "open":
        raise InvariantError(f"Item {item_id} is already {item.status}.")
    if action not in item.actions:
        raise InvariantError(
            f"'{ACTIONS[action]}' does not apply to this item; it offers: "
            + ", ".join(ACTIONS[a] for a in item.actions)
            + "."
        )
    who = f"by {ctx.actor}" + (f": {note}" if note else "")
    if action == "dismiss":
        _close(ctx, item_id, f"Dismissed {who}", status="dismissed")
        return ActionResult(item_id, action, "Dismissed.")
    message = _ACTIONS[action](ctx, item, note)
    _close(ctx, item_id, f"{message} ({who.removeprefix('by ')})")
    return ActionResult(item_id, action, message)


def _approve(ctx: AppContext, item: _Item, note: str) -> str:
    invoice_id = _need_invoice(item)
    if _invoice_status(ctx, invoice_id) not in ("draft", "review"):
        return "Accepted as it is"
    numbers = invoicing.approve(ctx, [invoice_id], note or "approved in the exceptions queue")
    return f"Approved and issued as {numbers[0]}" if numbers and numbers[0] else "Approved"


def _reject(ctx: AppContext, item: _Item, note: str) -> str:
    invoicing.reject(ctx, _need_invoice(item), note)
    return "Rejected; the draft was deleted and its period will not be billed"


def _writeoff(ctx: AppContext, item: _Item, note: str) -> str:
    invoice_id = _need_invoice(item)
    detail = invoicing.get_detail(ctx, invoice_id)
    balance = Money.from_minor(detail.row.balance_minor, detail.row.currency)
    if balance.amount <= 0:
        raise InvariantError(f"{detail.row.number} has nothing left to write off.")
    default = "bank charges" if item.type == "short_payment" else "written off as uncollectable"
    payments.write_off(ctx, invoice_id, balance.amount, note or default)
    return f"Wrote off {balance} on {detail.row.number}"


def _apply_credit(ctx: AppContext, item: _Item, note: str) -> str:
    if item.client_id is None:
        raise InvariantError("This item names no client.")
    result = payments.apply_credit(ctx, item.client_id)
    if not result.allocations:
        raise InvariantError(
            "There is no open invoice of this client in its currency to apply the credit to."
        )
    used = Money.from_minor(result.amount_minor, result.currency)
    return f"Applied {used} of credit to " + ", ".join(n for n, _ in result.allocations)


def _accept_line(ctx: AppContext, item: _Item, note: str) -> str:
    reconcile.accept(ctx, _need(item, "bank_line"))
    return "Accepted the suggested match"


def _ignore_line(ctx: AppContext, item: _Item, note: str) -> str:
    reconcile.ignore(ctx, _need(item, "bank_line"))
    return "Ignored the bank line"


def _withdraw_dispute(ctx: AppContext, item: _Item, note: str) -> str:
    invoicing.mark_disputed(ctx, _need_invoice(item), False, note)
    return "Dispute withdrawn; reminders resume"


def _credit_note(ctx: AppContext, item: _Item, note: str) -> str:
    if not note.strip():
        raise ValidationError("Say why the invoice is credited; it is printed on the credit note.")
    detail = invoicing.credit_note(ctx, _need_invoice(item), None, note)
    return f"Credited in full by {detail.row.number}"


def _retry_mail(ctx: AppContext, item: _Item, note: str) -> str:
    from app.services.outbox_actions import retry

    retry(ctx, _need(item, "outbox"))
    return "The e-mail is queued again"


def _need(item: _Item, entity: str) -> int:
    if item.entity_type != entity:
        raise InvariantError(f"This item is about a {item.entity_type}, not a {entity}.")
    return item.entity_id


def _need_invoice(item: _Item) -> int:
    return _need(item, "invoice")


_ACTIONS = {
    "approve": _approve,
    "reject": _reject,
    "writeoff": _writeoff,
    "apply-credit": _apply_credit,
    "accept-line": _accept_line,
    "ignore-line": _ignore_line,
    "withdraw-dispute": _withdraw_dispute,
    "credit-note": _credit_note,
    "retry-mail": _retry_mail,
}


def bulk_resolve(
    ctx: AppContext, item_ids: Sequence[int], action: str, note: str = ""
) -> BulkResult:
    """The same action on many items; one that cannot take it is skipped with the reason."""
    out = BulkResult()
    for item_id in item_ids:
        try:
            out.done.append(resolve(ctx, item_id, action, note))
        except ServiceError as exc:
            out.skipped.append((item_id, str(exc)))
    return out


def approve_invoices(ctx: AppContext, item_ids: Sequence[int], note: str = "") -> BulkResult:
    """Approve (and issue) every invoice in review that the given items are about, at once."""
    out = BulkResult()
    invoice_of: dict[int, int] = {}
    with ctx.uow.read() as uow:
        for item_id in item_ids:
            row = uow.session.get(m.ExceptionItem, item_id)
            if row is None or row.status != "open" or row.entity_type != "invoice":
                out.skipped.append((item_id, "not an open item about an invoice"))
                continue
            invoice = uow.session.get(m.Invoice, row.entity_id)
            if invoice is None or invoice.status not in ("draft", "review"):
                out.skipped.append((item_id, "its invoice is not waiting for approval"))
                continue
            invoice_of[item_id] = invoice.id
    ids = sorted(set(invoice_of.values()))
    if ids:
        invoicing.approve(ctx, ids, note or "approved in bulk in the exceptions queue")
    for item_id, invoice_id in invoice_of.items():
        out.done.append(ActionResult(item_id, "approve", f"Approved invoice {invoice_id}"))
    return out
