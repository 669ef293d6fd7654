"""Matching a whole bank statement against the open invoices.

The indexes (numbers, references, clients, amounts) are built once; each
line then costs a few dictionary look-ups, whatever the number of invoices.
Balances are consumed as lines are applied automatically, so two lines never
both pay the same invoice in full.

Order matters when balances are consumed, so it is fixed: first the incoming
lines that name an invoice (a named invoice must not be taken by an earlier
guess), then the other incoming lines, then the outgoing ones (a reversal
looks back at the payments already seen); within each group by date, then
by line id.  The same input therefore always gives the same output, which
is returned in the order the lines were given.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from app.core.collector import collector_paused
from app.core.matching.book import OpenBook
from app.core.matching.client_readings import amount_only_readings, client_readings
from app.core.matching.decision import decide
from app.core.matching.invoice_numbers import InvoiceNumberIndex
from app.core.matching.model import BankLine, ClientProfile, MatchResult, MatchSettings, OpenInvoice
from app.core.matching.names import NameSimilarity, token_set_similarity
from app.core.matching.outgoing import PaymentHistory, judge_outgoing
from app.core.matching.payers import ClientDirectory, normalise_iban
from app.core.matching.readings import MatchContext
from app.core.matching.reference_readings import reference_readings
from app.core.matching.references import LineReferences, gather_references
from app.core.matching.scoring import MARGIN, UNREFERENCED_CEILING, names_invoice

_ZERO = Decimal("0")


class StatementMatcher:
    """Matches lines one at a time against a book whose balances it keeps up to date."""

    def __init__(
        self,
        invoices: Iterable[OpenInvoice],
        clients: Iterable[ClientProfile],
        settings: MatchSettings | None = None,
        name_similarity: NameSimilarity | None = None,
    ) -> None:
        settings = settings or MatchSettings()
        invoice_list = list(invoices)
        self.context = MatchContext(
            book=OpenBook(invoice_list),
            numbers=InvoiceNumberIndex(invoice_list, settings.numbering_templates),
            directory=ClientDirectory(clients, name_similarity or token_set_similarity),
            settings=settings,
        )
        self._own = {normalise_iban(i) for i in settings.own_ibans}
        self.history = PaymentHistory()

    def references(self, line: BankLine) -> LineReferences:
        return gather_references(line, self.context)

    def reserve(self, line: BankLine, refs: LineReferences) -> None:
        """Note the invoices an incoming line names, so that other lines leave them alone.

        A line whose payer is known to be a different client reserves nothing:
        its reference is itself in doubt.
        """
        if line.amount <= _ZERO or not refs.hits:
            return
        payer = self.context.directory.identify(line.counterparty, line.counterparty_iban)
        for invoice_id, hit in refs.hits.items():
            client_id = self.context.book.invoices[invoice_id].client_id
            if names_invoice(hit.strength) and (
                not payer.identified or client_id in payer.identified
            ):
                self.context.named_by.setdefault(invoice_id, set()).add(line.id)

    def match(self, line: BankLine, refs: LineReferences | None = None) -> MatchResult:
        """Match one line; an automatic application lowers the balances it pays."""
        ctx = self.context
        if refs is None:
            refs = self.references(line)
        if line.counterparty_iban and normalise_iban(line.counterparty_iban) in self._own:
            return MatchResult(
                line.id,
                "none",
                kind="own_transfer",
                explanation="Transfer between the business's own accounts.",
            )
        if line.amount == _ZERO:
            return MatchResult(
                line.id, "none", kind="no_match", explanation="A line of zero pays nothing."
            )
        if line.amount < _ZERO:
            return judge_outgoing(line, refs.hits, self.history, ctx.settings.reversal_window_days)
        payer = ctx.directory.identify(line.counterparty, line.counterparty_iban)
        readings = reference_readings(line, refs.hits, payer, ctx) if refs.hits else []
        leader = max((r.points for r in readings if r.certain), default=None)
        if leader is None or leader - MARGIN < UNREFERENCED_CEILING:
            readings.extend(client_readings(line, payer, ctx, refs.hits, refs.unknown))
            if payer.known is None and not payer.identified:
                seen = {i for r in readings for i in r.invoice_ids}
                readings.extend(amount_only_readings(line, payer, ctx, seen))
        result = decide(line, readings, refs.hits, ctx.book, ctx.settings)
        if result.action == "auto":
            self._consume(result)
        self.history.record(line, result)
        return result

    def _consume(self, result: MatchResult) -> None:
        """Lower the balances paid; a fee write-off settles the last invoice in full."""
        last = len(result.allocations) - 1
        for at, allocation in enumerate(result.allocations):
            fee = result.fee_writeoff if at == last else _ZERO
            self.context.book.pay(allocation.invoice_id, allocation.amount + fee)


def _id_key(line: BankLine) -> tuple[int, int, str]:
    return (0, line.id, "") if isinstance(line.id, int) else (1, 0, str(line.id))


def match_statement(
    lines: Sequence[BankLine],
    invoices: Iterable[OpenInvoice],
    clients: Iterable[ClientProfile],
    settings: MatchSettings | None = None,
    *,
    name_similarity: NameSimilarity | None = None,
) -> list[MatchResult]:
    """Match every line of a statement; results come back in the order of ``lines``.

    ``name_similarity`` scores two normalised names (0..1, or 0..100 as
    rapidfuzz's ``fuzz.token_set_ratio`` does); the default is a stdlib scorer.
    """
    with collector_paused():
        return _match_in_order(
            StatementMatcher(invoices, clients, settings, name_similarity), lines
        )


def _match_in_order(matcher: StatementMatcher, lines: Sequence[BankLine]) -> list[MatchResult]:
    refs = [matcher.references(line) for line in lines]
    for line, line_refs in zip(lines, refs):
        matcher.reserve(line, line_refs)

    def group(i: int) -> int:
        line = lines[i]
        if line.amount <= _ZERO:
            return 2
        naming = any(names_invoice(h.strength) for h in refs[i].hits.values())
        return 0 if naming else 1

    order = sorted(range(len(lines)), key=lambda i: (group(i), lines[i].date, _id_key(lines[i])))
    results: list[MatchResult | None] = [None] * len(lines)
    for i in order:
        results[i] = matcher.match(lines[i], refs[i])
    return [r for r in results if r is not None]
