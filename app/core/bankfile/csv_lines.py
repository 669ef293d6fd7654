"""Turning rows of a delimited bank export into statement lines.

Two ways, same result.  ``read_columns`` converts a block of full-width rows
column by column with C-level ``map`` calls, which is what makes large files
fast; it gives up (reading nothing) as soon as any row of the block needs
care.  ``row`` reads one row with full care: pending lines without a date,
continuation rows, unreadable dates and amounts become line problems or are
skipped, as the row deserves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal
from operator import itemgetter

from app.core.amounts import AmountParseError
from app.core.bankfile.cells import clean_text
from app.core.bankfile.csv_plan import Plan, make_plan
from app.core.bankfile.csv_profile import AmountConvention, CsvProfile
from app.core.bankfile.csv_rows import RawRecord
from app.core.bankfile.csv_text import (
    collapse,
    collapse_all,
    quick_reference,
    references_in,
    tidy_iban,
    tidy_ibans,
    unquote,
    value_date_in,
)
from app.core.bankfile.dates import DateError, DateReader
from app.core.bankfile.decimals import amount_reader, bulk_amount_reader
from app.core.bankfile.identifiers import normalise_reference
from app.core.bankfile.model import LineProblem, StatementLine, fast_line
from app.core.bankfile.vocabulary import NON_TRANSACTION_WORDS, fold_value

_ZERO = Decimal(0)


def _summary_row(cells: Sequence[str]) -> bool:
    """An opening/closing balance or total row: it names a balance and moves no money."""
    text = " ".join(cells).lower()
    return any(word in text for word in NON_TRANSACTION_WORDS)


_BAD = object()
_FIRST, _CELLS, _RAW = itemgetter(0), itemgetter(1), itemgetter(2)


class LineReader:
    """The state of one parse: readers, caches and what has been read so far."""

    def __init__(self, profile: CsvProfile) -> None:
        self.profile = profile
        self.plan: Plan = make_plan(profile)
        self.dates = DateReader(profile.date_format)
        self.value_dates = (
            DateReader(profile.value_date_format) if profile.value_date_format else self.dates
        )
        scale = 2 if profile.minor_units else 0
        self.read_amount = amount_reader(profile.decimal_mark, scale)
        self.read_column = bulk_amount_reader(profile.decimal_mark, scale)
        self.pending_values = frozenset(profile.pending_values)
        self.money_out = frozenset(profile.indicator_out)
        self.header = [c.strip() for c in profile.header]
        self.folded: dict[str, str] = {}
        self.lines: list[StatementLine] = []
        self.problems: list[LineProblem] = []
        self.dates_failed: list[str] = []
        self.undated: list[LineProblem] = []
        self.accounts: set[str] = set()
        self.currencies: set[str | None] = set()
        self.ids: list[str] = []
        self.skipped = 0

    def fold(self, value: str) -> str:
        found = self.folded.get(value)
        if found is None:
            found = self.folded[value] = fold_value(value)
        return found

    def is_header(self, cells: list[str]) -> bool:
        header = self.header
        return bool(header) and [c.strip() for c in cells[: len(header)]] == header

    def safe_amount(self, text: str) -> object:
        try:
            return self.read_amount(text)
        except (AmountParseError, ArithmeticError):
            return _BAD

    def signed_amount(self, cells: list[str]) -> Decimal | None:
        """The row's signed amount; raises AmountParseError for unreadable text."""
        plan, read = self.plan, self.read_amount
        convention = self.profile.amount_convention
        if convention is AmountConvention.SIGNED:
            return read(cells[plan.amount])
        if convention is AmountConvention.DEBIT_CREDIT:
            debit = read(cells[plan.debit]) if plan.debit >= 0 else None
            credit = read(cells[plan.credit]) if plan.credit >= 0 else None
            if debit is None and credit is None:
                return None
            return abs(credit if credit is not None else _ZERO) - abs(
                debit if debit is not None else _ZERO
            )
        amount = read(cells[plan.amount])
        if amount is None:
            return None
        flag = self.fold(cells[plan.indicator].strip())
        return -abs(amount) if flag in self.money_out else abs(amount)

    # -- the careful way: one row at a time ---------------------------------

    def row(self, first: int, cells: list[str], raw: str) -> None:
        plan, profile = self.plan, self.profile
        n = len(cells)
        if n < plan.width:
            cells = cells + [""] * (plan.width - n)
        date_text = cells[plan.date]
        stripped = date_text.strip()
        if (
            profile.merge_continuation_rows
            and not stripped
            and self.lines
            and not any(cells[c].strip() for c in plan.amount_columns)
        ):
            extra = clean_text(" ".join(c for c in cells if c.strip()))
            if extra:
                last = self.lines[-1]
                self.lines[-1] = replace(
                    last,
                    description=f"{last.description} {extra}".strip(),
                    raw=f"{last.raw}\n{raw}",
                )
            return
        try:
            amount = self.signed_amount(cells)
        except (AmountParseError, ArithmeticError) as exc:
            if self.is_header(cells) or not any(c.strip() for c in cells[: plan.width]):
                self.skipped += 1
            else:
                self.problems.append(LineProblem(first, f"cannot read the amount: {exc}", raw))
            return
        if amount is None:
            if stripped and self.dates.matches(date_text) and not _summary_row(cells):
                reason = "the line has a date but no amount"
                if n < plan.width:
                    reason += f" ({n} fields where {plan.width} were expected)"
                self.problems.append(LineProblem(first, reason, raw))
            else:
                self.skipped += 1
            return
        pending = False
        booking = self.dates.cache.get(date_text)
        if booking is None:
            if stripped:
                undated_pending = self.fold(stripped) in self.pending_values
            else:
                undated_pending = (
                    plan.status >= 0
                    and self.fold(cells[plan.status].strip()) in self.pending_values
                )
            if undated_pending:
                pending = True
            else:
                try:
                    booking = self.dates(date_text)
                except DateError as exc:
                    if self.is_header(cells):
                        self.skipped += 1
                    elif not stripped:
                        self.undated.append(LineProblem(first, "the line has no date", raw))
                    elif self.dates.matches(date_text):
                        self.dates_failed.append(stripped)
                        self.problems.append(LineProblem(first, exc.reason, raw))
                    else:
                        self.undated.append(LineProblem(first, exc.reason, raw))
                    return
        if plan.status >= 0 and not pending:
            pending = self.fold(cells[plan.status].strip()) in self.pending_values
        description = self.description(cells, n)
        value_date = None
        if plan.value_date >= 0:
            value_text = cells[plan.value_date]
            if value_text.strip():
                try:
                    value_date = self.value_dates(value_text)
                except DateError as exc:
                    self.problems.append(LineProblem(first, f"value date: {exc.reason}", raw))
                    return
        elif plan.value_is_booking:
            value_date = booking
        elif profile.value_date_in_description:
            value_date = value_date_in(description)
        balance = None
        if plan.balance >= 0:
            value = self.safe_amount(cells[plan.balance])
            balance = value if isinstance(value, Decimal) else None
            if balance is not None and profile.balance_before:
                balance = balance + amount
        currency = profile.default_currency
        if plan.currency >= 0 and cells[plan.currency].strip():
            currency = cells[plan.currency].strip().upper()
        if plan.account >= 0:
            self.accounts.add(cells[plan.account].strip())
        self.currencies.add(currency)
        transaction_id = (
            (cells[plan.transaction_id].strip() or None) if plan.transaction_id >= 0 else None
        )
        if transaction_id:
            self.ids.append(transaction_id)
        if plan.payer >= 0:
            counterparty = collapse(cells[plan.payer] if amount > 0 else cells[plan.payee])
        else:
            counterparty = collapse(cells[plan.counterparty]) if plan.counterparty >= 0 else ""
        self.lines.append(
            fast_line(
                first,
                booking,
                value_date,
                amount,
                currency,
                description,
                counterparty,
                tidy_iban(cells[plan.counterparty_iban]) if plan.counterparty_iban >= 0 else "",
                normalise_reference(cells[plan.reference])
                if plan.reference >= 0
                else quick_reference(description),
                transaction_id,
                balance,
                pending,
                raw,
            )
        )

    def description(self, cells: list[str], n: int) -> str:
        plan = self.plan
        text = " ".join([cells[c] for c in plan.descriptions if cells[c]])
        if n > plan.width and plan.descriptions:
            text = text + " " + " ".join(cells[plan.width :])
        text = unquote(collapse(text))
        if not text and plan.types:
            text = collapse(" ".join([cells[c] for c in plan.types]))
        return text

    # -- the fast way: a whole chunk, column by column -----------------------

    def chunk(self, rows: list[RawRecord]) -> bool:
        """Read a chunk of regular rows; False (nothing read) if any row needs care."""
        table = list(map(_CELLS, rows))
        width = self.plan.width
        if min(map(len, table)) != width or max(map(len, table)) != width:
            return False
        columns = list(zip(*table))
        return self.read_columns(list(map(_FIRST, rows)), list(map(_RAW, rows)), columns)

    def read_columns(
        self, firsts: Sequence[int], raws: Sequence[str], columns: Sequence[Sequence[str]]
    ) -> bool:
        """Convert a block of full-width rows given column by column.

        Returns False, having read nothing, when any row needs the careful way.
        """
        plan, profile = self.plan, self.profile
        if profile.merge_continuation_rows:
            return False
        count = len(firsts)
        date_texts = columns[plan.date]
        cache = self.dates.cache
        for text in set(date_texts) - cache.keys():
            try:
                self.dates(text)
            except DateError:
                return False
        bookings = list(map(cache.get, date_texts))
        amounts: list[object] | None = None
        if profile.amount_convention is AmountConvention.SIGNED:
            amounts = self.read_column(columns[plan.amount])  # type: ignore[arg-type]
        if amounts is None:
            amounts = [self._safe_signed(cells) for cells in zip(*columns)]
            if any(a is None or a is _BAD for a in amounts):
                return False
        value_dates: Sequence[date | None]
        if plan.value_date >= 0:
            value_texts = columns[plan.value_date]
            value_cache = self.value_dates.cache
            for text in set(value_texts) - value_cache.keys():
                if not text.strip():
                    continue
                try:
                    self.value_dates(text)
                except DateError:
                    return False
            value_dates = list(map(value_cache.get, value_texts))
        elif plan.value_is_booking:
            value_dates = bookings
        else:
            value_dates = [None] * count
        descriptions = self._descriptions(columns, count)
        if plan.value_date < 0 and not plan.value_is_booking and profile.value_date_in_description:
            value_dates = list(map(value_date_in, descriptions))
        if plan.status >= 0:
            pending_values, fold = self.pending_values, self.fold
            pendings = [fold(v.strip()) in pending_values for v in columns[plan.status]]
        else:
            pendings = [False] * count
        balances: list[object]
        if plan.balance >= 0:
            balance_texts = columns[plan.balance]
            read = self.read_column(balance_texts)  # type: ignore[arg-type]
            balances = (
                read
                if read is not None
                else [  # type: ignore[assignment]
                    b if b is not _BAD else None for b in map(self.safe_amount, balance_texts)
                ]
            )
            if profile.balance_before:
                balances = [
                    b + a if b is not None else None  # type: ignore[operator]
                    for b, a in zip(balances, amounts)
                ]
        else:
            balances = [None] * count
        default = profile.default_currency
        if plan.currency >= 0:
            codes = columns[plan.currency]
            joined = "\n".join(codes)
            if (
                joined.isupper()
                and " " not in joined
                and "\n\n" not in joined
                and codes[0]
                and codes[-1]
            ):
                currencies = list(codes)
            else:
                currencies = [c.upper() if c else default for c in map(str.strip, codes)]
        else:
            currencies = [default] * count
        if plan.payer >= 0:
            parties = [
                payer if amount > 0 else payee
                for payer, payee, amount in zip(
                    collapse_all(columns[plan.payer]), collapse_all(columns[plan.payee]), amounts
                )
            ]
        elif plan.counterparty >= 0:
            parties = collapse_all(columns[plan.counterparty])
        else:
            parties = [""] * count
        ibans = (
            tidy_ibans(columns[plan.counterparty_iban])
            if plan.counterparty_iban >= 0
            else [""] * count
        )
        references = (
            list(map(normalise_reference, columns[plan.reference]))
            if plan.reference >= 0
            else references_in(descriptions)
        )
        ids = (
            [v.strip() or None for v in columns[plan.transaction_id]]
            if plan.transaction_id >= 0
            else [None] * count
        )
        if plan.account >= 0:
            self.accounts.update(map(str.strip, columns[plan.account]))
        self.currencies.update(currencies)
        if plan.transaction_id >= 0:
            self.ids.extend(filter(None, ids))
        self.lines.extend(
            map(
                fast_line,
                firsts,
                bookings,
                value_dates,
                amounts,
                currencies,
                descriptions,
                parties,
                ibans,
                references,
                ids,
                balances,
                pendings,
                raws,
            )
        )
        return True

    def _safe_signed(self, cells: Sequence[str]) -> object:
        try:
            return self.signed_amount(cells)  # type: ignore[arg-type]
        except (AmountParseError, ArithmeticError):
            return _BAD

    def _descriptions(self, columns: Sequence[Sequence[str]], count: int) -> list[str]:
        plan = self.plan
        if len(plan.descriptions) == 1:
            texts = collapse_all(columns[plan.descriptions[0]])
            if "\n'" in "\n" + "\n".join(texts):
                texts = list(map(unquote, texts))
        elif plan.descriptions:
            texts = [
                unquote(collapse(" ".join(parts)))
                for parts in zip(*(columns[c] for c in plan.descriptions))
            ]
        else:
            texts = [""] * count
        if plan.types and "" in texts:
            kinds = [collapse(" ".join(parts)) for parts in zip(*(columns[c] for c in plan.types))]
            texts = [t or kind for t, kind in zip(texts, kinds)]
        return texts
