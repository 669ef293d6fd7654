"""Quicken Interchange Format (QIF) bank and card registers.

QIF has no declared date format.  Month-first (US Quicken) and day-first
(European exports) files look alike, so the order is decided from every date
in the file, exactly as for a CSV column.  Old Quicken versions wrote years
after 1999 as three digits (``099`` for 1999, ``100`` for 2000) or with an
apostrophe (``1/25'01``), and some web downloads glue the payee onto the date
line (``D03/25/099Point of Sale``): the date parser stops after the year.
Investment, category and memorised-transaction sections are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from app.core.amounts import AmountParseError
from app.core.bankfile.dates import decide_day_first, expand_year
from app.core.bankfile.decimals import AmountReader, infer_decimal_mark
from app.core.bankfile.errors import StatementError
from app.core.bankfile.identifiers import find_creditor_reference
from app.core.bankfile.model import Choice, Detection, LineProblem, Statement, StatementLine

_BANK_TYPES = ("bank", "ccard", "cash", "oth a", "oth l", "credit card", "invoice")
_DATE = re.compile(r"\s*(\d{1,2})\s*([/.-])\s*(\d{1,2})\s*(['/.-])\s*(\d+)(.*)$")
_ISO = re.compile(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})(.*)$")


@dataclass
class _Record:
    line_no: int
    fields: dict[str, str] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _QifDate:
    first: int
    second: int
    year_digits: str
    apostrophe: bool
    rest: str
    iso: bool = False


def _split_date(text: str) -> _QifDate | None:
    iso = _ISO.match(text)
    if iso:
        year, month, day, rest = iso.groups()
        return _QifDate(int(month), int(day), year, False, rest, iso=True)
    match = _DATE.match(text)
    if not match:
        return None
    first, _, second, sep, year, rest = match.groups()
    return _QifDate(int(first), int(second), year, sep == "'", rest)


def _year_width(dates: list[_QifDate]) -> int:
    """The year width the file uses, judged from dates whose year is not glued to digits."""
    widths = [len(d.year_digits) for d in dates if len(d.year_digits) <= 4 and not d.iso]
    if not widths:
        return 4
    return max(set(widths), key=widths.count)


def _year(qdate: _QifDate, width: int) -> tuple[int, str]:
    """(full year, text glued after the year) for one date."""
    if qdate.iso:
        return int(qdate.year_digits), qdate.rest
    year_text = qdate.year_digits[:width]
    glued = qdate.year_digits[width:] + qdate.rest
    year = int(year_text)
    if qdate.apostrophe and len(year_text) <= 2:
        return 2000 + year, glued
    return expand_year(year, len(year_text)), glued


def _records(text: str) -> tuple[list[_Record], int, str | None, str]:
    records: list[_Record] = []
    skipped = 0
    section = "bank"
    account: str | None = None
    in_account_block = False
    current: _Record | None = None
    for number, raw_line in enumerate(text.split("\n"), start=1):
        line = raw_line.rstrip("\r")
        if not line.strip():
            continue
        if line.startswith("!"):
            header = line[1:].strip().lower()
            if header.startswith("type:"):
                section = header[5:].strip()
                in_account_block = False
            elif header.startswith("account"):
                in_account_block = True
            continue
        if line.startswith("^"):
            if current is not None:
                current.lines.append(line)
                if in_account_block:
                    account = current.fields.get("N", account)
                elif section in _BANK_TYPES:
                    records.append(current)
                else:
                    skipped += 1
            current = None
            continue
        if current is None:
            current = _Record(number)
        current.lines.append(line)
        code, value = line[0], line[1:]
        if code in "SE$%":
            continue
        if code == "A" and "A" in current.fields:
            current.fields["A"] += " " + value.strip()
        else:
            current.fields.setdefault(code, value)
    if current is not None and current.fields and section in _BANK_TYPES:
        records.append(current)
    return records, skipped, account, section


def parse_qif(text: str, filename: str, encoding: str, encoding_choice: Choice) -> Statement:
    """Read a QIF bank or credit-card register."""
    records, skipped, account, _ = _records(text)
    if not records and not skipped:
        raise StatementError(filename, None, "the QIF file holds no transactions")
    parsed = {id(r): _split_date(r.fields.get("D", "")) for r in records}
    dates = [d for d in parsed.values() if d is not None]
    width = _year_width(dates)
    pairs = [(d.first, d.second, _year(d, width)[0]) for d in dates if not d.iso]
    day_first, doubtful, reason = (
        decide_day_first(pairs, prefer_day_first=False) if pairs else (False, False, "ISO dates")
    )
    choices = [encoding_choice, Choice("format", "qif", False, "the file starts with !Type")]
    order = "day/month/year" if day_first else "month/day/year"
    choices.append(Choice("date_format", order, doubtful, reason))
    if width == 3:
        choices.append(
            Choice(
                "year_digits",
                "3",
                False,
                "three-digit years count from 1900 (099 is 1999, 100 is 2000)",
            )
        )
    mark = infer_decimal_mark([r.fields.get("T", r.fields.get("U", "")) for r in records], ".")
    choices.append(Choice("decimal_mark", mark.mark, mark.doubtful, mark.reason))
    reader = AmountReader(mark.mark)

    lines: list[StatementLine] = []
    problems: list[LineProblem] = []
    for record in records:
        raw = "\n".join(record.lines)
        qdate = parsed[id(record)]
        if qdate is None:
            problems.append(LineProblem(record.line_no, "the record has no readable date", raw))
            continue
        year, glued = _year(qdate, width)
        month, day = (
            (qdate.second, qdate.first)
            if day_first and not qdate.iso
            else (qdate.first, qdate.second)
        )
        try:
            booking = date(year, month, day)
        except ValueError:
            problems.append(
                LineProblem(
                    record.line_no, f"impossible date {record.fields.get('D', '').strip()!r}", raw
                )
            )
            continue
        try:
            amount = reader(record.fields.get("T", record.fields.get("U", "")))
        except (AmountParseError, ArithmeticError) as exc:
            problems.append(LineProblem(record.line_no, f"cannot read the amount: {exc}", raw))
            continue
        if amount is None:
            problems.append(LineProblem(record.line_no, "the record has no amount", raw))
            continue
        payee = " ".join(record.fields.get("P", "").split()) or " ".join(glued.split())
        memo = " ".join(record.fields.get("M", "").split())
        description = memo or payee
        lines.append(
            StatementLine(
                line_no=record.line_no,
                booking_date=booking,
                value_date=None,
                amount=amount,
                currency=None,
                description=description,
                counterparty=payee,
                counterparty_iban="",
                reference=find_creditor_reference(description),
                bank_transaction_id=None,
                balance_after=None,
                pending=False,
                raw=raw,
            )
        )
    if skipped:
        choices.append(
            Choice(
                "sections",
                "skipped",
                False,
                f"{skipped} record(s) of investment or list sections were skipped",
            )
        )
    return Statement(
        format="qif",
        encoding=encoding,
        account_iban=None,
        currency=None,
        lines=lines,
        problems=problems,
        detection=Detection("qif", tuple(choices)),
        account_id=account,
        skipped=skipped,
    )
