"""Unusual amounts: the modified z-score on logs, the flat rule, the few-invoices rule, no baseline."""

from __future__ import annotations

from decimal import Decimal as D

from app.core.anomaly import AnomalyRules, assess, median


def euro(value: D) -> str:
    return f"€{value:,.2f}"


# Twelve invoices around €1,550.  Sorted: 1450 1500 1520 1540 1550 1550 1550 1550 1560 1580
# 1600 1650, so the median is (1550 + 1550) / 2 = 1550.  Deviations of the logs from
# ln 1550, sorted: 0 0 0 0, |ln(1560/1550)| = 0.00643, |ln(1540/1550)| = 0.00647, 0.0192,
# 0.0195, 0.0317, 0.0328, 0.0625, 0.0667 → MAD = (0.00647 + 0.0192) / 2 = 0.01282.
HISTORY = [D(x) for x in (1500, 1520, 1540, 1550, 1550, 1550, 1550, 1560, 1580, 1600, 1450, 1650)]


def test_a_large_invoice_is_flagged_and_explained_in_words() -> None:
    v = assess(D(4800), HISTORY, show=euro)
    # z = 0.6745 × ln(4800/1550) / 0.01282 = 0.6745 × 1.1304 / 0.01282 ≈ 59.5 (> 3.5)
    assert v.flagged and v.method == "z_score"
    assert D("59") < v.score < D("60")  # type: ignore[operator]
    # 4800 / 1550 = 3.097 → "3.1×"
    assert v.explanation.startswith(
        "€4,800.00 is 3.1× this client's usual €1,550.00 (median of the last 12)"
    )
    assert "alarm is above 3.5" in v.explanation


def test_an_amount_inside_the_normal_range_is_not_flagged() -> None:
    # z = 0.6745 × ln(1600/1550) / 0.01282 = 0.6745 × 0.03175 / 0.01282 ≈ 1.67
    v = assess(D(1600), HISTORY, show=euro)
    assert not v.flagged
    assert D("1.6") < v.score < D("1.8")  # type: ignore[operator]


def test_fixed_retainer_flags_only_a_change_above_ten_percent() -> None:
    retainer = [D(1000)] * 8  # MAD is 0: every log equals the median
    at_limit = assess(D("1100.00"), retainer, show=euro)
    assert at_limit.method == "flat" and not at_limit.flagged  # exactly +10.0%
    beyond = assess(D("1100.01"), retainer, show=euro)
    assert beyond.flagged  # +10.001%
    assert "€1,100.01 is +10.0% against this client's usual €1,000.00" in beyond.explanation
    assert "more than 10%" in beyond.explanation
    drop = assess(D("899.99"), retainer, show=euro)
    assert drop.flagged and "-10.0%" in drop.explanation


def test_a_short_history_uses_twice_or_half_the_median() -> None:
    past = [D(100), D(120), D(110)]  # median 110
    assert not assess(D(220), past).flagged  # exactly 2×: not above
    assert assess(D("220.01"), past).flagged
    assert not assess(D(55), past).flagged  # exactly 0.5×
    low = assess(D("54.99"), past, show=euro)
    assert low.flagged and low.method == "ratio"
    # 54.99 / 110 = 0.4999 → shown with two decimals so it does not read as the 0.5× limit
    assert "€54.99 is 0.50× this client's usual €110.00 (median of the last 3)" in low.explanation
    assert "fewer than 6 past invoices the alarm is above 2× or below 0.5×" in low.explanation


def test_no_history_is_no_baseline_and_no_alarm() -> None:
    v = assess(D(5000), [], show=euro)
    assert not v.flagged and v.method == "no_baseline"
    assert v.explanation == "No baseline: there are no past invoices to compare €5,000.00 with."


def test_only_the_last_twelve_count() -> None:
    past = [D(10)] * 20 + [D(1000)] * 12
    v = assess(D(1000), past)
    assert v.median == D(1000) and v.history == 12 and not v.flagged


def test_the_threshold_and_window_are_parameters() -> None:
    rules = AnomalyRules(z_limit=D(100), window=4)
    v = assess(D(4800), HISTORY, rules)
    # window 4 → the last four (1580 1600 1450 1650); fewer than 6 → the ratio rule
    assert v.method == "ratio" and v.history == 4
    assert v.median == D(1590)  # (1580 + 1600) / 2


def test_median() -> None:
    assert median([D(3), D(1), D(2)]) == D(2)
    assert median([D(4), D(1), D(2), D(3)]) == D("2.5")
