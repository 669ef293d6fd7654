"""OFX 1.x (SGML), OFX 2.x (XML) and QFX / Web Connect statements.

One tolerant tokenizer reads all flavours: SGML leaves are not closed
(``<TRNAMT>-13.00``), XML leaves are, some files put the whole body on one
line, some wrap text in CDATA.  Only what a statement needs is kept:
account, currency, balances and the ``STMTTRN`` records of bank and card
statements.  Amounts follow the file's own decimal mark (French banks write
``-200,00`` against the spec); dates keep the calendar date the bank wrote
and ignore the time and time zone.  ``CORRECTACTION`` records replace or
delete an earlier record of the same file.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date

from app.core.amounts import AmountParseError
from app.core.bankfile.decimals import AmountReader, infer_decimal_mark
from app.core.bankfile.errors import StatementError
from app.core.bankfile.identifiers import iban_prefix, is_iban
from app.core.bankfile.model import Choice, Detection, LineProblem, Statement, StatementLine

_TAG = re.compile(r"<(/?)([A-Za-z0-9._]+)(?:\s[^>]*)?>([^<]*)")
_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.DOTALL)
_OFX_DATE = re.compile(r"\s*(\d{4})(\d{2})(\d{2})")
_MIN_ID_LENGTH = 8


@dataclass
class _Transaction:
    line_no: int
    fields: dict[str, str] = field(default_factory=dict)
    raw: str = ""


@dataclass
class _Account:
    account_id: str | None = None
    currency: str | None = None
    balance: str | None = None
    transactions: list[_Transaction] = field(default_factory=list)


def _ofx_date(text: str) -> date:
    match = _OFX_DATE.match(text)
    if not match:
        raise ValueError(f"{text.strip()!r} is not an OFX date")
    year, month, day = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"impossible date {text.strip()!r}") from exc


def _scan(text: str) -> list[_Account]:
    """Walk the tags once, collecting accounts and their transactions."""
    body = _CDATA.sub(lambda m: html.escape(m.group(1), quote=False), text)
    accounts: list[_Account] = []
    current: _Account | None = None
    txn: _Transaction | None = None
    balance_block = ""
    cursor_line = 1
    cursor_pos = 0
    txn_start = 0
    for match in _TAG.finditer(body):
        closing, name, value = match.group(1), match.group(2).upper(), match.group(3)
        if name in ("STMTRS", "CCSTMTRS") and not closing:
            current = _Account()
            accounts.append(current)
            continue
        if current is None:
            continue
        if name == "STMTTRN":
            if txn is not None:
                txn.raw = body[txn_start : match.start()].strip()
                current.transactions.append(txn)
                txn = None
            if not closing:
                cursor_line += body.count("\n", cursor_pos, match.start())
                cursor_pos = match.start()
                txn = _Transaction(cursor_line)
                txn_start = match.start()
            continue
        if name in ("LEDGERBAL", "AVAILBAL"):
            balance_block = "" if closing else name
            continue
        leaf = html.unescape(value).strip()
        if closing or not leaf:
            continue
        if txn is not None:
            txn.fields.setdefault(name, leaf)
        elif name == "ACCTID" and current.account_id is None:
            current.account_id = leaf
        elif name == "CURDEF":
            current.currency = leaf.upper()
        elif name == "BALAMT" and balance_block == "LEDGERBAL":
            current.balance = leaf
    if txn is not None and current is not None:
        txn.raw = body[txn_start:].strip()
        current.transactions.append(txn)
    return accounts


def _apply_corrections(transactions: list[_Transaction]) -> tuple[list[_Transaction], int]:
    kept: list[_Transaction] = []
    removed = 0
    for txn in transactions:
        action = txn.fields.get("CORRECTACTION", "").upper()
        target = txn.fields.get("CORRECTFITID")
        if action and target:
            before = len(kept)
            kept = [t for t in kept if t.fields.get("FITID") != target or t is txn]
            removed += before - len(kept)
            if action == "DELETE":
                removed += 1
                continue
        kept.append(txn)
    return kept, removed


def parse_ofx(text: str, filename: str, encoding: str, encoding_choice: Choice) -> Statement:
    """Read an OFX/QFX statement (bank account or credit card)."""
    accounts = _scan(text)
    if not accounts:
        raise StatementError(filename, None, "the OFX file holds no bank or card statement")
    choices: list[Choice] = [encoding_choice]
    version = "2.x (XML)" if "<?OFX" in text[:1000].upper() else "1.x (SGML)"
    choices.append(Choice("format", f"OFX {version}", False, "the file's OFX header"))
    if len(accounts) > 1:
        choices.append(
            Choice(
                "accounts",
                str(len(accounts)),
                True,
                "the file holds several accounts; their lines are combined",
            )
        )
    transactions: list[tuple[_Account, _Transaction]] = []
    removed_total = 0
    for account in accounts:
        kept, removed = _apply_corrections(account.transactions)
        removed_total += removed
        transactions.extend((account, t) for t in kept)
    amounts = [t.fields.get("TRNAMT", "") for _, t in transactions]
    amounts += [a.balance for a in accounts if a.balance]
    mark = infer_decimal_mark(amounts, ".")
    choices.append(Choice("decimal_mark", mark.mark, mark.doubtful, mark.reason))
    reader = AmountReader(mark.mark)
    ids = [t.fields.get("FITID", "") for _, t in transactions]
    trusted_ids = len(set(ids)) == len(ids) and all(len(i) >= _MIN_ID_LENGTH for i in ids)
    if ids and not trusted_ids:
        choices.append(
            Choice(
                "transaction_ids",
                "not used",
                False,
                "FITIDs repeat or are too short to identify a transaction",
            )
        )

    lines: list[StatementLine] = []
    problems: list[LineProblem] = []
    for account, txn in transactions:
        f = txn.fields
        try:
            booking = _ofx_date(f.get("DTPOSTED", "") or f.get("DTUSER", ""))
        except ValueError as exc:
            problems.append(LineProblem(txn.line_no, str(exc), txn.raw))
            continue
        try:
            amount = reader(f.get("TRNAMT", ""))
        except (AmountParseError, ArithmeticError) as exc:
            problems.append(LineProblem(txn.line_no, f"cannot read the amount: {exc}", txn.raw))
            continue
        if amount is None:
            problems.append(LineProblem(txn.line_no, "the transaction has no amount", txn.raw))
            continue
        value_date = None
        if f.get("DTAVAIL"):
            try:
                value_date = _ofx_date(f["DTAVAIL"])
            except ValueError:
                value_date = None
        name = " ".join((f.get("NAME") or f.get("PAYEE") or "").split())
        memo = " ".join(f.get("MEMO", "").split())
        if not memo and not name:
            check = f.get("CHECKNUM", "")
            kind = f.get("TRNTYPE", "")
            memo = f"{kind} {check}".strip() if check and check != "0" else kind
        lines.append(
            StatementLine(
                line_no=txn.line_no,
                booking_date=booking,
                value_date=value_date,
                amount=amount,
                currency=account.currency,
                description=memo or name,
                counterparty=name,
                counterparty_iban="",
                reference="",
                bank_transaction_id=f.get("FITID") if trusted_ids else None,
                balance_after=None,
                pending=False,
                raw=txn.raw,
            )
        )
    if removed_total:
        choices.append(
            Choice(
                "corrections",
                str(removed_total),
                False,
                "records replaced or deleted by CORRECTACTION were left out",
            )
        )
    first = accounts[0]
    account_ids = {a.account_id for a in accounts}
    account_id = first.account_id if len(account_ids) == 1 else None
    currencies = {a.currency for a in accounts if a.currency}
    closing = None
    if len(accounts) == 1 and first.balance:
        try:
            closing = reader(first.balance)
        except (AmountParseError, ArithmeticError):
            closing = None
    return Statement(
        format="ofx",
        encoding=encoding,
        account_iban=iban_prefix(account_id) if account_id and is_iban(account_id) else None,
        currency=currencies.pop() if len(currencies) == 1 else None,
        lines=lines,
        problems=problems,
        detection=Detection("ofx", tuple(choices)),
        account_id=account_id,
        closing_balance=closing,
        skipped=removed_total,
    )


__all__ = ["parse_ofx"]
