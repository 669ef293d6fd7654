"""Is an amount (or a quantity) unusual for this client? A robust test that explains itself.

Amounts of one client are compared with that client's own recent past, never
with other clients.  The test is chosen by how much past there is:

* 6 or more past values: the modified z-score of log(value) against the median
  and the median absolute deviation (MAD) of the logs, ``0.6745 × (x − median) /
  MAD``; an alarm above 3.5.  Logs make "twice as much" and "half as much"
  equally far from usual, and the median/MAD are not dragged by one odd value.
* MAD of 0 (a fixed retainer, the same amount every time): any change of more
  than 10% from the median.
* 1 to 5 past values: above 2× or below 0.5× their median.
* no past: "no baseline", never an alarm.

Every verdict carries a sentence with the numbers, e.g. "€4,800.00 is 3.1× this
client's usual €1,550.00 (median of the last 12)", so a person can check it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

Z_FACTOR = Decimal("0.6745")
LOG_PLACES = Decimal("1e-12")


@dataclass(frozen=True)
class AnomalyRules:
    z_limit: Decimal = Decimal("3.5")
    min_history: int = 6
    flat_percent: Decimal = Decimal(10)
    few_high: Decimal = Decimal(2)
    few_low: Decimal = Decimal("0.5")
    window: int = 12


@dataclass(frozen=True)
class Verdict:
    flagged: bool
    method: str  # z_score | flat | ratio | no_baseline | not_positive
    value: Decimal
    median: Decimal | None = None
    ratio: Decimal | None = None
    score: Decimal | None = None
    history: int = 0
    explanation: str = ""


def median(values: Sequence[Decimal]) -> Decimal:
    ordered = sorted(values)
    if not ordered:
        raise ValueError("the median of nothing is undefined")
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[mid]
    return (ordered[mid - 1] + ordered[mid]) / 2


def _log(value: Decimal) -> Decimal:
    """ln(value) to twelve places, so equal amounts give exactly equal logs (MAD 0 stays 0)."""
    return value.ln().quantize(LOG_PLACES)


def times(ratio: Decimal, rules: AnomalyRules) -> str:
    """A ratio as people read it ("3.1"); two decimals where one would look like a limit."""
    one = ratio.quantize(Decimal("0.1"))
    if ratio < Decimal("0.1") or (one in (rules.few_high, rules.few_low) and one != ratio):
        return f"{ratio.quantize(Decimal('0.01'))}"
    return f"{one}"


def assess(
    value: Decimal,
    past: Sequence[Decimal],
    rules: AnomalyRules = AnomalyRules(),
    *,
    show: Callable[[Decimal], str] = str,
    usual: str = "this client's usual",
    noun: str = "invoices",
) -> Verdict:
    """Judge ``value`` against ``past`` (oldest first); only the last ``rules.window`` count."""
    if value <= 0:
        return Verdict(False, "not_positive", value, explanation=f"{show(value)} is not positive.")
    recent = [v for v in past if v > 0][-rules.window :]
    n = len(recent)
    if n == 0:
        return Verdict(
            False,
            "no_baseline",
            value,
            explanation=f"No baseline: there are no past {noun} to compare {show(value)} with.",
        )
    mid = median(recent)
    ratio = value / mid
    head = f"{show(value)} is {times(ratio, rules)}× {usual} {show(mid)} (median of the last {n})"
    if n < rules.min_history:
        flagged = ratio > rules.few_high or ratio < rules.few_low
        return Verdict(
            flagged,
            "ratio",
            value,
            mid,
            ratio,
            None,
            n,
            f"{head}; with fewer than {rules.min_history} past {noun} the alarm is above "
            f"{rules.few_high}× or below {rules.few_low}×.",
        )
    logs = [_log(v) for v in recent]
    log_mid = median(logs)
    mad = median([abs(x - log_mid) for x in logs])
    if mad == 0:
        change = (value - mid) / mid * 100
        return Verdict(
            abs(change) > rules.flat_percent,
            "flat",
            value,
            mid,
            ratio,
            None,
            n,
            f"{show(value)} is {change:+.1f}% against {usual} {show(mid)}, which most of the "
            f"last {n} {noun} had (no spread to measure); the alarm is a change of more than "
            f"{rules.flat_percent}%.",
        )
    score = Z_FACTOR * (_log(value) - log_mid) / mad
    return Verdict(
        abs(score) > rules.z_limit,
        "z_score",
        value,
        mid,
        ratio,
        score,
        n,
        f"{head}; its modified z-score on log amounts is {score:+.1f}, the alarm is above "
        f"{rules.z_limit}.",
    )
