"""The bank import wizard end to end on real bank exports: detect, correct, preview, import."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication

from app.core.bankfile import ColumnRole
from app.services.bank_import import import_statement
from app.services.reconcile import BankLineQuery, bank_line_ids, bank_line_rows
from app.ui.dialogs.bank_import_wizard import BankImportWizard, open_bank_import
from app.ui.widgets.bank_layout_form import DOUBT_STYLE
from tests.conftest import ROOT
from tests.ui.conftest import Gui

FIXTURES = ROOT / "tests" / "fixtures" / "bank" / "csv"


def _schwab_cheque(tmp_path: Path) -> Path:
    """Charles Schwab's export cut to its header and the cheque line of 08/09/2022, with the
    dollar signs left out as several US banks write their amounts.

    With one date whose numbers are both at most 12 and no currency sign to say the bank is
    American, nothing settles the order: the guess (day first) is flagged doubtful, and it
    is wrong — the cheque was paid on 9 August.
    """
    lines = (FIXTURES / "US_Schwab_checking.csv").read_bytes().splitlines(keepends=True)
    assert lines[3].startswith(b'"08/09/2022"')
    path = tmp_path / "schwab-cheque.csv"
    path.write_bytes((lines[0] + lines[3]).replace(b"$", b""))
    return path


def _lines(ctx: Any) -> list[Any]:
    ids = bank_line_ids(ctx, BankLineQuery())
    return sorted(bank_line_rows(ctx, ids), key=lambda r: r.booking_date)


def _wizard(gui: Gui, path: Path) -> BankImportWizard:
    wizard = open_bank_import(gui.window, gui.handle, path)
    gui.idle()
    gui.qtbot.waitUntil(wizard.file_page.isComplete, timeout=5000)
    return wizard


def test_correcting_a_guessed_date_order_then_importing(gui: Gui, tmp_path: Path) -> None:
    path = _schwab_cheque(tmp_path)
    wizard = _wizard(gui, path)
    assert "1 transaction." in wizard.file_page.status.text()
    assert "worth a look" in wizard.file_page.status.text()
    wizard.next()
    page = wizard.layout_page
    form, preview = page.form, page.preview

    # The day/month order is a guess: both date controls are highlighted, with the reason.
    assert {"date_format", "day_month"} <= set(form.doubts)
    assert form.order.styleSheet() == DOUBT_STYLE
    assert "day-first assumed" in form.reason_of("day_month")
    assert form.order.currentData() == "day"
    # Read day first, 08/09/2022 is 8 September.
    assert preview.dates() == ["8 Sept 2022"]
    assert preview.amounts() == ["-75.00"]  # a withdrawal is money out

    form.order.setCurrentIndex(form.order.findData("month"))
    assert form.date_format.currentData() == "%m/%d/%Y"
    assert form.order.styleSheet() == ""  # looked at and settled by the user
    gui.qtbot.waitUntil(lambda: preview.dates() == ["9 Aug 2022"], timeout=5000)
    gui.idle()
    assert page.isComplete()

    wizard.next()
    confirm = wizard.confirm_page
    assert "<b>1 new transaction</b>" in confirm.summary.text()
    assert confirm.save_profile.isChecked()
    assert not confirm.import_rest.isVisible()
    wizard.next()  # the commit button, "Import"
    imp = wizard.import_page
    gui.qtbot.waitUntil(lambda: imp.result is not None, timeout=10_000)
    gui.idle()
    assert imp.summary.text() == "Imported 1 transaction into “Main account”."

    stored = _lines(gui.ctx)
    assert [r.booking_date for r in stored] == [date(2022, 8, 9)]
    assert [r.amount_minor for r in stored] == [-7500]  # 75.00 out, in cents
    assert [r.description for r in stored] == ["Check Paid #558"]

    # The offer to reconcile: one payment going out, nothing to match.
    assert imp.offer.isVisible()
    imp.reconcile.button.click()
    gui.qtbot.waitUntil(lambda: imp.reconciled.text() != "", timeout=10_000)
    assert "1 payment going out" in imp.reconciled.text()
    wizard.accept()
    gui.idle()

    # Next month the same bank's file is read with the saved layout: no question asked,
    # and the lines already imported are recognised and skipped.
    again = _wizard(gui, path)
    assert again.draft.reading is not None and again.draft.reading.preview.saved_profile
    again.next()
    assert "saved layout" in again.layout_page.format_label.text()
    assert again.layout_page.preview.dates() == ["9 Aug 2022"]
    assert "day_month" not in again.layout_page.form.doubts
    again.next()
    assert "<b>0 new transactions</b>" in again.confirm_page.summary.text()
    assert "1 already imported will be skipped" in again.confirm_page.summary.text()
    again.next()
    gui.qtbot.waitUntil(lambda: again.import_page.result is not None, timeout=10_000)
    assert again.import_page.result.imported == 0
    assert again.import_page.result.duplicates == 1
    assert len(_lines(gui.ctx)) == 1
    again.accept()


def test_unreadable_lines_are_listed_and_left_out_only_when_the_user_agrees(
    gui: Gui, tmp_path: Path
) -> None:
    # Lloyds' real export plus one line with a date that does not exist.
    path = tmp_path / "lloyds.csv"
    bad = b"31/02/2024,DEB,'99-88-74,1515152252,NO SUCH DAY,1.00,,2039.59\n"
    path.write_bytes((FIXTURES / "UK_Lloyds_debit-credit.csv").read_bytes() + bad)
    wizard = _wizard(gui, path)
    wizard.next()
    preview = wizard.layout_page.preview
    assert preview.problems_model.rowCount() == 1
    assert preview.problems_model.text(0, 0) == "14"  # header + 12 lines, then ours
    assert "31/02/2024" in preview.problems_model.text(0, 1)
    wizard.next()
    confirm = wizard.confirm_page
    assert confirm.import_rest.isVisible()
    assert not confirm.isComplete()  # Import stays disabled until the user decides
    confirm.import_rest.setChecked(True)
    assert confirm.isComplete()
    wizard.next()
    imp = wizard.import_page
    gui.qtbot.waitUntil(lambda: imp.result is not None, timeout=10_000)
    assert imp.result.imported == 12
    assert "1 unreadable line was left out" in imp.summary.text()
    wizard.accept()


def test_splitting_by_another_delimiter_and_back(gui: Gui) -> None:
    """Sparkasse Freiburg's export is split by semicolons; by commas it has no date column."""
    wizard = _wizard(gui, FIXTURES / "DE_Sparkasse-Freiburg_umsatz.csv")
    wizard.next()
    page = wizard.layout_page
    form, preview = page.form, page.preview
    assert preview.model.rowCount() == 18  # 17 booked and 1 pending ("Umsatz vorgemerkt")
    assert preview.dates()[:2] == ["3 Apr 2018 (pending)", "3 Apr 2018"]
    assert page.columns.roles()[1] is ColumnRole.DATE  # "Buchungstag"

    form.delimiter.setCurrentIndex(form.delimiter.findData(","))
    gui.idle()
    assert preview.error.text() == (
        "The file cannot be read this way: Choose the column that holds the booking date."
    )
    assert not page.isComplete()

    form.delimiter.setCurrentIndex(form.delimiter.findData(";"))
    gui.qtbot.waitUntil(page.isComplete, timeout=5000)
    assert not preview.error.isVisible()
    assert page.columns.roles()[1] is ColumnRole.DATE
    assert preview.model.rowCount() == 18
    wizard.reject()


def test_a_pdf_renamed_csv_is_refused_on_the_first_step(gui: Gui, tmp_path: Path) -> None:
    path = tmp_path / "statement.csv"
    path.write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" * 20)
    wizard = open_bank_import(gui.window, gui.handle, path)
    gui.idle()
    gui.qtbot.waitUntil(
        lambda: "cannot be imported" in wizard.file_page.status.text(), timeout=5000
    )
    assert "PDF" in wizard.file_page.status.text()
    assert not wizard.file_page.isComplete()
    wizard.reject()
    assert bank_line_ids(gui.ctx, BankLineQuery()) == []


def test_dropping_a_file_on_the_bank_page_opens_the_wizard(gui: Gui, tmp_path: Path) -> None:
    page = gui.window.show_page("bank")
    gui.idle()
    path = _schwab_cheque(tmp_path)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(
        QPointF(20, 20),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    page.dropEvent(event)
    gui.idle()
    wizard = next(
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, BankImportWizard) and w.isVisible()
    )
    gui.qtbot.waitUntil(wizard.file_page.isComplete, timeout=5000)
    assert wizard.draft.path == path
    wizard.reject()


def test_a_long_statement_is_previewed_by_its_head_and_imported_whole(
    gui: Gui, tmp_path: Path
) -> None:
    # Another account imported before, to be offered in the account list.
    earlier = tmp_path / "savings.csv"
    earlier.write_text("Date;Description;Amount\n14.01.2026;Interest;0,50\n", encoding="utf-8")
    import_statement(gui.ctx, earlier, account="Savings")
    # 1,200 payments of 1.00 … 1,200.00; row 1,100 has a date that does not exist.
    rows = ["Date;Description;Amount"]
    rows += [
        f"{'31' if i == 1100 else f'{13 + i % 16:02d}'}.02.2026;Payment {i};{i},00"
        for i in range(1, 1201)
    ]
    path = tmp_path / "long.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")

    wizard = _wizard(gui, path)
    assert "Recognised a long <b>CSV (delimited text)</b> file" in wizard.file_page.status.text()
    assert "first 500 transactions" in wizard.file_page.status.text()
    wizard.next()
    preview = wizard.layout_page.preview
    assert preview.summary.text() == (
        "The first 500 transactions shown (the import reads the whole file)."
    )
    assert preview.problems_model.rowCount() == 0  # row 1,100 lies past the preview
    wizard.next()
    confirm = wizard.confirm_page
    assert confirm.summary.text() == (
        "<b>Every new transaction</b> in long.csv will be imported (the preview read its "
        "first 500 lines)."
    )
    gui.idle()
    assert [confirm.account.itemText(i) for i in range(confirm.account.count())] == ["Savings"]
    assert confirm.account.currentText() == "Main account"  # proposed, not yet in the list
    confirm.account.setCurrentIndex(0)
    wizard.next()
    imp = wizard.import_page
    gui.qtbot.waitUntil(lambda: bool(imp.failure), timeout=10_000)
    # The bad row is found by the import itself: nothing written, and the choice offered.
    assert "line 1101" in imp.failure  # the header is line 1
    assert imp.retry_button.isVisible()
    assert (
        imp.retry_button.text() == "Import the readable lines and leave the 1 unreadable line out"
    )
    assert len(_lines(gui.ctx)) == 1  # only the savings line from before
    imp.retry_button.click()
    gui.qtbot.waitUntil(lambda: imp.result is not None, timeout=10_000)
    gui.idle()
    assert imp.result.imported == 1199
    assert imp.summary.text() == (
        "Imported 1,199 transactions into “Savings”. 1 unreadable line was left out."
    )
    assert not imp.retry_button.isVisible()
    wizard.accept()
