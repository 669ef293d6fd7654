"""ISO 20022 camt.053 statements, camt.052 reports and camt.054 notifications.

Any message version is read the same way: namespaces are ignored and
elements are looked up by their short names, which have not changed between
versions (``.001.02`` to ``.001.08``).  Amounts are unsigned in camt; the sign
comes from ``CdtDbtInd``.  A batch entry carrying several ``TxDtls`` becomes
one line per transaction when their amounts add up to the entry, so each
customer payment can be matched to its invoice.  The counterparty is the
debtor for money in and the creditor for money out.  A structured creditor
reference (ISO 11649 "SCOR" or Swiss "QRR") is the line's reference.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from decimal import Decimal, InvalidOperation

from app.core.bankfile.errors import StatementError
from app.core.bankfile.identifiers import find_creditor_reference, normalise_reference
from app.core.bankfile.model import Choice, Detection, LineProblem, Statement, StatementLine

_ENTRY_START = re.compile(r"<(?:[\w.-]+:)?Ntry[\s>]")
_ENTRY_END = re.compile(r"</(?:[\w.-]+:)?Ntry>")
_MIN_ID_LENGTH = 8


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _strip_namespaces(root: ET.Element) -> None:
    for element in root.iter():
        element.tag = _local(element.tag)


def _text(element: ET.Element | None, path: str) -> str:
    if element is None:
        return ""
    found = element.find(path)
    return " ".join((found.text or "").split()) if found is not None and found.text else ""


def _all_text(element: ET.Element | None, path: str) -> list[str]:
    if element is None:
        return []
    return [" ".join(e.text.split()) for e in element.findall(path) if e.text and e.text.strip()]


def _date(element: ET.Element | None) -> date | None:
    """A camt date group: ``<Dt>2017-04-01+02:00</Dt>`` or ``<DtTm>…T…</DtTm>``."""
    if element is None:
        return None
    value = _text(element, "Dt") or _text(element, "DtTm")
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError as exc:
        raise ValueError(f"impossible date {value!r}") from exc


def _amount(element: ET.Element | None) -> tuple[Decimal, str | None] | None:
    if element is None or not (element.text or "").strip():
        return None
    try:
        value = Decimal(element.text.strip())
    except InvalidOperation as exc:
        raise ValueError(f"cannot read the amount {element.text.strip()!r}") from exc
    return value, element.get("Ccy")


def _signed(value: Decimal, indicator: str) -> Decimal:
    return -value if indicator.upper() == "DBIT" else value


def _party(details: ET.Element, money_in: bool) -> tuple[str, str]:
    """Name and IBAN of the other party: the debtor for money in, the creditor for money out."""
    side = "Dbtr" if money_in else "Cdtr"
    parties = details.find("RltdPties")
    if parties is None:
        return "", ""
    name = (
        _text(parties, f"{side}/Nm")
        or _text(parties, f"{side}/Pty/Nm")
        or _text(parties, f"Ultmt{side}/Nm")
        or _text(parties, f"Ultmt{side}/Pty/Nm")
    )
    iban = _text(parties, f"{side}Acct/Id/IBAN") or _text(parties, f"{side}Acct/Id/Othr/Id")
    return name, iban.replace(" ", "")


def _creditor_reference(details: ET.Element | None) -> str:
    if details is None:
        return ""
    for info in details.findall("RmtInf/Strd/CdtrRefInf"):
        ref = _text(info, "Ref")
        if ref:
            return normalise_reference(ref)
    return ""


def _statements(root: ET.Element) -> Iterator[tuple[str, ET.Element]]:
    for kind, tag in (
        ("camt.053", "BkToCstmrStmt/Stmt"),
        ("camt.052", "BkToCstmrAcctRpt/Rpt"),
        ("camt.054", "BkToCstmrDbtCdtNtfctn/Ntfctn"),
    ):
        for statement in root.findall(tag):
            yield kind, statement
    if root.tag in ("BkToCstmrStmt", "BkToCstmrAcctRpt", "BkToCstmrDbtCdtNtfctn"):
        kind = {
            "BkToCstmrStmt": "camt.053",
            "BkToCstmrAcctRpt": "camt.052",
            "BkToCstmrDbtCdtNtfctn": "camt.054",
        }[root.tag]
        for child in root:
            if child.tag in ("Stmt", "Rpt", "Ntfctn"):
                yield kind, child


def _entry_spans(text: str) -> list[tuple[int, str]]:
    """(line number, raw XML) of every Ntry element, in document order."""
    spans = []
    for start in _ENTRY_START.finditer(text):
        end = _ENTRY_END.search(text, start.end())
        stop = end.end() if end else len(text)
        spans.append((text.count("\n", 0, start.start()) + 1, text[start.start() : stop]))
    return spans


def _balance(statement: ET.Element, codes: tuple[str, ...]) -> Decimal | None:
    for bal in statement.findall("Bal"):
        code = _text(bal, "Tp/CdOrPrtry/Cd") or _text(bal, "Tp/CdOrPrtry/Prtry")
        if code in codes:
            found = _amount(bal.find("Amt"))
            if found is not None:
                return _signed(found[0], _text(bal, "CdtDbtInd"))
    return None


def parse_camt(text: str, filename: str, encoding: str, encoding_choice: Choice) -> Statement:
    """Read a camt.052/053/054 message (any version)."""
    if re.search(r"<!(?:DOCTYPE|ENTITY)", text[:4096]):
        raise StatementError(filename, None, "the XML file declares a DTD; refused for safety")
    body = text.lstrip("\ufeff \t\r\n")
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        line = exc.position[0] if hasattr(exc, "position") else None
        raise StatementError(filename, line, f"the XML is damaged: {exc}") from exc
    _strip_namespaces(root)
    spans = _entry_spans(body)
    choices = [encoding_choice]
    lines: list[StatementLine] = []
    problems: list[LineProblem] = []
    kinds: set[str] = set()
    accounts: list[str] = []
    currencies: set[str] = set()
    opening = closing = None
    entry_index = 0
    split_batches = 0
    for kind, statement in _statements(root):
        kinds.add(kind)
        account = _text(statement, "Acct/Id/IBAN") or _text(statement, "Acct/Id/Othr/Id")
        if account:
            accounts.append(account.replace(" ", ""))
        account_currency = _text(statement, "Acct/Ccy")
        if account_currency:
            currencies.add(account_currency)
        if opening is None:
            opening = _balance(statement, ("OPBD", "PRCD"))
        found_closing = _balance(statement, ("CLBD",))
        closing = found_closing if found_closing is not None else closing
        for entry in statement.findall("Ntry"):
            line_no, raw = spans[entry_index] if entry_index < len(spans) else (0, "")
            entry_index += 1
            try:
                made, was_split = _entry_lines(entry, line_no, raw)
            except ValueError as exc:
                problems.append(LineProblem(line_no, str(exc), raw))
                continue
            split_batches += was_split
            lines.extend(made)
    if not kinds:
        raise StatementError(
            filename, None, "the XML file is not a camt statement, report or notification"
        )
    kind = sorted(kinds)[0]
    choices.append(Choice("format", kind, False, "ISO 20022 message element"))
    if split_batches:
        choices.append(
            Choice(
                "batches",
                "split",
                False,
                f"{split_batches} batch entr(y/ies) split into one line per transaction",
            )
        )
    ids = [line.bank_transaction_id for line in lines if line.bank_transaction_id]
    if len(ids) != len(set(ids)):
        lines = [replace(line, bank_transaction_id=None) for line in lines]
    currencies |= {line.currency for line in lines if line.currency}
    account_ids = set(accounts)
    account_id = accounts[0] if len(account_ids) == 1 else None
    iban = (
        account_id if account_id and re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]+", account_id) else None
    )
    return Statement(
        format=kind,
        encoding=encoding,
        account_iban=iban,
        currency=currencies.pop() if len(currencies) == 1 else None,
        lines=lines,
        problems=problems,
        detection=Detection(kind, tuple(choices)),
        account_id=account_id,
        opening_balance=opening,
        closing_balance=closing,
    )


def _entry_lines(entry: ET.Element, line_no: int, raw: str) -> tuple[list[StatementLine], int]:
    found = _amount(entry.find("Amt"))
    if found is None:
        raise ValueError("the entry has no amount")
    value, currency = found
    indicator = _text(entry, "CdtDbtInd")
    if indicator.upper() not in ("CRDT", "DBIT"):
        raise ValueError(f"the entry has no credit/debit indicator ({indicator or 'missing'})")
    status = (_text(entry, "Sts/Cd") or _text(entry, "Sts")).upper()
    pending = status in ("PDNG", "INFO", "FUTR")
    booking = _date(entry.find("BookgDt"))
    value_date = _date(entry.find("ValDt"))
    if booking is None:
        booking = value_date
    if booking is None and not pending:
        raise ValueError("the entry has no booking date")
    entry_text = _text(entry, "AddtlNtryInf")
    entry_ref = _text(entry, "AcctSvcrRef") or _text(entry, "NtryRef")
    details = entry.findall("NtryDtls/TxDtls")
    parts: list[tuple[Decimal, ET.Element | None]] = []
    split = 0
    if len(details) > 1:
        amounts = []
        for tx in details:
            tx_amount = _amount(tx.find("Amt")) or _amount(tx.find("AmtDtls/TxAmt/Amt"))
            if tx_amount is None:
                amounts = []
                break
            tx_indicator = _text(tx, "CdtDbtInd") or indicator
            amounts.append(_signed(tx_amount[0], tx_indicator))
        if amounts and sum(amounts) == _signed(value, indicator):
            parts = list(zip(amounts, details))
            split = 1
    if not parts:
        parts = [(_signed(value, indicator), details[0] if len(details) == 1 else None)]
    lines = []
    for amount, tx in parts:
        money_in = amount > 0 or (amount == 0 and indicator.upper() == "CRDT")
        counterparty, counterparty_iban = _party(tx, money_in) if tx is not None else ("", "")
        remittance = _all_text(tx, "RmtInf/Ustrd")
        extra = _text(tx, "AddtlTxInf") if tx is not None else ""
        structured_text = _all_text(tx, "RmtInf/Strd/AddtlRmtInf")
        description = " ".join(remittance or structured_text) or extra or entry_text
        reference = _creditor_reference(tx) or find_creditor_reference(description)
        if not description:
            end_to_end = _text(tx, "Refs/EndToEndId") if tx is not None else ""
            description = reference or (end_to_end if end_to_end != "NOTPROVIDED" else "")
        tx_ref = _text(tx, "Refs/AcctSvcrRef") if tx is not None else ""
        bank_id = tx_ref if split else (tx_ref or entry_ref)
        lines.append(
            StatementLine(
                line_no=line_no,
                booking_date=booking,
                value_date=value_date,
                amount=amount,
                currency=currency,
                description=description,
                counterparty=counterparty,
                counterparty_iban=counterparty_iban,
                reference=reference,
                bank_transaction_id=bank_id if len(bank_id) >= _MIN_ID_LENGTH else None,
                balance_after=None,
                pending=pending,
                raw=raw,
            )
        )
    return lines, split
