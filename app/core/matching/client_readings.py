"""Readings over the payer's own open invoices, and over strangers' by amount.

With no reference, a known payer's line is read as paying the oldest of its
invoices of exactly the amount, or the one combination of its open invoices
that adds up; short, partial and over-payments are only suggested.  A payer
nobody knows gets, at most, suggestions of invoices of exactly the amount.
"""

from __future__ import annotations

from app.core.matching.model import Allocation, BankLine
from app.core.matching.payers import Payer
from app.core.matching.readings import (
    MatchContext,
    Reading,
    ReferenceHit,
    money,
    score_dates,
    score_payer,
)
from app.core.matching.scoring import (
    AMOUNT_EXACT_POINTS,
    SUBSET_POINTS,
    UNREFERENCED_PARTIAL_POINTS,
    UNREFERENCED_SHORTFALL_POINTS,
)
from app.core.matching.subset_sum import find_combinations

_AMOUNT_ONLY_LIMIT = 10


def client_readings(
    line: BankLine,
    payer: Payer,
    ctx: MatchContext,
    refs: dict[int, ReferenceHit],
    unknown: tuple[str, ...] = (),
) -> list[Reading]:
    """Readings over the open invoices of the clients the payer may be.

    When the line mentions an invoice number that is no open invoice, none of
    these readings is certain: the payer meant some particular invoice, and it
    is not the one an amount would guess.
    """
    if payer.known is not None:
        clients = [payer.known]
    elif payer.identified:
        clients = sorted(payer.identified)
    else:
        clients = [c for c, _ in ctx.directory.similar_clients(payer)]
    referenced_clients = {ctx.book.invoices[i].client_id for i in refs}
    readings: list[Reading] = []
    for client_id in clients:
        readings.extend(
            _readings_for_client(line, client_id, payer, ctx, refs, client_id in referenced_clients)
        )
    if unknown:
        mention = ", ".join(repr(u) for u in unknown)
        for reading in readings:
            reading.reasons.append(f"the line mentions {mention}, which is no open invoice")
            if reading.certain:
                reading.certain = False
                reading.doubt = f"the line mentions {mention}, which is no open invoice"
    return readings


def _readings_for_client(
    line: BankLine,
    client_id: int,
    payer: Payer,
    ctx: MatchContext,
    refs: dict[int, ReferenceHit],
    referenced: bool,
) -> list[Reading]:
    book, amount, tolerance = ctx.book, line.amount, ctx.settings.fee_tolerance
    known = payer.known == client_id
    payer_points, payer_reasons = score_payer(payer, client_id, ctx)
    same_amount = book.client_with_balance(client_id, line.currency, amount)
    if same_amount:
        if any(i in refs for i in same_amount):
            return []
        return [
            _fifo_reading(line, same_amount, client_id, known, payer_points, payer_reasons, ctx)
        ]
    readings: list[Reading] = []
    open_ids = [
        i
        for i in book.open_of_client(client_id, line.currency)
        if book.invoices[i].issue_date <= line.date and not ctx.named_elsewhere(i, line)
    ]
    for invoice_id in open_ids:
        balance = book.balance[invoice_id]
        if amount < balance <= amount + tolerance:
            invoice = book.invoices[invoice_id]
            fee = balance - amount
            readings.append(
                Reading(
                    allocations=(Allocation(invoice_id, invoice.number, amount),),
                    client_id=client_id,
                    kind="short_fee",
                    points=payer_points + UNREFERENCED_SHORTFALL_POINTS,
                    reasons=[
                        f"amount {money(amount)} is {money(fee)} short of {invoice.number} "
                        f"({money(balance)})",
                        *payer_reasons,
                    ],
                    fee_writeoff=fee,
                    doubt="a short payment settles an invoice only when the line names it",
                )
            )
            break
    if not referenced:
        readings.extend(
            _subset_readings(line, open_ids, client_id, known, payer_points, payer_reasons, ctx)
        )
    if not readings and open_ids:
        oldest = book.invoices[open_ids[0]]
        balance = book.balance[oldest.id]
        if amount < balance:
            readings.append(
                Reading(
                    allocations=(Allocation(oldest.id, oldest.number, amount),),
                    client_id=client_id,
                    kind="partial",
                    points=payer_points + UNREFERENCED_PARTIAL_POINTS,
                    reasons=[
                        f"amount {money(amount)} pays part of the oldest open invoice "
                        f"{oldest.number} ({money(balance)})",
                        *payer_reasons,
                    ],
                    doubt="nothing says which invoice a partial payment is for",
                )
            )
        else:
            readings.append(
                Reading(
                    allocations=(Allocation(oldest.id, oldest.number, balance),),
                    client_id=client_id,
                    kind="over",
                    points=payer_points + UNREFERENCED_PARTIAL_POINTS,
                    reasons=[
                        f"amount {money(amount)} exceeds the oldest open invoice "
                        f"{oldest.number} ({money(balance)}); {money(amount - balance)} "
                        "would go to the client's credit",
                        *payer_reasons,
                    ],
                    credit_remainder=amount - balance,
                    doubt="nothing says which invoices an over-payment is for",
                )
            )
    return readings


def _fifo_reading(
    line: BankLine,
    same_amount: list[int],
    client_id: int,
    known: bool,
    payer_points: float,
    payer_reasons: list[str],
    ctx: MatchContext,
) -> Reading:
    book = ctx.book
    free = [i for i in same_amount if not ctx.named_elsewhere(i, line)]
    issued = [i for i in free if book.invoices[i].issue_date <= line.date]
    before = [i for i in same_amount if book.invoices[i].issue_date <= line.date]
    pick = book.invoices[(issued or before or same_amount)[0]]
    date_points, date_reasons = score_dates(line, [pick])
    reasons = [f"amount {money(line.amount)} equals the balance of {pick.number}"]
    if len(free) > 1:
        reasons.append(f"the oldest of {len(free)} open invoices of that amount is paid first")
    if len(free) < len(same_amount):
        reasons.append(
            "invoices of that amount named by other lines of the statement are left to those lines"
        )
    reading = Reading(
        allocations=(Allocation(pick.id, pick.number, line.amount),),
        client_id=client_id,
        kind="name_amount",
        points=payer_points + AMOUNT_EXACT_POINTS + date_points,
        reasons=[*reasons, *payer_reasons, *date_reasons],
    )
    if not known:
        reading.doubt = "the payer is not known for certain"
    elif pick.id not in free:
        reading.doubt = "another line of the statement names that invoice"
    elif not issued:
        reading.doubt = "the invoice was issued after the payment"
    else:
        reading.certain = True
    return reading


def _subset_readings(
    line: BankLine,
    open_ids: list[int],
    client_id: int,
    known: bool,
    payer_points: float,
    payer_reasons: list[str],
    ctx: MatchContext,
) -> list[Reading]:
    book, limit = ctx.book, ctx.settings.subset_search_limit
    pool = open_ids[:limit]
    search = find_combinations(line.amount, [(i, book.balance[i]) for i in pool])
    readings: list[Reading] = []
    count = len(search.combinations)
    for combination in search.combinations[:2]:
        invoices = [book.invoices[i] for i in combination]
        parts = " + ".join(f"{i.number} ({money(book.balance[i.id])})" for i in invoices)
        reading = Reading(
            allocations=tuple(Allocation(i.id, i.number, book.balance[i.id]) for i in invoices),
            client_id=client_id,
            kind="multi_amount",
            points=payer_points + SUBSET_POINTS,
            reasons=[f"{parts} add up to the amount {money(line.amount)}", *payer_reasons],
        )
        if count > 1:
            reading.doubt = (
                f"{count if search.complete else 'several'} combinations of open "
                "invoices add up to the amount"
            )
        elif not search.complete or len(open_ids) > limit:
            reading.doubt = "the client has too many open invoices to be sure of the combination"
        elif not known:
            reading.doubt = "the payer is not known for certain"
        else:
            reading.certain = True
        readings.append(reading)
    return readings


def amount_only_readings(
    line: BankLine, payer: Payer, ctx: MatchContext, seen: set[int]
) -> list[Reading]:
    """Invoices of exactly the amount when nothing says who paid: suggestions at most."""
    readings: list[Reading] = []
    for invoice_id in ctx.book.any_with_balance(line.currency, line.amount, _AMOUNT_ONLY_LIMIT):
        if invoice_id in seen:
            continue
        invoice = ctx.book.invoices[invoice_id]
        payer_points, payer_reasons = score_payer(payer, invoice.client_id, ctx)
        date_points, date_reasons = score_dates(line, [invoice])
        readings.append(
            Reading(
                allocations=(Allocation(invoice.id, invoice.number, line.amount),),
                client_id=invoice.client_id,
                kind="amount_only",
                points=AMOUNT_EXACT_POINTS + payer_points + date_points,
                reasons=[
                    f"amount {money(line.amount)} equals the balance of {invoice.number}",
                    *payer_reasons,
                    *date_reasons,
                ],
                doubt="only the amount matches and nothing confirms who paid",
            )
        )
    return readings
