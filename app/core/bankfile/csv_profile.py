"""The saved description of one bank's CSV layout.

Modelled on hledger's CSV rules: encoding, separator, lines to skip, whether
there is a header, what each column holds, the date format, the decimal mark
and how the sign of an amount is written.  Detection proposes a profile; an
import wizard may show it, let the user correct it, and save it.  The header
signature recognises the same layout next time, so a corrected profile is
reused without asking again.

A profile describes data rows by position: ``columns[i]`` is the role of the
i-th field of a data row.  ``skip_records`` counts CSV records (a record may
span several physical lines when a quoted field holds a newline) before the
header, or before the first data row when there is no header.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from enum import StrEnum
from typing import Any

PROFILE_VERSION = 1


class ColumnRole(StrEnum):
    """What one column of a delimited bank file holds."""

    DATE = "date"
    VALUE_DATE = "value_date"
    AMOUNT = "amount"
    DEBIT = "debit"
    CREDIT = "credit"
    INDICATOR = "indicator"
    DESCRIPTION = "description"
    COUNTERPARTY = "counterparty"
    PAYER = "payer"
    PAYEE = "payee"
    COUNTERPARTY_IBAN = "counterparty_iban"
    BALANCE = "balance"
    CURRENCY = "currency"
    REFERENCE = "reference"
    TRANSACTION_ID = "transaction_id"
    STATUS = "status"
    RECORD_TYPE = "record_type"
    ACCOUNT = "account"
    TYPE = "type"
    IGNORE = "ignore"


class AmountConvention(StrEnum):
    """How the sign of an amount is written.

    ``signed``: one amount column, negative for money out.
    ``debit_credit``: money out and money in in two columns (either sign).
    ``indicator``: an unsigned amount plus a column such as Af/Bij, C/D, D/K.
    """

    SIGNED = "signed"
    DEBIT_CREDIT = "debit_credit"
    INDICATOR = "indicator"


SINGLE_ROLES = frozenset(ColumnRole) - {ColumnRole.DESCRIPTION, ColumnRole.TYPE, ColumnRole.IGNORE}


def fold_name(text: str) -> str:
    """A header name reduced for comparison: no accents, case or punctuation.

    Letters and digits are split ("VWZ1" → "vwz 1") so numbered columns
    compare by their word.
    """
    special = str.maketrans(
        {
            "ß": "ss",
            "ł": "l",
            "Ł": "l",
            "ø": "o",
            "Ø": "o",
            "æ": "ae",
            "Æ": "ae",
            "œ": "oe",
            "đ": "d",
            "Đ": "d",
            "ı": "i",
            "þ": "th",
        }
    )
    decomposed = unicodedata.normalize("NFKD", text.translate(special))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    plain = re.sub(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])", " ", plain)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())


def header_signature(header: Sequence[str], delimiter: str, width: int) -> str:
    """A short stable key for a layout: its folded header names, or its width."""
    if header and any(cell.strip() for cell in header):
        basis = "|".join(fold_name(cell) for cell in header).rstrip("|")
    else:
        basis = f"no header|{width}"
    digest = hashlib.sha256(f"{delimiter}|{basis}".encode()).hexdigest()
    return digest[:16]


@dataclass(frozen=True)
class CsvProfile:
    """How to read one bank's delimited export.

    ``indicator_in``/``indicator_out`` list the folded values of the indicator
    column meaning money in / money out (an empty string is allowed: a card
    statement that marks only credits with "CR").  ``record_types`` lists the
    values of the record-type column whose rows are transactions.
    ``pending_values`` are folded status (or date) cell values that mark a
    line as not yet booked.  ``balance_before`` says the balance column holds
    the balance before the line rather than after it.
    """

    delimiter: str
    columns: tuple[ColumnRole, ...]
    date_format: str
    decimal_mark: str = "."
    encoding: str | None = None
    skip_records: int = 0
    has_header: bool = True
    header: tuple[str, ...] = ()
    value_date_format: str | None = None
    amount_convention: AmountConvention = AmountConvention.SIGNED
    indicator_in: tuple[str, ...] = ()
    indicator_out: tuple[str, ...] = ()
    minor_units: bool = False
    record_types: tuple[str, ...] = ()
    pending_values: tuple[str, ...] = ()
    balance_before: bool = False
    merge_continuation_rows: bool = False
    value_date_in_description: bool = False
    default_currency: str | None = None
    format_name: str = "csv"

    def __post_init__(self) -> None:
        if len(self.delimiter) != 1:
            raise ValueError("the delimiter must be a single character")
        if self.decimal_mark not in (".", ","):
            raise ValueError("the decimal mark must be '.' or ','")
        object.__setattr__(self, "columns", tuple(ColumnRole(c) for c in self.columns))
        object.__setattr__(self, "amount_convention", AmountConvention(self.amount_convention))
        for role in SINGLE_ROLES:
            if self.columns.count(role) > 1:
                raise ValueError(f"only one column may hold the role {role.value!r}")

    @property
    def signature(self) -> str:
        """The header signature this profile was made for."""
        return header_signature(self.header, self.delimiter, len(self.columns))

    def column_of(self, role: ColumnRole) -> int | None:
        """Index of the column holding ``role``, or None."""
        try:
            return self.columns.index(role)
        except ValueError:
            return None

    def columns_of(self, role: ColumnRole) -> list[int]:
        return [i for i, r in enumerate(self.columns) if r is role]

    def with_changes(self, **changes: Any) -> CsvProfile:
        """A copy with some settings changed (what a wizard does after an edit)."""
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict; ``from_dict`` reads it back."""
        data = asdict(self)
        data["columns"] = [role.value for role in self.columns]
        data["amount_convention"] = self.amount_convention.value
        for key in ("header", "indicator_in", "indicator_out", "record_types", "pending_values"):
            data[key] = list(data[key])
        data["version"] = PROFILE_VERSION
        data["signature"] = self.signature
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CsvProfile:
        """Rebuild a profile saved by ``to_dict``; unknown keys are ignored."""
        version = int(data.get("version", PROFILE_VERSION))
        if version > PROFILE_VERSION:
            raise ValueError(f"profile version {version} is newer than this program understands")
        try:
            columns = tuple(ColumnRole(c) for c in data["columns"])
        except ValueError as exc:
            raise ValueError(f"unknown column role in saved profile: {exc}") from exc
        except KeyError as exc:
            raise ValueError(f"saved profile lacks {exc}") from exc
        if "delimiter" not in data or "date_format" not in data:
            raise ValueError("saved profile lacks the delimiter or the date format")
        tuples = ("header", "indicator_in", "indicator_out", "record_types", "pending_values")
        kwargs: dict[str, Any] = {}
        for name in cls.__dataclass_fields__:
            if name in data and name != "columns":
                value = data[name]
                kwargs[name] = tuple(value) if name in tuples else value
        kwargs["columns"] = columns
        return cls(**kwargs)
