"""Agreements (schedules), invoices and their numbering."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db.models.base import Base, Timestamps
from app.db.types import MinorUnits, ScaledDecimal, UTCDateTime


class Schedule(Timestamps, Base):
    """A recurring agreement with a client; periods are computed from its anchor."""

    __tablename__ = "schedules"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    cadence: Mapped[str] = mapped_column(String(20))
    interval: Mapped[int] = mapped_column(Integer, default=1)
    anchor_day: Mapped[int | None] = mapped_column(Integer, nullable=True)
    rrule: Mapped[str] = mapped_column(Text, default="")
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    timing: Mapped[str] = mapped_column(String(10), default="advance")
    terms_kind: Mapped[str] = mapped_column(String(20), default="")
    terms_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    uplift_percent: Mapped[Decimal | None] = mapped_column(ScaledDecimal(4), nullable=True)
    prices_include_tax: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(10), default="active")
    reference: Mapped[str] = mapped_column(String(100), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(12), default="recurring")  # recurring | milestone
    contract_value_minor: Mapped[int | None] = mapped_column(MinorUnits, nullable=True)
    # Metered lines: usage is expected by this many days after the period ends.
    usage_grace_days: Mapped[int] = mapped_column(Integer, default=5)

    lines: Mapped[list[ScheduleLine]] = relationship(
        back_populates="schedule", cascade="all, delete-orphan", order_by="ScheduleLine.position"
    )
    pauses: Mapped[list[SchedulePause]] = relationship(
        back_populates="schedule", cascade="all, delete-orphan", order_by="SchedulePause.start"
    )
    changes: Mapped[list[ScheduleChange]] = relationship(
        back_populates="schedule",
        cascade="all, delete-orphan",
        order_by="ScheduleChange.effective_date",
    )

    __table_args__ = (Index("ix_schedules_status", "status"),)


class ScheduleLine(Base):
    __tablename__ = "schedule_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(
        ForeignKey("schedules.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    description: Mapped[str] = mapped_column(Text)
    quantity: Mapped[Decimal] = mapped_column(ScaledDecimal(6))
    unit: Mapped[str] = mapped_column(String(20), default="")
    unit_price_minor: Mapped[int] = mapped_column(MinorUnits)
    tax_rate: Mapped[Decimal] = mapped_column(ScaledDecimal(4), default=Decimal(0))
    tax_category: Mapped[str] = mapped_column(String(20), default="standard")
    discount_percent: Mapped[Decimal | None] = mapped_column(ScaledDecimal(4), nullable=True)
    # A metered line takes its quantity from usage records of ``meter_item``,
    # priced by ``pricing_json`` (app.core.usage.Pricing as JSON).
    metered: Mapped[bool] = mapped_column(Boolean, default=False)
    meter_item: Mapped[str] = mapped_column(String(100), default="")
    pricing_json: Mapped[str] = mapped_column(Text, default="")

    schedule: Mapped[Schedule] = relationship(back_populates="lines")


class SchedulePause(Base):
    """A window in which no period of the schedule is billed."""

    __tablename__ = "schedule_pauses"

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(
        ForeignKey("schedules.id", ondelete="CASCADE"), index=True
    )
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date | None] = mapped_column(Date, nullable=True)

    schedule: Mapped[Schedule] = relationship(back_populates="pauses")


class ScheduleChange(Base):
    """A quantity or price change from an effective date (prorated by day)."""

    __tablename__ = "schedule_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(
        ForeignKey("schedules.id", ondelete="CASCADE"), index=True
    )
    line_id: Mapped[int] = mapped_column(ForeignKey("schedule_lines.id", ondelete="CASCADE"))
    effective_date: Mapped[date] = mapped_column(Date)
    quantity: Mapped[Decimal | None] = mapped_column(ScaledDecimal(6), nullable=True)
    unit_price_minor: Mapped[int | None] = mapped_column(MinorUnits, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    schedule: Mapped[Schedule] = relationship(back_populates="changes")


class ScheduleSkip(Base):
    """A period the user chose not to bill (from the "since last run" screen)."""

    __tablename__ = "schedule_skips"

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(
        ForeignKey("schedules.id", ondelete="CASCADE"), index=True
    )
    period_start: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        UniqueConstraint("schedule_id", "period_start", name="uq_schedule_skips_period"),
    )


class OneOffCharge(Base):
    """A charge queued onto a client's next invoice."""

    __tablename__ = "one_off_charges"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    quantity: Mapped[Decimal] = mapped_column(ScaledDecimal(6))
    unit_price_minor: Mapped[int] = mapped_column(MinorUnits)
    currency: Mapped[str] = mapped_column(String(3))
    tax_rate: Mapped[Decimal] = mapped_column(ScaledDecimal(4), default=Decimal(0))
    invoice_id: Mapped[int | None] = mapped_column(
        ForeignKey("invoices.id", ondelete="SET NULL"), nullable=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Invoice(Timestamps, Base):
    """An invoice or credit note. Once issued, its figures never change."""

    __tablename__ = "invoices"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12), default="invoice")
    number: Mapped[str | None] = mapped_column(String(40), nullable=True, unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    schedule_id: Mapped[int | None] = mapped_column(ForeignKey("schedules.id"), nullable=True)
    period_start: Mapped[date | None] = mapped_column(Date, nullable=True)
    period_end: Mapped[date | None] = mapped_column(Date, nullable=True)
    issue_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(12), default="draft")
    subtotal_minor: Mapped[int] = mapped_column(MinorUnits, default=0)
    tax_minor: Mapped[int] = mapped_column(MinorUnits, default=0)
    total_minor: Mapped[int] = mapped_column(MinorUnits, default=0)
    paid_minor: Mapped[int] = mapped_column(MinorUnits, default=0)
    credited_minor: Mapped[int] = mapped_column(MinorUnits, default=0)
    balance_minor: Mapped[int] = mapped_column(MinorUnits, default=0)
    prices_include_tax: Mapped[bool] = mapped_column(Boolean, default=False)
    rounding_mode: Mapped[str] = mapped_column(String(10), default="line")
    terms_text: Mapped[str] = mapped_column(String(100), default="")
    reference: Mapped[str] = mapped_column(String(100), default="")
    creditor_reference: Mapped[str] = mapped_column(String(40), default="", index=True)
    related_invoice_id: Mapped[int | None] = mapped_column(
        ForeignKey("invoices.id"), nullable=True, index=True
    )
    notes: Mapped[str] = mapped_column(Text, default="")
    legal_note: Mapped[str] = mapped_column(Text, default="")
    review_reasons: Mapped[str] = mapped_column(Text, default="")
    void_reason: Mapped[str] = mapped_column(Text, default="")
    pdf_path: Mapped[str] = mapped_column(Text, default="")
    pdf_sha256: Mapped[str] = mapped_column(String(64), default="")
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    bill_run_id: Mapped[int | None] = mapped_column(ForeignKey("bill_runs.id"), nullable=True)
    # An interim (overage) invoice names its agreement here, not in schedule_id,
    # which stays unique per period for the regular invoice.
    interim_schedule_id: Mapped[int | None] = mapped_column(
        ForeignKey("schedules.id"), nullable=True
    )
    disputed: Mapped[bool] = mapped_column(Boolean, default=False)
    dispute_note: Mapped[str] = mapped_column(Text, default="")
    promise_date: Mapped[date | None] = mapped_column(Date, nullable=True)

    lines: Mapped[list[InvoiceLine]] = relationship(
        back_populates="invoice", cascade="all, delete-orphan", order_by="InvoiceLine.position"
    )

    __table_args__ = (
        # Exactly one invoice per schedule period: the bill run's idempotency key.
        UniqueConstraint("schedule_id", "period_start", name="uq_invoices_schedule_period"),
        Index("ix_invoices_status_issue", "status", "issue_date"),
        Index("ix_invoices_client_issue", "client_id", "issue_date"),
        # Partial covering index for the aging report and open-invoice matching.
        Index(
            "ix_invoices_open",
            "client_id",
            "due_date",
            "currency",
            "balance_minor",
            sqlite_where=text("balance_minor <> 0 AND status IN ('issued','sent','partly_paid')"),
            postgresql_where=text(
                "balance_minor <> 0 AND status IN ('issued','sent','partly_paid')"
            ),
        ),
        # Reports: aging by client and currency as of any date, without a sort step.
        Index(
            "ix_invoices_open_aging",
            "client_id",
            "currency",
            "due_date",
            "issue_date",
            "balance_minor",
            sqlite_where=text("balance_minor <> 0 AND status IN ('issued','sent','partly_paid')"),
            postgresql_where=text(
                "balance_minor <> 0 AND status IN ('issued','sent','partly_paid')"
            ),
        ),
        # Reports: invoiced per day/month/currency read from the index alone.
        Index(
            "ix_invoices_issue_figures",
            "issue_date",
            "kind",
            "status",
            "currency",
            "total_minor",
            "subtotal_minor",
            "tax_minor",
        ),
    )


class InvoiceLine(Base):
    __tablename__ = "invoice_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(
        ForeignKey("invoices.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(12), default="charge")
    description: Mapped[str] = mapped_column(Text)
    quantity: Mapped[Decimal] = mapped_column(ScaledDecimal(6))
    unit: Mapped[str] = mapped_column(String(20), default="")
    unit_price_minor: Mapped[int] = mapped_column(MinorUnits)
    discount_percent: Mapped[Decimal | None] = mapped_column(ScaledDecimal(4), nullable=True)
    tax_rate: Mapped[Decimal] = mapped_column(ScaledDecimal(4), default=Decimal(0))
    tax_category: Mapped[str] = mapped_column(String(20), default="standard")
    net_minor: Mapped[int] = mapped_column(MinorUnits, default=0)
    tax_minor: Mapped[int] = mapped_column(MinorUnits, default=0)
    total_minor: Mapped[int] = mapped_column(MinorUnits, default=0)
    period_start: Mapped[date | None] = mapped_column(Date, nullable=True)
    period_end: Mapped[date | None] = mapped_column(Date, nullable=True)
    schedule_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("schedule_lines.id", ondelete="SET NULL"), nullable=True
    )

    invoice: Mapped[Invoice] = relationship(back_populates="lines")


class NumberCounter(Base):
    """The last number used per series and period; bumped in the issuing transaction."""

    __tablename__ = "number_counters"

    series: Mapped[str] = mapped_column(String(20), primary_key=True)
    period_key: Mapped[str] = mapped_column(String(10), primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer, default=0)


class BillRun(Base):
    __tablename__ = "bill_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    as_of: Mapped[date] = mapped_column(Date)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    status: Mapped[str] = mapped_column(String(12), default="running")
    created_count: Mapped[int] = mapped_column(Integer, default=0)
    issued_count: Mapped[int] = mapped_column(Integer, default=0)
    review_count: Mapped[int] = mapped_column(Integer, default=0)
    actor: Mapped[str] = mapped_column(String(60), default="")
