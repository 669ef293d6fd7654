"""The exceptions scan: every rule over the whole book, then raise, settle or close items.

First every rule is evaluated in a read transaction (``exception_evaluate``).
Then, in one write transaction:

1. findings that an auto-resolution rule may settle, with the rule switched on,
   are settled and recorded as raised and resolved by rule (the resolution
   names the rule and its parameters);
2. the other findings are raised (once: a dismissed item stays dismissed);
3. open items whose condition has gone away are closed by rule ("cleared"),
   and an invoice in review whose every reason was cleared by rule is approved
   by rule.

No rule ever moves money between clients: credit is applied only to invoices
of the client who owns it, in its currency, and never to a disputed invoice.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import models as m
from app.services import settings as settings_service
from app.services.context import AppContext
from app.services.exception_evaluate import ScanSettings, evaluate, money_text, scan_settings
from app.services.exception_settle import Settler
from app.services.exceptions import RULE_ACTOR, close_item, raise_many

REVIEW_TYPES = (
    "missing_email",
    "missing_address",
    "missing_tax_id",
    "non_positive",
    "variance",
    "high_value",
    "first_invoice",
    "catch_up_bill_run",
)
# Types whose item is closed by rule as soon as the scan no longer finds its condition.
CLEARED = {
    "unmatched_bank_line": "the bank line is no longer waiting (matched, ignored or outgoing)",
    "duplicate_bank_line": "the bank line is no longer waiting",
    "short_payment": "the invoice is no longer short paid",
    "over_payment": "the credit from this payment has been used",
    "credit_balance": "the credit has been used or has changed",
    "promise_broken": "the invoice was paid or the promise changed",
    "dispute": "the dispute was withdrawn or the invoice settled",
    "missed_recurring": "an invoice has come since",
}


@dataclass
class ScanResult:
    invoices: int = 0
    watched: int = 0
    findings: int = 0
    raised: int = 0
    auto_resolved: int = 0
    cleared: int = 0
    approved_by_rule: int = 0
    by_rule: dict[str, int] = field(default_factory=dict)
    evaluate_seconds: float = 0.0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


Progress = Callable[[int, int, str], None]


def run_scan(ctx: AppContext, progress: Progress | None = None, cancel: Any = None) -> ScanResult:
    """Evaluate every rule, then raise, settle and close items in one transaction."""
    started = time.perf_counter()
    today = ctx.clock.today()
    with ctx.uow.read() as uow:
        cfg = scan_settings(settings_service.get_all(uow.session))
        ev = evaluate(uow.session, cfg, today, money_text(cfg.locale))
    result = ScanResult(ev.invoices, ev.watched, len(ev.findings), evaluate_seconds=ev.seconds)
    if progress is not None:
        progress(1, 2, "rules evaluated")
    if cancel is not None and cancel():
        return result
    rule_ctx = ctx.acting_as(RULE_ACTOR)
    with ctx.uow() as uow:
        s = uow.session
        settler = Settler(s, rule_ctx, cfg, money_text(cfg.locale))
        rest = []
        for f in ev.findings:
            if f.auto and cfg.enabled(f.auto) and settler.settle(f):
                result.by_rule[f.auto] = result.by_rule.get(f.auto, 0) + 1
                result.auto_resolved += 1
            else:
                rest.append(f)
        result.raised = raise_many(s, rule_ctx, rest)
        live = {f.dedupe_key for f in ev.findings}
        result.cleared = _close_stale(s, rule_ctx, cfg, live, settler)
        result.approved_by_rule = settler.approve_cleared_reviews()
        uow.commit()
    result.seconds = time.perf_counter() - started
    if progress is not None:
        progress(2, 2, "items updated")
    return result


def _close_stale(
    s: Session, ctx: AppContext, cfg: ScanSettings, live: set[str], settler: Settler
) -> int:
    items = list(
        s.execute(select(m.ExceptionItem).where(m.ExceptionItem.status == "open")).scalars()
    )
    invoice_ids = [i.entity_id for i in items if i.entity_type == "invoice"]
    states = (
        dict(
            s.execute(
                select(m.Invoice.id, m.Invoice.status).where(m.Invoice.id.in_(invoice_ids))
            ).all()
        )
        if invoice_ids
        else {}
    )
    clients = {c.id: c for c in s.execute(select(m.Client)).scalars()} if items else {}
    closed = 0
    for item in items:
        why = ""
        if item.type in CLEARED and item.dedupe_key not in live:
            if item.type == "unmatched_bank_line" and not cfg.auto_close_matched_lines:
                continue
            why = CLEARED[item.type]
        elif item.entity_type == "invoice" and item.entity_id not in states:
            why = "the invoice no longer exists"
        elif item.entity_type == "invoice" and states[item.entity_id] == "void":
            why = "the invoice was voided"
        elif item.type in ("reminders_exhausted", "dunning_escalation") and states.get(
            item.entity_id
        ) in (
            "paid",
            "credited",
        ):
            why = "the invoice is settled"
        elif item.type.startswith("missing_") and item.client_id in clients:
            why = _data_now_present(item.type, clients[item.client_id], cfg)
        if why:
            close_item(s, ctx, item, f"Cleared by rule: {why}.", auto=True)
            if item.type in REVIEW_TYPES and item.entity_type == "invoice":
                settler.review_touched.add(item.entity_id)
            closed += 1
    return closed


def _data_now_present(kind: str, client: m.Client, cfg: ScanSettings) -> str:
    if kind == "missing_email" and client.email:
        return f"the client now has an e-mail address ({client.email})"
    if kind == "missing_address" and client.address_line1 and client.city:
        return "the client now has a billing address"
    if kind == "missing_tax_id" and (client.tax_id or not cfg.needs_tax_id):
        return "the client now has a tax id" if client.tax_id else "tax ids are no longer required"
    return ""
