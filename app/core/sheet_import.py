"""Reading agreements and open invoices from spreadsheets (CSV).

Rows that belong together (the lines of one agreement, the lines of one
invoice) are grouped by their key columns.  Every problem is reported with
the file's line number; the caller decides whether anything is imported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from app.core.amounts import AmountParseError, parse_amount
from app.core.client_import import RowError
from app.core.invoice_math import TaxCategory
from app.core.recurrence import LAST_DAY, Cadence, Timing
from app.core.text import fold
from app.core.textfile import TextFileError, parse_user_date, read_csv_table

SCHEDULE_HEADERS: dict[str, tuple[str, ...]] = {
    "client": ("client", "customer", "client name", "company", "client id", "client email"),
    "name": ("agreement", "schedule", "contract", "plan", "subscription", "name"),
    "cadence": ("cadence", "frequency", "billing cycle", "interval unit", "period"),
    "interval": ("every", "interval", "repeat every"),
    "day": ("billing day", "day", "anchor day", "bill on"),
    "start": ("start", "start date", "from", "begins"),
    "end": ("end", "end date", "until", "ends"),
    "timing": ("timing", "billing", "in advance or arrears", "advance/arrears"),
    "terms": ("terms", "payment terms", "terms days"),
    "uplift": ("uplift", "annual uplift", "yearly increase", "price increase %"),
    "description": ("description", "line", "item", "service", "product"),
    "quantity": ("quantity", "qty", "units", "seats"),
    "price": ("unit price", "price", "rate", "amount"),
    "tax": ("tax", "tax rate", "vat", "vat %", "tax %"),
    "discount": ("discount", "discount %"),
    "tax_category": ("tax category", "tax type"),
    "reference": ("reference", "po", "po number", "purchase order"),
}
INVOICE_HEADERS: dict[str, tuple[str, ...]] = {
    "number": ("number", "invoice number", "invoice", "invoice no", "no", "invoice #"),
    "client": ("client", "customer", "client name", "company", "client id", "client email"),
    "issue_date": ("issue date", "date", "invoice date", "issued"),
    "due_date": ("due date", "due", "payment due"),
    "currency": ("currency", "ccy"),
    "total": ("total", "amount", "invoice total", "gross", "total amount"),
    "paid": ("paid", "amount paid", "already paid", "payments"),
    "description": ("description", "line", "item"),
    "quantity": ("quantity", "qty"),
    "price": ("unit price", "price", "rate"),
    "tax": ("tax", "tax rate", "vat", "vat %", "tax %"),
    "reference": ("reference", "po", "po number"),
}
CADENCE_WORDS = {
    "weekly": Cadence.WEEKLY,
    "week": Cadence.WEEKLY,
    "weeks": Cadence.WEEKLY,
    "monthly": Cadence.MONTHLY,
    "month": Cadence.MONTHLY,
    "months": Cadence.MONTHLY,
    "quarterly": Cadence.QUARTERLY,
    "quarter": Cadence.QUARTERLY,
    "half-yearly": Cadence.HALF_YEARLY,
    "half yearly": Cadence.HALF_YEARLY,
    "semiannual": Cadence.HALF_YEARLY,
    "semi-annually": Cadence.HALF_YEARLY,
    "yearly": Cadence.YEARLY,
    "annual": Cadence.YEARLY,
    "annually": Cadence.YEARLY,
    "year": Cadence.YEARLY,
}


def _key(text: str) -> str:
    return " ".join(fold(text).lower().replace("_", " ").split())


def map_header(header: list[str], aliases: dict[str, tuple[str, ...]]) -> dict[str, int]:
    lookup = {_key(a): f for f, names in aliases.items() for a in names}
    out: dict[str, int] = {}
    for i, title in enumerate(header):
        field_name = lookup.get(_key(title))
        if field_name and field_name not in out:
            out[field_name] = i
    return out


@dataclass
class Cells:
    line: int
    cells: list[str]
    columns: dict[str, int]

    def get(self, name: str) -> str:
        i = self.columns.get(name)
        return self.cells[i].strip() if i is not None and i < len(self.cells) else ""


def _decimal(text: str, what: str, decimal_mark: str | None) -> Decimal:
    try:
        return parse_amount(text.rstrip("%"), decimal_mark)
    except AmountParseError as exc:
        raise ValueError(f"{what}: {exc.reason} ({text!r})") from None


@dataclass(frozen=True)
class ScheduleRowData:
    line: int
    client: str
    name: str
    cadence: Cadence
    interval: int
    anchor_day: int | None
    start: date
    end: date | None
    timing: Timing
    terms_days: int | None
    uplift: Decimal | None
    description: str
    quantity: Decimal
    price: Decimal
    tax: Decimal
    discount: Decimal | None
    tax_category: TaxCategory
    reference: str


@dataclass
class SheetResult:
    rows: list[object] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def read_schedules(
    data: bytes, *, day_first: bool = True, decimal_mark: str | None = None
) -> SheetResult:
    header, rows, _enc, _delim = read_csv_table(data)
    cols = map_header(header, SCHEDULE_HEADERS)
    missing = [f for f in ("client", "start", "price") if f not in cols]
    if missing:
        raise TextFileError(
            "missing column(s): "
            + ", ".join(missing)
            + " (found: "
            + ", ".join(h for h in header if h)
            + ")",
            line=1,
        )
    out = SheetResult()
    for line, cells in rows:
        c = Cells(line, cells, cols)
        try:
            out.rows.append(_schedule_row(c, day_first, decimal_mark))
        except ValueError as exc:
            out.errors.append(RowError(line, str(exc)))
    return out


def _schedule_row(c: Cells, day_first: bool, mark: str | None) -> ScheduleRowData:
    if not c.get("client"):
        raise ValueError("no client")
    cadence_text = _key(c.get("cadence") or "monthly")
    cadence = CADENCE_WORDS.get(cadence_text)
    if cadence is None:
        raise ValueError(
            f"unknown cadence {c.get('cadence')!r} (weekly, monthly, quarterly, half-yearly, yearly)"
        )
    day_text = c.get("day").lower()
    anchor: int | None = None
    if day_text in ("last", "last day", "eom", "end of month"):
        anchor = LAST_DAY
    elif day_text:
        if not day_text.isdigit() or not 1 <= int(day_text) <= 31:
            raise ValueError(f"billing day {c.get('day')!r} must be 1–31 or 'last'")
        anchor = int(day_text)
    timing_text = _key(c.get("timing") or "advance")
    if timing_text not in ("advance", "in advance", "arrears", "in arrears"):
        raise ValueError(f"timing {c.get('timing')!r} must be 'advance' or 'arrears'")
    terms = c.get("terms")
    digits = "".join(ch for ch in terms if ch.isdigit())
    category_text = _key(c.get("tax_category") or "standard").replace(" ", "_")
    try:
        category = TaxCategory(category_text)
    except ValueError:
        raise ValueError(
            f"tax category {c.get('tax_category')!r} is not standard, zero, exempt or reverse_charge"
        ) from None
    return ScheduleRowData(
        line=c.line,
        client=c.get("client"),
        name=c.get("name") or c.get("description") or "Agreement",
        cadence=cadence,
        interval=int(c.get("interval") or 1),
        anchor_day=anchor,
        start=parse_user_date(c.get("start"), day_first=day_first),
        end=parse_user_date(c.get("end"), day_first=day_first) if c.get("end") else None,
        timing=Timing.ARREARS if "arrears" in timing_text else Timing.ADVANCE,
        terms_days=int(digits) if digits else None,
        uplift=_decimal(c.get("uplift"), "uplift", mark) if c.get("uplift") else None,
        description=c.get("description") or c.get("name") or "Service",
        quantity=_decimal(c.get("quantity") or "1", "quantity", mark),
        price=_decimal(c.get("price"), "unit price", mark),
        tax=_decimal(c.get("tax") or "0", "tax rate", mark),
        discount=_decimal(c.get("discount"), "discount", mark) if c.get("discount") else None,
        tax_category=category,
        reference=c.get("reference"),
    )


@dataclass(frozen=True)
class InvoiceLineRow:
    description: str
    quantity: Decimal
    price: Decimal
    tax: Decimal


@dataclass
class InvoiceSheetRow:
    line: int
    number: str
    client: str
    issue_date: date
    due_date: date | None
    currency: str
    total: Decimal | None
    paid: Decimal
    reference: str
    lines: list[InvoiceLineRow] = field(default_factory=list)


def read_invoices(
    data: bytes, *, day_first: bool = True, decimal_mark: str | None = None
) -> SheetResult:
    """Open invoices from another tool: one row per invoice (with a total) or per line."""
    header, rows, _enc, _delim = read_csv_table(data)
    cols = map_header(header, INVOICE_HEADERS)
    missing = [f for f in ("number", "client", "issue_date") if f not in cols]
    if "total" not in cols and "price" not in cols:
        missing.append("total (or unit price per line)")
    if missing:
        raise TextFileError(
            "missing column(s): "
            + ", ".join(missing)
            + " (found: "
            + ", ".join(h for h in header if h)
            + ")",
            line=1,
        )
    out = SheetResult()
    by_number: dict[str, InvoiceSheetRow] = {}
    for line, cells in rows:
        c = Cells(line, cells, cols)
        try:
            number = c.get("number")
            if not number:
                raise ValueError("no invoice number")
            inv = by_number.get(number)
            if inv is None:
                inv = InvoiceSheetRow(
                    line=line,
                    number=number,
                    client=c.get("client"),
                    issue_date=parse_user_date(c.get("issue_date"), day_first=day_first),
                    due_date=parse_user_date(c.get("due_date"), day_first=day_first)
                    if c.get("due_date")
                    else None,
                    currency=c.get("currency").upper(),
                    total=_decimal(c.get("total"), "total", decimal_mark)
                    if c.get("total")
                    else None,
                    paid=_decimal(c.get("paid") or "0", "paid", decimal_mark),
                    reference=c.get("reference"),
                )
                if not inv.client:
                    raise ValueError("no client")
                by_number[number] = inv
                out.rows.append(inv)
            if c.get("price"):
                inv.lines.append(
                    InvoiceLineRow(
                        c.get("description") or f"Invoice {number}",
                        _decimal(c.get("quantity") or "1", "quantity", decimal_mark),
                        _decimal(c.get("price"), "unit price", decimal_mark),
                        _decimal(c.get("tax") or "0", "tax rate", decimal_mark),
                    )
                )
            if inv.total is None and not inv.lines:
                raise ValueError("neither a total nor a line price")
            if inv.paid < 0:
                raise ValueError("the amount paid cannot be negative")
        except ValueError as exc:
            out.errors.append(RowError(line, str(exc)))
    return out
