"""The one rounding engine: every figure the editor, lists, PDF, e-mails and exports show.

Lines are rounded to the currency's minor unit; tax is rounded per line or once
per rate on the invoice (a setting), and in both modes the invoice's tax is the
exact sum of its lines' tax, so totals always equal the sum of the lines.
Example (three lines of 1 × 0.83 at 20 %): per line 0.166 → 0.17, three times
0.51; per invoice 2.49 × 20 % = 0.498 → 0.50.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from app.core.money import Money, Rounding, quantum

HUNDRED = Decimal(100)


class TaxCategory(StrEnum):
    STANDARD = "standard"
    ZERO = "zero"
    EXEMPT = "exempt"
    REVERSE_CHARGE = "reverse_charge"


class TaxRounding(StrEnum):
    LINE = "line"
    INVOICE = "invoice"


LEGAL_NOTES = {
    TaxCategory.ZERO: "Zero-rated supply.",
    TaxCategory.EXEMPT: "Exempt from VAT.",
    TaxCategory.REVERSE_CHARGE: (
        "Reverse charge: VAT to be accounted for by the recipient "
        "(Article 196, Council Directive 2006/112/EC)."
    ),
}
TAX_LABELS = {
    TaxCategory.STANDARD: "VAT",
    TaxCategory.ZERO: "Zero-rated",
    TaxCategory.EXEMPT: "Exempt",
    TaxCategory.REVERSE_CHARGE: "Reverse charge",
}


class InvoiceMathError(ValueError):
    """A line that cannot be priced (e.g. a tax rate on an exempt line)."""


@dataclass(frozen=True)
class LineInput:
    description: str
    quantity: Decimal
    unit_price: Decimal  # in currency units, at the currency's precision
    tax_rate: Decimal = Decimal(0)  # percent
    tax_category: TaxCategory = TaxCategory.STANDARD
    discount_percent: Decimal | None = None
    factor: Decimal = Decimal(1)  # proration: billable days / days in the period
    kind: str = "charge"  # charge | proration | adjustment | one_off
    unit: str = ""
    period_start: date | None = None
    period_end: date | None = None
    source_id: int | None = None

    def exact_amount(self) -> Decimal:
        """Quantity × price × factor × (1 − discount), unrounded."""
        amount = self.quantity * self.unit_price * self.factor
        if self.discount_percent:
            amount = amount * (HUNDRED - self.discount_percent) / HUNDRED
        return amount


@dataclass(frozen=True)
class ComputedLine:
    line: LineInput
    net: Money
    tax: Money
    total: Money


@dataclass(frozen=True)
class TaxRow:
    category: TaxCategory
    rate: Decimal
    base: Money
    tax: Money

    @property
    def label(self) -> str:
        if self.category is TaxCategory.STANDARD:
            return f"VAT {self.rate.normalize():f}%"
        return TAX_LABELS[self.category]


@dataclass(frozen=True)
class InvoiceTotals:
    currency: str
    lines: tuple[ComputedLine, ...]
    tax_rows: tuple[TaxRow, ...]
    subtotal: Money
    tax: Money
    total: Money
    legal_notes: tuple[str, ...]
    tax_rounding: TaxRounding
    prices_include_tax: bool

    @property
    def rounding_text(self) -> str:
        where = "per line" if self.tax_rounding is TaxRounding.LINE else "per invoice total"
        basis = "tax-inclusive prices" if self.prices_include_tax else "tax-exclusive prices"
        return f"Tax rounded {where}; {basis}."


def _round(value: Decimal, currency: str, rounding: Rounding) -> Decimal:
    return value.quantize(quantum(currency), rounding=rounding.decimal_mode)


def _distribute(
    shares: list[Decimal], target: Decimal, currency: str, rounding: Rounding
) -> list[Decimal]:
    """Round each exact share so the rounded shares add up to ``target`` exactly.

    Each share is rounded normally; the few units of difference go to the shares
    whose rounding moved them furthest the other way (largest remainder).
    """
    q = quantum(currency)
    rounded = [_round(s, currency, rounding) for s in shares]
    diff = target - sum(rounded, Decimal(0))
    steps = int((diff / q).to_integral_value())
    if steps == 0:
        return rounded
    direction = 1 if steps > 0 else -1
    # Residual = how much the share lost by rounding in the direction we must move.
    order = sorted(range(len(shares)), key=lambda i: (-(direction * (shares[i] - rounded[i])), i))
    for k in range(abs(steps)):
        rounded[order[k % len(order)]] += direction * q
    return rounded


def compute_invoice(
    lines: Sequence[LineInput],
    currency: str,
    *,
    prices_include_tax: bool = False,
    tax_rounding: TaxRounding = TaxRounding.LINE,
    rounding: Rounding = Rounding.HALF_UP,
) -> InvoiceTotals:
    """Price every line and the invoice, exactly once, with one rounding rule."""
    for line in lines:
        if line.tax_category is not TaxCategory.STANDARD and line.tax_rate != 0:
            raise InvoiceMathError(
                f"'{line.description}': a {TAX_LABELS[line.tax_category].lower()} line cannot carry "
                f"a tax rate of {line.tax_rate}%"
            )
        if line.tax_rate < 0:
            raise InvoiceMathError(f"'{line.description}': the tax rate cannot be negative")
    amounts = [_round(line.exact_amount(), currency, rounding) for line in lines]
    nets: list[Decimal] = [Decimal(0)] * len(lines)
    taxes: list[Decimal] = [Decimal(0)] * len(lines)
    groups: dict[tuple[TaxCategory, Decimal], list[int]] = {}
    for i, line in enumerate(lines):
        groups.setdefault((line.tax_category, line.tax_rate), []).append(i)

    for (_category, rate), idx in groups.items():
        r = rate / HUNDRED
        if prices_include_tax:
            exact_tax = [amounts[i] * r / (1 + r) for i in idx]
            if tax_rounding is TaxRounding.LINE:
                line_tax = [_round(t, currency, rounding) for t in exact_tax]
            else:
                gross = sum((amounts[i] for i in idx), Decimal(0))
                group_tax = gross - _round(gross / (1 + r), currency, rounding)
                line_tax = _distribute(exact_tax, group_tax, currency, rounding)
            for i, t in zip(idx, line_tax, strict=True):
                taxes[i] = t
                nets[i] = amounts[i] - t
        else:
            exact_tax = [amounts[i] * r for i in idx]
            if tax_rounding is TaxRounding.LINE:
                line_tax = [_round(t, currency, rounding) for t in exact_tax]
            else:
                base = sum((amounts[i] for i in idx), Decimal(0))
                line_tax = _distribute(
                    exact_tax, _round(base * r, currency, rounding), currency, rounding
                )
            for i, t in zip(idx, line_tax, strict=True):
                nets[i] = amounts[i]
                taxes[i] = t

    computed = tuple(
        ComputedLine(
            line,
            Money(nets[i], currency),
            Money(taxes[i], currency),
            Money(nets[i] + taxes[i], currency),
        )
        for i, line in enumerate(lines)
    )
    rows = tuple(
        TaxRow(
            category,
            rate,
            Money(sum((nets[i] for i in idx), Decimal(0)), currency),
            Money(sum((taxes[i] for i in idx), Decimal(0)), currency),
        )
        for (category, rate), idx in sorted(
            groups.items(), key=lambda kv: (kv[0][0] != "standard", -kv[0][1])
        )
    )
    subtotal = Money(sum(nets, Decimal(0)), currency)
    tax = Money(sum(taxes, Decimal(0)), currency)
    notes = tuple(
        LEGAL_NOTES[c] for c in TaxCategory if c in {k[0] for k in groups} and c in LEGAL_NOTES
    )
    return InvoiceTotals(
        currency=currency,
        lines=computed,
        tax_rows=rows,
        subtotal=subtotal,
        tax=tax,
        total=subtotal + tax,
        legal_notes=notes,
        tax_rounding=tax_rounding,
        prices_include_tax=prices_include_tax,
    )
