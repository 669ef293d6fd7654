"""The column plan of a delimited export: which index holds what, fixed once.

Reading a row then needs no look-ups by role; -1 marks a role the file does
not have.  Building the plan also checks that a profile (perhaps edited by a
user) can be used at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.bankfile.csv_profile import AmountConvention, ColumnRole, CsvProfile

R = ColumnRole


@dataclass(frozen=True)
class Plan:
    """Column indexes of one profile (-1: the file has no such column)."""

    width: int
    date: int
    value_date: int
    amount: int
    debit: int
    credit: int
    indicator: int
    balance: int
    currency: int
    counterparty: int
    payer: int
    payee: int
    counterparty_iban: int
    reference: int
    transaction_id: int
    status: int
    record_type: int
    account: int
    descriptions: tuple[int, ...]
    types: tuple[int, ...]
    value_is_booking: bool

    @property
    def amount_columns(self) -> tuple[int, ...]:
        return tuple(c for c in (self.amount, self.debit, self.credit) if c >= 0)


def make_plan(profile: CsvProfile) -> Plan:
    """The plan for ``profile``; ValueError when the profile cannot be used."""

    def col(role: ColumnRole) -> int:
        found = profile.column_of(role)
        return -1 if found is None else found

    date_col, value_col = col(R.DATE), col(R.VALUE_DATE)
    value_is_booking = False
    if date_col < 0:
        if value_col < 0:
            raise ValueError("the profile names no date column")
        date_col, value_col, value_is_booking = value_col, -1, True
    convention = profile.amount_convention
    if convention is AmountConvention.DEBIT_CREDIT and col(R.DEBIT) < 0 and col(R.CREDIT) < 0:
        raise ValueError("the profile uses debit/credit columns but names neither")
    if convention is not AmountConvention.DEBIT_CREDIT and col(R.AMOUNT) < 0:
        raise ValueError("the profile names no amount column")
    if convention is AmountConvention.INDICATOR and col(R.INDICATOR) < 0:
        raise ValueError("the profile uses an indicator but names no indicator column")
    return Plan(
        width=len(profile.columns),
        date=date_col,
        value_date=value_col,
        amount=col(R.AMOUNT),
        debit=col(R.DEBIT),
        credit=col(R.CREDIT),
        indicator=col(R.INDICATOR),
        balance=col(R.BALANCE),
        currency=col(R.CURRENCY),
        counterparty=col(R.COUNTERPARTY),
        payer=col(R.PAYER) if col(R.PAYEE) >= 0 else -1,
        payee=col(R.PAYEE) if col(R.PAYER) >= 0 else -1,
        counterparty_iban=col(R.COUNTERPARTY_IBAN),
        reference=col(R.REFERENCE),
        transaction_id=col(R.TRANSACTION_ID),
        status=col(R.STATUS),
        record_type=col(R.RECORD_TYPE),
        account=col(R.ACCOUNT),
        descriptions=tuple(profile.columns_of(R.DESCRIPTION)),
        types=tuple(profile.columns_of(R.TYPE)),
        value_is_booking=value_is_booking,
    )
