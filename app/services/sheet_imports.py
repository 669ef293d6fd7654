"""Importing agreements and open invoices from spreadsheets: all rows, or none."""

from __future__ import annotations

from collections import OrderedDict
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.client_import import RowError
from app.core.clients import terms_text
from app.core.creditor_reference import make_rf
from app.core.invoice_math import LineInput
from app.core.invoices import Status, settled_status
from app.core.money import Money
from app.core.recurrence import invoice_due
from app.core.schedules import ScheduleData, ScheduleLineData
from app.core.sheet_import import InvoiceSheetRow, ScheduleRowData, read_invoices, read_schedules
from app.core.text import fold
from app.db import models as m
from app.services.audit import record
from app.services.clients import ImportRejected, ImportReport
from app.services.context import AppContext
from app.services.errors import ValidationError
from app.services.invoice_store import issue_audit, new_invoice
from app.services.numbering import template_for
from app.services.schedules import _apply as apply_schedule
from app.services.schedules import _validate as validate_schedule_data


def _client_resolver(session: Session):  # type: ignore[no-untyped-def]
    rows = session.execute(select(m.Client.id, m.Client.name, m.Client.email)).all()
    by_id = {str(r.id): r.id for r in rows}
    by_email = {r.email.lower(): r.id for r in rows if r.email}
    by_name: dict[str, list[int]] = {}
    for r in rows:
        by_name.setdefault(fold(r.name), []).append(r.id)

    def resolve(text: str) -> int:
        t = text.strip()
        if t in by_id:
            return by_id[t]
        if t.lower() in by_email:
            return by_email[t.lower()]
        found = by_name.get(fold(t), [])
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise ValueError(
                f"{len(found)} clients are called {t!r}; use the client's id or e-mail"
            )
        raise ValueError(f"no client {t!r} (import clients first, or use an id or e-mail)")

    return resolve


def import_schedules(
    ctx: AppContext,
    data: bytes,
    *,
    skip_invalid: bool = False,
    day_first: bool = True,
    decimal_mark: str | None = None,
) -> ImportReport:
    parsed = read_schedules(data, day_first=day_first, decimal_mark=decimal_mark)
    report = ImportReport(rejected=list(parsed.errors))
    with ctx.uow() as uow:
        s = uow.session
        resolve = _client_resolver(s)
        groups: OrderedDict[tuple[int, str], list[ScheduleRowData]] = OrderedDict()
        for row in parsed.rows:
            assert isinstance(row, ScheduleRowData)
            try:
                client_id = resolve(row.client)
            except ValueError as exc:
                report.rejected.append(RowError(row.line, str(exc)))
                continue
            groups.setdefault((client_id, row.name), []).append(row)
        prepared = []
        for (client_id, name), rows in groups.items():
            first = rows[0]
            data_ = ScheduleData(
                client_id=client_id,
                name=name,
                cadence=first.cadence,
                start_date=first.start,
                interval=first.interval,
                anchor_day=first.anchor_day,
                end_date=first.end,
                timing=first.timing,
                terms_kind="net" if first.terms_days is not None else "",
                terms_days=first.terms_days,
                uplift_percent=first.uplift,
                reference=first.reference,
                lines=tuple(
                    ScheduleLineData(
                        r.description, r.quantity, r.price, r.tax, r.tax_category, r.discount
                    )
                    for r in rows
                ),
            )
            try:
                client = validate_schedule_data(s, data_)
            except ValidationError as exc:
                report.rejected.append(RowError(first.line, str(exc)))
                continue
            prepared.append((data_, client))
        report.rejected.sort(key=lambda e: e.line)
        if report.rejected and not skip_invalid:
            raise ImportRejected(report)
        now = ctx.clock.now_utc()
        for data_, client in prepared:
            row_ = m.Schedule(created_at=now, updated_at=now, status="active")
            apply_schedule(row_, data_, client.currency)
            s.add(row_)
            s.flush()
            record(
                s,
                ctx.audit,
                "schedule.import",
                "schedule",
                row_.id,
                after={"client_id": client.id, "name": data_.name, "lines": len(data_.lines)},
            )
            report.ids.append(row_.id)
        report.imported = len(prepared)
        uow.commit()
    return report


def import_invoices(
    ctx: AppContext,
    data: bytes,
    *,
    skip_invalid: bool = False,
    day_first: bool = True,
    decimal_mark: str | None = None,
) -> ImportReport:
    """Open invoices from another tool keep their numbers; amounts already paid are recorded."""
    parsed = read_invoices(data, day_first=day_first, decimal_mark=decimal_mark)
    report = ImportReport(rejected=list(parsed.errors))
    with ctx.uow() as uow:
        s = uow.session
        resolve = _client_resolver(s)
        existing = {
            n.upper()
            for (n,) in s.execute(select(m.Invoice.number).where(m.Invoice.number.is_not(None)))
        }
        ready: list[tuple[InvoiceSheetRow, m.Client]] = []
        for inv in parsed.rows:
            assert isinstance(inv, InvoiceSheetRow)
            try:
                client = s.get(m.Client, resolve(inv.client))
                assert client is not None
                if inv.currency and inv.currency != client.currency:
                    raise ValueError(
                        f"currency {inv.currency} differs from {client.name}'s {client.currency}"
                    )
                if inv.number.upper() in existing:
                    raise ValueError(f"invoice {inv.number} already exists")
                existing.add(inv.number.upper())
                Money.of(inv.total or 0, client.currency)  # refuses too many decimals
            except ValueError as exc:
                report.rejected.append(RowError(inv.line, str(exc)))
                continue
            ready.append((inv, client))
        report.rejected.sort(key=lambda e: e.line)
        if report.rejected and not skip_invalid:
            raise ImportRejected(report)
        for inv, client in ready:
            try:
                report.ids.append(_store_invoice(s, ctx, inv, client))
            except ValueError as exc:
                report.rejected.append(RowError(inv.line, str(exc)))
                if not skip_invalid:
                    raise ImportRejected(report) from exc
        report.imported = len(report.ids)
        uow.commit()
    return report


def _store_invoice(s: Session, ctx: AppContext, inv: InvoiceSheetRow, client: m.Client) -> int:
    lines = [LineInput(li.description, li.quantity, li.price, li.tax) for li in inv.lines] or [
        LineInput(f"Invoice {inv.number} (imported)", Decimal(1), inv.total or Decimal(0))
    ]
    due = inv.due_date or invoice_due(inv.issue_date, client.terms_kind, client.terms_days)
    row = new_invoice(
        s,
        ctx,
        client=client,
        lines=lines,
        issue_date=inv.issue_date,
        due_date=due,
        terms_text=terms_text(client.terms_kind, client.terms_days),
        reference=inv.reference,
        audit_action="invoice.import",
    )
    if inv.total is not None and row.total_minor != Money.of(inv.total, client.currency).minor:
        raise ValueError(
            f"the lines add up to {Money.from_minor(row.total_minor, client.currency).plain()}, "
            f"not the stated total {inv.total}"
        )
    row.number = inv.number
    row.creditor_reference = make_rf("".join(ch for ch in inv.number if ch.isalnum())[-21:] or "0")
    row.issued_at = ctx.clock.now_utc()
    paid = Money.of(inv.paid, client.currency).minor
    if paid > row.total_minor:
        raise ValueError("the amount paid is more than the total")
    if paid:
        payment = m.Payment(
            client_id=client.id,
            kind="payment",
            date=inv.issue_date,
            amount_minor=paid,
            currency=client.currency,
            method="imported",
            reference="paid before import",
            unallocated_minor=0,
            created_at=ctx.clock.now_utc(),
        )
        s.add(payment)
        s.flush()
        s.add(
            m.Allocation(
                invoice_id=row.id,
                payment_id=payment.id,
                kind="payment",
                date=inv.issue_date,
                amount_minor=paid,
                source="import",
                created_at=ctx.clock.now_utc(),
            )
        )
    row.paid_minor = paid
    row.balance_minor = row.total_minor - paid
    row.status = settled_status(paid_minor=paid, balance_minor=row.balance_minor, sent=False).value
    if row.status == Status.CREDITED:
        row.status = Status.ISSUED.value
    _keep_series_ahead(s, inv.number, inv.issue_date)
    record(
        s,
        ctx.audit,
        "invoice.issue",
        "invoice",
        row.id,
        after=issue_audit(inv.number, row.total_minor, row.currency, inv.issue_date)
        | {"imported": True},
    )
    return row.id


def _keep_series_ahead(s: Session, number: str, issue_date) -> None:  # type: ignore[no-untyped-def]
    """An imported number that fits our template moves our counter past it (no collisions later)."""
    parsed = template_for(s, "invoice").parse(number)
    if parsed is None:
        return
    key, seq = parsed
    counter = s.get(m.NumberCounter, ("invoice", key))
    if counter is None:
        s.add(m.NumberCounter(series="invoice", period_key=key, last_value=seq))
        s.flush()
    elif counter.last_value < seq:
        counter.last_value = seq
