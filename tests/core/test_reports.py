"""Report arithmetic: aging buckets, DSO, changes, periods, MRR and its movements."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from app.core.billing_plan import Pause, PlanChange, PlanLine, SchedulePlan
from app.core.money import Money
from app.core.recurrence import Cadence, Recurrence
from app.core.reports import (
    BUCKETS,
    Change,
    Period,
    ReportColumn,
    ReportTable,
    bucket_floors,
    bucket_of,
    days_overdue,
    dso,
    error_rate,
    monthly_amount,
    months_back,
    mrr_movements,
    period_for,
    round_minor,
    share,
)

AS_OF = date(2026, 11, 25)


# --- aging ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "bucket"),
    [
        (date(2026, 12, 10), 0),  # not yet due
        (date(2026, 11, 25), 0),  # due today: not late yet
        (date(2026, 11, 24), 1),  # 1 day late
        (date(2026, 10, 26), 1),  # 30 days late (Oct 26 + 30 days = Nov 25)
        (date(2026, 10, 25), 2),  # 31 days late
        (date(2026, 9, 26), 2),  # 60 days late
        (date(2026, 9, 25), 3),  # 61 days late
        (date(2026, 8, 27), 3),  # 90 days late
        (date(2026, 8, 26), 4),  # 91 days late
        (date(2020, 1, 1), 4),
    ],
)
def test_bucket_edges_follow_days_past_due(due: date, bucket: int) -> None:
    assert bucket_of(due, AS_OF) == bucket
    assert BUCKETS[bucket]


def test_bucket_floors_agree_with_bucket_of() -> None:
    # Floors are as_of − 0, 30, 60, 90 days: Nov 25, Oct 26, Sep 26, Aug 27.
    assert bucket_floors(AS_OF) == (
        date(2026, 11, 25),
        date(2026, 10, 26),
        date(2026, 9, 26),
        date(2026, 8, 27),
    )
    for due in (date(2026, 11, 25), date(2026, 10, 26), date(2026, 9, 26), date(2026, 8, 27)):
        index = bucket_floors(AS_OF).index(due)
        assert bucket_of(due, AS_OF) == index


def test_days_overdue_never_negative() -> None:
    assert days_overdue(date(2026, 12, 1), AS_OF) == 0
    assert days_overdue(date(2026, 11, 1), AS_OF) == 24


# --- ratios ------------------------------------------------------------------------------


def test_dso_is_receivables_over_invoiced_times_days() -> None:
    # AR 1,500.00 at the end of a 30-day month in which 3,000.00 was invoiced:
    # 150000 / 300000 × 30 = 15.0 days.
    assert dso(150_000, 300_000, 30) == D("15.0")
    # 1,000.00 / 3,000.00 × 31 = 10.333… → 10.3
    assert dso(100_000, 300_000, 31) == D("10.3")
    # Half up at one decimal: 2 / 8 × 1 = 0.25 → 0.3
    assert dso(2, 8, 1) == D("0.3")


def test_dso_without_sales_has_no_meaning() -> None:
    assert dso(100_000, 0, 30) is None
    assert dso(0, 0, 30) is None


def test_share_and_error_rate() -> None:
    assert share(1, 3) == D("33.3")
    assert share(5, 0) is None
    # 2 credit notes + 1 void over 40 issued invoices = 3 / 40 = 7.5 %
    assert error_rate(2, 1, 40) == D("7.5")
    assert error_rate(0, 0, 0) is None


def test_change_against_previous_period() -> None:
    up = Change(12_000, 10_000)
    assert up.delta == 2_000
    assert up.percent == D("20.0")
    down = Change(D("7.5"), D("10.0"))
    assert down.percent == D("-25.0")
    assert Change(500, 0).percent is None  # a rise from nothing has no percentage
    assert Change(None, 10).delta is None
    # a negative previous value (net refunds) still gives the direction of the change
    assert Change(50, -100).percent == D("150.0")


# --- periods -----------------------------------------------------------------------------


def test_named_periods_and_their_previous_periods() -> None:
    month = period_for("month", AS_OF)
    assert (month.start, month.end) == (date(2026, 11, 1), AS_OF)
    assert (month.previous().start, month.previous().end) == (date(2026, 10, 1), date(2026, 10, 25))
    last = period_for("last_month", AS_OF)
    assert (last.start, last.end, last.days) == (date(2026, 10, 1), date(2026, 10, 31), 31)
    # a whole month compares with the whole previous month, whatever its length
    assert (last.previous().start, last.previous().end) == (date(2026, 9, 1), date(2026, 9, 30))
    feb = Period(date(2026, 3, 1), date(2026, 3, 31)).previous()
    assert feb.end == date(2026, 2, 28)
    quarter = period_for("quarter", AS_OF)
    assert (quarter.start, quarter.previous().start, quarter.previous().end) == (
        date(2026, 10, 1),
        date(2026, 7, 1),
        date(2026, 8, 25),
    )
    last_q = period_for("last_quarter", AS_OF)
    assert (last_q.start, last_q.end) == (date(2026, 7, 1), date(2026, 9, 30))
    ytd = period_for("year", AS_OF)
    assert (ytd.previous().start, ytd.previous().end) == (date(2025, 1, 1), date(2025, 11, 25))
    twelve = period_for("last_12_months", AS_OF)
    assert (twelve.start, twelve.end) == (date(2025, 11, 26), AS_OF)
    with pytest.raises(ValueError, match="unknown period"):
        period_for("fortnight", AS_OF)


def test_months_back_ends_with_the_running_month() -> None:
    months = months_back(AS_OF, 3)
    assert [(m.start, m.end) for m in months] == [
        (date(2026, 9, 1), date(2026, 9, 30)),
        (date(2026, 10, 1), date(2026, 10, 31)),
        (date(2026, 11, 1), AS_OF),
    ]


# --- monthly recurring revenue -----------------------------------------------------------


def _plan(
    cadence: Cadence = Cadence.MONTHLY,
    price: str = "100.00",
    qty: str = "1",
    *,
    start: date = date(2026, 1, 1),
    end: date | None = None,
    interval: int = 1,
    tax: str = "0",
    discount: str | None = None,
    incl: bool = False,
    changes: tuple[PlanChange, ...] = (),
    pauses: tuple[Pause, ...] = (),
    uplift: str | None = None,
) -> SchedulePlan:
    return SchedulePlan(
        id=1,
        name="x",
        currency="EUR",
        recurrence=Recurrence(cadence, start, interval, None, end),
        lines=(
            PlanLine(
                7, "x", D(qty), D(price), D(tax), discount_percent=D(discount) if discount else None
            ),
        ),
        changes=changes,
        pauses=pauses,
        uplift_percent=D(uplift) if uplift else None,
        prices_include_tax=incl,
    )


def test_monthly_amount_per_cadence() -> None:
    day = date(2026, 6, 15)
    assert monthly_amount(_plan(), day) == D("100.00")
    # 2 seats × 12.00 = 24.00 a month
    assert monthly_amount(_plan(price="12.00", qty="2"), day) == D("24.00")
    # 1,200.00 a quarter = 400.00 a month
    assert round_minor(monthly_amount(_plan(Cadence.QUARTERLY, "1200.00"), day), "EUR") == 40_000
    # 2,400.00 a year = 200.00 a month
    assert round_minor(monthly_amount(_plan(Cadence.YEARLY, "2400.00"), day), "EUR") == 20_000
    # 30.00 a week × 52 / 12 = 130.00 a month
    assert round_minor(monthly_amount(_plan(Cadence.WEEKLY, "30.00"), day), "EUR") == 13_000
    # every 2 months 300.00 = 150.00 a month
    assert round_minor(monthly_amount(_plan(price="300.00", interval=2), day), "EUR") == 15_000


def test_monthly_amount_is_net_of_discount_and_included_tax() -> None:
    day = date(2026, 6, 15)
    # 10 % discount on 100.00 → 90.00
    assert monthly_amount(_plan(discount="10"), day) == D("90.00")
    # 123.00 including 23 % VAT → 100.00 net
    assert (
        round_minor(monthly_amount(_plan(price="123.00", tax="23", incl=True), day), "EUR")
        == 10_000
    )


def test_monthly_amount_follows_start_end_pauses_and_changes() -> None:
    plan = _plan(
        start=date(2026, 2, 1),
        end=date(2026, 9, 30),
        changes=(PlanChange(7, date(2026, 5, 1), quantity=D(3)),),
        pauses=(Pause(date(2026, 7, 1), date(2026, 8, 1)),),
    )
    assert monthly_amount(plan, date(2026, 1, 31)) == 0  # not started
    assert monthly_amount(plan, date(2026, 4, 30)) == D("100.00")
    assert monthly_amount(plan, date(2026, 5, 1)) == D("300.00")  # quantity 3 from May 1
    assert monthly_amount(plan, date(2026, 7, 15)) == 0  # paused in July
    assert monthly_amount(plan, date(2026, 8, 1)) == D("300.00")  # resumed August 1
    assert monthly_amount(plan, date(2026, 10, 1)) == 0  # ended September 30
    # ended by the user without an end date: stops after the last billed period
    assert monthly_amount(_plan(), date(2026, 6, 1), ended_on=date(2026, 5, 31)) == 0


def test_monthly_amount_includes_the_yearly_uplift() -> None:
    plan = _plan(uplift="3.5", start=date(2025, 3, 1))
    assert monthly_amount(plan, date(2026, 2, 28)) == D("100.00")
    assert monthly_amount(plan, date(2026, 3, 1)) == D("103.50")  # first anniversary


def test_mrr_movements_split_the_change_by_client() -> None:
    before = {1: 10_000, 2: 5_000, 3: 2_000, 4: 7_000}
    after = {1: 12_000, 2: 4_000, 4: 7_000, 5: 3_000}
    mv = mrr_movements("EUR", before, after)
    # client 5 is new (+30.00), 1 expands (+20.00), 2 contracts (−10.00), 3 churns (−20.00)
    assert (mv.new, mv.expansion, mv.contraction, mv.churn) == (3_000, 2_000, 1_000, 2_000)
    assert (mv.start, mv.end) == (24_000, 26_000)
    assert mv.start + mv.new + mv.expansion - mv.contraction - mv.churn == mv.end
    assert (mv.customers_start, mv.customers_end) == (4, 4)
    assert mv.as_dict()["churn"] == "20.00"


def test_mrr_movements_of_nothing() -> None:
    mv = mrr_movements("GBP", {}, {})
    assert (mv.start, mv.end, mv.new, mv.churn) == (0, 0, 0, 0)


# --- report tables -----------------------------------------------------------------------


def test_report_table_checks_row_widths_and_writes_plain_records() -> None:
    cols = (ReportColumn("client", "Client"), ReportColumn("amount", "Amount", "money"))
    table = ReportTable("t", "T", cols, (("Acme", Money.of("-12.50", "EUR")),))
    assert table.records() == [{"client": "Acme", "amount": "-12.50"}]
    assert cols[1].numeric and not cols[0].numeric
    with pytest.raises(ValueError, match="cells"):
        ReportTable("t", "T", cols, (("only one",),))
    with pytest.raises(ValueError, match="kind"):
        ReportColumn("x", "X", "colour")
