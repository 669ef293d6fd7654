"""Exports for accountants: any report, and the invoice, payment and client lists,
as CSV, XLSX (openpyxl) or JSON.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a
tab or carriage return) as a formula, so a client called ``=HYPERLINK(…)``
could turn an export into an attack.  Every *text* cell that starts like that
is written with a leading apostrophe, which spreadsheets show as plain text.
Numbers are typed by the report, never by a user, so a negative amount stays a
number: in XLSX a numeric cell with the currency's decimals, in CSV a plain
``-12.50`` an accounting package can read.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from app.core.currency import exponent
from app.core.money import Money
from app.core.reports import ReportColumn, ReportTable, plain_cell
from app.services.context import AppContext
from app.services.errors import ValidationError
from app.services.report_sql import rows

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("csv", "json", "xlsx")
RECORDS = ("invoices", "payments", "clients")


def neutralise(text: str) -> str:
    """Text a spreadsheet would run as a formula, made inert with a leading apostrophe."""
    if text and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(plain_cell(value))


def _all_rows(table: ReportTable, with_totals: bool) -> Iterable[tuple[Any, ...]]:
    yield from table.rows
    if with_totals:
        yield from table.totals


def csv_text(table: ReportTable, with_totals: bool = True) -> str:
    """The table as CSV text: a header of column titles, then rows (and total rows)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(c.title) for c in table.columns])
    for row in _all_rows(table, with_totals):
        writer.writerow([csv_cell(v) for v in row])
    return out.getvalue()


def write_csv(table: ReportTable, path: Path, with_totals: bool = True) -> Path:
    """UTF-8 with a byte-order mark, so spreadsheet programs read accents correctly."""
    path.write_text(csv_text(table, with_totals), encoding="utf-8-sig", newline="")
    return path


def json_text(table: ReportTable) -> str:
    payload = {
        "report": table.key,
        "title": table.title,
        "subtitle": table.subtitle,
        "columns": [{"key": c.key, "title": c.title, "kind": c.kind} for c in table.columns],
        "rows": table.records(),
        "totals": [
            {c.key: plain_cell(v) for c, v in zip(table.columns, row, strict=True)}
            for row in table.totals
        ],
        "notes": list(table.notes),
    }
    return json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n"


def _money_format(currency: str) -> str:
    places = exponent(currency)
    decimals = "." + "0" * places if places else ""
    return f"#,##0{decimals};-#,##0{decimals}"


_WIDTHS = {"text": 24, "money": 15, "int": 10, "date": 12, "days": 10, "percent": 10}


def write_xlsx(table: ReportTable, path: Path, with_totals: bool = True) -> Path:
    """An XLSX workbook: the report on the first sheet (header frozen, typed cells),
    its title, period and notes on a second sheet.  Written in streaming mode, so a
    100,000-row register needs little memory."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_sheet_name(table.title))
    for i, col in enumerate(table.columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = _WIDTHS.get(col.kind, 16)
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for col in table.columns:
        cell = WriteOnlyCell(ws, value=neutralise(col.title))
        cell.font = bold
        header.append(cell)
    ws.append(header)
    formats: dict[str, str] = {}
    decimals = {i for i, c in enumerate(table.columns) if c.kind in ("days", "percent")}
    count = len(table.rows)
    for n, row in enumerate(_all_rows(table, with_totals)):
        if n >= count:  # total rows: every cell bold
            ws.append([_styled(ws, v, formats, i in decimals, bold) for i, v in enumerate(row)])
            continue
        # Plain values cost a third of a styled cell; only amounts and ratios need a format
        # (openpyxl gives dates a date format by itself).
        ws.append(
            [
                _styled(ws, v, formats, i in decimals)
                if isinstance(v, Money) or (i in decimals and v is not None)
                else _xlsx_value(v)
                for i, v in enumerate(row)
            ]
        )
    about = wb.create_sheet("About")
    for line in (
        [table.title],
        [table.subtitle],
        *([neutralise(n)] for n in table.notes),
        ["Amounts are in the currency shown on each row; currencies are never added together."],
    ):
        about.append([neutralise(str(x)) for x in line])
    wb.save(path)
    return path


def _styled(ws: Any, value: Any, formats: dict[str, str], ratio: bool, font: Any = None) -> Any:
    """A streaming cell with the number format its value needs (and a font, for totals)."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=_xlsx_value(value))
    if isinstance(value, Money):
        fmt = formats.get(value.currency)
        if fmt is None:
            fmt = formats[value.currency] = _money_format(value.currency)
        cell.number_format = fmt
    elif isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"
    elif ratio and isinstance(value, (Decimal, int)):
        cell.number_format = "0.0"
    if font is not None:
        cell.font = font
    return cell


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, Money):
        return value.amount
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return value


def _sheet_name(title: str) -> str:
    cleaned = "".join(ch for ch in title if ch not in "[]:*?/\\")
    return (cleaned or "Report")[:31]


def export_table(table: ReportTable, path: Path, fmt: str) -> Path:
    """Write ``table`` to ``path`` as csv, json or xlsx."""
    if fmt == "csv":
        return write_csv(table, path)
    if fmt == "xlsx":
        return write_xlsx(table, path)
    if fmt == "json":
        path.write_text(json_text(table), encoding="utf-8")
        return path
    raise ValidationError(f"Export format must be one of {', '.join(FORMATS)}, not {fmt!r}.")


# --- invoices, payments and clients ---------------------------------------------------------


def _day(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _m(minor: Any, currency: str) -> Money:
    return Money.from_minor(int(minor or 0), currency)


def records_table(ctx: AppContext, what: str) -> ReportTable:
    """Every invoice, payment or client as one table (read in one query)."""
    if what not in RECORDS:
        raise ValidationError(f"Export {', '.join(RECORDS)}; {what!r} is not one of them.")
    with ctx.uow.read() as uow:
        s = uow.session
        if what == "invoices":
            return _invoices(rows(s, _INVOICES_SQL))
        if what == "payments":
            return _payments(rows(s, _PAYMENTS_SQL))
        return _clients(rows(s, _CLIENTS_SQL))


_INVOICES_SQL = (
    "SELECT i.number, i.kind, i.status, c.name, i.issue_date, i.due_date, i.period_start, "
    "i.period_end, i.currency, i.subtotal_minor, i.tax_minor, i.total_minor, i.paid_minor, "
    "i.credited_minor, i.balance_minor, i.reference FROM invoices AS i "
    "JOIN clients AS c ON c.id = i.client_id ORDER BY i.issue_date, i.id"
)
_PAYMENTS_SQL = (
    "SELECT p.date, c.name, p.kind, p.method, p.reference, p.currency, p.amount_minor, "
    "p.unallocated_minor, p.reversed_at FROM payments AS p "
    "JOIN clients AS c ON c.id = p.client_id ORDER BY p.date, p.id"
)
_CLIENTS_SQL = (
    "SELECT name, email, phone, currency, terms_kind, terms_days, tax_id, address_line1, "
    "address_line2, postal_code, city, region, country, archived_at FROM clients "
    "ORDER BY search_key, id"
)


def _invoices(found: list[tuple[Any, ...]]) -> ReportTable:
    cols = (
        ReportColumn("number", "Number"),
        ReportColumn("kind", "Type"),
        ReportColumn("status", "Status"),
        ReportColumn("client", "Client"),
        ReportColumn("issue_date", "Issued", "date"),
        ReportColumn("due_date", "Due", "date"),
        ReportColumn("period_start", "Period from", "date"),
        ReportColumn("period_end", "Period to", "date"),
        ReportColumn("currency", "Currency"),
        ReportColumn("net", "Net", "money"),
        ReportColumn("tax", "Tax", "money"),
        ReportColumn("total", "Total", "money"),
        ReportColumn("paid", "Paid", "money"),
        ReportColumn("credited", "Credited", "money"),
        ReportColumn("balance", "Balance", "money"),
        ReportColumn("reference", "Reference"),
    )
    body = tuple(
        (
            r[0] or "",
            "credit note" if r[1] == "credit_note" else r[1],
            r[2],
            r[3],
            _day(r[4]),
            _day(r[5]),
            _day(r[6]),
            _day(r[7]),
            r[8],
            *(_m(v, r[8]) for v in r[9:15]),
            r[15] or "",
        )
        for r in found
    )
    return ReportTable("invoices", "Invoices", cols, body)


def _payments(found: list[tuple[Any, ...]]) -> ReportTable:
    cols = (
        ReportColumn("date", "Date", "date"),
        ReportColumn("client", "Client"),
        ReportColumn("kind", "Type"),
        ReportColumn("method", "Method"),
        ReportColumn("reference", "Reference"),
        ReportColumn("currency", "Currency"),
        ReportColumn("amount", "Amount", "money"),
        ReportColumn("unallocated", "Unallocated (credit)", "money"),
        ReportColumn("reversed", "Reversed on", "date"),
    )
    body = tuple(
        (
            _day(r[0]),
            r[1],
            r[2],
            r[3] or "",
            r[4] or "",
            r[5],
            _m(-int(r[6]) if r[2] == "refund" else r[6], r[5]),
            _m(r[7], r[5]),
            _day(r[8]),
        )
        for r in found
    )
    return ReportTable("payments", "Payments", cols, body, notes=("Refunds are negative amounts.",))


def _clients(found: list[tuple[Any, ...]]) -> ReportTable:
    keys = (
        ("name", "Name"),
        ("email", "E-mail"),
        ("phone", "Phone"),
        ("currency", "Currency"),
        ("terms", "Terms"),
        ("tax_id", "Tax id"),
        ("address_line1", "Address"),
        ("address_line2", "Address 2"),
        ("postal_code", "Postal code"),
        ("city", "City"),
        ("region", "Region"),
        ("country", "Country"),
        ("archived", "Archived on"),
    )
    cols = tuple(ReportColumn(k, t, "date" if k == "archived" else "text") for k, t in keys)
    body = tuple(
        (
            r[0],
            r[1] or "",
            r[2] or "",
            r[3],
            f"{r[4]} {r[5]}".strip(),
            *((v or "") for v in r[6:13]),
            _day(r[13]),
        )
        for r in found
    )
    return ReportTable("clients", "Clients", cols, body)


def export_records(ctx: AppContext, what: str, path: Path, fmt: str) -> int:
    """Write every invoice, payment or client to ``path``; returns the number of rows."""
    table = records_table(ctx, what)
    export_table(table, path, fmt)
    return len(table.rows)


def default_name(key: str, fmt: str, when: date | None = None) -> str:
    stamp = f"-{when.isoformat()}" if when else ""
    return f"counterfoil-{key.replace('_', '-')}{stamp}.{fmt}"
