"""Combinations of open invoices that add up to a payment."""

from __future__ import annotations

from decimal import Decimal

from app.core.matching.subset_sum import find_combinations

D = Decimal


def test_a_single_combination_is_found() -> None:
    # 100.00 + 250.00 = 350.00; 400.00 is too big to take part.
    search = find_combinations(D("350.00"), [(1, D("100.00")), (2, D("250.00")), (3, D("400.00"))])
    assert search.combinations == ((1, 2),)
    assert search.complete


def test_two_different_combinations_are_both_reported() -> None:
    # 100 + 250 = 350 = 150 + 200
    items = [(1, D("100")), (2, D("250")), (3, D("150")), (4, D("200"))]
    search = find_combinations(D("350"), items)
    assert sorted(search.combinations) == [(1, 2), (3, 4)]


def test_equal_balances_count_once_and_the_oldest_are_taken() -> None:
    # Three invoices of 49.00 (oldest first: 5, 6, 7) and one of 99.00:
    # 49.00 + 99.00 = 148.00 is one combination of amounts, paid by 5 and 8.
    items = [(5, D("49.00")), (6, D("49.00")), (7, D("49.00")), (8, D("99.00"))]
    assert find_combinations(D("148.00"), items).combinations == ((5, 8),)
    # 3 × 49.00 = 147.00 uses all three.
    assert find_combinations(D("147.00"), items).combinations == ((5, 6, 7),)


def test_one_invoice_alone_is_not_a_combination() -> None:
    assert find_combinations(D("99.00"), [(1, D("99.00")), (2, D("10.00"))]).combinations == ()


def test_nothing_fits() -> None:
    search = find_combinations(D("1.00"), [(1, D("0.30")), (2, D("0.30"))])
    assert search.combinations == ()
    assert search.complete


def test_a_search_too_large_to_finish_says_so() -> None:
    # Twenty even amounts 2, 4, …, 40 (sum 420) can never make the odd 201,
    # but only parity shows it: the bounded search stops and says it is unsure.
    items = [(i, D(2 * (i + 1))) for i in range(20)]
    search = find_combinations(D("201"), items)
    assert search.combinations == ()
    assert not search.complete
