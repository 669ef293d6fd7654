"""Money received or refunded, how it was allocated, and bank statements."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.models.base import Base
from app.db.types import MinorUnits, UTCDateTime


class Payment(Base):
    """Money in (kind 'payment') or out to a client (kind 'refund').

    The unallocated part of a payment is the client's credit.
    """

    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10), default="payment")
    date: Mapped[date] = mapped_column(Date)
    amount_minor: Mapped[int] = mapped_column(MinorUnits)
    currency: Mapped[str] = mapped_column(String(3))
    method: Mapped[str] = mapped_column(String(30), default="bank transfer")
    reference: Mapped[str] = mapped_column(String(200), default="")
    unallocated_minor: Mapped[int] = mapped_column(MinorUnits, default=0)
    bank_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("bank_lines.id"), nullable=True, index=True
    )
    reversed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        Index("ix_payments_date", "date"),
        # Reports: receipts per period, method and currency read from the index alone.
        Index(
            "ix_payments_date_figures",
            "date",
            "kind",
            "currency",
            "method",
            "amount_minor",
            "reversed_at",
        ),
        # Reports: unapplied client credit without scanning every payment.
        Index(
            "ix_payments_credit",
            "client_id",
            "currency",
            "unallocated_minor",
            sqlite_where=text("unallocated_minor <> 0"),
            postgresql_where=text("unallocated_minor <> 0"),
        ),
    )


class Allocation(Base):
    """Part of a payment (or a credit note, or a write-off) applied to one invoice.

    Undo never deletes: a reversal row with the negative amount points at the
    row it cancels, so the history stays readable and the audit chain intact.
    """

    __tablename__ = "allocations"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    payment_id: Mapped[int | None] = mapped_column(
        ForeignKey("payments.id"), nullable=True, index=True
    )
    credit_note_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"), nullable=True)
    kind: Mapped[str] = mapped_column(String(12), default="payment")
    date: Mapped[date] = mapped_column(Date)
    amount_minor: Mapped[int] = mapped_column(MinorUnits)
    source: Mapped[str] = mapped_column(String(12), default="manual")
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("allocations.id"), nullable=True)
    reversed_by_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        Index("ix_allocations_invoice_date", "invoice_id", "date"),
        # Reports: what was applied after a day (aging as of a past date, AR trend).
        Index("ix_allocations_date", "date", "invoice_id", "amount_minor"),
    )


class BankAccount(Base):
    __tablename__ = "bank_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    iban: Mapped[str] = mapped_column(String(40), default="")
    currency: Mapped[str] = mapped_column(String(3), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class BankProfile(Base):
    """A saved CSV reading profile, recognised next time by its header signature."""

    __tablename__ = "bank_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("bank_accounts.id"), nullable=True)
    header_signature: Mapped[str] = mapped_column(String(64), index=True)
    profile_json: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class BankImport(Base):
    __tablename__ = "bank_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("bank_accounts.id"), index=True)
    filename: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    format: Mapped[str] = mapped_column(String(20))
    encoding: Mapped[str] = mapped_column(String(30), default="")
    line_count: Mapped[int] = mapped_column(Integer, default=0)
    imported_count: Mapped[int] = mapped_column(Integer, default=0)
    duplicate_count: Mapped[int] = mapped_column(Integer, default=0)
    rejected_count: Mapped[int] = mapped_column(Integer, default=0)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime())


class BankLine(Base):
    __tablename__ = "bank_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("bank_accounts.id"))
    import_id: Mapped[int] = mapped_column(ForeignKey("bank_imports.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    booking_date: Mapped[date] = mapped_column(Date)
    value_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    amount_minor: Mapped[int] = mapped_column(MinorUnits)
    currency: Mapped[str] = mapped_column(String(3))
    description: Mapped[str] = mapped_column(Text, default="")
    counterparty: Mapped[str] = mapped_column(String(200), default="")
    counterparty_iban: Mapped[str] = mapped_column(String(40), default="")
    reference: Mapped[str] = mapped_column(String(60), default="")
    bank_txn_id: Mapped[str] = mapped_column(String(100), default="")
    balance_minor: Mapped[int | None] = mapped_column(MinorUnits, nullable=True)
    pending: Mapped[bool] = mapped_column(default=False)
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(12), default="unmatched")
    match_kind: Mapped[str] = mapped_column(String(30), default="")
    match_score: Mapped[int] = mapped_column(Integer, default=0)
    match_explanation: Mapped[str] = mapped_column(Text, default="")
    suggestions_json: Mapped[str] = mapped_column(Text, default="")
    raw: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        UniqueConstraint("account_id", "fingerprint", name="uq_bank_lines_account_fingerprint"),
        Index("ix_bank_lines_status_date", "status", "booking_date"),
        Index(
            "ix_bank_lines_unmatched",
            "booking_date",
            sqlite_where=text("status IN ('unmatched','suggested')"),
            postgresql_where=text("status IN ('unmatched','suggested')"),
        ),
    )
