"""Importing bank statements: whole file or nothing, duplicates skipped, raw text kept.

The file's size is checked on disk before it is read (a mistaken multi-GB
file is refused without loading it).  A CSV layout saved as a profile is
recognised by its header next time.  Lines are written with bulk inserts in
one transaction; the import itself is one audit event with the file's SHA-256
and the counts, so a 100,000-line statement stays fast.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.bankfile import (
    CsvProfile,
    LineProblem,
    Statement,
    StatementError,
    check_size,
    detect_csv_profile,
    line_keys,
    parse_statement,
)
from app.core.bankfile.model import Detection
from app.core.collector import collector_paused
from app.core.currency import UnknownCurrencyError, exponent, normalise_currency
from app.db import models as m
from app.services import settings as settings_service
from app.services.audit import record
from app.services.context import AppContext
from app.services.errors import ValidationError
from app.services.statement_head import read_for_preview

DEFAULT_ACCOUNT = "Main account"


@dataclass
class BankImportResult:
    import_id: int = 0
    account: str = ""
    format: str = ""
    encoding: str = ""
    lines_in_file: int = 0
    imported: int = 0
    duplicates: int = 0
    pending_skipped: int = 0
    problems: list[LineProblem] = field(default_factory=list)
    profile_used: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "import_id": self.import_id,
            "account": self.account,
            "format": self.format,
            "encoding": self.encoding,
            "lines_in_file": self.lines_in_file,
            "imported": self.imported,
            "duplicates": self.duplicates,
            "pending_skipped": self.pending_skipped,
            "problems": [{"line": p.line_no, "reason": p.reason} for p in self.problems],
            "profile": self.profile_used,
        }


class UnreadableLines(ValidationError):
    """Some lines could not be read; nothing was imported until the user decides."""

    def __init__(self, filename: str, problems: list[LineProblem]) -> None:
        self.problems = problems
        shown = "; ".join(f"line {p.line_no}: {p.reason}" for p in problems[:10])
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
        super().__init__(
            f"{filename}: {len(problems)} line(s) cannot be read, nothing imported: {shown}{more}. "
            "Import the readable lines anyway, or fix the file."
        )


def read_file(path: Path) -> bytes:
    """The file's bytes, after refusing it by size without reading it."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise StatementError(str(path), None, "no such file") from None
    check_size(size, str(path))
    return path.read_bytes()


PREVIEW_LINES = 500


@dataclass
class ImportPreview:
    """The file as it would be imported; ``complete`` is False when only its head was read."""

    statement: Statement
    profile: CsvProfile | None
    detection: Detection
    saved_profile: bool
    duplicates: int
    account: str
    complete: bool = True


def _saved_profile(s: Session, signature: str) -> CsvProfile | None:
    row = s.execute(
        select(m.BankProfile)
        .where(m.BankProfile.header_signature == signature)
        .order_by(m.BankProfile.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    return CsvProfile.from_dict(json.loads(row.profile_json)) if row is not None else None


def _detected_or_saved(
    s: Session, data: bytes, filename: str
) -> tuple[CsvProfile | None, Detection | None, bool]:
    """The layout saved for this header, else the detected one (with its detection)."""
    try:
        guessed, detection = detect_csv_profile(data, filename)
    except StatementError:
        return None, None, False
    saved = _saved_profile(s, guessed.signature)
    if saved is not None:
        return saved, None, True
    return guessed, detection, False


_AMOUNT_ROLES = {"amount", "debit", "credit"}
_DATE_ROLES = {"date", "value_date"}


def _refuse_guessed_layout(filename: str, profile: CsvProfile, detection: Detection) -> None:
    """Refuse a file whose header names other things but neither a date nor an amount.

    A header in a language the detector does not know names nothing, and its
    columns are rightly found from their contents; a header that names a status, a
    type and a currency but no date and no amount is some other export.
    """
    if not profile.has_header:
        return  # no header to name them: contents are all there is, and banks do this
    columns = [c for c in detection.choices if c.key == "column"]
    named = [c for c in columns if not c.doubtful and c.reason.startswith("header ")]
    date_named = any(c.value in _DATE_ROLES for c in named)
    amount_named = any(c.value in _AMOUNT_ROLES for c in named)
    convention = next((c for c in detection.choices if c.key == "amount_convention"), None)
    if convention is not None and convention.doubtful:
        amount_named = False
    others = [c for c in named if c.value not in _DATE_ROLES | _AMOUNT_ROLES]
    if date_named or amount_named or len(others) < 3:
        return
    raise StatementError(
        filename,
        1,
        "the header names other columns but none as a date or an amount the way a bank "
        "statement does, so this does not look like one (an invoice or client list has "
        "dates and amounts too). If it is a statement, import it in the window to confirm "
        "its columns, or pass --profile with a saved layout.",
    )


def _is_delimited(data: bytes, filename: str) -> bool:
    from app.core.bankfile import FileFormat, sniff_format

    try:
        # The format markers are ASCII, so a latin-1 view of the head is enough to sniff.
        return sniff_format(data[:8192].decode("latin-1"), filename) is FileFormat.CSV
    except (StatementError, ValueError):
        return False


def preview(
    ctx: AppContext,
    path: Path,
    profile: CsvProfile | None = None,
    account: str | None = None,
    max_lines: int | None = PREVIEW_LINES,
) -> ImportPreview:
    """Read the file as it would be imported, without writing (for the wizard's preview).

    A delimited file longer than ``max_lines`` rows is parsed only as far as the
    preview shows (``complete`` is then False; its counts are those of the head);
    the import itself always reads the whole file.  ``max_lines=None`` reads it all.
    """
    data = read_file(path)
    with ctx.uow.read() as uow:
        s = uow.session
        saved = False
        detection: Detection | None = None
        if profile is None and _is_delimited(data, path.name):
            profile, detection, saved = _detected_or_saved(s, data, path.name)
        statement, profile, detection, complete = read_for_preview(
            data, path.name, profile, detection, max_lines
        )
        acct = _account_name(s, statement, account)
        duplicates = _count_existing(s, acct, statement)
    return ImportPreview(statement, profile, detection, saved, duplicates, acct, complete)


def list_accounts(ctx: AppContext) -> list[str]:
    """The bank accounts statements were imported into, by name (for the wizard's choice)."""
    with ctx.uow.read() as uow:
        return list(
            uow.session.execute(select(m.BankAccount.name).order_by(m.BankAccount.name)).scalars()
        )


def _account_name(s: Session, statement: Statement, requested: str | None) -> str:
    if requested:
        return requested
    iban = (statement.account_iban or "").replace(" ", "").upper()
    if iban:
        found = s.execute(
            select(m.BankAccount.name).where(m.BankAccount.iban == iban)
        ).scalar_one_or_none()
        if found:
            return found
    return DEFAULT_ACCOUNT


def _account(s: Session, ctx: AppContext, name: str, statement: Statement) -> m.BankAccount:
    row = s.execute(select(m.BankAccount).where(m.BankAccount.name == name)).scalar_one_or_none()
    if row is None:
        row = m.BankAccount(
            name=name,
            iban=(statement.account_iban or "").replace(" ", "").upper(),
            currency=_currency(statement.currency, ""),
            created_at=ctx.clock.now_utc(),
        )
        s.add(row)
        s.flush()
        record(s, ctx.audit, "bank_account.create", "bank_account", row.id, after={"name": name})
    return row


def _existing(s: Session, account_id: int, keys: list[str]) -> set[str]:
    """Keys of this file already stored for the account.

    A small account is read whole in one query; a large one is asked in
    batches, so neither a big file nor a big history costs much.
    """
    stored = s.scalar(select(func.count()).where(m.BankLine.account_id == account_id)) or 0
    if stored <= 4 * len(keys):
        wanted = set(keys)
        every = s.execute(select(m.BankLine.fingerprint).where(m.BankLine.account_id == account_id))
        return {k for k in every.scalars() if k in wanted}
    found: set[str] = set()
    for start in range(0, len(keys), 900):
        part = keys[start : start + 900]
        found.update(
            s.execute(
                select(m.BankLine.fingerprint).where(
                    m.BankLine.account_id == account_id, m.BankLine.fingerprint.in_(part)
                )
            ).scalars()
        )
    return found


def _count_existing(s: Session, account_name: str, statement: Statement) -> int:
    acct = s.execute(
        select(m.BankAccount.id).where(m.BankAccount.name == account_name)
    ).scalar_one_or_none()
    if acct is None:
        return 0
    booked = statement.booked
    return len(_existing(s, acct, line_keys(booked, account_name)))


def import_statement(
    ctx: AppContext,
    path: Path,
    *,
    account: str | None = None,
    profile: CsvProfile | None = None,
    save_profile: bool = False,
    accept_problems: bool = False,
    unattended: bool = False,
    progress: Any = None,
    cancel: Any = None,
) -> BankImportResult:
    """Import one statement file; raises UnreadableLines / StatementError without changing anything.

    ``unattended`` (the command line): nobody looks at the detected layout, so a
    file whose header names neither a date nor an amount column the way banks do is
    refused rather than guessed at — an invoice or client export has dates and
    amounts too.  In the window the user sees and confirms the layout first.
    """
    data = read_file(path)
    with ctx.uow() as uow, collector_paused():
        s = uow.session
        given = profile is not None
        saved_one: list[CsvProfile] = []

        def saved_layout(signature: str) -> CsvProfile | None:
            found = _saved_profile(s, signature)
            saved_one.extend([found] if found is not None else [])
            return found

        statement = parse_statement(
            data, path.name, profile, progress, cancel, saved_layout=saved_layout
        )
        saved = bool(saved_one)
        if unattended and not given and not saved and statement.layout is not None:
            _refuse_guessed_layout(path.name, statement.layout, statement.detection)
        if statement.problems and not accept_problems:
            raise UnreadableLines(path.name, statement.problems)
        if not statement.lines:
            raise StatementError(path.name, None, "the file holds no transactions")
        name = _account_name(s, statement, account)
        acct = _account(s, ctx, name, statement)
        company_currency = settings_service.get(s, "company.currency")
        booked = statement.booked
        keys = line_keys(booked, name)
        existing = _existing(s, acct.id, keys)
        result = BankImportResult(
            account=name,
            format=statement.format,
            encoding=statement.encoding,
            lines_in_file=len(statement.lines),
            pending_skipped=len(statement.pending),
            problems=list(statement.problems),
            profile_used="saved" if saved else ("given" if given else "detected"),
        )
        sha = hashlib.sha256(data).hexdigest()
        imp = m.BankImport(
            account_id=acct.id,
            filename=path.name,
            sha256=sha,
            format=statement.format,
            encoding=statement.encoding,
            line_count=len(statement.lines),
            rejected_count=len(statement.problems),
            imported_at=ctx.clock.now_utc(),
        )
        s.add(imp)
        s.flush()
        rows = []
        seen_now: set[str] = set()
        currencies: dict[str | None, str] = {}
        account_id, import_id = acct.id, imp.id
        for line, key in zip(booked, keys, strict=True):
            if key in existing or key in seen_now:
                result.duplicates += 1
                continue
            seen_now.add(key)
            stated = line.currency or statement.currency
            currency = currencies.get(stated)
            if currency is None:
                currency = currencies[stated] = _currency(stated, acct.currency or company_currency)
            rows.append(_line_row(account_id, import_id, line, key, currency))
        _store_lines(s, rows)
        imp.imported_count = result.imported = len(rows)
        imp.duplicate_count = result.duplicates
        result.import_id = imp.id
        layout = profile or statement.layout  # given, saved, or detected from the whole file
        if save_profile and layout is not None:
            s.add(
                m.BankProfile(
                    name=f"{name} ({path.name})",
                    account_id=acct.id,
                    header_signature=layout.signature,
                    profile_json=json.dumps(layout.to_dict()),
                    created_at=ctx.clock.now_utc(),
                )
            )
        record(
            s,
            ctx.audit,
            "bank.import",
            "bank_import",
            imp.id,
            after={
                "file": path.name,
                "sha256": sha,
                "account": name,
                "format": statement.format,
                "imported": result.imported,
                "duplicates": result.duplicates,
                "problems_skipped": len(statement.problems),
                "pending_skipped": result.pending_skipped,
            },
        )
        uow.commit()
    return result


def _currency(stated: str | None, fallback: str) -> str:
    """The line's currency; an unknown or anonymised code ("XXX") falls back to the account's."""
    try:
        return normalise_currency(stated or "")
    except UnknownCurrencyError:
        return fallback


_COLUMNS = (
    "account_id",
    "import_id",
    "line_no",
    "booking_date",
    "value_date",
    "amount_minor",
    "currency",
    "description",
    "counterparty",
    "counterparty_iban",
    "reference",
    "bank_txn_id",
    "balance_minor",
    "pending",
    "fingerprint",
    "status",
    "raw",
    "match_kind",
    "match_score",
    "match_explanation",
    "suggestions_json",
)


def _store_lines(s: Session, rows: list[tuple[Any, ...]]) -> None:
    """Insert the new lines (tuples in ``_COLUMNS`` order) in one executemany.

    On SQLite the rows go straight to the driver (dates as ISO text, the way
    SQLAlchemy stores them): per-row parameter processing would cost more than
    reading the whole file.  Other databases take the ordinary Core insert.
    """
    if not rows:
        return
    conn = s.connection()
    if conn.dialect.name != "sqlite":
        conn.execute(m.BankLine.__table__.insert(), [dict(zip(_COLUMNS, r)) for r in rows])
        return
    sql = (
        f"INSERT INTO bank_lines ({', '.join(_COLUMNS)}) "
        f"VALUES ({', '.join('?' for _ in _COLUMNS)})"
    )
    booking, value, pending = (_COLUMNS.index(c) for c in ("booking_date", "value_date", "pending"))

    def driver_row(r: tuple[Any, ...]) -> tuple[Any, ...]:
        out = list(r)
        out[booking] = r[booking].isoformat()
        out[value] = None if r[value] is None else r[value].isoformat()
        out[pending] = int(r[pending])
        return tuple(out)

    conn.exec_driver_sql(sql, [driver_row(r) for r in rows])


def _minor(value: Decimal, scale: int) -> int:
    """Integer minor units, rounded half-up (bank amounts already have the currency's decimals)."""
    return int(value.scaleb(scale).to_integral_value(rounding=ROUND_HALF_UP))


def _line_row(
    account_id: int, import_id: int, line: Any, key: str, currency: str
) -> tuple[Any, ...]:
    """One bank line's column values, in ``_COLUMNS`` order (a tuple: 100,000 of them are built)."""
    scale = exponent(currency)
    return (
        account_id,
        import_id,
        line.line_no,
        line.booking_date,
        line.value_date,
        _minor(line.amount, scale),
        currency,
        line.description,
        line.counterparty[:200],
        line.counterparty_iban[:40],
        line.reference[:60],
        (line.bank_transaction_id or "")[:100],
        None if line.balance_after is None else _minor(line.balance_after, scale),
        False,
        key,
        "unmatched",
        line.raw,
        "",
        0,
        "",
        "",
    )
