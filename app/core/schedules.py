"""What a recurring agreement holds, and the rules it must satisfy before it is saved."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from app.core.clients import FieldError
from app.core.invoice_math import TaxCategory
from app.core.recurrence import LAST_DAY, Cadence, Recurrence, RecurrenceError, Timing
from app.core.usage import Pricing, UsageError

CADENCE_LABELS = {
    Cadence.WEEKLY: "Weekly",
    Cadence.MONTHLY: "Monthly",
    Cadence.QUARTERLY: "Quarterly",
    Cadence.HALF_YEARLY: "Half-yearly",
    Cadence.YEARLY: "Yearly",
    Cadence.RRULE: "Custom rule (RRULE)",
}


@dataclass(frozen=True)
class ScheduleLineData:
    description: str
    quantity: Decimal
    unit_price: Decimal
    tax_rate: Decimal = Decimal(0)
    tax_category: TaxCategory = TaxCategory.STANDARD
    discount_percent: Decimal | None = None
    unit: str = ""
    id: int | None = None
    pricing: Pricing | None = None  # a metered line: quantity from usage records of meter_item
    meter_item: str = ""


@dataclass(frozen=True)
class ScheduleData:
    client_id: int
    name: str
    cadence: Cadence
    start_date: date
    lines: tuple[ScheduleLineData, ...]
    interval: int = 1
    anchor_day: int | None = None
    rrule: str = ""
    end_date: date | None = None
    timing: Timing = Timing.ADVANCE
    terms_kind: str = ""  # "" = the client's terms
    terms_days: int | None = None
    uplift_percent: Decimal | None = None
    prices_include_tax: bool = False
    reference: str = ""
    notes: str = ""

    def recurrence(self) -> Recurrence:
        return Recurrence(
            cadence=self.cadence,
            start=self.start_date,
            interval=self.interval,
            anchor_day=self.anchor_day,
            end=self.end_date,
            rrule=self.rrule,
        )

    def cadence_text(self) -> str:
        base = CADENCE_LABELS[self.cadence]
        if self.cadence is Cadence.RRULE:
            return f"{base}: {self.rrule}"
        every = f"every {self.interval} " if self.interval > 1 else ""
        unit = {
            Cadence.WEEKLY: "weeks",
            Cadence.MONTHLY: "months",
            Cadence.QUARTERLY: "quarters",
            Cadence.HALF_YEARLY: "half-years",
            Cadence.YEARLY: "years",
        }[self.cadence]
        text = f"{base}" if not every else f"{every}{unit}".capitalize()
        if self.anchor_day == LAST_DAY:
            text += ", on the last day"
        elif self.anchor_day:
            text += f", on day {self.anchor_day}"
        return text + (" in arrears" if self.timing is Timing.ARREARS else " in advance")


@dataclass(frozen=True)
class ScheduleRow:
    id: int
    client_id: int
    client_name: str
    name: str
    cadence_text: str
    currency: str
    amount_minor: int  # one period's charges before tax
    next_bill_date: date | None
    status: str
    start_date: date
    end_date: date | None


@dataclass(frozen=True)
class Schedule:
    id: int
    data: ScheduleData
    status: str
    client_name: str
    currency: str
    pauses: tuple[tuple[date, date | None], ...] = ()
    # (line id, effective date, new quantity, new unit price, note)
    changes: tuple[tuple[int, date, Decimal | None, Decimal | None, str], ...] = field(default=())


def validate_schedule(data: ScheduleData, currency_exponent: int) -> list[FieldError]:
    errors: list[FieldError] = []
    if not data.name.strip():
        errors.append(FieldError("name", "Give the agreement a name, e.g. 'Monthly retainer'."))
    if not data.lines:
        errors.append(FieldError("lines", "An agreement needs at least one line."))
    if data.interval < 1 or data.interval > 52:
        errors.append(FieldError("interval", "The interval must be between 1 and 52."))
    if data.anchor_day is not None and not (
        data.anchor_day == LAST_DAY or 1 <= data.anchor_day <= 31
    ):
        errors.append(
            FieldError("anchor_day", "The billing day must be 1–31 or the last day of the month.")
        )
    if data.end_date and data.end_date < data.start_date:
        errors.append(FieldError("end_date", "The end date is before the start date."))
    if data.terms_kind not in ("", "net", "eom", "receipt"):
        errors.append(FieldError("terms_kind", "Unknown payment terms."))
    if data.uplift_percent is not None and not Decimal(-50) <= data.uplift_percent <= Decimal(100):
        errors.append(
            FieldError("uplift_percent", "The yearly uplift must be between −50% and 100%.")
        )
    try:
        data.recurrence()
        if data.cadence is Cadence.RRULE:
            next(iter(data.recurrence().periods(limit=1)), None)
    except RecurrenceError as exc:
        errors.append(FieldError("cadence", str(exc).capitalize() + "."))
    if any(ln.pricing is not None for ln in data.lines) and data.timing is not Timing.ARREARS:
        errors.append(
            FieldError("timing", "Metered lines are billed in arrears, after the usage is known.")
        )
    for i, line in enumerate(data.lines, start=1):
        if line.pricing is not None:
            if not line.meter_item.strip():
                errors.append(
                    FieldError(
                        f"lines[{i}].meter_item",
                        f"Line {i}: name the usage item it is billed from.",
                    )
                )
            try:
                line.pricing.validate()
            except UsageError as exc:
                errors.append(FieldError(f"lines[{i}].pricing", f"Line {i}: {exc}."))
            continue
        if not line.description.strip():
            errors.append(FieldError(f"lines[{i}].description", f"Line {i} needs a description."))
        if line.quantity <= 0:
            errors.append(
                FieldError(f"lines[{i}].quantity", f"Line {i}: the quantity must be above zero.")
            )
        if line.unit_price.as_tuple().exponent < -currency_exponent:  # type: ignore[operator]
            errors.append(
                FieldError(
                    f"lines[{i}].unit_price",
                    f"Line {i}: the price has more decimals than the currency allows.",
                )
            )
        if line.tax_rate < 0 or line.tax_rate > 100:
            errors.append(
                FieldError(f"lines[{i}].tax_rate", f"Line {i}: the tax rate must be 0–100%.")
            )
        if line.tax_category is not TaxCategory.STANDARD and line.tax_rate != 0:
            errors.append(
                FieldError(
                    f"lines[{i}].tax_rate",
                    f"Line {i}: a {line.tax_category.value.replace('_', ' ')} line has no tax rate.",
                )
            )
        if line.discount_percent is not None and not 0 <= line.discount_percent <= 100:
            errors.append(
                FieldError(
                    f"lines[{i}].discount_percent", f"Line {i}: the discount must be 0–100%."
                )
            )
    return errors
