"""ORM classes: a persistence detail. Services hand plain dataclasses to callers."""

from app.db.models.base import Base
from app.db.models.billing import (
    BillRun,
    Invoice,
    InvoiceLine,
    NumberCounter,
    OneOffCharge,
    Schedule,
    ScheduleChange,
    ScheduleLine,
    SchedulePause,
    ScheduleSkip,
)
from app.db.models.clients import Client, ClientAlias, ClientContact
from app.db.models.operations import (
    AppLock,
    AuditEvent,
    AuditHead,
    ExceptionItem,
    OutboxMessage,
    Setting,
)
from app.db.models.payments import (
    Allocation,
    BankAccount,
    BankImport,
    BankLine,
    BankProfile,
    Payment,
)
from app.db.models.usage import Milestone, UsageBilling, UsageRecord

__all__ = [
    "Allocation",
    "AppLock",
    "AuditEvent",
    "AuditHead",
    "BankAccount",
    "BankImport",
    "BankLine",
    "BankProfile",
    "Base",
    "BillRun",
    "Client",
    "ClientAlias",
    "ClientContact",
    "ExceptionItem",
    "Invoice",
    "InvoiceLine",
    "Milestone",
    "NumberCounter",
    "OneOffCharge",
    "OutboxMessage",
    "Payment",
    "Schedule",
    "ScheduleChange",
    "ScheduleLine",
    "SchedulePause",
    "ScheduleSkip",
    "Setting",
    "UsageBilling",
    "UsageRecord",
]
