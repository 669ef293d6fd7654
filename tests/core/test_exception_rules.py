"""Each exception rule built from plain facts: what it finds, the facts it states, the near misses."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from app.core.exception_rules import (
    AgreedTerms,
    InvoiceFacts,
    LineFacts,
    RuleLimits,
    contract_discrepancy,
    duplicate_invoice,
    duplicate_pairs,
    variance,
    variance_explained,
)
from app.core.pattern_rules import RecurringSeries, anomaly, missed_recurring, usage
from app.core.payment_rules import (
    BankLineFacts,
    CreditFacts,
    PaymentFacts,
    SettlementFacts,
    broken_promise,
    credit_balance,
    duplicate_bank_lines,
    open_dispute,
    over_payment,
    short_payment,
    unmatched_bank_line,
)

LIMITS = RuleLimits()
TODAY = date(2026, 11, 25)


def inv(
    id: int,
    total: int,
    day: date,
    *,
    client: int = 1,
    schedule: int | None = None,
    period: tuple[date, date] | None = None,
    status: str = "review",
    number: str | None = None,
) -> InvoiceFacts:
    return InvoiceFacts(
        id,
        client,
        "Acme Ltd",
        "EUR",
        status,
        day,
        total,
        number or f"INV-{id}",
        schedule,
        period[0] if period else None,
        period[1] if period else None,
    )


def charge(
    invoice_id: int, total: int, qty: str = "1", price: int = 0, line: int | None = 7
) -> LineFacts:
    return LineFacts(invoice_id, "charge", "Retainer", D(qty), price or total, total, line)


# --- possible duplicate -------------------------------------------------------------------


def test_duplicate_invoice_three_days_apart() -> None:
    a = inv(1, 123000, date(2026, 11, 2))
    b = inv(2, 123000, date(2026, 11, 5))
    pairs = duplicate_pairs([a, b], {2}, LIMITS)
    assert pairs == [(b, a)]
    f = duplicate_invoice(b, a, ["Consulting (12 of 30 days)"], ["consulting"], LIMITS)
    assert f is not None and f.type == "duplicate_invoice" and f.entity_id == 2
    assert f.severity == "high" and f.key == "1"
    assert "INV-2 (1230.00 EUR, 2026-11-05) and INV-1 (1230.00 EUR, 2026-11-02)" in f.explanation
    assert "are 3 days apart, differ by 0.00 EUR (0.0%, within 1%)" in f.explanation
    assert f.evidence["days_apart"] == 3
    assert f.actions == ("reject", "approve", "edit", "dismiss")


def test_duplicate_near_misses() -> None:
    a = inv(1, 100000, date(2026, 11, 1))
    eight_days = inv(2, 100000, date(2026, 11, 9))  # N = 7
    assert duplicate_pairs([a, eight_days], {2}, LIMITS) == []
    # 1% of 101,000 is 1,010 cents: 1,000 apart is within, 1,011 is not
    assert duplicate_pairs([a, inv(3, 101000, date(2026, 11, 2))], {3}, LIMITS)
    assert duplicate_pairs([a, inv(4, 101011, date(2026, 11, 2))], {4}, LIMITS) == []
    other_client = inv(5, 100000, date(2026, 11, 2), client=2)
    assert duplicate_pairs([a, other_client], {5}, LIMITS) == []
    same_schedule = [
        inv(6, 100000, date(2026, 11, 1), schedule=9),
        inv(7, 100000, date(2026, 11, 2), schedule=9),
    ]
    assert duplicate_pairs(same_schedule, {7}, LIMITS) == []
    assert duplicate_invoice(eight_days, a, ["Retainer"], ["Hosting"], LIMITS) is None


def test_duplicate_by_overlapping_periods() -> None:
    a = inv(1, 50000, date(2026, 10, 1), schedule=3, period=(date(2026, 10, 1), date(2026, 10, 31)))
    b = inv(2, 50000, date(2026, 10, 20), period=(date(2026, 10, 15), date(2026, 11, 14)))
    assert duplicate_pairs([a, b], {2}, LIMITS) == [(b, a)]
    f = duplicate_invoice(b, a, ["Retainer"], ["Retainer"], LIMITS)
    assert f is not None and "cover overlapping periods" in f.explanation


# --- variance -----------------------------------------------------------------------------


def test_unexplained_variance_states_both_amounts_and_the_threshold() -> None:
    before = inv(
        1, 110700, date(2026, 10, 1), schedule=3, period=(date(2026, 10, 1), date(2026, 10, 31))
    )
    now = inv(
        2, 135300, date(2026, 11, 1), schedule=3, period=(date(2026, 11, 1), date(2026, 11, 30))
    )
    why = variance_explained(
        now, before, [charge(2, 135300, price=110000)], [charge(1, 110700, price=90000)], []
    )
    assert why == ""
    f = variance(now, before, 135300, 110700, why, LIMITS)
    assert f is not None and f.auto == ""
    # (1353.00 - 1107.00) / 1107.00 = +22.2%
    assert f.explanation.startswith(
        "1353.00 EUR differs from the previous invoice's 1107.00 EUR (INV-1, period from "
        "2026-10-01) by +22.2% (threshold 10%)."
    )
    assert "No recorded change explains it." in f.explanation
    assert f.key == ""  # the same item the bill run raises for this invoice


def test_variance_at_the_threshold_is_not_raised() -> None:
    before = inv(1, 100000, date(2026, 10, 1), schedule=3)
    now = inv(2, 110000, date(2026, 11, 1), schedule=3)
    assert variance(now, before, 110000, 100000, "", LIMITS) is None  # exactly +10.0%
    assert variance(now, before, 110001, 100000, "", LIMITS) is not None


def test_variance_explained_by_an_agreed_change_or_by_proration() -> None:
    p_oct = (date(2026, 10, 1), date(2026, 10, 31))
    p_nov = (date(2026, 11, 1), date(2026, 11, 30))
    before = inv(1, 100000, date(2026, 10, 1), schedule=3, period=p_oct)
    now = inv(2, 150000, date(2026, 11, 1), schedule=3, period=p_nov)
    old, new = [charge(1, 100000)], [charge(2, 150000)]
    agreed = variance_explained(now, before, new, old, [date(2026, 10, 15)])
    assert agreed == "the agreed change of terms effective 2026-10-15"
    f = variance(now, before, 150000, 100000, agreed, LIMITS)
    assert f is not None and f.auto == "clear_variance"
    # a change outside (previous start, this start] explains nothing: the near miss
    assert variance_explained(now, before, new, old, [date(2026, 9, 15)]) == ""
    prorated = [*new, LineFacts(2, "proration", "Retainer: credit", D(-1), 1000, -400)]
    assert "recorded proration" in variance_explained(now, before, prorated, old, [])
    # same quantity and price, fewer days: 12 of 30 days → 400.00 instead of 1000.00
    short = [charge(2, 40000, price=100000)]
    same_terms = variance_explained(now, before, short, [charge(1, 100000, price=100000)], [])
    assert same_terms.endswith("(prorated days)")


# --- contract discrepancy ----------------------------------------------------------------


def test_contract_discrepancy_names_the_line_and_the_agreed_terms() -> None:
    invoice = inv(2, 246000, date(2026, 11, 1), schedule=3)
    line = LineFacts(2, "charge", "Seats", D(2), 100000, 246000, 7)
    agreed = AgreedTerms("Seats plan", "Seats", D(1), 100000, date(2026, 11, 1))
    f = contract_discrepancy(invoice, line, agreed)
    assert f is not None and f.type == "contract_discrepancy"
    assert f.explanation == (
        "Line 'Seats' bills quantity 2 at 1000.00 EUR, but the agreement 'Seats plan' says "
        "quantity 1 at 1000.00 EUR on 2026-11-01."
    )
    same = AgreedTerms("Seats plan", "Seats", D(2), 100000, date(2026, 11, 1))
    assert contract_discrepancy(invoice, line, same) is None


# --- anomaly, usage, missed recurring -------------------------------------------------------


def test_anomaly_on_an_invoice() -> None:
    f = anomaly(inv(9, 480000, date(2026, 11, 20)), [155000] * 11 + [150000], LIMITS)
    # eleven of twelve at 1550.00: MAD 0 → flat rule; 4800 / 1550 is +209.7%
    assert f is not None and f.type == "anomaly"
    assert f.explanation.startswith(
        "4800.00 EUR is +209.7% against this client's usual 1550.00 EUR"
    )
    assert f.evidence["method"] == "flat" and f.evidence["history"] == 12
    assert anomaly(inv(9, 155000, date(2026, 11, 20)), [155000] * 12, LIMITS) is None


def test_usage_spike_on_a_line_quantity() -> None:
    line = LineFacts(9, "charge", "Support hours", D(40), 9000, 360000)
    f = usage(inv(9, 360000, date(2026, 11, 20)), line, [D(10), D(12), D(9)], LIMITS)
    # median of 9, 10, 12 is 10; 40 / 10 = 4.0× (> 2× with fewer than 6 past invoices)
    assert f is not None and f.type == "usage" and "spike" in f.title
    assert "'Support hours': quantity 40 is 4.0× this item's usual quantity 10" in f.explanation
    assert usage(inv(9, 99000, date(2026, 11, 20)), line, [D(30), D(40), D(35)], LIMITS) is None


def test_missed_recurring_invoice() -> None:
    dates = [date(2026, m, 1) for m in range(1, 7)]  # gaps 31 28 31 30 31 → median 31
    series = RecurringSeries(1, "Acme Ltd", dates, 4, "Retainer")
    # expected 1 June + 31 = 2 July, grace round(31 / 4) = 8 days → alarm after 10 July
    assert missed_recurring(series, date(2026, 7, 10), LIMITS) is None
    f = missed_recurring(series, date(2026, 7, 11), LIMITS)
    assert f is not None and f.entity_type == "schedule" and f.entity_id == 4
    assert "billed every ~31 days (last 6 invoices, gaps 28–31 days)" in f.explanation
    assert (
        "expected around 2026-07-02 and none has come by 2026-07-11 (grace 8 days)" in f.explanation
    )
    irregular = RecurringSeries(
        1, "Acme Ltd", [date(2026, 1, 1), date(2026, 1, 20), date(2026, 3, 30), date(2026, 4, 2)]
    )
    assert missed_recurring(irregular, date(2026, 11, 1), LIMITS) is None
    too_few = RecurringSeries(1, "Acme Ltd", dates[:3])
    assert missed_recurring(too_few, date(2026, 11, 1), LIMITS) is None


# --- bank, payments, collections ----------------------------------------------------------


def line(
    id: int,
    status: str = "unmatched",
    *,
    import_id: int = 1,
    day: date = date(2026, 11, 19),
    amount: int = 64000,
    party: str = "UNKNOWN GMBH",
) -> BankLineFacts:
    return BankLineFacts(id, 1, import_id, day, amount, "EUR", party, "Ref 88213", status)


def test_unmatched_bank_line_older_than_n_days() -> None:
    assert unmatched_bank_line(line(1, day=date(2026, 11, 20)), TODAY, LIMITS) is None  # 5 days
    f = unmatched_bank_line(line(1, day=date(2026, 11, 19)), TODAY, LIMITS)
    assert f is not None and f.auto == "close_matched_line"
    assert f.explanation == (
        "640.00 EUR from UNKNOWN GMBH on 2026-11-19 ('Ref 88213') has been unmatched for 6 days "
        "(threshold 5 days)."
    )
    assert unmatched_bank_line(line(1, "matched"), TODAY, LIMITS) is None
    suggested = unmatched_bank_line(line(1, "suggested"), TODAY, LIMITS)
    assert suggested is not None and suggested.actions[0] == "accept-line"


def test_duplicate_bank_line_from_another_statement() -> None:
    first = line(1, "auto", import_id=1)
    again = line(2, "unmatched", import_id=2)
    [f] = duplicate_bank_lines([first, again], LIMITS)
    assert (
        f.entity_id == 2 and f.auto == "ignore_duplicate_line" and f.evidence["twin_line_id"] == 1
    )
    # near misses: the same file (two real payments), a cent apart, an ignored twin
    assert duplicate_bank_lines([line(1, import_id=1), line(2, import_id=1)], LIMITS) == []
    assert duplicate_bank_lines([first, line(2, import_id=2, amount=64001)], LIMITS) == []
    assert duplicate_bank_lines([line(1, "ignored"), again], LIMITS) == []
    # two waiting copies: only the later one is the duplicate
    [later] = duplicate_bank_lines([line(1, import_id=1), line(2, import_id=2)], LIMITS)
    assert later.entity_id == 2


def settlement(balance: int, paid: int, **kw: object) -> SettlementFacts:
    return SettlementFacts(
        5,
        1,
        "Acme Ltd",
        "EUR",
        "INV-5",
        "partly_paid",
        paid + balance,
        paid,
        balance,
        date(2026, 11, 1),
        **kw,  # type: ignore[arg-type]
    )


def test_short_payment_within_and_beyond_the_fee_tolerance() -> None:
    within = short_payment(settlement(200, 122800), LIMITS)  # short by 2.00, tolerance 2.00
    assert within is not None and within.auto == "fee_writeoff" and within.severity == "low"
    assert within.explanation == (
        "INV-5 for 1230.00 EUR was paid 1228.00 EUR, short by 2.00 EUR (0.2%); within the "
        "bank-fee tolerance of 2.00 EUR."
    )
    beyond = short_payment(settlement(201, 122799), LIMITS)  # one cent more
    assert beyond is not None and beyond.auto == ""
    assert "more than the bank-fee tolerance of 2.00 EUR" in beyond.explanation
    disputed = short_payment(settlement(100, 122900, disputed=True), LIMITS)
    assert disputed is not None and disputed.auto == ""


def test_over_payment_credit_promise_and_dispute() -> None:
    p = PaymentFacts(3, 1, "Acme Ltd", "EUR", date(2026, 11, 3), 125000, 123000, 2000, ("INV-5",))
    f = over_payment(p)
    assert f is not None and f.auto == "apply_credit"
    assert f.explanation == (
        "1250.00 EUR received on 2026-11-03 paid 1230.00 EUR of INV-5; 20.00 EUR is kept as "
        "Acme Ltd's credit."
    )
    c = credit_balance(CreditFacts(1, "Acme Ltd", "EUR", 5000, (4, 8), date(2026, 10, 1)))
    assert c is not None and c.key == "EUR:8:5000" and c.entity_type == "client"
    assert "Acme Ltd has 50.00 EUR of credit since 2026-10-01 (2 payments" in c.explanation
    promised = settlement(50000, 0, promise_date=date(2026, 11, 20))
    b = broken_promise(promised, TODAY)
    assert (
        b is not None
        and "promised to pay INV-5 by 2026-11-20; 5 days later 500.00 EUR" in b.explanation
    )
    assert broken_promise(settlement(50000, 0, promise_date=TODAY), TODAY) is None
    d = open_dispute(settlement(50000, 0, disputed=True, dispute_note="hours not agreed"))
    assert d is not None and d.explanation.startswith(
        "Acme Ltd disputes INV-5 (500.00 EUR open, due 2026-11-01): hours not agreed."
    )
