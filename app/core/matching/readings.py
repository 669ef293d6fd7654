"""The possible readings of one incoming bank line, each with points and reasons.

A *reading* is one way to apply the line: which invoices, how much to each,
what is left as credit or written off as a fee, and whether it may be applied
without a person.  Readings come from three places, strongest first: the
references the line carries (``reference_readings``), the payer's own open
invoices (``client_readings``) and, when the payer is unknown, invoices of the
right amount whose client's name resembles the payer's.  This module holds
what they share: the reading itself, the run's context, and the points for
the payer and the dates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from app.core.matching.book import OpenBook
from app.core.matching.invoice_numbers import InvoiceNumberIndex
from app.core.matching.model import Allocation, BankLine, MatchSettings, OpenInvoice
from app.core.matching.payers import FUZZY_FLOOR, ClientDirectory, Payer
from app.core.matching.scoring import (
    FUZZY_NAME_POINTS,
    IBAN_POINTS,
    ISSUED_LATER_PENALTY,
    NAME_POINTS,
    NAME_WITH_IBAN_POINTS,
    OTHER_CLIENT_PENALTY,
)

_ZERO = Decimal("0")


@dataclass
class Reading:
    """One way to apply a line, with the evidence for it."""

    allocations: tuple[Allocation, ...]
    client_id: int | None
    kind: str
    points: float
    reasons: list[str]
    certain: bool = False
    doubt: str = ""
    credit_remainder: Decimal = _ZERO
    fee_writeoff: Decimal = _ZERO
    invoice_ids: tuple[int, ...] = field(default=())

    def __post_init__(self) -> None:
        if not self.invoice_ids:
            self.invoice_ids = tuple(a.invoice_id for a in self.allocations)


@dataclass(frozen=True, slots=True)
class ReferenceHit:
    """The strongest way the line refers to one invoice."""

    invoice_id: int
    strength: str
    reason: str


@dataclass
class MatchContext:
    """Everything built once per run: the book, the number index and the clients."""

    book: OpenBook
    numbers: InvoiceNumberIndex
    directory: ClientDirectory
    settings: MatchSettings
    named_by: dict[int, set[int | str]] = field(default_factory=dict)

    def named_elsewhere(self, invoice_id: int, line: BankLine) -> bool:
        """Another incoming line of the statement names this invoice."""
        return bool(self.named_by.get(invoice_id, set()) - {line.id})


def money(value: Decimal) -> str:
    """An amount as people read it: grouped thousands, at least two decimals."""
    exponent = value.as_tuple().exponent
    places = max(2, -exponent) if isinstance(exponent, int) else 2
    return f"{value:,.{places}f}"


def score_payer(payer: Payer, client_id: int, ctx: MatchContext) -> tuple[float, list[str]]:
    """Points for who paid: account on file, equal name, a similar name — or another client.

    A payer known to be someone else counts against the reading; similarity
    is only asked for when the payer is nobody known.
    """
    name = ctx.directory.clients[client_id].name if client_id in ctx.directory.clients else ""
    points, reasons = 0.0, []
    if client_id in payer.by_iban:
        points += IBAN_POINTS
        reasons.append(f"the payer's account is on file for {name}")
    if client_id in payer.by_name:
        points += NAME_WITH_IBAN_POINTS if client_id in payer.by_iban else NAME_POINTS
        how = "a known alias of" if client_id in payer.by_alias else "the name of"
        reasons.append(f"the payer's name is {how} {name}")
    if not points and payer.identified:
        others = sorted(payer.identified)
        other_names = ", ".join(
            ctx.directory.clients[c].name for c in others if c in ctx.directory.clients
        )
        points += OTHER_CLIENT_PENALTY
        reasons.append(f"but the payer is another client ({other_names})")
    elif not points and payer.names and client_id in ctx.directory.clients:
        similarity = ctx.directory.similarity(payer, client_id)
        if similarity >= FUZZY_FLOOR:
            points += FUZZY_NAME_POINTS * similarity
            reasons.append(f"the payer's name resembles {name} ({similarity:.2f})")
    return points, reasons


def score_dates(line: BankLine, invoices: list[OpenInvoice]) -> tuple[float, list[str]]:
    """A payment made before an invoice was issued is less likely to be for it."""
    later = [i for i in invoices if i.issue_date > line.date]
    if not later:
        return 0.0, []
    numbers = ", ".join(i.number for i in later)
    return ISSUED_LATER_PENALTY, [f"{numbers} was issued after the payment date"]
