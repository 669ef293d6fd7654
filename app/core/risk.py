"""A client's payment risk: a points scorecard a person can recompute by hand.

Each factor gives points from the client's own history; a short history is
pulled toward the whole book's average instead of trusted blindly (one late
payment out of one is not proof of a bad payer):

    late share  = (late + 3 × p0) / (paid + 3)        p0 = the book's late share
    days late   = (Σ days late + 3 × d0) / (paid + 3)  d0 = the book's average days late

Points (see RiskRules): late share ≥ 0.50 → 4, ≥ 0.30 → 2, ≥ 0.15 → 1; average
days late ≥ 30 → 2, ≥ 10 → 1; an invoice more than 14 days overdue now → 2; each
of the last three payments later than the one before → 1; an open dispute → 1.
0–2 points is low, 3–4 medium, 5 or more high.  Fewer than 3 paid invoices is
shown as "limited history", and such a client is rated high only when something
is overdue or disputed now: the book's averages alone never make a client high.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

PRIOR_WEIGHT = 3
TWO = Decimal("0.01")


@dataclass(frozen=True)
class PaidInvoice:
    due: date
    paid: date

    @property
    def days_late(self) -> int:
        return max(0, (self.paid - self.due).days)


@dataclass(frozen=True)
class ClientHistory:
    paid: Sequence[PaidInvoice]  # oldest payment first
    overdue_days: int = 0  # how far past due the oldest unpaid invoice is today (0: none)
    open_disputes: int = 0


@dataclass(frozen=True)
class BookAverages:
    late_share: Decimal
    days_late: Decimal
    paid: int = 0


@dataclass(frozen=True)
class RiskRules:
    share_points: tuple[tuple[Decimal, int], ...] = (
        (Decimal("0.50"), 4),
        (Decimal("0.30"), 2),
        (Decimal("0.15"), 1),
    )
    days_points: tuple[tuple[Decimal, int], ...] = ((Decimal(30), 2), (Decimal(10), 1))
    overdue_days: int = 14
    overdue_points: int = 2
    trend_points: int = 1
    dispute_points: int = 1
    medium_from: int = 3
    high_from: int = 5
    limited_below: int = 3


@dataclass(frozen=True)
class RiskFactor:
    code: str
    points: int
    text: str


@dataclass(frozen=True)
class RiskScore:
    level: str  # low | medium | high
    points: int
    factors: tuple[RiskFactor, ...]
    reasons: tuple[str, ...]
    limited_history: bool
    paid_count: int

    def as_dict(self) -> dict[str, object]:
        return {
            "level": self.level,
            "points": self.points,
            "reasons": list(self.reasons),
            "limited_history": self.limited_history,
            "paid_invoices": self.paid_count,
            "factors": [{"code": f.code, "points": f.points, "text": f.text} for f in self.factors],
        }


def _two(value: Decimal) -> Decimal:
    return value.quantize(TWO, rounding=ROUND_HALF_UP)


def book_averages(paid: Iterable[PaidInvoice]) -> BookAverages:
    """The whole book's late share and average days late (the prior for short histories)."""
    count = late = days = 0
    for p in paid:
        count += 1
        late += p.days_late > 0
        days += p.days_late
    if count == 0:
        return BookAverages(Decimal(0), Decimal(0), 0)
    return BookAverages(Decimal(late) / count, Decimal(days) / count, count)


def _points(value: Decimal, table: tuple[tuple[Decimal, int], ...]) -> tuple[int, Decimal | None]:
    for floor, points in table:
        if value >= floor:
            return points, floor
    return 0, None


def score(history: ClientHistory, book: BookAverages, rules: RiskRules = RiskRules()) -> RiskScore:
    paid = list(history.paid)
    n = len(paid)
    late = sum(1 for p in paid if p.days_late > 0)
    days = sum(p.days_late for p in paid)
    p0, d0 = _two(book.late_share), _two(book.days_late)
    share = _two((late + PRIOR_WEIGHT * p0) / (n + PRIOR_WEIGHT))
    avg_days = _two((days + PRIOR_WEIGHT * d0) / (n + PRIOR_WEIGHT))
    factors: list[RiskFactor] = []

    pts, floor = _points(share, rules.share_points)
    limit = f"≥ {floor}" if floor is not None else f"below {rules.share_points[-1][0]}"
    factors.append(
        RiskFactor(
            "late_share",
            pts,
            f"Paid late {late} of {n}: ({late} + 3 × {p0}) / ({n} + 3) = {share}, {limit} "
            f"→ {pts} point{'s' if pts != 1 else ''}",
        )
    )
    pts, floor = _points(avg_days, rules.days_points)
    limit = f"≥ {floor}" if floor is not None else f"below {rules.days_points[-1][0]}"
    factors.append(
        RiskFactor(
            "days_late",
            pts,
            f"Days late on average: ({days} + 3 × {d0}) / ({n} + 3) = {avg_days}, {limit} "
            f"→ {pts} point{'s' if pts != 1 else ''}",
        )
    )
    over = history.overdue_days > rules.overdue_days
    factors.append(
        RiskFactor(
            "overdue_now",
            rules.overdue_points if over else 0,
            f"An invoice is {history.overdue_days} days overdue now (more than "
            f"{rules.overdue_days}) → {rules.overdue_points} points"
            if over
            else f"Nothing more than {rules.overdue_days} days overdue now → 0 points",
        )
    )
    last3 = [p.days_late for p in paid[-3:]]
    worse = len(last3) == 3 and last3[0] < last3[1] < last3[2]
    factors.append(
        RiskFactor(
            "trend",
            rules.trend_points if worse else 0,
            f"Each of the last three payments later than the one before "
            f"({', '.join(str(d) for d in last3)} days late) → {rules.trend_points} point"
            if worse
            else "No worsening over the last three payments → 0 points",
        )
    )
    disputed = history.open_disputes > 0
    factors.append(
        RiskFactor(
            "dispute",
            rules.dispute_points if disputed else 0,
            f"{history.open_disputes} open dispute{'s' if history.open_disputes != 1 else ''} "
            f"→ {rules.dispute_points} point"
            if disputed
            else "No open dispute → 0 points",
        )
    )
    total = sum(f.points for f in factors)
    level = (
        "high" if total >= rules.high_from else "medium" if total >= rules.medium_from else "low"
    )
    ranked = sorted(factors, key=lambda f: -f.points)
    top = ranked[:3] if ranked[2].points > 0 else ranked[:2]
    reasons = [f.text for f in top]
    limited = n < rules.limited_below
    if limited:
        text = (
            f"Limited history: {n} paid invoice{'s' if n != 1 else ''}, so the figures lean on "
            f"the book's averages (late share {p0}, {d0} days late)"
        )
        if level == "high" and not (over or disputed):
            level = "medium"
            text += "; the book's averages alone never make a client high risk"
        reasons.append(text)
    return RiskScore(level, total, tuple(factors), tuple(reasons), limited, n)


def tone_for(level: str, stage: int) -> str:
    """The reminder wording: friendlier for reliable payers, firmer as risk and stage grow."""
    weight = {"low": 0, "medium": 1, "high": 2}.get(level, 1) + max(stage, 0)
    return "friendly" if weight <= 1 else "firm" if weight <= 3 else "formal"
