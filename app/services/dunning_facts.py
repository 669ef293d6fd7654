"""Gathering what the dunning policy needs to know, for many invoices in a few queries.

The policy itself is pure (app.core.dunning); this module reads the book once
per pass: the open invoices, their clients, every e-mail already written about
them, unmatched incoming bank lines and the client's payment history.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.dunning import (
    DunningPolicy,
    IncomingLine,
    InvoiceFacts,
    PolicyError,
    parse_override,
    policy_from_settings,
)
from app.core.invoices import OPEN
from app.core.matching.names import normalise_name
from app.db import models as m
from app.services import settings as settings_service

OPEN_VALUES = [s.value for s in OPEN]
CONTACTED = ("sent", "sending", "unknown")
PENDING = ("queued", "sending")


@dataclass(frozen=True)
class ClientView:
    id: int
    name: str
    email: str
    is_business: bool
    no_auto_reminders: bool
    time_zone: str
    policy: DunningPolicy
    policy_problem: str = ""


@dataclass(frozen=True)
class Book:
    """One consistent read of everything the reminder decisions depend on."""

    facts: dict[int, InvoiceFacts]
    clients: dict[int, ClientView]
    invoice_client: dict[int, int]
    values: dict[str, Any]


def client_email(client: m.Client) -> str:
    """Where invoices go: the client's address, else its billing contact's."""
    if client.email.strip():
        return client.email.strip()
    billing = next((c for c in client.contacts if c.is_billing and c.email.strip()), None)
    return billing.email.strip() if billing else ""


def _clients(s: Session, ids: Iterable[int], values: dict[str, Any]) -> dict[int, ClientView]:
    out: dict[int, ClientView] = {}
    base = policy_from_settings(values)
    wanted = list(set(ids))
    for start in range(0, len(wanted), 900):
        for c in s.execute(
            select(m.Client).where(m.Client.id.in_(wanted[start : start + 900]))
        ).scalars():
            policy, problem = base, ""
            if c.dunning_policy.strip():
                try:
                    policy = policy_from_settings(values, parse_override(c.dunning_policy))
                except PolicyError as exc:
                    problem = f"The client's own reminder settings cannot be used: {exc}."
            out[c.id] = ClientView(
                c.id,
                c.name,
                client_email(c),
                c.is_business,
                c.no_auto_reminders,
                c.time_zone,
                policy,
                problem,
            )
    return out


def _late_history(s: Session, client_ids: list[int], today: date) -> dict[int, set[int]]:
    """Per client, the invoices of the last year that were paid late or are overdue now."""
    since = today - timedelta(days=365)
    late: dict[int, set[int]] = defaultdict(set)
    for start in range(0, len(client_ids), 900):
        chunk = client_ids[start : start + 900]
        overdue = select(m.Invoice.client_id, m.Invoice.id).where(
            m.Invoice.client_id.in_(chunk),
            m.Invoice.kind == "invoice",
            m.Invoice.status.in_(OPEN_VALUES),
            m.Invoice.balance_minor > 0,
            m.Invoice.due_date < today,
            m.Invoice.due_date >= since,
        )
        last_payment = (
            select(m.Allocation.invoice_id, func.max(m.Allocation.date).label("paid_on"))
            .where(m.Allocation.reverses_id.is_(None), m.Allocation.reversed_by_id.is_(None))
            .group_by(m.Allocation.invoice_id)
            .subquery()
        )
        paid_late = (
            select(m.Invoice.client_id, m.Invoice.id)
            .join(last_payment, last_payment.c.invoice_id == m.Invoice.id)
            .where(
                m.Invoice.client_id.in_(chunk),
                m.Invoice.status == "paid",
                m.Invoice.due_date >= since,
                last_payment.c.paid_on > m.Invoice.due_date,
            )
        )
        for client_id, invoice_id in [*s.execute(overdue), *s.execute(paid_late)]:
            late[client_id].add(invoice_id)
    return late


def _incoming(
    s: Session, clients: dict[int, ClientView], since: date
) -> dict[tuple[int, str], list[IncomingLine]]:
    """Unmatched money in since ``since``, attributed to clients by known IBAN or name."""
    by_iban: dict[str, int] = {}
    by_name: dict[str, int] = {}
    for a in s.execute(select(m.ClientAlias.client_id, m.ClientAlias.name, m.ClientAlias.iban)):
        if a.iban:
            by_iban[a.iban.replace(" ", "").upper()] = a.client_id
        if a.name:
            by_name[normalise_name(a.name)] = a.client_id
    for c in clients.values():
        by_name.setdefault(normalise_name(c.name), c.id)
    found: dict[tuple[int, str], list[IncomingLine]] = defaultdict(list)
    for line in s.execute(
        select(
            m.BankLine.booking_date,
            m.BankLine.amount_minor,
            m.BankLine.currency,
            m.BankLine.counterparty,
            m.BankLine.counterparty_iban,
        ).where(
            m.BankLine.status.in_(("unmatched", "suggested")),
            m.BankLine.amount_minor > 0,
            m.BankLine.booking_date >= since,
        )
    ):
        iban = (line.counterparty_iban or "").replace(" ", "").upper()
        client_id = by_iban.get(iban) if iban else None
        if client_id is None and line.counterparty:
            client_id = by_name.get(normalise_name(line.counterparty))
        if client_id is not None:
            found[(client_id, line.currency)].append(
                IncomingLine(line.booking_date, line.amount_minor)
            )
    return found


def _messages(s: Session, invoice_ids: list[int]) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = defaultdict(list)
    for start in range(0, len(invoice_ids), 900):
        for r in s.execute(
            select(
                m.OutboxMessage.invoice_id,
                m.OutboxMessage.kind,
                m.OutboxMessage.stage,
                m.OutboxMessage.status,
                m.OutboxMessage.sent_at,
                m.OutboxMessage.claimed_at,
            ).where(m.OutboxMessage.invoice_id.in_(invoice_ids[start : start + 900]))
        ):
            out[r.invoice_id].append(r)
    return out


def _latest(times: Iterable[datetime | None]) -> datetime | None:
    known = [t for t in times if t is not None]
    return max(known) if known else None


def read_book(s: Session, today: date, invoice_ids: list[int] | None = None) -> Book:
    """Facts for every open invoice (or the given ones, open or not)."""
    values = settings_service.get_all(s)
    stmt = select(m.Invoice).where(m.Invoice.kind == "invoice")
    if invoice_ids is None:
        stmt = stmt.where(m.Invoice.status.in_(OPEN_VALUES), m.Invoice.balance_minor > 0)
    else:
        stmt = stmt.where(m.Invoice.id.in_(invoice_ids))
    invoices = list(s.execute(stmt.order_by(m.Invoice.due_date, m.Invoice.id)).scalars())
    clients = _clients(s, (i.client_id for i in invoices), values)
    history = _late_history(s, list(clients), today)
    hold_days = max((c.policy.payment_hold_days for c in clients.values()), default=10)
    incoming = _incoming(s, clients, today - timedelta(days=hold_days)) if clients else {}
    messages = _messages(s, [i.id for i in invoices])
    last_import = s.scalar(select(func.max(m.BankImport.imported_at)))
    facts: dict[int, InvoiceFacts] = {}
    for inv in invoices:
        client = clients[inv.client_id]
        rows = messages.get(inv.id, [])
        reminders = [r for r in rows if r.kind == "reminder"]
        facts[inv.id] = InvoiceFacts(
            invoice_id=inv.id,
            number=inv.number or "",
            due_date=inv.due_date,
            currency=inv.currency,
            balance_minor=inv.balance_minor,
            is_open=inv.status in OPEN_VALUES,
            disputed=inv.disputed,
            promise_date=inv.promise_date,
            no_auto_reminders=client.no_auto_reminders,
            has_email=bool(client.email),
            client_tz=client.time_zone,
            stages_done={r.stage: r.status for r in reminders},
            last_contact=_latest(
                [inv.sent_at, *((r.sent_at or r.claimed_at) for r in rows if r.status in CONTACTED)]
            ),
            last_reminder=_latest(
                (r.sent_at or r.claimed_at) for r in reminders if r.status in CONTACTED
            ),
            pending_message=any(r.status in PENDING for r in rows),
            incoming=tuple(incoming.get((inv.client_id, inv.currency), ())),
            last_import=last_import,
            late_history=len(history.get(inv.client_id, set()) - {inv.id}),
            policy_problem=client.policy_problem,
        )
    return Book(facts, clients, {i.id: i.client_id for i in invoices}, values)
