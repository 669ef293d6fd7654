"""SWIFT MT940 customer statements, with or without the SWIFT envelope.

Files arrive wrapped in ``{1:…}{2:…}{4: … -}`` blocks, with SOH/ETX control
characters, with bank header lines (``ABNANL2A`` / ``940``), or bare.  Fields
start with ``:tag:`` at the beginning of a line; every other line continues
the field above.  A line holding only ``-`` closes a message only once the
message has its closing balance; before that it is field content (a wrapped
mandate reference like ``MND-EV01``).

``:61:`` gives the value date, an optional entry (booking) date, the
debit/credit mark (``C``, ``D``, ``RC``, ``RD``, optionally followed by a
funds code: ``CR`` is credit with funds code R), the amount with a decimal
comma (``9,`` is 9.00), the transaction type, references and, on the next
line, supplementary details.  ``:86:`` is read in the three shapes banks use:
German ``?20``–``?33`` sub-fields with SEPA ``SVWZ+``/``EREF+`` keys, Dutch
``/EREF/…/CNTP/…/REMI/…`` codes, or free text.  Wrapped lines are joined
without a space when the line was full (65 characters) or the field is
structured, since banks break such lines mid-word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from app.core.bankfile.errors import StatementError
from app.core.bankfile.identifiers import find_creditor_reference, iban_prefix, is_iban
from app.core.bankfile.model import Choice, Detection, LineProblem, Statement, StatementLine

_TAG = re.compile(r"^:(\d{2}[A-Z]?):(.*)$")
_LINE61 = re.compile(
    r"(?P<value>\d{6})(?P<entry>\d{4})?(?P<mark>RC|RD|EC|ED|C|D)(?P<funds>[A-Z])?"
    r"(?P<amount>\d[\d,.]*)(?P<type>[NFS][A-Z0-9]{3})?(?P<ref>[^/]*?)(?://(?P<bank>.*))?$"
)
_BALANCE = re.compile(r"([CD])(\d{6})([A-Z]{3})(\d[\d,.]*)")
_SEPA_KEYS = re.compile(r"(EREF|KREF|MREF|CRED|DEBT|SVWZ|ABWA|ABWE|COAM|OAMT|PURP|IBAN|BIC)\+")
_NL_CODES = (
    "EREF",
    "PREF",
    "KREF",
    "MARF",
    "CSID",
    "CNTP",
    "REMI",
    "RTRN",
    "PURP",
    "ULTC",
    "ULTD",
    "BENM",
    "ORDP",
    "NAME",
    "ADDR",
    "ISDT",
    "IREF",
    "TRCD",
    "SVCL",
    "BUSP",
    "FX",
    "SUM",
    "OCMT",
    "CHGS",
    "EXCH",
    "ATOS",
    "BTCH",
)
_NL_CODE = re.compile(r"/(" + "|".join(_NL_CODES) + r")/")
_SUBFIELD = re.compile(r"\?(\d{2})")
_FULL_LINE = 65
_MIN_ID_LENGTH = 8


@dataclass
class _Field:
    tag: str
    line_no: int
    lines: list[str]


@dataclass
class _Message:
    fields: list[_Field] = field(default_factory=list)


def _clean(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in text if ch >= " " or ch in "\n\t")


def _messages(text: str) -> list[_Message]:
    messages: list[_Message] = []
    current: _Message | None = None
    last: _Field | None = None
    closed_balance = False
    lines = _clean(text).split("\n")
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip()
        stripped = line.strip()
        if stripped.startswith("{"):
            tail = re.sub(r"^(?:\{[1235]:(?:[^{}]|\{[^{}]*\})*\})*", "", stripped)
            if tail.startswith("{4:"):
                tail = tail[3:]
            stripped = tail
            line = tail
            if not stripped:
                continue
        if stripped in ("-", "-}", "}") or stripped.startswith(("-}", "{5:")):
            if current is not None and (closed_balance or stripped != "-"):
                current, last, closed_balance = None, None, False
                continue
            if current is None:
                continue
        match = _TAG.match(line)
        if match:
            tag, value = match.group(1), match.group(2)
            if tag == "20" or current is None:
                current = _Message()
                messages.append(current)
                closed_balance = False
            last = _Field(tag, number, [value])
            current.fields.append(last)
            if tag.startswith("62"):
                closed_balance = True
            elif tag == "61":
                closed_balance = False
        elif last is not None and current is not None:
            last.lines.append(line)
    return messages


def _join(lines: list[str], structured: bool) -> str:
    out = ""
    for i, line in enumerate(lines):
        if i == 0:
            out = line
            continue
        previous = lines[i - 1]
        full = len(previous) >= _FULL_LINE
        out += line if structured or full else " " + line
    return out


def _amount(text: str) -> Decimal:
    body = text.replace(".", "").replace(",", ".")
    if body.endswith("."):
        body = body[:-1]
    return Decimal(body)


def _two_digit_year(yy: int) -> int:
    return 2000 + yy if yy < 70 else 1900 + yy


def _dates(value: str, entry: str | None) -> tuple[date, date]:
    year = _two_digit_year(int(value[:2]))
    valued = date(year, int(value[2:4]), int(value[4:6]))
    if not entry:
        return valued, valued
    month, day = int(entry[:2]), int(entry[2:])
    entry_year = year
    if month == 12 and valued.month == 1:
        entry_year -= 1
    elif month == 1 and valued.month == 12:
        entry_year += 1
    return date(entry_year, month, day), valued


@dataclass
class _Info:
    description: str = ""
    counterparty: str = ""
    counterparty_iban: str = ""
    reference: str = ""


def _german(text: str) -> _Info:
    parts: dict[str, str] = {}
    pieces = _SUBFIELD.split(text)
    for code, value in zip(pieces[1::2], pieces[2::2]):
        parts[code] = parts.get(code, "") + value
    purpose = "".join(parts.get(f"{n:02d}", "") for n in (*range(20, 30), *range(60, 64)))
    sepa: dict[str, str] = {}
    keyed = _SEPA_KEYS.split(purpose)
    if len(keyed) > 1:
        for key, value in zip(keyed[1::2], keyed[2::2]):
            sepa[key] = sepa.get(key, "") + value
    description = sepa.get("SVWZ") or purpose or parts.get("00", "")
    name = parts.get("32", "") + parts.get("33", "")
    account = parts.get("31", "").replace(" ", "")
    return _Info(
        description=" ".join(description.split()),
        counterparty=" ".join(name.split()),
        counterparty_iban=account,
        reference=find_creditor_reference(purpose),
    )


def _dutch(text: str) -> _Info:
    codes: dict[str, str] = {}
    matches = list(_NL_CODE.finditer(text))
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        codes.setdefault(match.group(1), text[match.end() : end])
    info = _Info()
    remittance = codes.get("REMI", "").rstrip("/")
    if remittance.startswith("USTD//"):
        info.description = remittance[6:]
    elif remittance.startswith("STRD/"):
        parts = remittance.split("/")
        info.reference = parts[-1] if len(parts) >= 3 else ""
        info.description = info.reference
    else:
        info.description = remittance
    counter = codes.get("CNTP", "").rstrip("/").split("/")
    if counter and counter[0]:
        info.counterparty_iban = counter[0]
    if len(counter) >= 3:
        info.counterparty = counter[2]
    info.description = " ".join(info.description.split())
    info.counterparty = " ".join(info.counterparty.split())
    if not info.reference:
        info.reference = find_creditor_reference(info.description)
    return info


def _details(lines: list[str]) -> _Info:
    if not lines:
        return _Info()
    first = lines[0]
    if re.match(r"\d{3}\?", first) or first.startswith("?") or "?20" in "".join(lines):
        return _german(_join(lines, structured=True))
    if first.startswith("/") and _NL_CODE.search(first):
        return _dutch(_join(lines, structured=True))
    text = " ".join(_join(lines, structured=False).split())
    return _Info(description=text, reference=find_creditor_reference(text))


def _balance(fieldx: _Field) -> tuple[Decimal, str] | None:
    match = _BALANCE.match(fieldx.lines[0].strip())
    if not match:
        return None
    mark, _, currency, amount = match.groups()
    value = _amount(amount)
    return (-value if mark == "D" else value), currency


def parse_mt940(text: str, filename: str, encoding: str, encoding_choice: Choice) -> Statement:
    """Read every statement of an MT940 file."""
    messages = _messages(text)
    if not messages:
        raise StatementError(filename, None, "no MT940 statement (:20: … :62F:) was found")
    raw_lines = _clean(text).split("\n")
    lines: list[StatementLine] = []
    problems: list[LineProblem] = []
    accounts: list[str] = []
    currencies: set[str] = set()
    opening = closing = None
    for message in messages:
        currency = None
        fields = message.fields
        for i, fld in enumerate(fields):
            if fld.tag == "25":
                accounts.append(fld.lines[0].strip())
            elif fld.tag in ("60F", "60M"):
                found = _balance(fld)
                if found:
                    currency = found[1]
                    currencies.add(currency)
                    if opening is None:
                        opening = found[0]
            elif fld.tag in ("62F", "62M"):
                found = _balance(fld)
                if found:
                    closing = found[0]
            elif fld.tag == "61":
                details = (
                    fields[i + 1] if i + 1 < len(fields) and fields[i + 1].tag == "86" else None
                )
                end = (details or fld).line_no + len((details or fld).lines)
                raw = "\n".join(raw_lines[fld.line_no - 1 : end - 1])
                try:
                    lines.append(_transaction(fld, details, currency, raw))
                except ValueError as exc:
                    problems.append(LineProblem(fld.line_no, str(exc), raw))
    ids = [line.bank_transaction_id for line in lines if line.bank_transaction_id]
    if len(ids) != len(set(ids)):
        lines = [replace(line, bank_transaction_id=None) for line in lines]
    account_ids = set(accounts)
    account_id = accounts[0] if len(account_ids) == 1 else None
    iban = (
        iban_prefix(account_id) if account_id and is_iban(iban_prefix(account_id) or "") else None
    )
    choices = [
        encoding_choice,
        Choice("format", "mt940", False, "SWIFT :20:/:61: fields"),
        Choice("statements", str(len(messages)), False, "statements in the file"),
    ]
    if len(account_ids) > 1:
        choices.append(
            Choice(
                "accounts",
                str(len(account_ids)),
                True,
                "the file holds several accounts; their lines are combined",
            )
        )
    return Statement(
        format="mt940",
        encoding=encoding,
        account_iban=iban,
        currency=currencies.pop() if len(currencies) == 1 else None,
        lines=lines,
        problems=problems,
        detection=Detection("mt940", tuple(choices)),
        account_id=account_id,
        opening_balance=opening if account_id is not None else None,
        closing_balance=closing if account_id is not None else None,
    )


def _transaction(
    fld: _Field, details: _Field | None, currency: str | None, raw: str
) -> StatementLine:
    head = fld.lines[0].strip()
    match = _LINE61.match(head)
    if not match:
        raise ValueError(f"cannot read the :61: line {head!r}")
    try:
        booking, valued = _dates(match.group("value"), match.group("entry"))
    except ValueError as exc:
        raise ValueError(f"impossible date in {head!r}") from exc
    amount = _amount(match.group("amount"))
    mark = match.group("mark")
    if mark in ("D", "RC", "ED"):
        amount = -amount
    bank_ref = (match.group("bank") or "").strip()
    supplementary = [line.strip() for line in fld.lines[1:] if line.strip()]
    if (
        bank_ref
        and supplementary
        and re.fullmatch(r"[0-9A-Z]+", supplementary[0])
        and len(bank_ref) + len(supplementary[0]) <= 16
    ):
        bank_ref += supplementary.pop(0)
    coded = any(s.startswith("/") for s in supplementary)
    extra = ("" if coded else " ").join(supplementary)
    if extra.startswith("/"):
        extra = ""
    info = _details(details.lines) if details is not None else _Info()
    description = info.description
    if extra and extra not in description:
        description = f"{extra} {description}".strip()
    return StatementLine(
        line_no=fld.line_no,
        booking_date=booking,
        value_date=valued,
        amount=amount,
        currency=currency,
        description=description,
        counterparty=info.counterparty,
        counterparty_iban=info.counterparty_iban,
        reference=info.reference,
        bank_transaction_id=bank_ref if len(bank_ref) >= _MIN_ID_LENGTH else None,
        balance_after=None,
        pending=False,
        raw=raw,
    )
