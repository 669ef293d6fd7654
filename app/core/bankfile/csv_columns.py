"""What each column of a delimited bank export holds, as far as its header says.

``column_stats`` summarises a column's content (dates, amounts, IBANs, codes,
text, pending markers).  Header names propose roles (see ``vocabulary``) and
the content must agree with the proposal: a column called "Valuta" holds
dates in one bank's export and currency codes in another's.  When the header
has more names than the rows have fields, ``align_header`` finds which names
belong to which fields.  Roles the header leaves open are filled from content
in ``csv_content``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from app.core.bankfile.cells import CellKind, cell_kind, is_currency_code
from app.core.bankfile.csv_profile import SINGLE_ROLES, ColumnRole
from app.core.bankfile.dates import DateFormatGuess, infer_date_format
from app.core.bankfile.decimals import mark_evidence
from app.core.bankfile.identifiers import is_iban
from app.core.bankfile.vocabulary import (
    MONEY_IN,
    MONEY_OUT,
    PENDING_WORDS,
    fold_value,
    role_scores,
)

R = ColumnRole
_AMOUNT_ROLES = (R.AMOUNT, R.DEBIT, R.CREDIT, R.BALANCE)
_INTEGER = re.compile(r"[+-]?\d+")
_BIC = re.compile(r"[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?")
_ACCOUNT_LIKE = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9 ]{10,30}|[\d /-]{5,34}")


@dataclass
class ColumnStats:
    """What the sample rows hold in one column."""

    index: int
    rows: int
    nonempty: list[str]
    kinds: Counter[CellKind]
    date_guess: DateFormatGuess | None
    pending: set[str]
    negative: bool
    decimals: int
    id_like: bool
    distinct: int
    constant: bool
    avg_len: float
    delimiter_counts: Counter[int]

    def ratio(self, kind: CellKind) -> float:
        return self.kinds[kind] / len(self.nonempty) if self.nonempty else 0.0

    @property
    def amount_ratio(self) -> float:
        return self.ratio(CellKind.AMOUNT)

    @property
    def dated(self) -> bool:
        """Dates throughout (content alone may call it a date column)."""
        return self.date_guess is not None and self.ratio(CellKind.DATE) >= 0.9

    @property
    def empty(self) -> bool:
        return not self.nonempty

    def indicator_values(self) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
        """(money-in values, money-out values) when the column is a D/C-style flag."""
        folded = {fold_value(v) for v in self.nonempty}
        if not folded or len(folded) > 3 or not folded <= (MONEY_IN | MONEY_OUT):
            return None
        ins = tuple(sorted(folded & MONEY_IN))
        outs = tuple(sorted(folded - MONEY_IN))
        if len(self.nonempty) < self.rows:
            if ins and not outs:
                outs = ("",)
            elif outs and not ins:
                ins = ("",)
        return ins, outs


def column_stats(index: int, cells: Sequence[str], delimiter: str) -> ColumnStats:
    nonempty = [c.strip() for c in cells if c.strip()]
    counts = Counter(nonempty)
    folded = {v: fold_value(v) for v in counts if v[:1].isalpha() and len(v) <= 24}
    pending = {f for f in folded.values() if f in PENDING_WORDS}
    kind_of = {v: cell_kind(v) for v in counts if folded.get(v) not in PENDING_WORDS}
    datable = [v for v in nonempty if v in kind_of]
    kinds: Counter[CellKind] = Counter()
    for value, kind in kind_of.items():
        kinds[kind] += counts[value]
    date_guess = None
    if datable and kinds[CellKind.DATE] >= 0.6 * len(datable):
        date_guess = infer_date_format([v for v in datable if kind_of[v] is CellKind.DATE])
    amounts = [v for v in datable if kind_of[v] is CellKind.AMOUNT]
    negative = any(
        v.startswith("-") or v.endswith(("-", "DR", "Dr", "dr", "DR.")) or v.startswith("(")
        for v in amounts
    )
    decimals = sum(1 for v in amounts if mark_evidence(v) is not None)
    integers = [v for v in amounts if _INTEGER.fullmatch(v)]
    id_like = (
        bool(amounts)
        and len(integers) == len(amounts)
        and (
            any(len(v) > 1 and v.startswith("0") for v in integers)
            or all(len(v.lstrip("+-")) >= 7 for v in integers)
        )
    )
    distinct = len(counts)
    return ColumnStats(
        index=index,
        rows=len(cells),
        nonempty=nonempty,
        kinds=kinds,
        date_guess=date_guess,
        pending=pending,
        negative=negative,
        decimals=decimals,
        id_like=id_like,
        distinct=distinct,
        constant=len(cells) >= 2 and distinct == 1 and len(nonempty) == len(cells),
        avg_len=sum(len(v) for v in nonempty) / len(nonempty) if nonempty else 0.0,
        delimiter_counts=Counter(v.count(delimiter) for v in nonempty),
    )


@dataclass
class Assignment:
    """Roles of the data columns, with the reason for each and what was doubtful."""

    roles: list[ColumnRole]
    reasons: dict[int, str] = field(default_factory=dict)
    doubtful: set[int] = field(default_factory=set)
    header_for: dict[int, str] = field(default_factory=dict)
    alignment_note: str = ""
    alignment_doubtful: bool = False

    def column(self, role: ColumnRole) -> int | None:
        return self.roles.index(role) if role in self.roles else None

    def set(self, index: int, role: ColumnRole, reason: str, doubtful: bool = False) -> None:
        self.roles[index] = role
        self.reasons[index] = reason
        if doubtful:
            self.doubtful.add(index)
        else:
            self.doubtful.discard(index)


def _compatible(role: ColumnRole, stats: ColumnStats) -> bool:
    """Whether a column's content agrees with the role its header name proposes.

    A majority of fitting values is enough: the header already says what the
    column is, and single unreadable values become line problems later.
    """
    if stats.empty:
        return role not in (R.DATE, R.RECORD_TYPE)
    if role in (R.DATE, R.VALUE_DATE):
        return stats.date_guess is not None
    if role in _AMOUNT_ROLES:
        return stats.amount_ratio >= 0.6 and stats.date_guess is None
    if role is R.CURRENCY:
        return sum(1 for v in stats.nonempty if is_currency_code(v)) >= 0.8 * len(stats.nonempty)
    if role is R.INDICATOR:
        return stats.indicator_values() is not None
    if role is R.TRANSACTION_ID:
        return (
            len(stats.nonempty) >= 0.9 * stats.rows
            and stats.distinct == len(stats.nonempty)
            and not any(" " in v for v in stats.nonempty)
        )
    if role is R.TYPE:
        return stats.date_guess is None
    if role in (R.DESCRIPTION, R.COUNTERPARTY, R.PAYER, R.PAYEE):
        return stats.date_guess is None and (stats.amount_ratio < 0.9 or stats.id_like)
    return True


def _merge_alignment(header_width: int, stats: list[ColumnStats]) -> list[int] | None:
    """Header index per data column when some quoted data fields swallowed neighbours.

    A bank that writes "Address,City,Country" as one quoted field produces rows
    shorter than the header; that field always holds the same number of
    delimiters, which tells how many header columns it covers.
    """
    missing = header_width - len(stats)
    spans = []
    for st in stats:
        counts = [c for c in st.delimiter_counts if c]
        if st.nonempty and len(st.delimiter_counts) == 1 and counts:
            spans.append(counts[0])
        else:
            spans.append(0)
    if missing <= 0 or sum(spans) != missing:
        return None
    mapping, offset = [], 0
    for span in spans:
        mapping.append(len(mapping) + offset)
        offset += span
    return mapping


def _agreement(mapping: list[int], header: Sequence[str], stats: list[ColumnStats]) -> float:
    score = 0.0
    for j, h in enumerate(mapping[: len(stats)]):
        if 0 <= h < len(header):
            proposals = role_scores(header[h])
            if proposals:
                role = max(proposals, key=proposals.__getitem__)
                score += 1.0 if _compatible(role, stats[j]) and not stats[j].empty else -0.5
    return score


def align_header(header: Sequence[str], stats: list[ColumnStats]) -> tuple[list[int], str, bool]:
    """Map data columns to header columns; returns (mapping, note, doubtful)."""
    names = list(header)
    while names and not names[-1].strip():
        names.pop()
    width = max((st.index + 1 for st in stats if not st.empty), default=0)
    used = stats[:width]
    identity = list(range(len(stats)))
    if len(names) <= width:
        return identity, "", False
    merged = _merge_alignment(len(names), used)
    if merged is not None:
        return (
            merged + list(range(len(names), len(names) + len(stats) - width)),
            (
                f"the header has {len(names)} names but rows have {width} fields: a quoted "
                "field holding the delimiter stands for several header columns"
            ),
            False,
        )
    shift = len(names) - width
    right = [j + shift for j in range(len(stats))]
    if _agreement(right, names, used) > _agreement(identity, names, used):
        return (
            right,
            (
                f"the header has {len(names)} names but rows have {width} fields; "
                "names are matched from the right"
            ),
            True,
        )
    return identity, "", False


def assign_from_header(
    header: Sequence[str], stats: list[ColumnStats], mapping: list[int]
) -> tuple[Assignment, dict[int, float]]:
    """Roles proposed by header names that the content agrees with."""
    assignment = Assignment([R.IGNORE] * len(stats))
    scores: dict[int, float] = {}
    for j, st in enumerate(stats):
        h = mapping[j] if j < len(mapping) else -1
        name = header[h] if 0 <= h < len(header) else ""
        if name.strip():
            assignment.header_for[j] = name.strip()
        proposals = role_scores(name)
        if not proposals:
            continue
        ranked = sorted(proposals, key=lambda r: (-proposals[r], r is not R.IGNORE))
        if (
            ranked[0] in (R.ACCOUNT, R.COUNTERPARTY_IBAN)
            and R.ACCOUNT in proposals
            and R.COUNTERPARTY_IBAN in proposals
            and abs(proposals[R.ACCOUNT] - proposals[R.COUNTERPARTY_IBAN]) <= 1.6
        ):
            preferred = R.ACCOUNT if st.constant or st.rows == 1 else R.COUNTERPARTY_IBAN
            ranked.remove(preferred)
            ranked.insert(0, preferred)
        for role in ranked:
            if role is R.IGNORE:
                assignment.set(j, R.IGNORE, f"header {name.strip()!r}: not needed")
                break
            if role in (R.COUNTERPARTY, R.PAYER, R.PAYEE) and _mostly_ibans(st):
                assignment.set(j, R.COUNTERPARTY_IBAN, f"header {name.strip()!r} holds IBANs")
                scores[j] = proposals[role]
                break
            if _compatible(role, st):
                assignment.set(j, role, f"header {name.strip()!r}")
                scores[j] = proposals[role]
                break
        else:
            best = ranked[0]
            assignment.set(
                j,
                R.IGNORE,
                f"header {name.strip()!r} suggests {best.value} but the content does not fit",
                doubtful=True,
            )
    _resolve_duplicates(assignment, scores)
    _pair_payer_and_payee(assignment)
    return assignment, scores


def _mostly_ibans(stats: ColumnStats) -> bool:
    return bool(stats.nonempty) and sum(1 for v in stats.nonempty if is_iban(v)) >= 0.8 * len(
        stats.nonempty
    )


def _pair_payer_and_payee(assignment: Assignment) -> None:
    """Payer and payee columns count only as a pair; a lone one is the counterparty."""
    payer, payee = assignment.column(R.PAYER), assignment.column(R.PAYEE)
    if payer is not None and payee is not None:
        return
    lone = payer if payer is not None else payee
    if lone is None:
        return
    if assignment.column(R.COUNTERPARTY) is None:
        assignment.set(lone, R.COUNTERPARTY, assignment.reasons.get(lone, ""))
    else:
        assignment.set(lone, R.IGNORE, "another column names the counterparty")


def _resolve_duplicates(assignment: Assignment, scores: dict[int, float]) -> None:
    for role in SINGLE_ROLES:
        holders = [j for j, r in enumerate(assignment.roles) if r is role]
        if len(holders) < 2:
            continue
        keep = max(holders, key=lambda j: (scores.get(j, 0.0), -j))
        for j in holders:
            if j != keep:
                assignment.set(j, R.IGNORE, f"another column is a better {role.value} column")
