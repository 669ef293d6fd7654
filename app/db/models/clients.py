"""Clients, their contacts and the names/IBANs they pay from."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db.models.base import Base, Timestamps
from app.db.types import UTCDateTime


class Client(Timestamps, Base):
    __tablename__ = "clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # Upper-cased, accent-folded name for search-as-you-type with an index.
    search_key: Mapped[str] = mapped_column(String(400), index=True)
    email: Mapped[str] = mapped_column(String(320), default="")
    phone: Mapped[str] = mapped_column(String(60), default="")
    currency: Mapped[str] = mapped_column(String(3))
    terms_kind: Mapped[str] = mapped_column(String(20), default="net")
    terms_days: Mapped[int] = mapped_column(Integer, default=30)
    tax_id: Mapped[str] = mapped_column(String(60), default="")
    address_line1: Mapped[str] = mapped_column(String(200), default="")
    address_line2: Mapped[str] = mapped_column(String(200), default="")
    postal_code: Mapped[str] = mapped_column(String(20), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    region: Mapped[str] = mapped_column(String(100), default="")
    country: Mapped[str] = mapped_column(String(2), default="")
    time_zone: Mapped[str] = mapped_column(String(64), default="")
    language: Mapped[str] = mapped_column(String(16), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    is_business: Mapped[bool] = mapped_column(Boolean, default=True)
    no_auto_reminders: Mapped[bool] = mapped_column(Boolean, default=False)
    dunning_policy: Mapped[str] = mapped_column(Text, default="")
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    contacts: Mapped[list[ClientContact]] = relationship(
        back_populates="client", cascade="all, delete-orphan", order_by="ClientContact.id"
    )

    __table_args__ = (Index("ix_clients_archived_name", "archived_at", "name"),)


class ClientContact(Base):
    __tablename__ = "client_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320), default="")
    phone: Mapped[str] = mapped_column(String(60), default="")
    role: Mapped[str] = mapped_column(String(60), default="")
    is_billing: Mapped[bool] = mapped_column(Boolean, default=False)

    client: Mapped[Client] = relationship(back_populates="contacts")


class ClientAlias(Base):
    """A payer name or IBAN learnt from a confirmed bank match."""

    __tablename__ = "client_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    iban: Mapped[str] = mapped_column(String(40), default="", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
