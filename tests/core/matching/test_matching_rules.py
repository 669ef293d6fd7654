"""The auto-apply rule and its traps, on small hand-labelled statements."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from app.core.creditor_reference import format_rf, make_rf
from app.core.matching import (
    BankLine,
    ClientProfile,
    MatchResult,
    MatchSettings,
    OpenInvoice,
    learn_alias,
    match_statement,
)

D = Decimal
HARBOR = ClientProfile(1, "Harbor Media GmbH", (), ("DE82181590830166131860",))
CEDAR = ClientProfile(2, "Cedar Design Inc.", (), ("IE21625276018955597971",))
KEYSTONE = ClientProfile(3, "Keystone Software S.L.", (), ("ES9482450400088387371",))
CLIENTS = [HARBOR, CEDAR, KEYSTONE]


def invoice(
    id_: int,
    client: ClientProfile,
    amount: str,
    issued: date = date(2026, 1, 5),
    number: str | None = None,
    reference: str = "",
) -> OpenInvoice:
    value = D(amount)
    return OpenInvoice(
        id_,
        number or f"INV-2026-{id_:05d}",
        client.id,
        issued,
        date(issued.year, issued.month, 28),
        "EUR",
        value,
        value,
        reference,
    )


def line(
    amount: str,
    memo: str = "",
    client: ClientProfile | None = None,
    *,
    name: str | None = None,
    iban: str | None = None,
    when: date = date(2026, 2, 10),
    id_: str = "L1",
    reference: str = "",
) -> BankLine:
    payer_name = name if name is not None else (client.name.upper() if client else "")
    payer_iban = iban if iban is not None else (client.ibans[0] if client else "")
    return BankLine(id_, when, D(amount), "EUR", payer_name, payer_iban, memo, reference)


def one(
    bank_line: BankLine,
    invoices: list[OpenInvoice],
    clients: list[ClientProfile] = CLIENTS,
    **settings: object,
) -> MatchResult:
    return match_statement([bank_line], invoices, clients, MatchSettings(**settings))[0]


def applied(result: MatchResult) -> list[tuple[str, Decimal]]:
    return [(a.number, a.amount) for a in result.allocations]


def test_exact_reference_and_amount_is_applied_with_its_reasons() -> None:
    result = one(
        line("120.00", "Pmt INV-2026-00042 thanks", HARBOR),
        [invoice(42, HARBOR, "120.00"), invoice(43, HARBOR, "120.00")],
    )
    assert result.action == "auto"
    assert result.kind == "ref_exact"
    assert applied(result) == [("INV-2026-00042", D("120.00"))]
    assert result.client_id == HARBOR.id
    assert "INV-2026-00042" in result.explanation
    assert "amount 120.00 equals its balance" in result.explanation


def test_rf_reference_in_the_memo_is_the_strongest_evidence() -> None:
    ref = make_rf("2026042")
    result = one(
        line("120.00", f"paid {format_rf(ref).lower()}", name="ACME HOLDING", iban=""),
        [invoice(42, HARBOR, "120.00", reference=ref)],
    )
    assert result.action == "auto"
    assert result.explanation.startswith(f"Reference {ref} is the one on INV-2026-00042")


def test_reference_field_of_the_bank_file_is_used() -> None:
    ref = make_rf("77")
    result = one(
        line("50.00", "", HARBOR, reference=ref), [invoice(7, HARBOR, "80.00", reference=ref)]
    )
    assert (result.action, result.kind) == ("auto", "partial")


def test_short_by_exactly_the_tolerance_is_settled_with_a_fee() -> None:
    # 120.00 − 118.00 = 2.00, the default tolerance: settled, 2.00 written off.
    result = one(line("118.00", "INV-2026-00042", HARBOR), [invoice(42, HARBOR, "120.00")])
    assert (result.action, result.kind) == ("auto", "short_fee")
    assert applied(result) == [("INV-2026-00042", D("118.00"))]
    assert result.fee_writeoff == D("2.00")


def test_one_cent_beyond_the_tolerance_is_a_partial_payment() -> None:
    # 120.00 − 117.99 = 2.01 > 2.00: not a fee, the invoice stays open for 2.01.
    result = one(line("117.99", "INV-2026-00042", HARBOR), [invoice(42, HARBOR, "120.00")])
    assert result.kind == "partial"
    assert result.fee_writeoff == D("0")
    assert applied(result) == [("INV-2026-00042", D("117.99"))]


def test_overpayment_pays_in_full_and_keeps_the_rest_as_credit() -> None:
    # 130.00 − 120.00 = 10.00 credit.
    result = one(line("130.00", "INV-2026-00042", HARBOR), [invoice(42, HARBOR, "120.00")])
    assert (result.action, result.kind) == ("auto", "over")
    assert applied(result) == [("INV-2026-00042", D("120.00"))]
    assert result.credit_remainder == D("10.00")


def test_several_references_whose_balances_add_up() -> None:
    # 99.00 + 150.00 = 249.00
    result = one(
        line("249.00", "Invoices INV-2026-00011, 2026-00012", HARBOR),
        [invoice(11, HARBOR, "99.00"), invoice(12, HARBOR, "150.00")],
    )
    assert (result.action, result.kind) == ("auto", "multi")
    assert sorted(applied(result)) == [
        ("INV-2026-00011", D("99.00")),
        ("INV-2026-00012", D("150.00")),
    ]


def test_inv_1_is_not_inv_12() -> None:
    invoices = [
        invoice(1, HARBOR, "10.00", number="INV-1"),
        invoice(2, HARBOR, "10.00", number="INV-12"),
    ]
    result = one(line("10.00", "INV-12", HARBOR), invoices, numbering_templates=("INV-{SEQ}",))
    assert result.action == "auto"
    assert applied(result) == [("INV-12", D("10.00"))]


def test_same_amount_at_two_clients_and_no_reference_is_never_applied() -> None:
    invoices = [invoice(1, HARBOR, "75.50"), invoice(2, CEDAR, "75.50")]
    result = one(line("75.50", "Thanks", name="J SMITH", iban="NL91ABNA0417164300"), invoices)
    assert result.action == "suggest"
    assert result.kind == "amount_only"
    assert {c.invoice_ids for c in result.candidates} == {(1,), (2,)}


def test_known_payer_without_reference_pays_the_oldest_of_equal_invoices() -> None:
    invoices = [
        invoice(5, HARBOR, "49.00", issued=date(2026, 2, 1)),
        invoice(4, HARBOR, "49.00", issued=date(2026, 1, 1)),
    ]
    result = one(line("49.00", "Monthly payment", HARBOR), invoices)
    assert (result.action, result.kind) == ("auto", "name_amount")
    assert applied(result) == [("INV-2026-00004", D("49.00"))]
    assert "oldest" in result.explanation


def test_holding_company_is_suggested_until_its_alias_is_learnt() -> None:
    invoices = [invoice(31, KEYSTONE, "310.40")]
    holding = line(
        "310.40", "Monthly payment", name="KEYSTONE HOLDING GROUP", iban="BE71096123456769"
    )
    first = one(holding, invoices)
    assert first.action == "suggest"
    assert first.candidates[0].invoice_ids == (31,)
    taught = learn_alias(KEYSTONE, "KEYSTONE HOLDING GROUP", "BE71 0961 2345 6769")
    next_month = one(holding, invoices, clients=[HARBOR, CEDAR, taught])
    assert (next_month.action, next_month.kind) == ("auto", "name_amount")
    assert next_month.client_id == KEYSTONE.id


def test_reference_to_another_clients_invoice_goes_to_review() -> None:
    # Harbor pays from its own account, naming Cedar's invoice.
    invoices = [invoice(20, CEDAR, "500.00"), invoice(21, HARBOR, "500.00")]
    result = one(line("500.00", "INV-2026-00020", HARBOR), invoices)
    assert result.action == "suggest"
    assert result.kind == "other_client"


def test_unknown_payer_with_a_clear_reference_is_applied() -> None:
    result = one(
        line("500.00", "INV-2026-00020", name="TREUHAND AG", iban="CH9300762011623852957"),
        [invoice(20, CEDAR, "500.00")],
    )
    assert result.action == "auto"
    assert result.client_id == CEDAR.id


def test_combination_without_reference_is_applied_only_when_unique() -> None:
    # 100 + 250 = 350 is the only combination of {100, 250, 400}.
    unique = [
        invoice(1, HARBOR, "100.00"),
        invoice(2, HARBOR, "250.00"),
        invoice(3, HARBOR, "400.00"),
    ]
    result = one(line("350.00", "", HARBOR), unique)
    assert (result.action, result.kind) == ("auto", "multi_amount")
    assert sorted(applied(result)) == [
        ("INV-2026-00001", D("100.00")),
        ("INV-2026-00002", D("250.00")),
    ]
    # 100 + 250 = 350 = 150 + 200: two combinations fit, a person decides.
    ambiguous = [
        invoice(1, HARBOR, "100.00"),
        invoice(2, HARBOR, "250.00"),
        invoice(3, HARBOR, "150.00"),
        invoice(4, HARBOR, "200.00"),
    ]
    result = one(line("350.00", "", HARBOR), ambiguous)
    assert result.action == "suggest"
    assert "combinations" in result.explanation


def test_a_number_of_no_open_invoice_stops_guessing_by_amount() -> None:
    # INV-2026-00009 is already paid (not open); 49.00 fits invoice 10, but the
    # payer meant another invoice.
    result = one(line("49.00", "INV-2026-00009", HARBOR), [invoice(10, HARBOR, "49.00")])
    assert result.action == "suggest"
    assert "INV-2026-00009" in result.explanation


def test_a_second_payment_of_the_same_invoice_is_not_applied_again() -> None:
    invoices = [invoice(42, HARBOR, "120.00")]
    first = line("120.00", "INV-2026-00042", HARBOR, id_="L1")
    second = line("120.00", "INV-2026-00042", HARBOR, id_="L2", when=date(2026, 2, 11))
    results = match_statement([first, second], invoices, CLIENTS)
    assert [r.action for r in results] == ["auto", "suggest"]
    assert results[1].kind == "already_paid"


def test_partial_then_rest_consume_the_balance() -> None:
    # 120.00 − 50.00 = 70.00 left; the second line pays exactly that.
    invoices = [invoice(42, HARBOR, "120.00")]
    lines = [
        line("70.00", "INV-2026-00042 rest", HARBOR, id_="L2", when=date(2026, 3, 1)),
        line("50.00", "INV-2026-00042 part", HARBOR, id_="L1", when=date(2026, 2, 1)),
    ]
    results = match_statement(lines, invoices, CLIENTS)
    assert [(r.line_id, r.kind) for r in results] == [("L2", "ref_exact"), ("L1", "partial")]


def test_money_going_out_is_never_a_payment() -> None:
    fee = one(line("-12.50", "Account fee", name="BANK", iban=""), [invoice(1, HARBOR, "12.50")])
    assert (fee.action, fee.kind) == ("none", "out")


def test_a_returned_payment_points_at_the_invoice_it_paid() -> None:
    invoices = [invoice(42, HARBOR, "120.00")]
    paid = line("120.00", "INV-2026-00042", HARBOR, id_="L1")
    returned = line("-120.00", "RETURN AC04", HARBOR, id_="L2", when=date(2026, 2, 12))
    results = match_statement([paid, returned], invoices, CLIENTS)
    assert results[1].kind == "reversal"
    assert results[1].action == "suggest"
    assert results[1].candidates[0].invoice_ids == (42,)


def test_own_account_transfers_are_left_alone() -> None:
    own = "BE75776327246804328361"
    result = one(
        line("9308.61", "Transfer from savings", name="OWN ACCOUNT", iban=own),
        [invoice(1, HARBOR, "9308.61")],
        own_ibans=(own,),
    )
    assert (result.action, result.kind) == ("none", "own_transfer")


def test_switching_automatic_application_off_leaves_suggestions() -> None:
    result = one(
        line("120.00", "INV-2026-00042", HARBOR), [invoice(42, HARBOR, "120.00")], auto_apply=False
    )
    assert result.action == "suggest"
    assert applied(result) == [("INV-2026-00042", D("120.00"))]


def test_other_currency_is_never_applied() -> None:
    usd = OpenInvoice(
        42,
        "INV-2026-00042",
        HARBOR.id,
        date(2026, 1, 5),
        date(2026, 1, 28),
        "USD",
        D("120.00"),
        D("120.00"),
    )
    result = one(line("120.00", "INV-2026-00042", HARBOR), [usd])
    assert result.action == "suggest"
    assert result.kind == "currency"


def test_a_name_scorer_on_a_0_to_100_scale_is_accepted() -> None:
    invoices = [invoice(31, KEYSTONE, "310.40")]
    calls: list[tuple[str, str]] = []

    def scorer(a: str, b: str) -> float:
        calls.append((a, b))
        return 90.0

    results = match_statement(
        [line("310.40", "", name="KEYSTONE SOFTWARE", iban="")],
        invoices,
        CLIENTS,
        name_similarity=scorer,
    )
    assert results[0].action == "auto"  # the name equals the client's once "S.L." is dropped
    results = match_statement(
        [line("310.40", "", name="KEYSTONE SOFTWAR LTD", iban="")],
        invoices,
        CLIENTS,
        name_similarity=scorer,
    )
    assert results[0].action == "suggest"
    assert calls and all(a == a.upper() for a, _ in calls)
    assert results[0].candidates[0].score > 0


def test_results_do_not_depend_on_the_order_of_the_lines() -> None:
    invoices = [invoice(i, HARBOR, "49.00", issued=date(2026, 1, i)) for i in range(1, 6)]
    lines = [
        line("49.00", "Thanks", HARBOR, id_=f"L{i}", when=date(2026, 2, i)) for i in range(1, 5)
    ]
    forward = match_statement(lines, invoices, CLIENTS)
    shuffled = lines[:]
    random.Random(3).shuffle(shuffled)
    backward = {r.line_id: r for r in match_statement(shuffled, invoices, CLIENTS)}
    assert [backward[r.line_id] for r in forward] == forward
    # Oldest first: the 1 Feb line takes the 1 Jan invoice, and so on.
    assert [applied(r)[0][0] for r in forward] == [f"INV-2026-0000{i}" for i in range(1, 5)]


def test_unreferenced_partial_and_over_payments_are_only_suggested() -> None:
    invoices = [invoice(1, HARBOR, "120.00")]
    partial = one(line("50.00", "", HARBOR), invoices)
    assert (partial.action, partial.kind) == ("suggest", "partial")
    # 150.00 − 120.00 = 30.00 would be credit.
    over = one(line("150.00", "", HARBOR), invoices)
    assert (over.action, over.kind) == ("suggest", "over")
    assert over.credit_remainder == D("30.00")


def test_partial_payment_equal_to_another_invoice_of_the_payer_goes_to_a_person() -> None:
    # 80.00 is part of INV-2026-00024 (120.00) — or the whole of the payer's
    # INV-2026-00042 with the digits swapped in the memo.
    invoices = [invoice(24, HARBOR, "120.00"), invoice(42, HARBOR, "80.00")]
    result = one(line("80.00", "INV-2026-00024", HARBOR), invoices)
    assert result.action == "suggest"
    assert "INV-2026-00042" in result.explanation
    # 79.00 would settle INV-2026-00042 too, with a 1.00 fee.
    assert one(line("79.00", "INV-2026-00024", HARBOR), invoices).action == "suggest"
