"""Column roles and amount rules decided from what the cells hold.

Used where the header says nothing (files without a header, unnamed columns)
and to settle what names cannot: which of two amount columns is the balance,
whether the balance is the one before or after each line, and how the sign of
an amount is written (a signed column, debit and credit columns, or an
unsigned amount with an indicator such as Af/Bij, C/D, D/K or a lone CR).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from app.core.amounts import AmountParseError
from app.core.bankfile.cells import is_currency_code
from app.core.bankfile.csv_columns import Assignment, ColumnStats
from app.core.bankfile.csv_layout import CsvDetectionError
from app.core.bankfile.csv_profile import AmountConvention, ColumnRole
from app.core.bankfile.decimals import AmountReader
from app.core.bankfile.identifiers import is_iban
from app.core.bankfile.model import Choice
from app.core.bankfile.vocabulary import fold_value

R = ColumnRole
_BIC = re.compile(r"[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?")
_ACCOUNT_LIKE = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9 ]{10,30}|[\d /-]{5,34}")


def _amount_score(st: ColumnStats) -> float:
    score = 0.0
    if st.negative:
        score += 3.0
    if st.nonempty:
        score += 2.0 * st.decimals / len(st.nonempty)
    if not st.id_like:
        score += 1.0
    if st.distinct > 1:
        score += 0.5
    return score


def fill_from_content(assignment: Assignment, stats: list[ColumnStats], has_header: bool) -> None:
    """Give roles to columns the header did not explain, from their content alone."""
    roles = assignment.roles
    free = [j for j, r in enumerate(roles) if r is R.IGNORE and j not in assignment.reasons]
    doubt = has_header

    def take(j: int, role: ColumnRole, reason: str, doubtful: bool = doubt) -> None:
        assignment.set(j, role, reason, doubtful)
        free.remove(j)

    if R.DATE not in roles and R.VALUE_DATE not in roles:
        dated = [j for j in free if stats[j].dated]
        if dated:
            take(dated[0], R.DATE, "holds dates")
            if not has_header and len(dated) > 1:
                take(dated[1], R.VALUE_DATE, "a second column of dates", True)
    for j in list(free):
        if stats[j].indicator_values() is not None and R.INDICATOR not in roles:
            take(j, R.INDICATOR, "holds debit/credit marks", False)
    if not any(r in roles for r in (R.AMOUNT, R.DEBIT, R.CREDIT)):
        candidates = [
            j
            for j in free
            if not stats[j].empty and stats[j].amount_ratio >= 0.9 and not stats[j].dated
        ]
        if candidates:
            best = max(candidates, key=lambda j: (_amount_score(stats[j]), -j))
            take(best, R.AMOUNT, "holds amounts", doubtful=not stats[best].negative)
    for j in list(free):
        st = stats[j]
        if st.empty or st.date_guess is not None:
            continue
        if len(st.nonempty) >= 0.5 * st.rows and sum(
            1 for v in st.nonempty if is_iban(v)
        ) >= 0.6 * len(st.nonempty):
            if st.constant and R.ACCOUNT not in roles:
                take(j, R.ACCOUNT, "the same IBAN on every row", False)
            elif not st.constant and R.COUNTERPARTY_IBAN not in roles:
                take(j, R.COUNTERPARTY_IBAN, "holds IBANs")
    for j in list(free):
        st = stats[j]
        if (
            not st.empty
            and R.CURRENCY not in roles
            and sum(1 for v in st.nonempty if is_currency_code(v)) >= 0.9 * len(st.nonempty)
        ):
            take(j, R.CURRENCY, "holds currency codes", False)
    texts = [
        j
        for j in free
        if not stats[j].empty and stats[j].date_guess is None and stats[j].amount_ratio < 0.5
    ]
    if R.DESCRIPTION not in roles and texts:
        best = max(texts, key=lambda j: (stats[j].avg_len * stats[j].distinct, -j))
        take(best, R.DESCRIPTION, "the longest varied text", True)
        texts.remove(best)
    iban_col = assignment.column(R.COUNTERPARTY_IBAN)
    if R.COUNTERPARTY not in roles and iban_col is not None and iban_col + 1 in texts:
        take(iban_col + 1, R.COUNTERPARTY, "text next to the counterparty IBAN", True)
    elif R.COUNTERPARTY not in roles and not has_header:
        names = [
            j
            for j in texts
            if stats[j].distinct >= 2
            and 3 <= stats[j].avg_len <= 40
            and not all(_BIC.fullmatch(v) for v in stats[j].nonempty)
        ]
        if names:
            best = max(names, key=lambda j: (stats[j].distinct, -j))
            take(best, R.COUNTERPARTY, "short varied text, probably names", True)
            left = best - 1
            if (
                R.COUNTERPARTY_IBAN not in roles
                and left in free
                and all(_ACCOUNT_LIKE.fullmatch(v) for v in stats[left].nonempty)
                and stats[left].nonempty
            ):
                take(left, R.COUNTERPARTY_IBAN, "account numbers next to the names", True)


def balance_relation(amounts: Sequence[Decimal | None], balances: Sequence[Decimal | None]) -> str:
    """'after', 'before' or '' — how a balance column follows the signed amounts.

    Rows may run oldest-first or newest-first; a relation holds when at least
    four in five neighbouring pairs agree with it.
    """
    pairs = [
        (amounts[i], amounts[i + 1], balances[i], balances[i + 1])
        for i in range(len(amounts) - 1)
        if None not in (amounts[i], amounts[i + 1], balances[i], balances[i + 1])
    ]
    if not pairs:
        return ""
    tests = {
        "after": (
            lambda a0, a1, b0, b1: b1 - b0 == a1,
            lambda a0, a1, b0, b1: b0 - b1 == a0,
        ),
        "before": (
            lambda a0, a1, b0, b1: b1 - b0 == a0,
            lambda a0, a1, b0, b1: b0 - b1 == a1,
        ),
    }
    best, best_hits = "", 0
    for name, directions in tests.items():
        for test in directions:
            hits = sum(1 for p in pairs if test(*p))  # type: ignore[arg-type]
            if hits > best_hits:
                best, best_hits = name, hits
    if best == "before" and len(pairs) < 2:
        return ""
    return best if best_hits >= 0.8 * len(pairs) else ""


def signed_sample(
    rows: list[list[str]],
    assignment: Assignment,
    reader: AmountReader,
    convention: AmountConvention,
    indicator: tuple[tuple[str, ...], tuple[str, ...]] | None,
) -> list[Decimal | None]:
    def cell(row: list[str], col: int | None) -> str:
        return row[col] if col is not None and col < len(row) else ""

    def read(text: str) -> Decimal | None:
        try:
            return reader(text)
        except (AmountParseError, ArithmeticError):
            return None

    amount_col = assignment.column(R.AMOUNT)
    debit_col, credit_col = assignment.column(R.DEBIT), assignment.column(R.CREDIT)
    ind_col = assignment.column(R.INDICATOR)
    signed: list[Decimal | None] = []
    for row in rows:
        if convention is AmountConvention.DEBIT_CREDIT:
            debit, credit = read(cell(row, debit_col)), read(cell(row, credit_col))
            if debit is None and credit is None:
                signed.append(None)
            else:
                zero = Decimal(0)
                signed.append(
                    abs(credit if credit is not None else zero)
                    - abs(debit if debit is not None else zero)
                )
        elif convention is AmountConvention.INDICATOR and indicator is not None:
            value = read(cell(row, amount_col))
            flag = fold_value(cell(row, ind_col))
            if value is None:
                signed.append(None)
            else:
                signed.append(-abs(value) if flag in indicator[1] else abs(value))
        else:
            signed.append(read(cell(row, amount_col)))
    return signed


def decide_convention(
    assignment: Assignment, stats: list[ColumnStats]
) -> tuple[AmountConvention, str, bool, tuple[tuple[str, ...], tuple[str, ...]] | None]:
    amount = assignment.column(R.AMOUNT)
    debit, credit = assignment.column(R.DEBIT), assignment.column(R.CREDIT)
    ind = assignment.column(R.INDICATOR)
    indicator = stats[ind].indicator_values() if ind is not None else None
    if amount is not None and stats[amount].negative:
        for j in (debit, credit):
            if j is not None:
                assignment.set(j, R.IGNORE, "the signed amount column is used instead")
        return AmountConvention.SIGNED, "amounts carry their own sign", False, None
    if amount is not None and indicator is not None:
        ins = "/".join(v or "(blank)" for v in indicator[0])
        outs = "/".join(v or "(blank)" for v in indicator[1])
        return (
            AmountConvention.INDICATOR,
            (
                f"unsigned amounts; column {ind + 1 if ind is not None else '?'} says money in "
                f"({ins}) or out ({outs})"
            ),
            False,
            indicator,
        )
    if debit is not None or credit is not None:
        if amount is not None:
            assignment.set(amount, R.IGNORE, "separate debit and credit columns are used")
        both = debit is not None and credit is not None
        return (
            AmountConvention.DEBIT_CREDIT,
            (
                "money out and money in are in separate columns"
                if both
                else "only one of the debit/credit columns was found"
            ),
            not both,
            None,
        )
    if amount is not None:
        doubtful = stats[amount].rows >= 3
        reason = (
            "amounts carry their own sign"
            if not doubtful
            else ("no amount is negative: check that money out is not written without a minus")
        )
        return AmountConvention.SIGNED, reason, doubtful, None
    raise CsvDetectionError("no column holds amounts")


def settle_balance(
    assignment: Assignment,
    stats: list[ColumnStats],
    rows: list[list[str]],
    reader: AmountReader,
    signed: list[Decimal | None],
    choices: list[Choice],
) -> bool:
    def read_column(col: int) -> list[Decimal | None]:
        out: list[Decimal | None] = []
        for row in rows:
            try:
                out.append(reader(row[col]) if col < len(row) else None)
            except (AmountParseError, ArithmeticError):
                out.append(None)
        return out

    balance = assignment.column(R.BALANCE)
    if balance is None:
        free = [
            j
            for j, r in enumerate(assignment.roles)
            if r is R.IGNORE
            and j not in assignment.reasons
            and not stats[j].empty
            and stats[j].amount_ratio >= 0.9
            and stats[j].date_guess is None
        ]
        for j in free:
            relation = balance_relation(signed, read_column(j))
            if relation:
                assignment.set(j, R.BALANCE, f"a running balance ({relation} each line)", False)
                choices.append(
                    Choice("balance", relation, False, "the running balance follows the amounts")
                )
                return relation == "before"
        return False
    relation = balance_relation(signed, read_column(balance))
    if relation == "before":
        choices.append(
            Choice("balance", "before", False, "the balance column is the balance before each line")
        )
        return True
    if relation == "after":
        choices.append(Choice("balance", "after", False, "the running balance follows the amounts"))
    return False


def drop_constant_descriptions(assignment: Assignment, stats: list[ColumnStats]) -> None:
    descriptive = columns_with(assignment, R.DESCRIPTION)
    if len(descriptive) < 2:
        return
    constant = [j for j in descriptive if stats[j].constant and stats[j].rows >= 3]
    if constant and len(constant) < len(descriptive):
        for j in constant:
            assignment.set(j, R.IGNORE, "the same text on every row (it describes the account)")


def columns_with(assignment: Assignment, role: ColumnRole) -> list[int]:
    return [j for j, r in enumerate(assignment.roles) if r is role]
