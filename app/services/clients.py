"""Client use cases: create, edit, archive, delete, list, import."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from app.core import clients as core
from app.core.client_import import RowError, read_clients_csv
from app.core.text import fold
from app.db import models as m
from app.services import settings as settings_service
from app.services.audit import record
from app.services.context import AppContext
from app.services.errors import InvariantError, NotFoundError, ValidationError

OPEN_STATUSES = ("issued", "sent", "partly_paid")
SORT_COLUMNS = {
    "name": m.Client.search_key,
    "email": m.Client.email,
    "currency": m.Client.currency,
    "city": m.Client.city,
    "country": m.Client.country,
    "created": m.Client.id,
}


def _sync_iban(session: Session, ctx: AppContext, row: m.Client, iban: str) -> None:
    """Keep the client's stated IBAN as a payer alias (learnt aliases are left alone)."""
    if not iban:
        return
    exists = session.execute(
        select(m.ClientAlias.id).where(
            m.ClientAlias.client_id == row.id, m.ClientAlias.iban == iban
        )
    ).first()
    if not exists:
        session.add(
            m.ClientAlias(client_id=row.id, name="", iban=iban, created_at=ctx.clock.now_utc())
        )


def _snapshot(row: m.Client) -> dict[str, Any]:
    return {name: getattr(row, name) for name in core.client_field_names()}


def _apply(row: m.Client, data: core.ClientData) -> None:
    for name in core.client_field_names():
        setattr(row, name, getattr(data, name))
    row.search_key = fold(" ".join([data.name, data.email, data.city, data.tax_id]))
    row.contacts.clear()
    for c in data.contacts:
        row.contacts.append(
            m.ClientContact(
                name=c.name.strip(),
                email=c.email.strip(),
                phone=c.phone.strip(),
                role=c.role.strip(),
                is_billing=c.is_billing,
            )
        )


def _validated(session: Session, data: core.ClientData) -> core.ClientData:
    cleaned = data.cleaned()
    require_tax = bool(settings_service.get(session, "tax.requires_client_tax_id"))
    errors = core.validate_client(cleaned, require_tax_id=require_tax)
    if errors:
        raise ValidationError(errors)
    return cleaned


def to_client(session: Session, row: m.Client) -> core.Client:
    count = session.scalar(select(func.count()).where(m.Invoice.client_id == row.id)) or 0
    alias_rows = list(
        session.execute(select(m.ClientAlias).where(m.ClientAlias.client_id == row.id)).scalars()
    )
    aliases = tuple(a.name or a.iban for a in alias_rows)
    stated_iban = next((a.iban for a in alias_rows if a.iban and not a.name), "")
    data = core.ClientData(
        **{name: getattr(row, name) for name in core.client_field_names()},
        iban=stated_iban,
        contacts=tuple(
            core.ContactData(c.name, c.email, c.phone, c.role, c.is_billing) for c in row.contacts
        ),
    )
    return core.Client(
        id=row.id,
        data=data,
        archived_at=row.archived_at,
        created_at=row.created_at,
        invoice_count=count,
        aliases=aliases,
    )


def _load(session: Session, client_id: int) -> m.Client:
    row = session.get(m.Client, client_id)
    if row is None:
        raise NotFoundError(f"There is no client with id {client_id}.")
    return row


def insert_client(session: Session, ctx: AppContext, data: core.ClientData) -> m.Client:
    """Add a validated client in the caller's transaction (used by imports and demo data)."""
    now = ctx.clock.now_utc()
    row = m.Client(created_at=now, updated_at=now)
    _apply(row, data)
    session.add(row)
    session.flush()
    _sync_iban(session, ctx, row, data.iban)
    record(
        session,
        ctx.audit,
        "client.create",
        "client",
        row.id,
        after=_snapshot(row) | {"iban": data.iban},
    )
    return row


def create_client(ctx: AppContext, data: core.ClientData) -> core.Client:
    with ctx.uow() as uow:
        cleaned = _validated(uow.session, data)
        row = insert_client(uow.session, ctx, cleaned)
        result = to_client(uow.session, row)
        uow.commit()
        return result


def update_client(ctx: AppContext, client_id: int, data: core.ClientData) -> core.Client:
    with ctx.uow() as uow:
        row = _load(uow.session, client_id)
        cleaned = _validated(uow.session, data)
        has_invoices = uow.session.scalar(
            select(func.count()).where(m.Invoice.client_id == client_id)
        )
        if has_invoices and cleaned.currency != row.currency:
            raise InvariantError(
                f"{row.name} already has invoices in {row.currency}; the currency cannot change."
                " Create a new client for another currency."
            )
        before = _snapshot(row)
        _apply(row, cleaned)
        _sync_iban(uow.session, ctx, row, cleaned.iban)
        row.updated_at = ctx.clock.now_utc()
        after = _snapshot(row)
        changed = {k: v for k, v in after.items() if before.get(k) != v}
        record(
            uow.session,
            ctx.audit,
            "client.update",
            "client",
            row.id,
            before={k: before[k] for k in changed},
            after=changed,
        )
        result = to_client(uow.session, row)
        uow.commit()
        return result


def set_archived(ctx: AppContext, client_id: int, archived: bool) -> core.Client:
    """Archive hides a client from daily lists but keeps every invoice and payment."""
    with ctx.uow() as uow:
        row = _load(uow.session, client_id)
        if (row.archived_at is not None) == archived:
            return to_client(uow.session, row)
        row.archived_at = ctx.clock.now_utc() if archived else None
        row.updated_at = ctx.clock.now_utc()
        record(
            uow.session,
            ctx.audit,
            "client.archive" if archived else "client.restore",
            "client",
            row.id,
        )
        result = to_client(uow.session, row)
        uow.commit()
        return result


def delete_client(ctx: AppContext, client_id: int) -> None:
    """Delete only a client with no history; otherwise archiving is the answer."""
    with ctx.uow() as uow:
        row = _load(uow.session, client_id)
        for model, what in (
            (m.Invoice, "invoices"),
            (m.Payment, "payments"),
            (m.Schedule, "schedules"),
        ):
            n = uow.session.scalar(select(func.count()).where(model.client_id == client_id))
            if n:
                raise InvariantError(
                    f"{row.name} has {n} {what}; a client with history cannot be deleted."
                    " Archive it instead."
                )
        snapshot = _snapshot(row)
        uow.session.delete(row)
        record(uow.session, ctx.audit, "client.delete", "client", client_id, before=snapshot)
        uow.commit()


def get_client(ctx: AppContext, client_id: int) -> core.Client:
    with ctx.uow.read() as uow:
        return to_client(uow.session, _load(uow.session, client_id))


@dataclass(frozen=True)
class ClientQuery:
    search: str = ""
    include_archived: bool = False
    sort: str = "name"
    descending: bool = False
    currency: str = ""


def _filtered(q: ClientQuery, stmt: Select[Any]) -> Select[Any]:
    if not q.include_archived:
        stmt = stmt.where(m.Client.archived_at.is_(None))
    if q.currency:
        stmt = stmt.where(m.Client.currency == q.currency.upper())
    for word in fold(q.search).split():
        like = f"%{word}%"
        stmt = stmt.where(or_(m.Client.search_key.like(like), m.Client.email.like(like.lower())))
    return stmt


def client_ids(ctx: AppContext, q: ClientQuery) -> list[int]:
    """Ids of matching clients in display order; rows are fetched lazily by the list."""
    column = SORT_COLUMNS.get(q.sort, m.Client.search_key)
    order = column.desc() if q.descending else column.asc()
    stmt = _filtered(q, select(m.Client.id)).order_by(order, m.Client.id)
    with ctx.uow.read() as uow:
        return list(uow.session.execute(stmt).scalars())


def client_rows(ctx: AppContext, ids: list[int]) -> list[core.ClientRow]:
    """List rows for the given ids, in the same order, with each client's open balance."""
    if not ids:
        return []
    balance = (
        select(func.coalesce(func.sum(m.Invoice.balance_minor), 0))
        .where(m.Invoice.client_id == m.Client.id, m.Invoice.status.in_(OPEN_STATUSES))
        .correlate(m.Client)
        .scalar_subquery()
    )
    stmt = select(
        m.Client.id,
        m.Client.name,
        m.Client.email,
        m.Client.currency,
        m.Client.city,
        m.Client.country,
        m.Client.archived_at,
        balance,
    ).where(m.Client.id.in_(ids))
    with ctx.uow.read() as uow:
        found = {
            r[0]: core.ClientRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6] is not None, r[7])
            for r in uow.session.execute(stmt)
        }
    return [found[i] for i in ids if i in found]


def list_clients(ctx: AppContext, q: ClientQuery) -> list[core.ClientRow]:
    return client_rows(ctx, client_ids(ctx, q))


@dataclass
class ImportReport:
    imported: int = 0
    rejected: list[RowError] = field(default_factory=list)
    encoding: str = ""
    delimiter: str = ""
    columns: dict[str, str] = field(default_factory=dict)
    ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["rejected"] = [{"line": e.line, "reason": e.reason} for e in self.rejected]
        return out


def import_clients(ctx: AppContext, data: bytes, *, skip_invalid: bool = False) -> ImportReport:
    """Import every row, or nothing if any row is invalid (unless ``skip_invalid``).

    Raises TextFileError for an unreadable file and ValidationError (carrying the
    report) when rows were rejected and nothing was imported.
    """
    with ctx.uow() as uow:
        defaults = settings_service.get_all(uow.session)
        parsed = read_clients_csv(
            data,
            default_currency=defaults["company.currency"],
            default_terms_days=defaults["billing.default_terms_days"],
            require_tax_id=defaults["tax.requires_client_tax_id"],
        )
        report = ImportReport(
            rejected=parsed.errors,
            encoding=parsed.encoding,
            delimiter=parsed.delimiter,
            columns=parsed.columns,
        )
        if parsed.errors and not skip_invalid:
            raise ImportRejected(report)
        for _line, client in parsed.rows:
            row = insert_client(uow.session, ctx, client)
            report.ids.append(row.id)
        report.imported = len(parsed.rows)
        uow.commit()
        return report


class ImportRejected(ValidationError):
    """Some rows are invalid and nothing was imported; the report lists them."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        lines = "; ".join(str(e) for e in report.rejected[:20])
        more = len(report.rejected) - 20
        suffix = f" (and {more} more)" if more > 0 else ""
        super().__init__(
            f"{len(report.rejected)} row(s) rejected, nothing imported: {lines}{suffix}"
        )
