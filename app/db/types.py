"""Column types that keep exact numbers exact on every backend.

SQLite has no decimal type (a ``Numeric`` column comes back as a float), so
money is stored as integer minor units in ``*_minor`` BIGINT columns, and other
decimals (quantities, tax rates, percentages) as scaled integers.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime, Integer
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

MinorUnits = BigInteger().with_variant(Integer(), "sqlite")


class ScaledDecimal(TypeDecorator[Decimal]):
    """A Decimal stored as a BIGINT scaled by 10**scale (exact, sortable, summable in SQL)."""

    impl = BigInteger
    cache_ok = True

    def __init__(self, scale: int = 6) -> None:
        super().__init__()
        self.scale = scale

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(Integer())
        return dialect.type_descriptor(BigInteger())

    def process_bind_param(self, value: Decimal | int | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("floats are not stored; pass a Decimal")
        scaled = Decimal(value).scaleb(self.scale)
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{value} has more than {self.scale} decimals")
        return int(scaled)

    def process_result_value(self, value: int | None, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        exact = Decimal(value).scaleb(-self.scale).normalize()
        return exact.quantize(Decimal(1)) if exact.as_tuple().exponent > 0 else exact

    def copy(self, **kw: Any) -> ScaledDecimal:
        return ScaledDecimal(self.scale)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC instants; SQLite stores naive text, so attach UTC on the way out."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use an aware UTC instant")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
