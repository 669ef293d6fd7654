"""What reading a bank file produces, whatever the file's format.

Every reader (CSV, OFX, QIF, camt, MT940) returns the same ``Statement`` so
that duplicate detection, matching and the import preview never care where a
line came from.  Amounts are signed from the account holder's point of view:
positive is money in, negative is money out.

``Detection`` records every guess made while reading the file together with
whether it was a confident one and why, so that an import preview can point
the user at the doubtful guesses instead of asking them to check everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class StatementLine:
    """One transaction as the bank reported it.

    ``booking_date`` is None only for a pending line that the bank exported
    without a date.  ``reference`` holds a structured creditor reference
    (ISO 11649 "RF…", Swiss QR "QRR", Belgian "+++…+++", a Dutch payment
    reference) when the file carries one, which is the strongest key for
    matching a payment to an invoice.  ``bank_transaction_id`` is set only when
    the bank's own identifier is unique within the file and long enough to be
    trusted.  ``raw`` is the source text of the line, kept so nothing is lost.
    """

    line_no: int
    booking_date: date | None
    value_date: date | None
    amount: Decimal
    currency: str | None
    description: str
    counterparty: str
    counterparty_iban: str
    reference: str
    bank_transaction_id: str | None
    balance_after: Decimal | None
    pending: bool
    raw: str


_new = object.__new__
_set = object.__setattr__


def fast_line(
    line_no: int,
    booking_date: date | None,
    value_date: date | None,
    amount: Decimal,
    currency: str | None,
    description: str,
    counterparty: str,
    counterparty_iban: str,
    reference: str,
    bank_transaction_id: str | None,
    balance_after: Decimal | None,
    pending: bool,
    raw: str,
) -> StatementLine:
    """Build a ``StatementLine`` without the per-field cost of the frozen constructor.

    Used by readers in their per-row loop; the result is an ordinary, equal,
    frozen ``StatementLine`` (a test keeps the two constructions in step).
    """
    line = _new(StatementLine)
    _set(
        line,
        "__dict__",
        {
            "line_no": line_no,
            "booking_date": booking_date,
            "value_date": value_date,
            "amount": amount,
            "currency": currency,
            "description": description,
            "counterparty": counterparty,
            "counterparty_iban": counterparty_iban,
            "reference": reference,
            "bank_transaction_id": bank_transaction_id,
            "balance_after": balance_after,
            "pending": pending,
            "raw": raw,
        },
    )
    return line


@dataclass(frozen=True, slots=True)
class LineProblem:
    """A line that could not be read; the rest of the file still is."""

    line_no: int
    reason: str
    raw: str

    def __str__(self) -> str:
        return f"line {self.line_no}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Choice:
    """One decision taken while reading a file.

    ``key`` names the decision ("encoding", "delimiter", "date_format",
    "column", …); ``column`` is set for per-column decisions.  ``doubtful``
    marks guesses the user should confirm; ``reason`` says in plain words what
    the guess rests on.
    """

    key: str
    value: str
    doubtful: bool
    reason: str
    column: int | None = None


@dataclass(frozen=True, slots=True)
class Detection:
    """Every choice made while reading one file, in the order they were made."""

    format: str
    choices: tuple[Choice, ...] = ()

    def get(self, key: str) -> Choice | None:
        """The first choice with this key, or None."""
        for choice in self.choices:
            if choice.key == key:
                return choice
        return None

    def all(self, key: str) -> list[Choice]:
        """All choices with this key (per-column choices share one key)."""
        return [c for c in self.choices if c.key == key]

    @property
    def doubtful(self) -> list[Choice]:
        """The choices a user should look at before importing."""
        return [c for c in self.choices if c.doubtful]


@dataclass(frozen=True, slots=True)
class Statement:
    """The readable content of one bank file.

    ``account_iban`` is the account holder's IBAN when the file states it;
    ``account_id`` is whatever account identifier the file gives (an IBAN, a
    domestic account number, an OFX ACCTID).  ``currency`` is set when the
    whole statement is in one currency.  Opening and closing balances are the
    bank's own figures when the file carries them.  ``skipped`` counts records
    that are not transactions (balance, turnover and trailer records, blank
    and summary rows) and were left out on purpose.
    """

    format: str
    encoding: str
    account_iban: str | None
    currency: str | None
    lines: list[StatementLine]
    problems: list[LineProblem]
    detection: Detection
    account_id: str | None = None
    opening_balance: Decimal | None = None
    closing_balance: Decimal | None = None
    skipped: int = 0
    layout: Any = None  # the CsvProfile that read a delimited file; None for other formats

    @property
    def booked(self) -> list[StatementLine]:
        """Lines that are booked (not pending)."""
        return [line for line in self.lines if not line.pending]

    @property
    def pending(self) -> list[StatementLine]:
        """Lines the bank marked as not yet booked."""
        return [line for line in self.lines if line.pending]
