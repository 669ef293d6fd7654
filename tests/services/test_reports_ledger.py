"""Every report figure checked against a small ledger written out by hand.

The book (all in 2026, "today" is 25 November):

* Alder Ltd (EUR)
  - A1 issued 1 Jun: 1,000.00 + 23 % VAT = 1,230.00, due 1 Jul; paid in full 15 Jul.
  - A2 issued 1 Sep: 500.00 (no tax), due 1 Oct; 200.00 paid 20 Oct → 300.00 open.
  - A3 issued 10 Nov: 200.00, due 10 Dec → open, not yet due.
* Birch plc (GBP)
  - B1 issued 1 Aug: 800.00 + 20 % = 960.00, due 31 Aug; credit note of 160.00 (gross)
    on 15 Sep → 800.00 open.
* Cedar Inc (USD)
  - C1 issued 1 Oct: 300.00, due 31 Oct; 350.00 received 5 Nov → C1 paid, 50.00 credit.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest

from app.core.money import Money
from app.core.reports import Period
from app.services import invoicing, reports
from app.services import report_activity as activity
from app.services.report_dashboard import dashboard
from app.services.report_statement import statement
from tests.conftest import AS_OF
from tests.services.report_fixtures import at, customer, invoice, pay


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from app.bootstrap import open_app

    opened = open_app(Path(tmp_path_factory.mktemp("ledger")) / "home", as_of=AS_OF)
    ctx = opened.ctx
    ids: dict[str, int] = {}
    alder = customer(ctx, "Alder Ltd", "EUR")
    birch = customer(ctx, "Birch plc", "GBP")
    cedar = customer(ctx, "Cedar Inc", "USD")
    ids.update(alder=alder, birch=birch, cedar=cedar)
    ids["a1"] = invoice(ctx, alder, date(2026, 6, 1), "1000.00", tax="23")
    ids["a2"] = invoice(ctx, alder, date(2026, 9, 1), "500.00")
    ids["a3"] = invoice(ctx, alder, date(2026, 11, 10), "200.00")
    ids["b1"] = invoice(ctx, birch, date(2026, 8, 1), "800.00", tax="20", due_in=30)
    ids["c1"] = invoice(ctx, cedar, date(2026, 10, 1), "300.00")
    pay(ctx, alder, date(2026, 7, 15), "1230.00", ids["a1"])
    pay(ctx, alder, date(2026, 10, 20), "200.00", ids["a2"])
    invoicing.credit_note(at(ctx, date(2026, 9, 15)), ids["b1"], D("160.00"), "discount agreed")
    pay(ctx, cedar, date(2026, 11, 5), "350.00")
    opened.ids = ids
    yield opened
    opened.close()


def _m(text: str, cur: str) -> Money:
    return Money.of(text, cur)


def _totals(report: reports.AgingReport) -> dict[str, tuple[list[int], int]]:
    return {cur: (t.buckets, t.credit) for cur, t in report.totals().items()}


def test_aging_today_by_bucket_and_currency(book: Any) -> None:
    report = reports.aging(book.ctx)
    # EUR: A3 200.00 current; A2 300.00 is 55 days late (1 Oct → 25 Nov) → 31–60.
    # GBP: B1 800.00 is 86 days late (31 Aug → 25 Nov) → 61–90.
    # USD: nothing open, 50.00 of unapplied credit.
    assert _totals(report) == {
        "EUR": ([20_000, 0, 30_000, 0, 0], 0),
        "GBP": ([0, 0, 0, 80_000, 0], 0),
        "USD": ([0, 0, 0, 0, 0], 5_000),
    }
    cedar = next(line for line in report.lines if line.client_name == "Cedar Inc")
    assert (cedar.total, cedar.credit) == (0, 5_000)


def test_aging_at_a_past_date_counts_invoices_paid_later_as_open(book: Any) -> None:
    # 30 Jun: only A1 exists; it was paid on 15 Jul, so it was open then, due 1 Jul → current.
    june = reports.aging(book.ctx, date(2026, 6, 30))
    assert _totals(june) == {"EUR": ([123_000, 0, 0, 0, 0], 0)}
    # 30 Sep: A1 paid; A2 500.00 (the 200.00 came 20 Oct) due 1 Oct → current.
    # B1 960.00 − 160.00 credit note of 15 Sep = 800.00, 30 days late → 1–30.
    sept = reports.aging(book.ctx, date(2026, 9, 30))
    assert _totals(sept) == {
        "EUR": ([50_000, 0, 0, 0, 0], 0),
        "GBP": ([0, 80_000, 0, 0, 0], 0),
    }
    # Before the first invoice: nothing at all.
    assert reports.aging(book.ctx, date(2026, 1, 1)).lines == []


def test_aging_ties_to_the_invoice_list(book: Any) -> None:
    report = reports.aging(book.ctx)
    q = invoicing.InvoiceQuery(statuses=("issued", "sent", "partly_paid"), kind="invoice")
    listed = {cur: balance for cur, _n, _total, balance in invoicing.invoice_totals(book.ctx, q)}
    assert {cur: sum(t.buckets) for cur, t in report.totals().items() if sum(t.buckets)} == listed


def test_aging_filters_by_currency_and_client(book: Any) -> None:
    only_gbp = reports.aging(book.ctx, currency="GBP")
    assert {line.currency for line in only_gbp.lines} == {"GBP"}
    alder = reports.aging(book.ctx, client_id=book.ids["alder"])
    assert [line.total for line in alder.lines] == [50_000]
    with pytest.raises(ValueError, match="currency code"):
        reports.aging(book.ctx, currency="EU'R")


def test_dso_follows_its_formula(book: Any) -> None:
    september = Period(date(2026, 9, 1), date(2026, 9, 30))
    figures = {f.currency: f for f in reports.dso_for(book.ctx, september)}
    # EUR: AR on 30 Sep = 500.00 (A2); invoiced in September = 500.00 → 500/500 × 30 = 30.0
    assert (figures["EUR"].receivable, figures["EUR"].invoiced) == (50_000, 50_000)
    assert figures["EUR"].days == D("30.0")
    # GBP: 800.00 open but nothing invoiced in September → no DSO.
    assert figures["GBP"].days is None
    august = {
        f.currency: f
        for f in reports.dso_for(book.ctx, Period(date(2026, 8, 1), date(2026, 8, 31)))
    }
    # GBP in August: AR 960.00 (before the credit note) ÷ 960.00 invoiced × 31 days = 31.0
    assert august["GBP"].days == D("31.0")


def test_receivables_at_month_ends(book: Any) -> None:
    from app.core.reports import months_back

    with book.ctx.uow.read() as uow:
        series = reports.receivable_at_month_ends(uow.session, months_back(AS_OF, 6))
    # EUR: Jun 1,230.00 (A1 open), Jul 0, Aug 0, Sep 500.00, Oct 300.00, Nov 500.00 (+A3)
    assert list(series["EUR"].values()) == [123_000, 0, 0, 50_000, 30_000, 50_000]
    # GBP: Aug 960.00, Sep onwards 800.00 after the credit note
    assert list(series["GBP"].values()) == [0, 0, 96_000, 80_000, 80_000, 80_000]
    # USD: C1 open at the end of October only
    assert list(series["USD"].values()) == [0, 0, 0, 0, 30_000, 0]


def test_collections_by_month_and_method(book: Any) -> None:
    result = activity.collections(book.ctx, Period(date(2026, 7, 1), date(2026, 11, 30)))
    rows = [(r[0], r[1], r[2], r[3], r[4]) for r in result.table().rows]
    assert rows == [
        ("2026-07", "bank transfer", "EUR", 1, _m("1230.00", "EUR")),
        ("2026-10", "bank transfer", "EUR", 1, _m("200.00", "EUR")),
        ("2026-11", "bank transfer", "USD", 1, _m("350.00", "USD")),
    ]
    assert [(t[2], t[4]) for t in result.table().totals] == [
        ("EUR", _m("1430.00", "EUR")),
        ("USD", _m("350.00", "USD")),
    ]


def test_invoice_register_shows_credit_notes_negative(book: Any) -> None:
    result = activity.invoice_register(book.ctx, Period(date(2026, 9, 1), date(2026, 9, 30)))
    table = result.table()
    kinds = [(r[4], r[6], r[9]) for r in table.rows]
    assert kinds == [
        ("Invoice", "EUR", _m("500.00", "EUR")),
        ("Credit note", "GBP", _m("-160.00", "GBP")),
    ]
    assert [(t[6], t[9]) for t in table.totals] == [
        ("EUR", _m("500.00", "EUR")),
        ("GBP", _m("-160.00", "GBP")),
    ]


def test_tax_summary_by_rate_and_quarter(book: Any) -> None:
    result = activity.tax_summary(
        book.ctx, Period(date(2026, 1, 1), date(2026, 11, 30)), group="quarter"
    )
    rows = {(r[0], r[1], r[2]): (r[5], r[6]) for r in result.table().rows}
    # Q2 EUR: A1 1,000.00 at 23 % → 230.00 tax
    assert rows[("2026-Q2", "EUR", "VAT 23%")] == (_m("1000.00", "EUR"), _m("230.00", "EUR"))
    # Q3 GBP at 20 %: B1 800.00 / 160.00, less the credit note 160.00 gross
    # (133.33 net + 26.67 tax) → 666.67 base, 133.33 tax
    assert rows[("2026-Q3", "GBP", "VAT 20%")] == (_m("666.67", "GBP"), _m("133.33", "GBP"))
    # Q3 EUR: A2 500.00 at 0 %; Q4: A3 200.00 and (USD) C1 300.00 at 0 %
    assert rows[("2026-Q3", "EUR", "VAT 0%")] == (_m("500.00", "EUR"), _m("0.00", "EUR"))
    assert rows[("2026-Q4", "EUR", "VAT 0%")] == (_m("200.00", "EUR"), _m("0.00", "EUR"))
    assert rows[("2026-Q4", "USD", "VAT 0%")] == (_m("300.00", "USD"), _m("0.00", "USD"))


def test_revenue_by_client_and_service(book: Any) -> None:
    year = Period(date(2026, 1, 1), AS_OF)
    by_client = {(r[0], r[1]): r[3] for r in activity.revenue(book.ctx, year).table().rows}
    # Alder 1,000 + 500 + 200 net; Birch 800.00 − 133.33 credited net; Cedar 300.00
    assert by_client == {
        ("Alder Ltd", "EUR"): _m("1700.00", "EUR"),
        ("Birch plc", "GBP"): _m("666.67", "GBP"),
        ("Cedar Inc", "USD"): _m("300.00", "USD"),
    }
    by_service = activity.revenue(book.ctx, year, by="service").table()
    consulting = {r[1]: r[3] for r in by_service.rows if r[0] == "Consulting"}
    assert consulting == {
        "EUR": _m("1700.00", "EUR"),
        "GBP": _m("800.00", "GBP"),
        "USD": _m("300.00", "USD"),
    }


def test_statement_closing_balance_equals_open_invoices_less_credit(book: Any) -> None:
    period = Period(date(2026, 7, 1), AS_OF)
    alder = statement(book.ctx, book.ids["alder"], period).document
    # Opening on 30 Jun: A1 1,230.00. Then −1,230.00, +500.00, −200.00, +200.00 → 500.00.
    assert alder.opening_balance == _m("1230.00", "EUR")
    assert [(e.kind, e.debit, e.credit) for e in alder.entries] == [
        ("Payment", None, _m("1230.00", "EUR")),
        ("Invoice", _m("500.00", "EUR"), None),
        ("Payment", None, _m("200.00", "EUR")),
        ("Invoice", _m("200.00", "EUR"), None),
    ]
    assert alder.closing_balance == _m("500.00", "EUR")
    assert [b.amount for b in alder.aging] == [
        _m("200.00", "EUR"),
        _m("0.00", "EUR"),
        _m("300.00", "EUR"),
        _m("0.00", "EUR"),
        _m("0.00", "EUR"),
    ]
    cedar = statement(book.ctx, book.ids["cedar"], period).document
    # 300.00 invoiced, 350.00 received: the client is 50.00 in credit.
    assert cedar.closing_balance == _m("-50.00", "USD")
    birch = statement(book.ctx, book.ids["birch"], period).document
    assert birch.closing_balance == _m("800.00", "GBP")
    assert [e.kind for e in birch.entries] == ["Invoice", "Credit note"]


def test_dashboard_figures_match_the_reports(book: Any) -> None:
    board = dashboard(book.ctx, "month")
    # 1–25 Nov against 1–25 Oct
    assert board.invoiced["EUR"].current == 20_000  # A3
    assert board.invoiced["USD"].previous == 30_000  # C1 on 1 Oct
    assert board.collected["USD"].current == 35_000
    assert board.collected["EUR"].previous == 20_000
    assert board.outstanding["EUR"].current == 50_000
    # On 25 Oct: A2 300.00 open; C1 300.00 open
    assert board.outstanding["EUR"].previous == 30_000
    assert board.outstanding["USD"].previous == 30_000
    assert board.overdue["EUR"].current == 30_000
    assert board.overdue_share["EUR"].current == D("60.0")
    assert board.overdue["GBP"].current == 80_000
    # Days to pay: C1 issued 1 Oct, paid 5 Nov = 35 days; in October A2 1 Sep → 20 Oct = 49
    assert board.days_to_pay.current == D("35.0")
    assert board.days_to_pay.previous == D("49.0")
    # DSO EUR this month: 500.00 AR ÷ 200.00 invoiced × 25 days = 62.5
    assert board.dso["EUR"].current == D("62.5")
    assert board.currencies[0] == "EUR"  # the company currency first
    assert set(board.currencies) == {"EUR", "GBP", "USD"}
