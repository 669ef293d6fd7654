"""Exact money: a Decimal amount that always travels with its currency.

Every Money is quantised to its currency's minor unit, so two Money values can
be compared, added and stored as integer minor units without surprises.
Intermediate arithmetic that must not be rounded yet (tax on an unrounded line,
proration factors) stays in plain ``Decimal`` and becomes Money only through
``Money.of(..., rounding=...)``, which makes every rounding explicit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum

from app.core.currency import exponent, normalise_currency


class Rounding(StrEnum):
    """How a value is brought to the currency's minor unit."""

    HALF_UP = "half_up"
    HALF_EVEN = "half_even"

    @property
    def decimal_mode(self) -> str:
        return ROUND_HALF_UP if self is Rounding.HALF_UP else ROUND_HALF_EVEN


class CurrencyMismatchError(ValueError):
    """Raised when two amounts in different currencies are combined."""


def quantum(currency: str) -> Decimal:
    """The smallest unit of the currency as a Decimal (EUR → 0.01, JPY → 1)."""
    return Decimal(1).scaleb(-exponent(currency))


def round_amount(value: Decimal, currency: str, rounding: Rounding = Rounding.HALF_UP) -> Decimal:
    """Round a Decimal to the currency's minor unit with the given rule."""
    return value.quantize(quantum(currency), rounding=rounding.decimal_mode)


@dataclass(frozen=True, slots=True, order=False)
class Money:
    """An exact amount in one currency, always at the currency's precision."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            raise TypeError(f"Money amount must be a Decimal, got {type(self.amount).__name__}")
        if not self.amount.is_finite():
            raise ValueError("Money amount must be finite")
        code = normalise_currency(self.currency)
        object.__setattr__(self, "currency", code)
        exact = self.amount.quantize(quantum(code), rounding=ROUND_HALF_UP)
        if exact != self.amount:
            raise ValueError(
                f"{self.amount} has more decimals than {code} allows; "
                "use Money.of(value, currency, rounding) to round explicitly"
            )
        object.__setattr__(self, "amount", exact)

    # construction -------------------------------------------------------
    @classmethod
    def of(
        cls,
        value: Decimal | int | str,
        currency: str,
        rounding: Rounding = Rounding.HALF_UP,
    ) -> Money:
        """Build Money from a Decimal, int or numeric string, rounding explicitly."""
        if isinstance(value, float):  # pragma: no cover - defensive
            raise TypeError("floats are not accepted for money; pass a Decimal or a string")
        try:
            dec = value if isinstance(value, Decimal) else Decimal(value)
        except InvalidOperation as exc:
            raise ValueError(f"not a number: {value!r}") from exc
        return cls(round_amount(dec, currency, rounding), currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls.of(0, currency)

    @classmethod
    def from_minor(cls, minor: int, currency: str) -> Money:
        """Rebuild Money from integer minor units as stored in the database."""
        if not isinstance(minor, int) or isinstance(minor, bool):
            raise TypeError("minor units must be an int")
        return cls(Decimal(minor).scaleb(-exponent(currency)), currency)

    # conversion ---------------------------------------------------------
    @property
    def minor(self) -> int:
        """Integer minor units (cents, fils, yen) for storage."""
        return int(self.amount.scaleb(exponent(self.currency)))

    def plain(self) -> str:
        """The amount with the currency's exact decimals, e.g. ``"1234.50"``; used in JSON."""
        return f"{self.amount:.{exponent(self.currency)}f}"

    def __str__(self) -> str:
        return f"{self.plain()} {self.currency}"

    # arithmetic ---------------------------------------------------------
    def _check(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatchError(f"cannot combine {self.currency} with {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._check(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._check(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __abs__(self) -> Money:
        return Money(abs(self.amount), self.currency)

    def __lt__(self, other: Money) -> bool:
        self._check(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._check(other)
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        self._check(other)
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        self._check(other)
        return self.amount >= other.amount

    def times(self, factor: Decimal | int, rounding: Rounding = Rounding.HALF_UP) -> Money:
        """Multiply by an exact factor and round once, explicitly."""
        if isinstance(factor, float):  # pragma: no cover - defensive
            raise TypeError("floats are not accepted for money factors")
        return Money.of(self.amount * Decimal(factor), self.currency, rounding)

    @property
    def is_zero(self) -> bool:
        return self.amount == 0

    @property
    def is_negative(self) -> bool:
        return self.amount < 0

    # allocation ---------------------------------------------------------
    def allocate(self, weights: Sequence[Decimal | int]) -> list[Money]:
        """Split into parts proportional to ``weights`` without losing a minor unit.

        Largest-remainder method on integer minor units: every part is floored,
        then the leftover units go one each to the parts with the largest
        remainders (earlier parts win ties), so the parts always sum to the whole.
        Negative totals are split by symmetry.
        """
        if not weights:
            raise ValueError("allocate needs at least one weight")
        dec_weights = [Decimal(w) for w in weights]
        if any(w < 0 for w in dec_weights):
            raise ValueError("allocation weights must not be negative")
        total_weight = sum(dec_weights, Decimal(0))
        if total_weight == 0:
            raise ValueError("allocation weights must not all be zero")
        sign = -1 if self.minor < 0 else 1
        whole = abs(self.minor)
        shares = [Decimal(whole) * w / total_weight for w in dec_weights]
        floors = [int(s) for s in shares]
        leftover = whole - sum(floors)
        order = sorted(range(len(shares)), key=lambda i: (-(shares[i] - floors[i]), i))
        for i in order[:leftover]:
            floors[i] += 1
        return [Money.from_minor(sign * f, self.currency) for f in floors]


def sum_money(items: Iterable[Money], currency: str) -> Money:
    """Sum Money values of one currency; an empty iterable gives zero in ``currency``."""
    total = Money.zero(currency)
    for item in items:
        total = total + item
    return total
