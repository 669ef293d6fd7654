"""Bank statements through the service: whole file or nothing, duplicates skipped, refusals clear."""

from __future__ import annotations

import sqlite3
from datetime import date
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest

from app.core.bankfile import StatementError
from app.services.bank_import import UnreadableLines, import_statement, list_accounts, preview
from tests.conftest import SAMPLES, samples_or_skip


def counts(home: Path) -> tuple[int, int, int]:
    db = sqlite3.connect(home / "counterfoil.sqlite3")
    try:
        return tuple(
            db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # type: ignore[return-value]
            for t in ("bank_lines", "bank_imports", "audit_events")
        )
    finally:
        db.close()


SAMPLE_FILES = sorted(
    p
    for p in (SAMPLES / "bank").rglob("*")
    if p.is_file() and p.suffix not in (".md", ".tsv") and not p.name.startswith(".")
)


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=[p.name for p in SAMPLE_FILES])
def test_every_sample_imports_once_and_a_second_time_adds_nothing(
    ctx: Any, home: Path, path: Path
) -> None:
    samples_or_skip("bank")
    first = import_statement(ctx, path, accept_problems=True)
    assert first.imported + first.duplicates == first.lines_in_file - first.pending_skipped
    assert first.imported > 0
    second = import_statement(ctx, path, accept_problems=True)
    assert second.imported == 0
    assert second.duplicates == first.imported + first.duplicates
    assert counts(home)[0] == first.imported


def test_overlapping_statements_skip_the_shared_lines(ctx: Any, tmp_path: Path) -> None:
    header = "Date;Description;Amount\n"
    a = tmp_path / "a.csv"
    b = tmp_path / "b.csv"
    a.write_text(
        header + "01.02.2026;Rent;-900,00\n02.02.2026;Invoice 17;250,00\n", encoding="utf-8"
    )
    b.write_text(
        header + "02.02.2026;Invoice 17;250,00\n03.02.2026;Invoice 18;99,00\n", encoding="utf-8"
    )
    assert import_statement(ctx, a).imported == 2
    second = import_statement(ctx, b)
    assert (second.imported, second.duplicates) == (1, 1)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "empty"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n" + bytes(range(256)) * 4, "PDF"),
    ],
)
def test_unreadable_files_are_refused_and_nothing_changes(
    ctx: Any, home: Path, tmp_path: Path, content: bytes, words: str
) -> None:
    before = counts(home)
    f = tmp_path / "statement.csv"
    f.write_bytes(content)
    with pytest.raises(StatementError) as info:
        import_statement(ctx, f)
    assert words in str(info.value) and "statement.csv" in str(info.value)
    assert counts(home) == before


def test_a_three_gigabyte_file_is_refused_before_it_is_read(
    ctx: Any, home: Path, tmp_path: Path
) -> None:
    f = tmp_path / "huge.csv"
    with open(f, "wb") as fh:  # a sparse file: 3 GB on paper, nothing on disk
        fh.truncate(3 * 1024**3)
    before = counts(home)
    with pytest.raises(StatementError, match=r"huge\.csv"):
        import_statement(ctx, f)
    assert counts(home) == before


def test_bad_lines_stop_the_import_until_the_user_accepts_the_rest(
    ctx: Any, home: Path, tmp_path: Path
) -> None:
    f = tmp_path / "s.csv"
    f.write_text(
        "Date;Description;Amount\n01.02.2026;Good one;10,00\n31.02.2026;Impossible date;5,00\n"
        "03.02.2026;Trailing minus;1.234.567,89-\n",
        encoding="utf-8",
    )
    before = counts(home)
    with pytest.raises(UnreadableLines) as info:
        import_statement(ctx, f)
    assert "line 3" in str(info.value)
    assert counts(home) == before
    result = import_statement(ctx, f, accept_problems=True)
    assert result.imported == 2
    db = sqlite3.connect(home / "counterfoil.sqlite3")
    amounts = sorted(r[0] for r in db.execute("SELECT amount_minor FROM bank_lines"))
    assert amounts == [-123456789, 1000]


def _long_statement(path: Path, rows: int, bad_row: int | None = None) -> Path:
    """``rows`` payments of 1.00, 2.00, …, dated 13 to 28 February (a day above 12, so the
    day/month order is never in doubt); row ``bad_row`` gets 31 February."""
    lines = ["Date;Description;Amount"]
    for i in range(1, rows + 1):
        day = "31" if i == bad_row else f"{13 + i % 16:02d}"
        lines.append(f"{day}.02.2026;Payment {i};{i},00")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_preview_reads_only_the_head_of_a_long_file(ctx: Any, tmp_path: Path) -> None:
    path = _long_statement(tmp_path / "long.csv", 3000)
    head = preview(ctx, path, max_lines=200)
    assert not head.complete
    assert len(head.statement.lines) == 200
    assert head.statement.lines[0].description == "Payment 1"
    assert head.statement.lines[-1].amount == D("200.00")
    assert head.statement.lines[-1].line_no == 201  # the header is line 1
    whole = preview(ctx, path, max_lines=None)
    assert whole.complete and len(whole.statement.lines) == 3000
    assert whole.profile == head.profile  # the layout comes from the whole file either way

    # The import reads everything, with the layout the preview showed.
    assert import_statement(ctx, path, profile=head.profile).imported == 3000
    assert preview(ctx, path, max_lines=200).duplicates == 200  # all of the head, already in


def test_a_bad_line_past_the_preview_still_stops_the_import(
    ctx: Any, home: Path, tmp_path: Path
) -> None:
    path = _long_statement(tmp_path / "long.csv", 1000, bad_row=900)
    assert preview(ctx, path, max_lines=100).statement.problems == []
    before = counts(home)
    with pytest.raises(UnreadableLines, match="line 901"):
        import_statement(ctx, path)
    assert counts(home) == before
    assert import_statement(ctx, path, accept_problems=True).imported == 999


def test_a_date_order_left_open_by_the_sample_is_settled_by_the_whole_file(
    ctx: Any, home: Path, tmp_path: Path
) -> None:
    # 1,500 rows dated 01/01 … 12/12 (either order reads), then one 02/13/2026: only
    # month-first reads that, so 02/01/2026 is 1 February, not 2 January.
    rows = ["Date,Description,Amount"]
    rows += [f"{1 + i % 12:02d}/{1 + i // 12 % 12:02d}/2026,Fee {i},-1.00" for i in range(1500)]
    rows.append("02/13/2026,Fee late,-1.00")
    path = tmp_path / "us.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    found = preview(ctx, path, max_lines=100)
    assert found.profile is not None and found.profile.date_format == "%m/%d/%Y"
    assert found.statement.lines[1].booking_date == date(2026, 2, 1)  # row "02/01/2026"
    import_statement(ctx, path, profile=found.profile)
    db = sqlite3.connect(home / "counterfoil.sqlite3")
    try:
        assert db.execute(
            "SELECT booking_date FROM bank_lines WHERE description = 'Fee late'"
        ).fetchone() == ("2026-02-13",)
    finally:
        db.close()


def test_accounts_are_listed_by_name(ctx: Any, tmp_path: Path) -> None:
    assert list_accounts(ctx) == []
    path = _long_statement(tmp_path / "s.csv", 3)
    import_statement(ctx, path, account="Savings")
    import_statement(ctx, path)
    assert list_accounts(ctx) == ["Main account", "Savings"]


def test_an_invoice_export_given_to_the_command_line_is_refused_and_nothing_changes(
    ctx: Any, home: Path, tmp_path: Path
) -> None:
    """Our own invoice list has dates and amounts too; unattended, nobody would notice
    "Issued" taken for the booking date and "Net" for the amount, so it is refused."""
    f = tmp_path / "invoices.csv"
    f.write_text(
        "Number,Type,Status,Client,Issued,Due,Currency,Net,Tax,Total,Paid,Balance\n"
        "INV-1,invoice,issued,Acme,2026-01-01,2026-01-31,EUR,100.00,23.00,123.00,0.00,123.00\n"
        "INV-2,invoice,paid,Beta,2026-01-02,2026-02-01,EUR,50.00,11.50,61.50,61.50,0.00\n",
        encoding="utf-8",
    )
    before = counts(home)
    with pytest.raises(StatementError) as info:
        import_statement(ctx, f, unattended=True)
    message = str(info.value)
    assert "invoices.csv" in message and "does not look like" in message
    assert counts(home) == before


def test_a_statement_headed_in_an_unknown_language_still_imports_unattended(
    ctx: Any, home: Path, tmp_path: Path
) -> None:
    """Finnish headers name nothing the detector knows; the columns are found from
    their contents, and that is not a reason to refuse: 2 lines, 12,50 - 3,00."""
    f = tmp_path / "tiliote.csv"
    f.write_text(
        "Kirjauspäivä;Määrä;Saaja;Viesti\n"
        "15.03.2026;12,50;Oy Asiakas Ab;Lasku 1001\n"
        "16.03.2026;-3,00;Pankki;Palvelumaksu\n",
        encoding="utf-8",
    )
    result = import_statement(ctx, f, unattended=True)
    assert result.imported == 2
    db = sqlite3.connect(home / "counterfoil.sqlite3")
    amounts = sorted(r[0] for r in db.execute("SELECT amount_minor FROM bank_lines"))
    db.close()
    assert amounts == [-300, 1250]


def test_a_saved_layout_reads_the_next_file_with_the_same_header(
    ctx: Any, home: Path, tmp_path: Path
) -> None:
    """The first file's detected layout is saved (with the date order the whole file
    settled: 13.02 is day first); the next file with that header is read with it, even
    though its own dates (01.02, 02.03) could be either order."""
    header = "Datum;Verwendungszweck;Betrag\n"
    first = tmp_path / "january.csv"
    first.write_text(header + "05.01.2026;Invoice 1;10,00\n13.02.2026;Invoice 2;20,00\n")
    result = import_statement(ctx, first, save_profile=True)
    assert (result.imported, result.profile_used) == (2, "detected")
    second = tmp_path / "march.csv"
    second.write_text(header + "01.02.2026;Invoice 3;30,00\n02.03.2026;Invoice 4;40,00\n")
    again = import_statement(ctx, second)
    assert (again.imported, again.profile_used) == (2, "saved")
    db = sqlite3.connect(home / "counterfoil.sqlite3")
    dates = [r[0] for r in db.execute("SELECT booking_date FROM bank_lines ORDER BY id")]
    profiles = db.execute("SELECT count(*) FROM bank_profiles").fetchone()[0]
    db.close()
    # day first: 01.02 is 1 February and 02.03 is 2 March
    assert dates[2:] == ["2026-02-01", "2026-03-02"]
    assert profiles == 1
