"""Invoice lifecycle: drafts, approval, issue, void, credit notes, lists and details."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, literal_column, or_, select, update
from sqlalchemy.orm import Session

from app.core.clients import terms_text
from app.core.invoice_math import LineInput, TaxCategory
from app.core.invoices import (
    EDITABLE,
    OPEN,
    AllocationView,
    HistoryEntry,
    InvoiceDetail,
    InvoiceDraft,
    InvoiceRow,
    LineView,
    Status,
    TaxRowView,
    history_summary,
    settled_status,
)
from app.core.money import Money
from app.core.recurrence import invoice_due
from app.core.text import fold
from app.db import models as m
from app.services import audit
from app.services.context import AppContext
from app.services.errors import InvariantError, NotFoundError, ValidationError
from app.services.exceptions import resolve_items
from app.services.invoice_store import compute, ensure_editable, issue, new_invoice, set_lines


def _load(s: Session, invoice_id: int) -> m.Invoice:
    row = s.get(m.Invoice, invoice_id)
    if row is None:
        raise NotFoundError(f"There is no invoice with id {invoice_id}.")
    return row


def find_id(ctx: AppContext, number: str) -> int:
    """The id of an invoice or credit note by its number (exact, case-insensitive)."""
    with ctx.uow.read() as uow:
        found = uow.session.execute(
            select(m.Invoice.id).where(func.upper(m.Invoice.number) == number.strip().upper())
        ).scalar_one_or_none()
    if found is None:
        raise NotFoundError(f"There is no invoice numbered {number!r}.")
    return found


def _validate_lines(lines: Sequence[LineInput]) -> None:
    if not lines:
        raise ValidationError("An invoice needs at least one line.")
    for i, li in enumerate(lines, start=1):
        if not li.description.strip():
            raise ValidationError(f"Line {i} needs a description.")
        if li.tax_category is not TaxCategory.STANDARD and li.tax_rate:
            raise ValidationError(f"Line {i}: an exempt or reverse-charge line has no tax rate.")


# --- drafts ---------------------------------------------------------------------------


def create_draft(ctx: AppContext, draft: InvoiceDraft) -> InvoiceDetail:
    """A manual invoice; it carries no number until it is issued, so deleting it burns none."""
    _validate_lines(draft.lines)
    with ctx.uow() as uow:
        s = uow.session
        client = s.get(m.Client, draft.client_id)
        if client is None:
            raise ValidationError("Choose a client for the invoice.")
        if client.archived_at is not None:
            raise InvariantError(f"{client.name} is archived; restore the client to invoice them.")
        due = draft.due_date or invoice_due(draft.issue_date, client.terms_kind, client.terms_days)
        if due < draft.issue_date:
            raise ValidationError("The due date is before the issue date.")
        row = new_invoice(
            s,
            ctx,
            client=client,
            lines=draft.lines,
            issue_date=draft.issue_date,
            due_date=due,
            terms_text=terms_text(client.terms_kind, client.terms_days),
            prices_include_tax=draft.prices_include_tax,
            reference=draft.reference,
            notes=draft.notes,
            period_start=draft.period_start,
            period_end=draft.period_end,
        )
        detail = _detail(s, row)
        uow.commit()
        return detail


def update_draft(ctx: AppContext, invoice_id: int, draft: InvoiceDraft) -> InvoiceDetail:
    _validate_lines(draft.lines)
    with ctx.uow() as uow:
        s = uow.session
        row = _load(s, invoice_id)
        ensure_editable(row)
        if draft.client_id != row.client_id:
            raise ValidationError("A draft's client cannot change; create a new draft instead.")
        before = Money.from_minor(row.total_minor, row.currency).plain()
        totals = compute(s, draft.lines, row.currency, draft.prices_include_tax)
        set_lines(row, totals)
        row.issue_date = draft.issue_date
        client = s.get(m.Client, row.client_id)
        assert client is not None
        row.due_date = draft.due_date or invoice_due(
            draft.issue_date, client.terms_kind, client.terms_days
        )
        row.reference, row.notes = draft.reference, draft.notes
        row.updated_at = ctx.clock.now_utc()
        audit.record(
            s,
            ctx.audit,
            "invoice.edit",
            "invoice",
            row.id,
            before={"total": before},
            after={"total": totals.total.plain()},
        )
        detail = _detail(s, row)
        uow.commit()
        return detail


def _release_sources(s: Session, invoice_id: int) -> None:
    """What a deleted draft billed goes back to the next bill run: queued one-off
    charges and milestones lose their link; usage billing ranges go with the
    invoice (their foreign key cascades)."""
    for source in (m.OneOffCharge, m.Milestone):
        s.execute(
            update(source).where(source.invoice_id == invoice_id).values(invoice_id=None),
            execution_options={"synchronize_session": "fetch"},
        )


def delete_draft(ctx: AppContext, invoice_id: int) -> None:
    with ctx.uow() as uow:
        s = uow.session
        row = _load(s, invoice_id)
        ensure_editable(row)
        snapshot = {
            "total": Money.from_minor(row.total_minor, row.currency).plain(),
            "client_id": row.client_id,
            "period_start": row.period_start,
        }
        _release_sources(s, row.id)
        resolve_items(s, ctx, entity_type="invoice", entity_id=row.id, resolution="draft deleted")
        s.delete(row)
        audit.record(s, ctx.audit, "invoice.delete_draft", "invoice", invoice_id, before=snapshot)
        uow.commit()


def approve(
    ctx: AppContext, invoice_ids: Sequence[int], note: str = "", issue_now: bool = True
) -> list[str]:
    """Approve drafts in review (recording who, when and why) and, by default, issue them."""
    numbers: list[str] = []
    with ctx.uow() as uow:
        s = uow.session
        for invoice_id in invoice_ids:
            row = _load(s, invoice_id)
            if row.status not in (Status.REVIEW, Status.DRAFT):
                raise InvariantError(
                    f"Invoice {row.number or row.id} is {row.status}; only drafts can be approved."
                )
            row.status = Status.APPROVED.value
            audit.record(
                s,
                ctx.audit,
                "invoice.approve",
                "invoice",
                row.id,
                after={"reasons": row.review_reasons, "note": note},
            )
            resolve_items(
                s,
                ctx,
                entity_type="invoice",
                entity_id=row.id,
                resolution=f"approved by {ctx.actor}" + (f": {note}" if note else ""),
            )
            if issue_now:
                issue(s, ctx, row)
                numbers.append(row.number or "")
        uow.commit()
    return numbers


def reject(ctx: AppContext, invoice_id: int, reason: str) -> None:
    """Reject a draft in review: it is deleted (no number was used) and the period skipped."""
    if not reason.strip():
        raise ValidationError("Say why the invoice is rejected.")
    with ctx.uow() as uow:
        s = uow.session
        row = _load(s, invoice_id)
        ensure_editable(row)
        if row.schedule_id is not None and row.period_start is not None:
            s.add(
                m.ScheduleSkip(
                    schedule_id=row.schedule_id,
                    period_start=row.period_start,
                    reason=f"rejected: {reason}",
                    created_at=ctx.clock.now_utc(),
                )
            )
        resolve_items(
            s, ctx, entity_type="invoice", entity_id=row.id, resolution=f"rejected: {reason}"
        )
        _release_sources(s, row.id)
        audit.record(s, ctx.audit, "invoice.reject", "invoice", row.id, after={"reason": reason})
        s.delete(row)
        uow.commit()


def issue_invoices(ctx: AppContext, invoice_ids: Sequence[int]) -> list[str]:
    with ctx.uow() as uow:
        numbers = []
        for invoice_id in invoice_ids:
            row = _load(uow.session, invoice_id)
            issue(uow.session, ctx, row)
            numbers.append(row.number or "")
        uow.commit()
        return numbers


def void(ctx: AppContext, invoice_id: int, reason: str) -> InvoiceDetail:
    """Void an issued invoice that nobody paid; it keeps its number (no gap)."""
    if not reason.strip():
        raise ValidationError("A void needs a reason (it is printed and audited).")
    with ctx.uow() as uow:
        s = uow.session
        row = _load(s, invoice_id)
        if row.status in EDITABLE:
            raise InvariantError("A draft has no number; delete it instead of voiding it.")
        if row.status == Status.VOID:
            raise InvariantError(f"{row.number} is already void.")
        if row.paid_minor or row.credited_minor:
            raise InvariantError(
                f"{row.number} has payments or credits; undo them or issue a credit note instead."
            )
        before = row.status
        row.status = Status.VOID.value
        row.void_reason = reason.strip()
        row.balance_minor = 0
        row.updated_at = ctx.clock.now_utc()
        audit.record(
            s,
            ctx.audit,
            "invoice.void",
            "invoice",
            row.id,
            before={"status": before},
            after={"status": "void", "reason": reason},
        )
        detail = _detail(s, row)
        uow.commit()
        return detail


def credit_note(
    ctx: AppContext, invoice_id: int, amount: Decimal | None = None, reason: str = ""
) -> InvoiceDetail:
    """Correct an issued invoice with a credit note (full, or a partial gross amount).

    The credit reduces the invoice's balance by exactly its amount; what exceeds
    the balance (an invoice already paid) becomes the client's credit.  A credit
    never marks an invoice paid: with nothing paid, a fully credited invoice is
    "credited".
    """
    with ctx.uow() as uow:
        s = uow.session
        row = _load(s, invoice_id)
        if row.kind != "invoice" or row.status in EDITABLE or row.status == Status.VOID:
            raise InvariantError("Only an issued invoice can be credited.")
        already = row.credited_minor
        full = row.total_minor - already
        credit = full if amount is None else Money.of(amount, row.currency).minor
        if credit <= 0:
            raise ValidationError("The credit amount must be above zero.")
        if credit > full:
            raise ValidationError(
                f"{Money.from_minor(credit, row.currency).plain()} is more than the "
                f"{Money.from_minor(full, row.currency).plain()} not yet credited on {row.number}."
            )
        client = s.get(m.Client, row.client_id)
        assert client is not None
        lines = _credit_lines(row, credit, reason)
        note = new_invoice(
            s,
            ctx,
            client=client,
            lines=lines,
            issue_date=ctx.clock.today(),
            due_date=ctx.clock.today(),
            terms_text="Credit note",
            prices_include_tax=True,
            kind="credit_note",
            related_invoice_id=row.id,
            notes=reason,
            audit_action="credit_note.create",
        )
        issue(s, ctx, note)
        note.balance_minor = 0
        apply_credit(s, ctx, row, note, note.total_minor)
        detail = _detail(s, note)
        uow.commit()
        return detail


def _credit_lines(row: m.Invoice, credit_minor: int, reason: str) -> list[LineInput]:
    """Spread a gross credit over the invoice's tax rates in proportion to their gross totals."""
    groups: dict[tuple[str, Decimal], int] = {}
    for ln in row.lines:
        key = (ln.tax_category, ln.tax_rate)
        groups[key] = groups.get(key, 0) + ln.total_minor
    keys = [k for k, v in groups.items() if v > 0] or list(groups)
    weights = [max(groups[k], 0) or 1 for k in keys]
    parts = Money.from_minor(credit_minor, row.currency).allocate(weights)
    label = f"Credit for invoice {row.number}" + (f": {reason}" if reason else "")
    return [
        LineInput(label, Decimal(1), part.amount, rate, TaxCategory(cat), kind="credit")
        for (cat, rate), part in zip(keys, parts, strict=True)
        if not part.is_zero
    ]


def apply_credit(
    s: Session, ctx: AppContext, invoice: m.Invoice, note: m.Invoice, amount_minor: int
) -> None:
    applied = min(amount_minor, invoice.balance_minor)
    if applied > 0:
        s.add(
            m.Allocation(
                invoice_id=invoice.id,
                credit_note_id=note.id,
                kind="credit",
                date=note.issue_date,
                amount_minor=applied,
                source="credit_note",
                created_at=ctx.clock.now_utc(),
            )
        )
    invoice.credited_minor += amount_minor
    invoice.balance_minor = invoice.total_minor - invoice.paid_minor - invoice.credited_minor
    excess = 0
    if invoice.balance_minor < 0:
        excess = -invoice.balance_minor
        invoice.balance_minor = 0
        s.add(
            m.Payment(
                client_id=invoice.client_id,
                kind="credit",
                date=note.issue_date,
                amount_minor=excess,
                currency=invoice.currency,
                method="credit note",
                reference=note.number or "",
                unallocated_minor=excess,
                created_at=ctx.clock.now_utc(),
            )
        )
    invoice.status = settled_status(
        paid_minor=invoice.paid_minor,
        balance_minor=invoice.balance_minor,
        sent=invoice.sent_at is not None,
    ).value
    invoice.updated_at = ctx.clock.now_utc()
    audit.record(
        s,
        ctx.audit,
        "invoice.credit",
        "invoice",
        invoice.id,
        after={
            "credit_note": note.number,
            "amount": Money.from_minor(amount_minor, invoice.currency).plain(),
            "client_credit": Money.from_minor(excess, invoice.currency).plain(),
            "balance": Money.from_minor(invoice.balance_minor, invoice.currency).plain(),
        },
    )


def duplicate_as_draft(
    ctx: AppContext, invoice_id: int, issue_date: date | None = None
) -> InvoiceDetail:
    with ctx.uow.read() as uow:
        row = _load(uow.session, invoice_id)
        lines = tuple(
            LineInput(
                ln.description,
                ln.quantity,
                Money.from_minor(ln.unit_price_minor, row.currency).amount,
                ln.tax_rate,
                TaxCategory(ln.tax_category),
                ln.discount_percent,
                unit=ln.unit,
            )
            for ln in row.lines
            if ln.kind != "credit"
        )
        draft = InvoiceDraft(
            client_id=row.client_id,
            issue_date=issue_date or ctx.clock.today(),
            lines=lines,
            reference=row.reference,
            notes=row.notes,
            prices_include_tax=row.prices_include_tax,
        )
    return create_draft(ctx, draft)


def mark_disputed(
    ctx: AppContext, invoice_id: int, disputed: bool, note: str = ""
) -> InvoiceDetail:
    with ctx.uow() as uow:
        row = _load(uow.session, invoice_id)
        row.disputed = disputed
        row.dispute_note = note if disputed else ""
        audit.record(
            uow.session,
            ctx.audit,
            "invoice.dispute" if disputed else "invoice.dispute_withdrawn",
            "invoice",
            row.id,
            after={"note": note},
        )
        detail = _detail(uow.session, row)
        uow.commit()
        return detail


def set_promise(ctx: AppContext, invoice_id: int, promise: date | None) -> InvoiceDetail:
    with ctx.uow() as uow:
        row = _load(uow.session, invoice_id)
        row.promise_date = promise
        audit.record(
            uow.session,
            ctx.audit,
            "invoice.promise",
            "invoice",
            row.id,
            after={"promise_date": promise},
        )
        detail = _detail(uow.session, row)
        uow.commit()
        return detail


# --- reading ---------------------------------------------------------------------------


@dataclass(frozen=True)
class InvoiceQuery:
    search: str = ""
    statuses: tuple[str, ...] = ()
    client_id: int | None = None
    kind: str = ""
    overdue_on: date | None = None
    currency: str = ""
    sort: str = "issue_date"
    descending: bool = True


SORTS = {
    "issue_date": m.Invoice.issue_date,
    "due_date": m.Invoice.due_date,
    "number": m.Invoice.number,
    "total": m.Invoice.total_minor,
    "balance": m.Invoice.balance_minor,
    "status": m.Invoice.status,
    "client": m.Client.search_key,
}


def _filtered(q: InvoiceQuery, stmt: Select[Any]) -> Select[Any]:
    if q.statuses:
        stmt = stmt.where(m.Invoice.status.in_(q.statuses))
    if q.client_id:
        stmt = stmt.where(m.Invoice.client_id == q.client_id)
    if q.kind:
        stmt = stmt.where(m.Invoice.kind == q.kind)
    if q.currency:
        stmt = stmt.where(m.Invoice.currency == q.currency)
    if q.overdue_on:
        stmt = stmt.where(
            m.Invoice.due_date < q.overdue_on, m.Invoice.status.in_([s.value for s in OPEN])
        )
    for word in fold(q.search).split():
        # matching clients are found among the few thousand clients first, instead of
        # joining every invoice to its client
        stmt = stmt.where(
            or_(
                m.Invoice.client_id.in_(
                    select(m.Client.id).where(m.Client.search_key.like(f"%{word}%"))
                ),
                func.upper(m.Invoice.number).like(f"%{word}%"),
            )
        )
    return stmt


def invoice_ids(ctx: AppContext, q: InvoiceQuery) -> list[int]:
    column = SORTS.get(q.sort, m.Invoice.issue_date)
    stmt = select(m.Invoice.id)
    if q.sort == "client":
        stmt = stmt.join(m.Client, m.Client.id == m.Invoice.client_id)
    with ctx.uow.read() as uow:
        key: Any = column
        if q.search and uow.session.get_bind().dialect.name == "sqlite":
            # A search keeps a few rows of 100,000: reading the table straight through and
            # sorting those few beats walking the date index and fetching every row from
            # it.  SQLite's no-op unary "+" stops it from choosing the index for the order.
            key = literal_column(f"+{column.table.name}.{column.name}")
        stmt = _filtered(q, stmt).order_by(
            key.desc() if q.descending else key.asc(),
            m.Invoice.id.desc() if q.descending else m.Invoice.id.asc(),
        )
        return list(uow.session.execute(stmt).scalars())


def invoice_totals(ctx: AppContext, q: InvoiceQuery) -> list[tuple[str, int, int, int]]:
    """Per currency: (currency, count, net total, balance owed) of the filtered list.

    Credit notes count negative in the total (they reduce what was invoiced);
    the balance sums only issued invoices that are still open, so drafts and
    credit notes never look like money owed.
    """
    from sqlalchemy import case

    signed = case(
        (m.Invoice.kind == "credit_note", -m.Invoice.total_minor), else_=m.Invoice.total_minor
    )
    open_values = ",".join(f"'{s.value}'" for s in OPEN)
    owed = case(
        (literal_column(f"invoices.status IN ({open_values})"), m.Invoice.balance_minor), else_=0
    )
    stmt = select(m.Invoice.currency, func.count(), func.sum(signed), func.sum(owed))
    stmt = _filtered(q, stmt).group_by(m.Invoice.currency).order_by(m.Invoice.currency)
    with ctx.uow.read() as uow:
        return [(c, n, t or 0, b or 0) for c, n, t, b in uow.session.execute(stmt)]


def _row(r: Any) -> InvoiceRow:
    return InvoiceRow(
        id=r.id,
        kind=r.kind,
        number=r.number,
        client_id=r.client_id,
        client_name=r.name,
        issue_date=r.issue_date,
        due_date=r.due_date,
        currency=r.currency,
        total_minor=r.total_minor,
        balance_minor=r.balance_minor,
        status=r.status,
        period_start=r.period_start,
        period_end=r.period_end,
        review_reasons=r.review_reasons,
    )


def invoice_rows(ctx: AppContext, ids: list[int]) -> list[InvoiceRow]:
    if not ids:
        return []
    stmt = (
        select(
            m.Invoice.id,
            m.Invoice.kind,
            m.Invoice.number,
            m.Invoice.client_id,
            m.Client.name,
            m.Invoice.issue_date,
            m.Invoice.due_date,
            m.Invoice.currency,
            m.Invoice.total_minor,
            m.Invoice.balance_minor,
            m.Invoice.status,
            m.Invoice.period_start,
            m.Invoice.period_end,
            m.Invoice.review_reasons,
        )
        .join(m.Client, m.Client.id == m.Invoice.client_id)
        .where(m.Invoice.id.in_(ids))
    )
    with ctx.uow.read() as uow:
        found = {r.id: _row(r) for r in uow.session.execute(stmt)}
    return [found[i] for i in ids if i in found]


def list_invoices(ctx: AppContext, q: InvoiceQuery) -> list[InvoiceRow]:
    ids = invoice_ids(ctx, q)
    out: list[InvoiceRow] = []
    for start in range(0, len(ids), 900):
        out += invoice_rows(ctx, ids[start : start + 900])
    return out


def get_detail(ctx: AppContext, invoice_id: int) -> InvoiceDetail:
    with ctx.uow.read() as uow:
        return _detail(uow.session, _load(uow.session, invoice_id))


def _detail(s: Session, row: m.Invoice) -> InvoiceDetail:
    s.flush()
    client = s.get(m.Client, row.client_id)
    assert client is not None
    lines = tuple(
        LineView(
            ln.description,
            ln.quantity,
            ln.unit,
            ln.unit_price_minor,
            ln.discount_percent,
            ln.tax_rate,
            ln.tax_category,
            ln.net_minor,
            ln.tax_minor,
            ln.total_minor,
            ln.kind,
            ln.period_start,
            ln.period_end,
        )
        for ln in row.lines
    )
    groups: dict[tuple[str, Decimal], list[int]] = {}
    for ln in row.lines:
        g = groups.setdefault((ln.tax_category, ln.tax_rate), [0, 0])
        g[0] += ln.net_minor
        g[1] += ln.tax_minor
    from app.core.invoice_math import TaxRow

    tax_rows = tuple(
        TaxRowView(
            TaxRow(
                TaxCategory(cat),
                rate,
                Money.from_minor(0, row.currency),
                Money.from_minor(0, row.currency),
            ).label,
            rate,
            cat,
            base,
            tax,
        )
        for (cat, rate), (base, tax) in groups.items()
    )
    history = tuple(
        HistoryEntry(
            ev.at,
            ev.actor,
            ev.action,
            ev.data_json,
            history_summary(ev.action, json.loads(ev.data_json or "{}")),
        )
        for ev in audit.history(s, "invoice", row.id)
    )

    allocs = []
    for a in s.execute(
        select(m.Allocation).where(m.Allocation.invoice_id == row.id).order_by(m.Allocation.id)
    ).scalars():
        ref = ""
        if a.payment_id:
            p = s.get(m.Payment, a.payment_id)
            ref = (p.reference or p.method) if p else ""
        elif a.credit_note_id:
            cn = s.get(m.Invoice, a.credit_note_id)
            ref = cn.number or "" if cn else ""
        allocs.append(
            AllocationView(
                a.id,
                a.date,
                a.kind,
                a.amount_minor,
                a.source,
                ref,
                a.reversed_by_id is not None or a.reverses_id is not None,
            )
        )
    related = s.get(m.Invoice, row.related_invoice_id) if row.related_invoice_id else None
    notes = [
        n
        for (n,) in s.execute(
            select(m.Invoice.number).where(
                m.Invoice.related_invoice_id == row.id, m.Invoice.kind == "credit_note"
            )
        )
    ]
    sched = s.get(m.Schedule, row.schedule_id) if row.schedule_id else None
    return InvoiceDetail(
        row=InvoiceRow(
            row.id,
            row.kind,
            row.number,
            row.client_id,
            client.name,
            row.issue_date,
            row.due_date,
            row.currency,
            row.total_minor,
            row.balance_minor,
            row.status,
            row.period_start,
            row.period_end,
            row.review_reasons,
        ),
        lines=lines,
        tax_rows=tax_rows,
        subtotal_minor=row.subtotal_minor,
        tax_minor=row.tax_minor,
        paid_minor=row.paid_minor,
        credited_minor=row.credited_minor,
        prices_include_tax=row.prices_include_tax,
        rounding_mode=row.rounding_mode,
        terms_text=row.terms_text,
        reference=row.reference,
        creditor_reference=row.creditor_reference,
        notes=row.notes,
        legal_note=row.legal_note,
        related_number=related.number if related else None,
        schedule_id=row.schedule_id,
        schedule_name=sched.name if sched else "",
        pdf_path=row.pdf_path,
        void_reason=row.void_reason,
        disputed=row.disputed,
        promise_date=row.promise_date,
        history=history,
        allocations=tuple(allocs),
        credit_notes=tuple(n for n in notes if n),
    )


def draft_of(detail: InvoiceDetail) -> InvoiceDraft:
    """An editable copy of a draft's content (for the editor)."""
    return InvoiceDraft(
        client_id=detail.row.client_id,
        issue_date=detail.row.issue_date,
        due_date=detail.row.due_date,
        lines=tuple(
            LineInput(
                ln.description,
                ln.quantity,
                Money.from_minor(ln.unit_price_minor, detail.row.currency).amount,
                ln.tax_rate,
                TaxCategory(ln.tax_category),
                ln.discount_percent,
                unit=ln.unit,
            )
            for ln in detail.lines
        ),
        reference=detail.reference,
        notes=detail.notes,
        prices_include_tax=detail.prices_include_tax,
    )
