"""Usage and time records, and milestone plans."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db.models.base import Base
from app.db.types import MinorUnits, ScaledDecimal, UTCDateTime


class UsageRecord(Base):
    """One metered quantity or time entry, kept raw; billed once (see UsageBilling)."""

    __tablename__ = "usage_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    # no index of its own: the unique (client_id, record_key) index starts with it
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    schedule_id: Mapped[int | None] = mapped_column(ForeignKey("schedules.id"), nullable=True)
    item: Mapped[str] = mapped_column(String(100))
    occurred_on: Mapped[date] = mapped_column(Date)
    quantity: Mapped[Decimal] = mapped_column(ScaledDecimal(6))
    description: Mapped[str] = mapped_column(Text, default="")
    person: Mapped[str] = mapped_column(String(100), default="")
    rate_minor: Mapped[int | None] = mapped_column(MinorUnits, nullable=True)
    billable: Mapped[bool] = mapped_column(Boolean, default=True)
    # The source's record id, or a fingerprint of the row: re-importing adds nothing.
    record_key: Mapped[str] = mapped_column(String(100))
    raw: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        UniqueConstraint("client_id", "record_key", name="uq_usage_records_client_key"),
        Index("ix_usage_records_schedule_item_day", "schedule_id", "item", "occurred_on"),
    )


class UsageBilling(Base):
    """One invoice billed one item's records of one date range, up to a record id.

    Records are only ever added, with growing ids, and a billed record cannot be
    changed, so "billed" is a fact about the range: a record of ``item`` dated in
    [period_start, period_end] with ``id <= through_record_id`` was counted.  One row
    per invoice and item instead of a mark on each of a million records; deleting a
    draft deletes its rows, which gives the records back to the next bill run.
    """

    __tablename__ = "usage_billings"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(
        ForeignKey("invoices.id", ondelete="CASCADE"), index=True
    )
    schedule_id: Mapped[int] = mapped_column(ForeignKey("schedules.id"))
    item: Mapped[str] = mapped_column(String(100))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    through_record_id: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        Index("ix_usage_billings_schedule_item_start", "schedule_id", "item", "period_start"),
    )


class Milestone(Base):
    """One step of a milestone agreement: a share of the contract, due on a date or on delivery."""

    __tablename__ = "milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(
        ForeignKey("schedules.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(200))
    percent: Mapped[Decimal | None] = mapped_column(ScaledDecimal(4), nullable=True)
    amount_minor: Mapped[int | None] = mapped_column(MinorUnits, nullable=True)
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    delivered_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"), nullable=True)
