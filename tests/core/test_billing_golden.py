"""Golden billing scenarios. Every expected figure was worked out by hand; the arithmetic
is in the comment next to it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest

from app.core.billing_plan import (
    Pause,
    PlanChange,
    PlanLine,
    SchedulePlan,
    due_periods,
    period_lines,
    terms_at,
)
from app.core.clock import Clock
from app.core.invoice_math import LineInput, TaxCategory, TaxRounding, compute_invoice
from app.core.money import Money, Rounding
from app.core.numbering import NumberTemplate, NumberTemplateError
from app.core.recurrence import LAST_DAY, Cadence, Recurrence, Timing, invoice_due
from app.core.review import ReviewFacts, ReviewThresholds, review_reasons


def starts(r: Recurrence, until: date) -> list[date]:
    return [p.start for p in r.periods(until=until)]


def plan(
    price: str = "100.00",
    qty: str = "1",
    cadence: Cadence = Cadence.MONTHLY,
    start: date = date(2026, 1, 1),
    **kw: object,
) -> SchedulePlan:
    rec_kw = {k: kw.pop(k) for k in ("end", "anchor_day", "interval", "rrule") if k in kw}
    return SchedulePlan(
        id=1,
        name="Retainer",
        currency=str(kw.pop("currency", "EUR")),
        recurrence=Recurrence(cadence, start, **rec_kw),  # type: ignore[arg-type]
        lines=(PlanLine(7, "Retainer", D(qty), D(price), D(kw.pop("tax", "0"))),),
        **kw,  # type: ignore[arg-type]
    )


def bill(p: SchedulePlan, today: date, index: int = -1, **kw: object) -> Money:
    due = due_periods(p, today)
    d = due[index]
    return compute_invoice(period_lines(p, d.period, d.previous), p.currency, **kw).total  # type: ignore[arg-type]


# --- calendars -------------------------------------------------------------------------


def test_01_monthly_from_jan_31_keeps_returning_to_the_31st() -> None:
    # Jan 31 + 1 month clips to Feb 28 (2026 is not a leap year); +2 months is Mar 31, not Mar 28.
    r = Recurrence(Cadence.MONTHLY, date(2026, 1, 31))
    assert starts(r, date(2026, 4, 30)) == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
    ]


def test_02_monthly_from_jan_31_in_a_leap_year_uses_feb_29() -> None:
    r = Recurrence(Cadence.MONTHLY, date(2028, 1, 31))
    assert starts(r, date(2028, 3, 31)) == [date(2028, 1, 31), date(2028, 2, 29), date(2028, 3, 31)]


def test_03_last_day_of_month_anchor_with_a_stub() -> None:
    # Start Jan 10, billed on the last day: stub Jan 10–30, then Jan 31, Feb 28, Mar 31, Apr 30.
    r = Recurrence(Cadence.MONTHLY, date(2026, 1, 10), anchor_day=LAST_DAY)
    periods = list(r.periods(until=date(2026, 4, 30)))
    assert [p.start for p in periods] == [
        date(2026, 1, 10),
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
    ]
    # The stub runs Jan 10–30 = 21 days of the full period Dec 31–Jan 30 = 31 days.
    assert (periods[0].days, periods[0].full_days) == (21, 31)


def test_04_quarterly_in_advance_bills_on_the_first_day() -> None:
    p = plan("300.00", cadence=Cadence.QUARTERLY)
    assert [d.bill_date for d in due_periods(p, date(2026, 7, 1))] == [
        date(2026, 1, 1),
        date(2026, 4, 1),
        date(2026, 7, 1),
    ]


def test_05_quarterly_in_arrears_bills_the_day_after_the_quarter() -> None:
    # Q1 = Jan 1–Mar 31 → billed Apr 1; Q2 → Jul 1. On Jun 30 only Q1 is due.
    p = plan("300.00", cadence=Cadence.QUARTERLY, timing=Timing.ARREARS)
    assert [
        (d.period.start, d.period.end, d.bill_date) for d in due_periods(p, date(2026, 6, 30))
    ] == [
        (date(2026, 1, 1), date(2026, 3, 31), date(2026, 4, 1)),
    ]
    assert [d.bill_date for d in due_periods(p, date(2026, 7, 1))][-1] == date(2026, 7, 1)


def test_06_weekly_across_a_year_end() -> None:
    r = Recurrence(Cadence.WEEKLY, date(2026, 12, 24))
    assert starts(r, date(2027, 1, 14)) == [
        date(2026, 12, 24),
        date(2026, 12, 31),
        date(2027, 1, 7),
        date(2027, 1, 14),
    ]


def test_07_every_two_weeks() -> None:
    r = Recurrence(Cadence.WEEKLY, date(2026, 1, 5), interval=2)
    assert starts(r, date(2026, 2, 2)) == [date(2026, 1, 5), date(2026, 1, 19), date(2026, 2, 2)]


def test_08_half_yearly_from_aug_31() -> None:
    # Aug 31 + 6 months = Feb 28 2027 (clipped), + 12 months = Aug 31 2027.
    r = Recurrence(Cadence.HALF_YEARLY, date(2026, 8, 31))
    assert starts(r, date(2027, 8, 31)) == [date(2026, 8, 31), date(2027, 2, 28), date(2027, 8, 31)]


def test_09_yearly_from_feb_29() -> None:
    r = Recurrence(Cadence.YEARLY, date(2028, 2, 29))
    assert starts(r, date(2032, 3, 1)) == [
        date(2028, 2, 29),
        date(2029, 2, 28),
        date(2030, 2, 28),
        date(2031, 2, 28),
        date(2032, 2, 29),
    ]


def test_10_rrule_first_monday_of_the_month() -> None:
    # First Mondays of 2026: Jan 5, Feb 2, Mar 2.
    r = Recurrence(Cadence.RRULE, date(2026, 1, 1), rrule="FREQ=MONTHLY;BYDAY=1MO")
    assert starts(r, date(2026, 3, 31)) == [date(2026, 1, 5), date(2026, 2, 2), date(2026, 3, 2)]


# --- partial periods and proration -------------------------------------------------------


def test_11_end_date_in_mid_period_bills_the_days_used() -> None:
    # Mar 1–15 = 15 of 31 days: 100 × 15/31 = 48.387… → 48.39.
    p = plan(end=date(2026, 3, 15))
    assert bill(p, date(2026, 3, 31)) == Money.of("48.39", "EUR")
    assert len(due_periods(p, date(2026, 12, 31))) == 3  # Jan, Feb, half of Mar; nothing after


def test_12_stub_first_period_before_the_anchor_day() -> None:
    # Start Jan 15, billed on the 1st: stub Jan 15–31 = 17 of 31 days → 100 × 17/31 = 54.838… → 54.84.
    p = plan(start=date(2026, 1, 15), anchor_day=1)
    assert bill(p, date(2026, 1, 15), 0) == Money.of("54.84", "EUR")
    assert bill(p, date(2026, 2, 1), 1) == Money.of("100.00", "EUR")


def test_13_upgrade_on_day_17_of_a_30_day_month_in_advance() -> None:
    # Quantity 1 → 2 at 100.00 from Jun 17. June has 30 days; Jun 17–30 = 14 days.
    # July invoice: base 2 × 100 = 200.00
    #   credit −1 × 100 × 14/30 = −46.666… → −46.67
    #   charge  2 × 100 × 14/30 =  93.333… →  93.33
    #   total 200.00 − 46.67 + 93.33 = 246.66
    p = plan(changes=(PlanChange(7, date(2026, 6, 17), quantity=D(2)),))
    due = due_periods(p, date(2026, 7, 1))
    july = compute_invoice(period_lines(p, due[-1].period, due[-1].previous), "EUR")
    assert [line.total.plain() for line in july.lines] == ["200.00", "-46.67", "93.33"]
    assert july.total == Money.of("246.66", "EUR")


def test_14_downgrade_on_day_17_of_a_31_day_month_in_advance() -> None:
    # Quantity 3 → 1 at 50.00 from Jul 17. July has 31 days; Jul 17–31 = 15 days.
    # August: base 50.00; credit −150 × 15/31 = −72.580… → −72.58; charge 50 × 15/31 = 24.193… → 24.19
    # total 50.00 − 72.58 + 24.19 = 1.61
    p = plan("50.00", "3", changes=(PlanChange(7, date(2026, 7, 17), quantity=D(1)),))
    assert bill(p, date(2026, 8, 1)) == Money.of("1.61", "EUR")


def test_15_price_change_on_day_17_in_arrears_is_on_the_same_periods_invoice() -> None:
    # Price 100 → 120 from Mar 17 (31-day month, Mar 17–31 = 15 days); March billed Apr 1:
    # base 100.00 (terms on Mar 1); credit −100 × 15/31 = −48.387… → −48.39;
    # charge 120 × 15/31 = 58.064… → 58.06; total 100 − 48.39 + 58.06 = 109.67
    p = plan(
        timing=Timing.ARREARS, changes=(PlanChange(7, date(2026, 3, 17), unit_price=D("120.00")),)
    )
    assert bill(p, date(2026, 4, 1)) == Money.of("109.67", "EUR")
    assert bill(p, date(2026, 5, 1)) == Money.of("120.00", "EUR")  # April: new price, no proration


def test_16_price_uplift_compounds_on_each_anniversary() -> None:
    # 100.00 + 3.5 % on 2026-03-01 → 103.50; + 3.5 % on 2027-03-01 → 107.1225 → 107.12.
    p = plan(start=date(2025, 3, 1), uplift_percent=D("3.5"))
    line = p.lines[0]
    assert terms_at(p, line, date(2026, 2, 28)).unit_price == D("100.00")
    assert terms_at(p, line, date(2026, 3, 1)).unit_price == D("103.50")
    assert terms_at(p, line, date(2027, 3, 1)).unit_price == D("107.12")


def test_17_an_agreed_price_change_restarts_the_uplift_clock() -> None:
    # New price 200.00 from 2025-09-01; the 2026-03-01 anniversary is after it → 200 × 1.035 = 207.00.
    # Anniversaries on or before the change do not touch the new price.
    p = plan(
        start=date(2025, 3, 1),
        uplift_percent=D("3.5"),
        changes=(PlanChange(7, date(2025, 9, 1), unit_price=D("200.00")),),
    )
    assert terms_at(p, p.lines[0], date(2025, 12, 1)).unit_price == D("200.00")
    assert terms_at(p, p.lines[0], date(2026, 3, 1)).unit_price == D("207.00")


def test_18_pause_and_resume_across_periods() -> None:
    # Paused Feb 10, resumed Mar 20. Feb: Feb 1–9 = 9 of 28 days → 100 × 9/28 = 32.142… → 32.14.
    # Mar: Mar 20–31 = 12 of 31 days → 100 × 12/31 = 38.709… → 38.71. Apr: full 100.00.
    p = plan(pauses=(Pause(date(2026, 2, 10), date(2026, 3, 20)),))
    totals = [bill(p, date(2026, 4, 1), i) for i in (1, 2, 3)]
    assert totals == [Money.of("32.14", "EUR"), Money.of("38.71", "EUR"), Money.of("100.00", "EUR")]


def test_19_a_fully_paused_period_is_not_billed() -> None:
    p = plan(pauses=(Pause(date(2026, 2, 1), date(2026, 3, 1)),))
    assert [d.period.start for d in due_periods(p, date(2026, 3, 1))] == [
        date(2026, 1, 1),
        date(2026, 3, 1),
    ]


# --- catch-up and the clock -------------------------------------------------------------


def test_20_catch_up_after_95_days_bills_each_period_once_dated_for_its_period() -> None:
    # January was invoiced on Jan 1; the app was closed until Apr 6 (95 days later).
    # Due: Feb 1, Mar 1, Apr 1 — three invoices dated for their periods, not Apr 6.
    p = plan()
    today = date(2026, 1, 1).fromordinal(date(2026, 1, 1).toordinal() + 95)
    assert today == date(2026, 4, 6)
    due = due_periods(p, today, invoiced={date(2026, 1, 1)})
    assert [d.bill_date for d in due] == [date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)]
    facts = ReviewFacts(
        total=Money.of("100", "EUR"),
        comparable_total=Money.of("100", "EUR"),
        client_has_email=True,
        client_has_address=True,
        client_invoice_count=5,
        previous_comparable_total=Money.of("100", "EUR"),
        change_explains_variance=False,
        catch_up_periods=len(due),
    )
    assert [r.code for r in review_reasons(facts, ReviewThresholds())] == ["catch_up"]


def test_21_a_run_at_00_30_local_time_uses_the_local_date() -> None:
    # 2026-03-01 00:30 in Berlin (UTC+1) = 2026-02-28 23:30 UTC: March is due in Berlin.
    instant = datetime(2026, 2, 28, 23, 30, tzinfo=UTC)
    berlin, utc = Clock("Europe/Berlin", fixed_instant=instant), Clock("UTC", fixed_instant=instant)
    p = plan()
    assert due_periods(p, berlin.today())[-1].bill_date == date(2026, 3, 1)
    assert due_periods(p, utc.today())[-1].bill_date == date(2026, 2, 1)


# --- taxes and rounding -----------------------------------------------------------------


def lines(*specs: tuple[str, str, str]) -> list[LineInput]:
    return [LineInput("x", D(q), D(p), D(r)) for q, p, r in specs]


def test_22_per_line_and_per_invoice_rounding_differ_by_a_cent() -> None:
    # Three lines of 1 × 0.83 at 20 %: per line 0.166 → 0.17, × 3 = 0.51;
    # per invoice 2.49 × 20 % = 0.498 → 0.50.
    three = lines(("1", "0.83", "20"), ("1", "0.83", "20"), ("1", "0.83", "20"))
    assert compute_invoice(three, "EUR", tax_rounding=TaxRounding.LINE).tax == Money.of(
        "0.51", "EUR"
    )
    per_invoice = compute_invoice(three, "EUR", tax_rounding=TaxRounding.INVOICE)
    assert per_invoice.tax == Money.of("0.50", "EUR")
    assert sum(line.tax.amount for line in per_invoice.lines) == D(
        "0.50"
    )  # lines add up to the total


def test_23_tax_inclusive_prices_per_line_vs_per_invoice() -> None:
    # Three lines at 10.00 including 19 %. Per line: 10 × 19/119 = 1.5966… → 1.60, × 3 = 4.80.
    # Per invoice: gross 30.00, net 30/1.19 = 25.2100… → 25.21, tax 30.00 − 25.21 = 4.79.
    three = lines(("1", "10.00", "19"), ("1", "10.00", "19"), ("1", "10.00", "19"))
    by_line = compute_invoice(three, "EUR", prices_include_tax=True)
    by_invoice = compute_invoice(
        three, "EUR", prices_include_tax=True, tax_rounding=TaxRounding.INVOICE
    )
    assert (by_line.tax, by_line.total) == (Money.of("4.80", "EUR"), Money.of("30.00", "EUR"))
    assert (by_invoice.tax, by_invoice.subtotal) == (
        Money.of("4.79", "EUR"),
        Money.of("25.21", "EUR"),
    )


def test_24_jpy_has_no_decimals() -> None:
    # 3 lines of 1,234 JPY at 10 %: per line 123.4 → 123, × 3 = 369; per invoice 3,702 × 10 % = 370.2 → 370.
    three = lines(("1", "1234", "10"), ("1", "1234", "10"), ("1", "1234", "10"))
    assert compute_invoice(three, "JPY").total == Money.of("4071", "JPY")  # 3702 + 369
    assert compute_invoice(three, "JPY", tax_rounding=TaxRounding.INVOICE).tax == Money.of(
        "370", "JPY"
    )


def test_25_kwd_has_three_decimals() -> None:
    # 3 × 12.345 KWD = 37.035; 5 % tax = 1.85175 → 1.852; total 38.887.
    t = compute_invoice(lines(("3", "12.345", "5")), "KWD")
    assert (t.subtotal.plain(), t.tax.plain(), t.total.plain()) == ("37.035", "1.852", "38.887")


def test_26_eur_half_up_and_half_even_differ_on_a_half_cent() -> None:
    # 1 × 0.25 at 10 % = 0.025 tax: half-up → 0.03, half-even → 0.02.
    one = lines(("1", "0.25", "10"))
    assert compute_invoice(one, "EUR").tax == Money.of("0.03", "EUR")
    assert compute_invoice(one, "EUR", rounding=Rounding.HALF_EVEN).tax == Money.of("0.02", "EUR")


def test_27_discount_is_applied_before_tax() -> None:
    # 3 × 99.99 = 299.97; −10 % = 269.973 → 269.97; 20 % tax = 53.994 → 53.99; total 323.96.
    t = compute_invoice([LineInput("x", D(3), D("99.99"), D(20), discount_percent=D(10))], "EUR")
    assert (t.subtotal.plain(), t.tax.plain(), t.total.plain()) == ("269.97", "53.99", "323.96")


def test_28_several_rates_and_an_exempt_line() -> None:
    # 100 at 20 % → 20.00; 50 at 5 % → 2.50; 30 exempt → 0. Total 180 + 22.50 = 202.50.
    t = compute_invoice(
        [
            LineInput("a", D(1), D(100), D(20)),
            LineInput("b", D(1), D(50), D(5)),
            LineInput("c", D(1), D(30), tax_category=TaxCategory.EXEMPT),
        ],
        "EUR",
    )
    assert [(r.label, r.base.plain(), r.tax.plain()) for r in t.tax_rows] == [
        ("VAT 20%", "100.00", "20.00"),
        ("VAT 5%", "50.00", "2.50"),
        ("Exempt", "30.00", "0.00"),
    ]
    assert t.total == Money.of("202.50", "EUR")
    assert t.legal_notes == ("Exempt from VAT.",)


def test_29_reverse_charge_carries_the_legal_note_and_no_tax() -> None:
    t = compute_invoice(
        [LineInput("Consulting", D(10), D(100), tax_category=TaxCategory.REVERSE_CHARGE)], "EUR"
    )
    assert (t.tax, t.total) == (Money.of(0, "EUR"), Money.of("1000", "EUR"))
    assert "Reverse charge" in t.legal_notes[0]


def test_30_proration_totals_equal_the_sum_of_the_lines_with_invoice_rounding() -> None:
    # Credit −46.67 and charge 93.33 (as in scenario 13) plus 200 at 21 %:
    # per-invoice tax on 246.66 × 21 % = 51.7986 → 51.80, spread over the lines to the cent.
    p = plan(tax="21", changes=(PlanChange(7, date(2026, 6, 17), quantity=D(2)),))
    due = due_periods(p, date(2026, 7, 1))[-1]
    t = compute_invoice(
        period_lines(p, due.period, due.previous), "EUR", tax_rounding=TaxRounding.INVOICE
    )
    assert t.tax == Money.of("51.80", "EUR")
    assert sum(line.tax.amount for line in t.lines) == D("51.80")
    assert t.total == Money.of("298.46", "EUR")  # 246.66 + 51.80


# --- terms, numbering, review -------------------------------------------------------------


def test_31_payment_terms() -> None:
    # Net 30 from Jan 31 → Mar 2; end of month + 15 from Jan 10 → Jan 31 + 15 = Feb 15; on receipt → same day.
    assert invoice_due(date(2026, 1, 31), "net", 30) == date(2026, 3, 2)
    assert invoice_due(date(2026, 1, 10), "eom", 15) == date(2026, 2, 15)
    assert invoice_due(date(2026, 1, 10), "receipt", 0) == date(2026, 1, 10)


def test_32_number_templates() -> None:
    assert NumberTemplate("INV-{YYYY}-{SEQ:05}").format(date(2026, 3, 1), 42) == "INV-2026-00042"
    assert NumberTemplate("{YY}{MM}-{SEQ}").format(date(2026, 1, 5), 7) == "2601-7"
    assert NumberTemplate("F{SEQ:06}", reset_yearly=False).period_key(date(2026, 1, 1)) == ""
    with pytest.raises(NumberTemplateError, match="exactly one"):
        NumberTemplate("INV-{YYYY}")
    with pytest.raises(NumberTemplateError, match="numbers would repeat"):
        NumberTemplate("INV-{SEQ}", reset_yearly=True)


def _facts(
    total: str, previous: str | None, explained: bool = False, count: int = 4
) -> ReviewFacts:
    return ReviewFacts(
        total=Money.of(total, "EUR"),
        comparable_total=Money.of(total, "EUR"),
        client_has_email=True,
        client_has_address=True,
        client_invoice_count=count,
        previous_comparable_total=Money.of(previous, "EUR") if previous else None,
        change_explains_variance=explained,
        catch_up_periods=1,
    )


def test_33_variance_above_ten_percent_goes_to_review_unless_an_agreed_change_explains_it() -> None:
    # 115 vs 100 = +15 % > 10 % → review; 110 vs 100 = +10 % is not above the threshold.
    assert [r.code for r in review_reasons(_facts("115", "100"), ReviewThresholds())] == [
        "variance"
    ]
    assert review_reasons(_facts("110", "100"), ReviewThresholds()) == []
    assert review_reasons(_facts("115", "100", explained=True), ReviewThresholds()) == []
    assert "+15.0%" in review_reasons(_facts("115", "100"), ReviewThresholds())[0].text


def test_34_first_invoice_zero_total_and_high_value_need_review() -> None:
    assert {r.code for r in review_reasons(_facts("0", None, count=0), ReviewThresholds())} == {
        "first_invoice",
        "non_positive",
    }
    assert [r.code for r in review_reasons(_facts("10000.01", "10000.01"), ReviewThresholds())] == [
        "high_value"
    ]
