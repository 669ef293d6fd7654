"""The payment-risk scorecard on constructed histories; every figure recomputed by hand."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

from app.core.risk import BookAverages, ClientHistory, PaidInvoice, book_averages, score, tone_for

BOOK = BookAverages(late_share=D("0.20"), days_late=D(3))
START = date(2026, 1, 1)


def paid(days_late: list[int]) -> tuple[PaidInvoice, ...]:
    out = []
    for n, late in enumerate(days_late):
        due = START + timedelta(days=30 * n)
        out.append(PaidInvoice(due, due + timedelta(days=late)))
    return tuple(out)


def test_one_late_out_of_one_is_not_high() -> None:
    s = score(ClientHistory(paid([20])), BOOK)
    # late share (1 + 3 × 0.20) / (1 + 3) = 0.40 → 2 points; days (20 + 3 × 3) / 4 = 7.25 → 0
    assert s.points == 2 and s.level == "low"
    assert s.limited_history
    assert any(r.startswith("Limited history: 1 paid invoice") for r in s.reasons)


def test_a_short_history_is_not_high_on_the_books_averages_alone() -> None:
    late_book = BookAverages(late_share=D("0.60"), days_late=D(20))
    s = score(ClientHistory(paid([20])), late_book)
    # (1 + 1.8) / 4 = 0.70 → 4 points; (20 + 60) / 4 = 20.00 → 1 point: 5, capped at medium
    assert (s.points, s.level) == (5, "medium")
    assert s.reasons[-1].endswith("the book's averages alone never make a client high risk")
    overdue = score(ClientHistory(paid([20]), overdue_days=30), late_book)
    assert overdue.level == "high"  # something overdue now is the client's own fact


def test_six_late_out_of_eight_is_high() -> None:
    s = score(ClientHistory(paid([0, 20, 20, 20, 0, 20, 20, 20])), BOOK)
    # late share (6 + 0.6) / 11 = 0.60 → 4 points; days late (120 + 9) / 11 = 11.73 → 1 point
    assert s.points == 5 and s.level == "high"
    assert not s.limited_history
    assert s.reasons[0] == ("Paid late 6 of 8: (6 + 3 × 0.20) / (8 + 3) = 0.60, ≥ 0.50 → 4 points")
    assert s.reasons[1] == (
        "Days late on average: (120 + 3 × 3.00) / (8 + 3) = 11.73, ≥ 10 → 1 point"
    )


def test_a_reliable_payer_is_low_with_two_reasons() -> None:
    s = score(ClientHistory(paid([0] * 12)), BOOK)
    # (0 + 0.6) / 15 = 0.04 → 0; (0 + 9) / 15 = 0.60 → 0
    assert (s.level, s.points) == ("low", 0)
    assert len(s.reasons) == 2


def test_overdue_now_trend_and_dispute_add_points() -> None:
    history = ClientHistory(paid([0, 0, 0, 0, 0, 1, 2, 3]), overdue_days=15, open_disputes=1)
    s = score(history, BOOK)
    # share (3 + 0.6) / 11 = 0.33 → 2; days (6 + 9) / 11 = 1.36 → 0; overdue 15 > 14 → 2;
    # 1 < 2 < 3 days late → 1; a dispute → 1: 6 points, high
    assert s.points == 6 and s.level == "high"
    codes = {f.code: f.points for f in s.factors}
    assert codes == {"late_share": 2, "days_late": 0, "overdue_now": 2, "trend": 1, "dispute": 1}
    assert len(s.reasons) == 3  # the three factors with the most points
    exactly_14 = score(ClientHistory(paid([0] * 8), overdue_days=14), BOOK)
    assert exactly_14.points == 0  # "more than 14 days"


def test_the_shown_reasons_add_up_to_the_points() -> None:
    s = score(ClientHistory(paid([40, 35, 50, 60]), overdue_days=30), BOOK)
    assert sum(f.points for f in s.factors) == s.points
    # share (4 + 0.6) / 7 = 0.66 → 4; days (185 + 9) / 7 = 27.71 → 1; overdue → 2; 35 < 50 < 60 → 1
    assert s.points == 8


def test_book_averages() -> None:
    book = book_averages(paid([0, 10, 0, 20]))
    assert book.late_share == D("0.5") and book.days_late == D("7.5") and book.paid == 4
    empty = book_averages([])
    assert (empty.late_share, empty.days_late) == (D(0), D(0))


def test_tone_grows_with_risk_and_stage() -> None:
    assert tone_for("low", 0) == "friendly"
    assert tone_for("low", 2) == "firm"
    assert tone_for("high", 0) == "firm"
    assert tone_for("high", 2) == "formal"
