"""Readings that follow the invoices a line names.

One group per client named: a reading for all its named invoices together
(their balances add up, fall short within the fee tolerance, are exceeded or
only partly covered) and one per named invoice (exact, short by a fee,
partial, over), each judged by how surely the invoices were named, whether
the amount fits and whether the payer is that client.
"""

from __future__ import annotations

from decimal import Decimal

from app.core.matching.book import fifo_key
from app.core.matching.invoice_numbers import Strength
from app.core.matching.model import Allocation, BankLine, OpenInvoice
from app.core.matching.payers import Payer
from app.core.matching.readings import (
    MatchContext,
    Reading,
    ReferenceHit,
    money,
    score_dates,
    score_payer,
)
from app.core.matching.references import RANK
from app.core.matching.scoring import (
    AMOUNT_EXACT_POINTS,
    AMOUNT_FEE_POINTS,
    LEFT_OUT_PENALTY,
    NAMING_POINTS,
    REFERENCE_POINTS,
    STRUCTURED,
    reference_is_certain,
)

_ZERO = Decimal("0")
_MULTI_SINGLES_LIMIT = 5


def reference_readings(
    line: BankLine, refs: dict[int, ReferenceHit], payer: Payer, ctx: MatchContext
) -> list[Reading]:
    """Readings that follow the references, one group per referenced client."""
    groups: dict[int, list[OpenInvoice]] = {}
    readings: list[Reading] = []
    for invoice_id in sorted(refs, key=lambda i: fifo_key(ctx.book.invoices[i])):
        invoice = ctx.book.invoices[invoice_id]
        if invoice.currency.upper() != line.currency.upper():
            readings.append(_currency_reading(line, invoice, refs[invoice_id]))
            continue
        groups.setdefault(invoice.client_id, []).append(invoice)
    for client_id, invoices in groups.items():
        open_ones = [i for i in invoices if ctx.book.balance[i.id] > _ZERO]
        if not open_ones:
            readings.append(_already_paid_reading(invoices, refs, payer, client_id, ctx))
            continue
        if len(open_ones) > 1:
            readings.append(_multi_reading(line, open_ones, refs, payer, ctx))
        if len(open_ones) <= _MULTI_SINGLES_LIMIT:
            for invoice in open_ones:
                others = [refs[i.id] for i in open_ones if i.id != invoice.id]
                readings.append(
                    _single_reading(line, invoice, refs[invoice.id], others, payer, ctx)
                )
    return readings


def _single_reading(
    line: BankLine,
    invoice: OpenInvoice,
    hit: ReferenceHit,
    others: list[ReferenceHit],
    payer: Payer,
    ctx: MatchContext,
) -> Reading:
    """The line read as paying one named invoice; other named invoices count against it."""
    amount, balance = line.amount, ctx.book.balance[invoice.id]
    tolerance = ctx.settings.fee_tolerance
    credit = fee = _ZERO
    allocated = amount
    if amount == balance:
        kind, amount_points = "ref_exact", AMOUNT_EXACT_POINTS
        amount_reason = f"amount {money(amount)} equals its balance"
    elif balance - tolerance <= amount < balance:
        kind, amount_points, fee = "short_fee", AMOUNT_FEE_POINTS, balance - amount
        amount_reason = (
            f"amount {money(amount)} is {money(fee)} short of the balance "
            f"{money(balance)}, within the {money(tolerance)} fee tolerance"
        )
    elif amount < balance:
        kind, amount_points = "partial", 0.0
        amount_reason = f"amount {money(amount)} pays part of the balance {money(balance)}"
    else:
        kind, amount_points, allocated, credit = "over", 0.0, balance, amount - balance
        amount_reason = (
            f"amount {money(amount)} exceeds the balance {money(balance)}; "
            f"{money(credit)} goes to the client's credit"
        )
    payer_points, payer_reasons = score_payer(payer, invoice.client_id, ctx)
    date_points, date_reasons = score_dates(line, [invoice])
    left_out = [h for h in others if REFERENCE_POINTS[h.strength] >= NAMING_POINTS]
    points = (
        REFERENCE_POINTS[hit.strength]
        + amount_points
        + payer_points
        + date_points
        + LEFT_OUT_PENALTY * len(left_out)
    )
    left_reasons = [
        f"but the line also names {ctx.book.invoices[h.invoice_id].number}" for h in left_out
    ]
    reading = Reading(
        allocations=(Allocation(invoice.id, invoice.number, allocated),),
        client_id=invoice.client_id,
        kind=kind,
        points=points,
        reasons=[hit.reason, amount_reason, *payer_reasons, *date_reasons, *left_reasons],
        credit_remainder=credit,
        fee_writeoff=fee,
    )
    _judge_reference(reading, [hit], kind in ("ref_exact", "short_fee"), True, payer, date_reasons)
    if reading.certain and kind in ("partial", "over"):
        _doubt_if_amount_fits_another(reading, line, invoice, ctx)
    return reading


def _doubt_if_amount_fits_another(
    reading: Reading, line: BankLine, named: OpenInvoice, ctx: MatchContext
) -> None:
    """Doubt a partial or over-payment whose amount would settle another invoice.

    If the amount settles another open invoice of the same client (exactly or
    within the fee tolerance), perhaps the payer typed the number of the wrong
    one of their own invoices: the two readings are about as likely, and a
    person decides.
    """
    book, amount = ctx.book, line.amount
    tolerance = ctx.settings.fee_tolerance
    for invoice_id in book.open_of_client(named.client_id, line.currency):
        balance = book.balance[invoice_id]
        if invoice_id != named.id and amount <= balance <= amount + tolerance:
            number = book.invoices[invoice_id].number
            reading.certain = False
            reading.doubt = f"the amount would also settle {number} of the same client"
            return


def _multi_reading(
    line: BankLine,
    invoices: list[OpenInvoice],
    refs: dict[int, ReferenceHit],
    payer: Payer,
    ctx: MatchContext,
) -> Reading:
    balances = [ctx.book.balance[i.id] for i in invoices]
    total = sum(balances, _ZERO)
    amount, tolerance = line.amount, ctx.settings.fee_tolerance
    parts = " + ".join(money(b) for b in balances)
    allocated = list(balances)
    credit = fee = _ZERO
    split_known = True
    if amount == total:
        kind, amount_points = "multi", AMOUNT_EXACT_POINTS
        amount_reason = f"their balances {parts} add up to the amount {money(amount)}"
    elif total - tolerance <= amount < total:
        kind, amount_points, fee = "multi_short_fee", AMOUNT_FEE_POINTS, total - amount
        allocated[-1] -= fee
        amount_reason = (
            f"their balances {parts} come to {money(total)}; the amount is "
            f"{money(fee)} short, within the fee tolerance"
        )
    elif amount > total:
        kind, amount_points, credit = "multi_over", 0.0, amount - total
        amount_reason = (
            f"the amount {money(amount)} exceeds their balances {parts}; "
            f"{money(credit)} goes to the client's credit"
        )
    else:
        kind, amount_points, split_known = "multi_partial", 0.0, False
        allocated = _fill_oldest_first(amount, balances)
        amount_reason = (
            f"the amount {money(amount)} covers only part of their balances "
            f"{parts}; oldest paid first"
        )
    client_id = invoices[0].client_id
    payer_points, payer_reasons = score_payer(payer, client_id, ctx)
    date_points, date_reasons = score_dates(line, invoices)
    hits = [refs[i.id] for i in invoices]
    mean = sum(REFERENCE_POINTS[h.strength] for h in hits) / len(hits)
    points = mean + amount_points + payer_points + date_points
    reading = Reading(
        allocations=tuple(
            Allocation(i.id, i.number, a) for i, a in zip(invoices, allocated) if a > _ZERO
        ),
        client_id=client_id,
        kind=kind,
        points=points,
        reasons=[*(h.reason for h in hits), amount_reason, *payer_reasons, *date_reasons],
        credit_remainder=credit,
        fee_writeoff=fee,
    )
    _judge_reference(
        reading, hits, kind in ("multi", "multi_short_fee"), split_known, payer, date_reasons
    )
    return reading


def _judge_reference(
    reading: Reading,
    hits: list[ReferenceHit],
    amount_fits: bool,
    split_known: bool,
    payer: Payer,
    date_reasons: list[str],
) -> None:
    if payer.identified and reading.client_id not in payer.identified:
        reading.kind = "other_client"
        reading.doubt = "the payer is a different client from the invoice's"
        return
    weakest = max(hits, key=lambda h: RANK[h.strength]).strength
    confirms = reading.client_id in payer.identified
    certain, doubt = reference_is_certain(weakest, amount_fits, confirms, split_known)
    if certain and date_reasons and weakest != STRUCTURED and weakest != Strength.EXACT:
        certain, doubt = False, "the invoice was issued after the payment"
    reading.certain, reading.doubt = certain, doubt


def _fill_oldest_first(amount: Decimal, balances: list[Decimal]) -> list[Decimal]:
    left, out = amount, []
    for balance in balances:
        part = min(left, balance)
        out.append(part)
        left -= part
    return out


def _currency_reading(line: BankLine, invoice: OpenInvoice, hit: ReferenceHit) -> Reading:
    return Reading(
        allocations=(),
        invoice_ids=(invoice.id,),
        client_id=invoice.client_id,
        kind="currency",
        points=REFERENCE_POINTS[hit.strength] - 4.0,
        reasons=[
            hit.reason,
            f"but {invoice.number} is in {invoice.currency}, the payment in {line.currency}",
        ],
        doubt="the currencies differ",
    )


def _already_paid_reading(
    invoices: list[OpenInvoice],
    refs: dict[int, ReferenceHit],
    payer: Payer,
    client_id: int,
    ctx: MatchContext,
) -> Reading:
    numbers = ", ".join(i.number for i in invoices)
    payer_points, payer_reasons = score_payer(payer, client_id, ctx)
    best = min((refs[i.id] for i in invoices), key=lambda h: RANK[h.strength])
    return Reading(
        allocations=(),
        invoice_ids=tuple(i.id for i in invoices),
        client_id=client_id,
        kind="already_paid",
        points=REFERENCE_POINTS[best.strength] - 4.0 + payer_points,
        reasons=[best.reason, f"{numbers} is already paid", *payer_reasons],
        doubt="the invoice it names is already paid (a second payment?)",
    )
