"""Usage, time and milestone billing driven through the window as an owner would."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QApplication, QMessageBox

from app.core.recurrence import Cadence, Timing
from app.core.schedules import ScheduleData, ScheduleLineData
from app.core.usage import Pricing, PricingModel
from app.services import schedules as schedules_svc
from app.services.bill_run import run_bill_run
from app.services.milestones import get_plan
from app.services.usage import UsageQuery, import_usage, usage_ids, usage_rows
from app.ui.dialogs.milestone_editor import MilestoneEditor
from app.ui.dialogs.pricing_dialog import PricingDialog
from app.ui.dialogs.schedule_editor import ScheduleEditor
from app.ui.dialogs.usage_import import UsageImportWizard, open_usage_import
from app.ui.widgets.prompts import DateDialog
from app.ui.widgets.usage_columns import DOUBT_STYLE, MISSING_STYLE
from app.ui.widgets.usage_correction import CorrectionDialog
from app.ui.widgets.usage_list import BILLED_REASON
from tests.services.billing_fixtures import client, schedule
from tests.ui.conftest import Gui

PER_CALL = Pricing(unit_price=D("0.10"), unit="calls")


def _visible(kind: type) -> Any:
    return next(w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible())


def _metered(ctx: Any, start: date = date(2026, 11, 1)) -> tuple[Any, Any]:
    """Metered Ltd pays 0.10 per API call plus 23 % VAT, monthly in arrears."""
    c = client(ctx, name="Metered Ltd", email="ap@metered.example")
    s = schedules_svc.create_schedule(
        ctx,
        ScheduleData(
            client_id=c.id,
            name="API plan",
            cadence=Cadence.MONTHLY,
            start_date=start,
            timing=Timing.ARREARS,
            lines=(
                ScheduleLineData(
                    "API calls", D(1), D(0), D(23), pricing=PER_CALL, meter_item="api"
                ),
            ),
        ),
    )
    return c, s


def _editor_first_invoice(gui: Gui, page: Any) -> Any:
    """Open the agreement in the editor and read the first invoice of its live preview."""
    page.edit_selected()
    gui.idle()
    editor = _visible(ScheduleEditor)
    gui.qtbot.waitUntil(lambda: editor.preview.answers > 0, timeout=5000)
    gui.idle()
    first = editor.preview.items[0]
    editor.reject()
    return first


def _wizard(gui: Gui, path: Path) -> UsageImportWizard:
    wizard = open_usage_import(gui.window, gui.handle, path)
    gui.idle()
    gui.qtbot.waitUntil(wizard.file_page.isComplete, timeout=5000)
    return wizard


def _imported(gui: Gui, wizard: UsageImportWizard) -> str:
    wizard.next()  # the commit button, "Import"
    page = wizard.import_page
    gui.qtbot.waitUntil(page.isComplete, timeout=10_000)
    gui.idle()
    return page.summary.text()


def test_importing_usage_with_corrections_changes_the_next_invoice(
    gui: Gui, tmp_path: Path
) -> None:
    _metered(gui.ctx)
    schedules = gui.window.show_page("schedules")
    gui.idle()
    # No usage yet: November's invoice (billed 1 Dec 2026) is 0 calls, 0.00.
    before = _editor_first_invoice(gui, schedules)
    assert (before.bill_date, before.total.plain()) == (date(2026, 12, 1), "0.00")

    # A US metering export: the quantity column is called "Calls" (not a name Counterfoil
    # knows) and the dates are month first, but no day is above 12 to show it.
    path = tmp_path / "metering-nov.csv"
    path.write_text(
        "Customer,Metric,Day,Calls\nMetered Ltd,api,11/03/2026,250\nMetered Ltd,api,11/10/2026,150\n"
    )
    wizard = _wizard(gui, path)
    assert "No column was recognised for the quantity or hours" in wizard.file_page.status.text()
    wizard.next()
    layout = wizard.layout_page
    assert not layout.isComplete()
    assert layout.columns.boxes["quantity"].styleSheet() == MISSING_STYLE
    assert "choose the column for quantity or hours" in layout.preview.error.text()
    assert layout.columns.column_of("client") == "Customer"

    layout.columns.choose("quantity", "Calls")
    gui.qtbot.waitUntil(lambda: layout.preview.quantities() == ["250", "150"], timeout=5000)
    gui.idle()
    # Read day first, 11/03/2026 is 11 March; the order is flagged as a guess.
    assert layout.preview.dates() == ["11 Mar 2026", "11 Oct 2026"]
    assert layout.options.order.styleSheet() == DOUBT_STYLE
    layout.options.set_day_first(False)
    gui.qtbot.waitUntil(
        lambda: layout.preview.dates() == ["3 Nov 2026", "10 Nov 2026"], timeout=5000
    )
    gui.idle()
    assert layout.options.order.styleSheet() == ""
    assert layout.isComplete()

    layout.profile_name.setText("Metering export")
    layout.save_button.click()
    saved = gui.home / "usage-profiles" / "Metering export.json"
    assert saved.is_file() and '"quantity": "Calls"' in saved.read_text()

    assert _imported(gui, wizard) == "Imported 2 records."
    wizard.accept()
    gui.idle()

    # November so far: (250 + 150) calls × 0.10 = 40.00, plus 23 % VAT 9.20 = 49.20.
    after = _editor_first_invoice(gui, schedules)
    assert (after.bill_date, after.total.plain()) == (date(2026, 12, 1), "49.20")
    assert "49.20" in schedules.detail.toPlainText()

    # Next month's file of the same shape is read with the saved profile; importing the
    # same file again adds nothing.
    again = _wizard(gui, path)
    assert "saved profile “Metering export”" in again.file_page.status.text()
    again.next()
    assert again.layout_page.preview.dates() == ["3 Nov 2026", "10 Nov 2026"]
    assert again.layout_page.profile.currentText() == "Metering export"
    assert _imported(gui, again) == "Imported 0 records. 2 records were already known."
    again.accept()


def test_rejected_rows_are_listed_and_left_out_only_when_asked(gui: Gui, tmp_path: Path) -> None:
    _metered(gui.ctx)
    path = tmp_path / "with-a-bad-date.csv"
    path.write_text(
        "Client;Item;Date;Quantity\n"
        "Metered Ltd;api;03.11.2026;100\n"
        "Metered Ltd;api;31.11.2026;5\n"
        "Metered Ltd;api;04.11.2026;20\n"
    )
    wizard = _wizard(gui, path)
    assert "Found 2 records; 1 row cannot be read." in wizard.file_page.status.text()
    wizard.next()
    layout = wizard.layout_page
    assert layout.preview.rejected_lines() == [3]
    assert "'31.11.2026' is not a real date" in layout.preview.rejects_model.text(0, 1)
    assert layout.preview.rejects_title.text() == "1 row cannot be read with these settings:"
    assert not layout.isComplete()
    assert layout.skip_invalid.text() == (
        "Import the 2 valid rows only and leave the 1 rejected row out"
    )
    layout.skip_invalid.setChecked(True)
    assert layout.isComplete()
    assert _imported(gui, wizard) == "Imported 2 records. 1 rejected row was left out."
    wizard.accept()

    # A client the book does not know is only found by the import itself: nothing is
    # stored, the line is listed, and the valid rows go in when the user says so.
    path = tmp_path / "unknown-client.csv"
    path.write_text(
        "Client;Item;Date;Quantity\nMetered Ltd;api;05.11.2026;7\nNobody GmbH;api;05.11.2026;9\n"
    )
    wizard = _wizard(gui, path)
    wizard.next()
    summary = _imported(gui, wizard)
    page = wizard.import_page
    assert "1 row of the file cannot be stored, so nothing was imported" in summary
    assert page.report is None and "nothing was imported" in page.failure
    assert page.rejected_lines() == [3]
    assert len(usage_ids(gui.ctx, UsageQuery())) == 2  # the earlier file only
    page.valid_only.click()
    gui.qtbot.waitUntil(lambda: page.report is not None, timeout=10_000)
    gui.idle()
    assert page.summary.text() == "Imported 1 record. 1 rejected row was left out."
    assert len(usage_ids(gui.ctx, UsageQuery())) == 3
    wizard.accept()


def _usage_book(gui: Gui) -> Any:
    """October and November API calls, and a storage record no agreement meters."""
    c, _s = _metered(gui.ctx, start=date(2026, 10, 1))
    gui.ctx.clock.as_of = date(2026, 11, 25)
    import_usage(
        gui.ctx,
        b"Client;Item;Date;Quantity\n"
        b"Metered Ltd;api;10.10.2026;100\n"
        b"Metered Ltd;api;05.11.2026;250\n"
        b"Metered Ltd;storage;06.11.2026;3,5\n"
        b"Metered Ltd;api;12.11.2026;150\n",
        decimal_mark=",",
    )
    return c


def _dates(page: Any) -> list[date]:
    return [page.model.row(r).occurred_on for r in range(page.model.rowCount())]


def _select(page: Any, day: date) -> Any:
    row = _dates(page).index(day)
    page.table.selectRow(row)
    return page.model.row(row)


def test_the_usage_list_filters_totals_and_corrects_until_invoiced(
    gui: Gui, monkeypatch: Any
) -> None:
    _usage_book(gui)
    page = gui.window.show_page("usage")
    gui.idle()
    assert _dates(page) == [
        date(2026, 11, 12),
        date(2026, 11, 6),
        date(2026, 11, 5),
        date(2026, 10, 10),
    ]
    assert page.count_label.text() == "4 records"
    # api: 100 + 250 + 150 = 500 in 3 records; storage 3.5 in 1.
    assert page.totals.text() == "api 500 (3 records)\nstorage 3.5 (1 record)"

    page.set_period("month")  # 1–25 Nov 2026
    gui.idle()
    assert page.count_label.text() == "3 records"
    assert page.totals.text() == "api 400 (2 records)\nstorage 3.5 (1 record)"
    page.item.setCurrentIndex(page.item.findData("api"))
    page.refresh()
    gui.idle()
    assert _dates(page) == [date(2026, 11, 12), date(2026, 11, 5)]
    assert page.totals.text() == "api 400 (2 records)"

    # Correcting the 5 November record: 250 → 200, so November's api total is 350.
    _select(page, date(2026, 11, 5))
    assert page.correct_button.isEnabled()
    dialog = page.correct_selected()
    assert isinstance(dialog, CorrectionDialog)
    dialog.quantity.setText("200")
    dialog.note.setText("Test traffic removed")
    dialog.ok_button.click()
    gui.idle()
    assert page.totals.text() == "api 350 (2 records)"
    assert page.model.row(1).quantity == D(200)

    # Back to every date; October's record is selected while it is still open, then the
    # bill run invoices October before the correction is sent: the service refuses.
    page.set_period("all")
    page.item.setCurrentIndex(0)
    page.refresh()
    gui.idle()
    october = _select(page, date(2026, 10, 10))
    assert not october.billed and page.correct_button.isEnabled()
    assert run_bill_run(gui.ctx).created == 1
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warnings.append(text))
    dialog = page.correct_selected()
    assert dialog is not None
    dialog.quantity.setText("90")
    dialog.ok_button.click()
    gui.idle()
    assert warnings and "already on an invoice" in warnings[0]
    stored = usage_rows(gui.ctx, [october.id])[0]
    assert stored.quantity == D(100) and stored.billed

    # Once the list knows, the billed record is read-only and says why.
    gui.handle.bus.changed.emit("invoices")
    gui.idle()
    billed = _select(page, date(2026, 10, 10))
    assert billed.billed
    assert not page.correct_button.isEnabled()
    assert page.correct_button.toolTip() == BILLED_REASON
    row = _dates(page).index(date(2026, 10, 10))
    assert page.model.data(page.model.index(row, 3), 3) == BILLED_REASON  # tooltip role
    assert page.model.data(page.model.index(row, 6)) == "Billed"
    assert page.correct_selected() is None
    assert gui.window.statusBar().currentMessage() == BILLED_REASON


def test_a_line_made_metered_in_the_editor(gui: Gui) -> None:
    acme = client(gui.ctx, "Acme Ltd")
    s = schedule(gui.ctx, acme.id, "0", name="API", start=date(2026, 11, 1), tax="0")
    page = gui.window.show_page("schedules")
    gui.idle()
    page.edit_selected()
    gui.idle()
    editor = _visible(ScheduleEditor)
    gui.idle()
    row = editor.lines.rows[0]
    assert row.meter is not None and row.meter.text() == "Metered…"
    row.meter.click()
    pricing = _visible(PricingDialog)
    pricing.item.setText("api")
    pricing.unit.setText("calls")
    pricing.model.setCurrentIndex(pricing.model.findData(PricingModel.TIERED.value))
    first, rest = pricing.tiers.rows
    first.price.setText("0.10")
    rest.price.setText("0.05")
    pricing.allowance.setText("500")
    pricing.example.setText("1800")
    # 1,800 calls, 500 included → 1,300: 1,000 × 0.10 = 100.00 and 300 × 0.05 = 15.00.
    assert "1800 calls used; 500 included; 1000 × 0.10 + 300 × 0.05" in pricing.worked.text()
    assert "€115.00" in pricing.worked.text()
    pricing.ok_button.click()
    assert row.meter.text() == "api"
    assert "priced tiered" in row.meter.toolTip()
    assert not row.unit_price.isEnabled()

    # Billed in advance, a metered line is refused with the service's reason.
    gui.qtbot.waitUntil(lambda: not editor.preview.pending(), timeout=3000)
    gui.idle()
    assert any("billed in arrears" in m for m in editor.preview.messages)
    editor.billing.timing.setCurrentIndex(editor.billing.timing.findData(Timing.ARREARS))
    gui.qtbot.waitUntil(lambda: not editor.preview.pending(), timeout=3000)
    gui.idle()
    assert editor.preview.items[0].bill_date == date(2026, 12, 1)
    editor.save_button.click()
    gui.qtbot.waitUntil(lambda: not editor.isVisible(), timeout=5000)
    gui.idle()
    line = schedules_svc.get_schedule(gui.ctx, s.id).data.lines[0]
    assert line.meter_item == "api"
    assert line.pricing is not None and line.pricing.model is PricingModel.TIERED
    assert line.pricing.allowance == D(500)


def _milestone_agreement(gui: Gui) -> MilestoneEditor:
    project = client(gui.ctx, "Project Client", email="ap@project.example")
    schedule(gui.ctx, project.id, "0", name="Website project", tax="0")
    page = gui.window.show_page("schedules")
    gui.idle()
    page.milestones_button.click()
    gui.idle()
    return _visible(MilestoneEditor)


def _step(editor: MilestoneEditor, i: int, name: str, kind: str, value: str) -> Any:
    row = editor.steps.rows[i] if i < len(editor.steps.rows) else editor.steps.add_step()
    row.name.setText(name)
    row.kind.setCurrentIndex(row.kind.findData(kind))
    row.value.setText(value)
    return row


def test_milestone_plan_sums_refuses_too_much_and_bills_what_is_delivered(gui: Gui) -> None:
    editor = _milestone_agreement(gui)
    assert "makes this a milestone agreement" in editor.heading.text()
    editor.contract.setText("999.99")
    design = _step(editor, 0, "Design", "percent", "30")
    design.due_kind.setCurrentIndex(design.due_kind.findData("date"))
    design.due.setDate(QDate(2026, 11, 20))
    _step(editor, 1, "Build", "percent", "30")
    launch = _step(editor, 2, "Launch", "percent", "40")
    # 30 % of 999.99 = 299.997 → 300.00 twice; the last absorbs the cent: 999.99 − 600.00.
    assert [r.amount.text() for r in editor.steps.rows] == ["300.00", "300.00", "399.99"]
    assert "Planned 999.99 of 999.99 · the whole contract is planned" in editor.sum_message

    # 300.00 + 300.00 + 500.00 = 1,100.00 is more than the contract: refused before saving.
    launch.kind.setCurrentIndex(launch.kind.findData("amount"))
    launch.value.setText("500.00")
    assert "add up to 1,100.00, 100.01 more than the contract value 999.99" in editor.sum_message
    assert not editor.save_button.isEnabled()
    editor.save()
    gui.idle()
    assert get_plan(gui.ctx, editor.schedule_id).milestones == ()
    # 999.99 − 600.00 − 300.00 = 99.99 still to plan.
    launch.value.setText("300.00")
    assert "99.99 left to plan" in editor.sum_message
    launch.kind.setCurrentIndex(launch.kind.findData("percent"))
    launch.value.setText("40")

    editor.save_button.click()
    gui.idle()
    plan = get_plan(gui.ctx, editor.schedule_id)
    assert [m.amount_minor for m in plan.milestones] == [30000, 30000, 39999]
    assert [r.status.text() for r in editor.steps.rows] == [
        "Due 20 Nov 2026 · next bill run",
        "Waiting for delivery",
        "Waiting for delivery",
    ]

    build = editor.steps.rows[1]
    assert build.deliver.isEnabled()
    build.deliver.click()
    when = _visible(DateDialog)
    when.date.setDate(QDate(2026, 11, 24))
    when.ok_button.click()
    gui.idle()
    assert editor.steps.rows[1].status.text() == "Delivered 24 Nov 2026 · next bill run"
    # Renaming the last step and saving keeps the delivery just recorded.
    editor.steps.rows[2].name.setText("Launch and handover")
    assert not editor.steps.rows[1].deliver.isVisible()  # delivered already
    editor.save_button.click()
    gui.idle()
    assert get_plan(gui.ctx, editor.schedule_id).milestones[1].delivered_on == date(2026, 11, 24)

    # The bill run invoices the step due on 20 Nov and the delivered one; Launch waits.
    assert run_bill_run(gui.ctx).created == 2
    gui.handle.bus.changed.emit("invoices")
    gui.idle()
    rows = editor.steps.rows
    assert [r.status.text().startswith("Invoiced") for r in rows] == [True, True, False]
    assert not rows[0].name.isEnabled() and not rows[0].deliver.isVisible()
    assert rows[2].name.isEnabled()
    assert editor.billed.text() == "600.00 of 999.99"
    editor.reject()


def test_profiles_stay_in_their_folder_and_a_settled_date_order_is_no_guess(
    tmp_path: Path,
) -> None:
    from app.ui.widgets.usage_profiles import (
        ProfileError,
        UsageProfile,
        file_name,
        list_profiles,
        load_profile,
        save_profile,
    )
    from app.ui.widgets.usage_reading import date_order_is_guess

    # A name cannot climb out of the profile folder; what is left of it is the file name.
    assert file_name("../../etc/passwd") == "etcpasswd.json"
    try:
        file_name("../")
    except ProfileError as exc:
        assert "Give the profile a name" in str(exc)
    else:
        raise AssertionError("an empty name was accepted")
    save_profile(tmp_path, UsageProfile("Time sheets", {"quantity": "Hours"}, False, ","))
    assert list_profiles(tmp_path) == ["Time sheets"]
    assert load_profile(tmp_path, "Time sheets") == UsageProfile(
        "Time sheets", {"quantity": "Hours"}, False, ","
    )
    # 03/04 reads both ways; a 13 in either place settles the order; ISO dates never doubt.
    assert date_order_is_guess(["03/04/2026", "11/10/2026"])
    assert not date_order_is_guess(["03/04/2026", "13/04/2026"])
    assert not date_order_is_guess(["2026-04-03"])
