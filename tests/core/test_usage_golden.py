"""Usage, time and milestone billing: golden figures worked out by hand."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from app.core.usage import (
    Milestone,
    Pricing,
    PricingModel,
    Tier,
    TimeEntry,
    UsageError,
    milestone_amounts,
    rate,
    rate_time,
)

TIERS = (Tier(D(100), D("1.00")), Tier(D(500), D("0.80")), Tier(None, D("0.50")))


@pytest.mark.parametrize(
    ("used", "tiered", "volume"),
    [
        # 100 units: the first tier exactly. Tiered 100 × 1.00 = 100.00; volume 100 × 1.00 = 100.00.
        ("100", "100.00", "100.00"),
        # 101 units cross into tier 2. Tiered 100 × 1.00 + 1 × 0.80 = 100.80; volume 101 × 0.80 = 80.80.
        ("101", "100.80", "80.80"),
        # 500 units: top of tier 2. Tiered 100 + 400 × 0.80 = 420.00; volume 500 × 0.80 = 400.00.
        ("500", "420.00", "400.00"),
        # 600 units. Tiered 100 + 320 + 100 × 0.50 = 470.00; volume 600 × 0.50 = 300.00.
        ("600", "470.00", "300.00"),
    ],
)
def test_tiered_and_volume_at_and_across_boundaries(used: str, tiered: str, volume: str) -> None:
    assert rate(D(used), Pricing(PricingModel.TIERED, tiers=TIERS)).amount == D(tiered)
    assert rate(D(used), Pricing(PricingModel.VOLUME, tiers=TIERS)).amount == D(volume)


def test_allowance_partly_used_and_exceeded() -> None:
    p = Pricing(PricingModel.PER_UNIT, unit_price=D("0.10"), allowance=D(1000), unit="API calls")
    # 800 used of 1,000 included: nothing billable.
    assert rate(D(800), p).amount == 0
    # 1,250 used: 250 × 0.10 = 25.00; the line explains it.
    r = rate(D(1250), p)
    assert (r.billable, r.amount) == (D(250), D("25.00"))
    assert r.explanation("API calls") == "1250 API calls used; 1000 included; 250 × 0.10"


def test_allowance_comes_off_before_the_tiers() -> None:
    # 650 used, 100 included → 550 billable: tiered 100 × 1.00 + 400 × 0.80 + 50 × 0.50 = 445.00.
    p = Pricing(PricingModel.TIERED, tiers=TIERS, allowance=D(100))
    assert rate(D(650), p).amount == D("445.00")


@pytest.mark.parametrize(
    ("used", "blocks", "amount"), [("250", 3, "45.00"), ("300", 3, "45.00"), ("301", 4, "60.00")]
)
def test_package_rounds_up_to_whole_blocks(used: str, blocks: int, amount: str) -> None:
    # Blocks of 100 at 15.00: 250 → 3 blocks; 300 → 3; 301 → 4.
    r = rate(D(used), Pricing(PricingModel.PACKAGE, unit_price=D("15.00"), package_size=D(100)))
    assert r.steps[0].quantity == blocks and r.amount == D(amount)


def test_minimum_charge_tops_up() -> None:
    # 150 × 0.10 = 15.00 < minimum 20.00 → 5.00 top-up, 20.00 in all.
    r = rate(D(150), Pricing(unit_price=D("0.10"), minimum=D("20.00")))
    assert (r.minimum_top_up, r.amount) == (D("5.00"), D("20.00"))


def test_hours_from_two_people_at_two_rates() -> None:
    # Ann 7.5 + 2.5 = 10 h × 120.00 = 1,200.00; Bob 3.25 h × 85.00 = 276.25 (the non-billable hour is left out).
    steps = rate_time(
        [
            TimeEntry("Ann", D("7.5"), D("120.00")),
            TimeEntry("Bob", D("3.25"), D("85.00")),
            TimeEntry("Ann", D("2.5"), D("120.00")),
            TimeEntry("Bob", D("1"), D("85.00"), billable=False),
        ]
    )
    assert [(s.quantity, s.amount) for s in steps] == [
        (D(10), D("1200.00")),
        (D("3.25"), D("276.2500")),
    ]
    assert sum(s.amount for s in steps) == D("1476.25")


def test_milestones_by_percentage_sum_exactly_to_the_contract_value() -> None:
    # 999.99 × 30 % = 299.997 → 300.00, twice; 40 % would be 399.996 → 400.00, making 1,000.00,
    # so the last milestone absorbs the cent: 999.99 − 600.00 = 399.99.
    amounts = milestone_amounts(
        D("999.99"),
        [Milestone("Design", D(30)), Milestone("Build", D(30)), Milestone("Launch", D(40))],
        exponent=2,
    )
    assert amounts == [D("300.00"), D("300.00"), D("399.99")]
    assert sum(amounts) == D("999.99")


def test_billing_more_than_the_contract_is_refused() -> None:
    with pytest.raises(UsageError, match="more than the contract value"):
        milestone_amounts(
            D(1000), [Milestone("A", amount=D(600)), Milestone("B", amount=D(500))], exponent=2
        )


def test_bad_tier_setups_are_refused() -> None:
    with pytest.raises(UsageError, match="open-ended"):
        rate(D(1), Pricing(PricingModel.TIERED, tiers=(Tier(D(10), D(1)),)))
    with pytest.raises(UsageError, match="increase"):
        rate(
            D(1),
            Pricing(
                PricingModel.TIERED, tiers=(Tier(D(10), D(1)), Tier(D(5), D(1)), Tier(None, D(1)))
            ),
        )


def test_a_row_without_a_record_id_keeps_the_fingerprint_of_earlier_versions() -> None:
    """Re-importing a file must find the records stored by any earlier version, so the
    fingerprint recipe is fixed: stripped cells, case-folded, joined by U+001F,
    SHA-256, first 24 hex digits, then '#' and the occurrence in the file."""
    import hashlib

    from app.core.usage_import import read_usage

    data = "Client;Item;Date;Quantity\n ACME Ltd ;API;03.01.2026;700\nACME Ltd;API;03.01.2026;700\n"
    parsed = read_usage(data.encode())
    basis = "\x1f".join(["acme ltd", "api", "03.01.2026", "700"])
    digest = hashlib.sha256(basis.encode()).hexdigest()[:24]
    # the two rows are the same once stripped and folded: occurrences 1 and 2
    assert [r.record_key for r in parsed.rows] == [f"fp:{digest}#1", f"fp:{digest}#2"]
