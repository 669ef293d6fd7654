"""Turning usage into invoice lines: per unit, tiered, volume, package, allowance, minimum.

Every rating returns the steps it took, so the invoice line can show the
period's usage, the allowance and the tiers applied, and a client can check
the arithmetic.  Amounts are exact Decimals here; the one rounding engine
(app.core.invoice_math) rounds the line once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from enum import StrEnum


class PricingModel(StrEnum):
    PER_UNIT = "per_unit"
    TIERED = "tiered"  # each unit priced by the tier it falls in
    VOLUME = "volume"  # all units at the price of the tier the total reaches
    PACKAGE = "package"  # blocks of N units, each block at one price


class UsageError(ValueError):
    """A pricing set-up that cannot rate usage (e.g. tiers out of order)."""


@dataclass(frozen=True)
class Tier:
    up_to: Decimal | None  # inclusive upper bound of billable units; None = no limit
    unit_price: Decimal


@dataclass(frozen=True)
class Pricing:
    model: PricingModel = PricingModel.PER_UNIT
    unit_price: Decimal = Decimal(0)  # per unit, or per package
    tiers: tuple[Tier, ...] = ()
    package_size: Decimal = Decimal(1)
    allowance: Decimal = Decimal(0)  # units included in the period at no charge
    minimum: Decimal = Decimal(0)  # minimum charge for the period
    unit: str = "unit"
    # Usage above this many units within a period triggers an interim invoice;
    # the period-end invoice then credits what the interim one billed.
    interim_threshold: Decimal | None = None

    def validate(self) -> None:
        if self.allowance < 0 or self.minimum < 0 or self.unit_price < 0:
            raise UsageError("prices, allowances and minimums cannot be negative")
        if self.model in (PricingModel.TIERED, PricingModel.VOLUME):
            if not self.tiers:
                raise UsageError(f"{self.model.value} pricing needs at least one tier")
            bounds = [t.up_to for t in self.tiers]
            if any(b is None for b in bounds[:-1]):
                raise UsageError("only the last tier may be open-ended")
            finite = [b for b in bounds if b is not None]
            if finite != sorted(finite) or len(set(finite)) != len(finite):
                raise UsageError("tier limits must increase")
            if bounds[-1] is not None:
                raise UsageError("the last tier must be open-ended (no upper limit)")
        if self.model is PricingModel.PACKAGE and self.package_size <= 0:
            raise UsageError("the package size must be above zero")


@dataclass(frozen=True)
class RatingStep:
    label: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal


@dataclass(frozen=True)
class RatedUsage:
    used: Decimal
    allowance_used: Decimal
    billable: Decimal
    steps: tuple[RatingStep, ...]
    minimum_top_up: Decimal
    amount: Decimal

    def explanation(self, unit: str) -> str:
        """'1,250 units used, 1,000 included; 200 × 0.10 + 50 × 0.08' style text."""
        parts = [f"{_q(self.used)} {unit} used"]
        if self.allowance_used:
            parts.append(f"{_q(self.allowance_used)} included")
        if self.steps:
            parts.append(
                " + ".join(
                    f"{_q(s.quantity)} × {s.unit_price:f}"
                    if "block" not in s.label
                    else f"{_q(s.quantity)} block(s) × {s.unit_price:f}"
                    for s in self.steps
                )
            )
        if self.minimum_top_up:
            parts.append(f"minimum charge applied (+{self.minimum_top_up:f})")
        return "; ".join(parts)


def _q(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text


def rate(used: Decimal, pricing: Pricing) -> RatedUsage:
    """Price one period's usage under ``pricing``."""
    pricing.validate()
    if used < 0:
        raise UsageError("usage cannot be negative")
    included = min(used, pricing.allowance)
    billable = used - included
    steps: list[RatingStep] = []
    if pricing.model is PricingModel.PER_UNIT:
        if billable:
            steps.append(
                RatingStep(
                    f"{pricing.unit}", billable, pricing.unit_price, billable * pricing.unit_price
                )
            )
    elif pricing.model is PricingModel.TIERED:
        lower = Decimal(0)
        for tier in pricing.tiers:
            upper = billable if tier.up_to is None else min(billable, tier.up_to)
            if upper > lower:
                qty = upper - lower
                steps.append(
                    RatingStep(
                        _tier_label(lower, tier.up_to), qty, tier.unit_price, qty * tier.unit_price
                    )
                )
            if tier.up_to is not None and billable <= tier.up_to:
                break
            lower = tier.up_to if tier.up_to is not None else lower
    elif pricing.model is PricingModel.VOLUME:
        if billable:
            tier = next(t for t in pricing.tiers if t.up_to is None or billable <= t.up_to)
            steps.append(
                RatingStep(
                    "all units at the tier reached",
                    billable,
                    tier.unit_price,
                    billable * tier.unit_price,
                )
            )
    elif pricing.model is PricingModel.PACKAGE and billable:
        blocks = (billable / pricing.package_size).to_integral_value(rounding=ROUND_CEILING)
        steps.append(
            RatingStep(
                f"block of {_q(pricing.package_size)}",
                blocks,
                pricing.unit_price,
                blocks * pricing.unit_price,
            )
        )
    amount = sum((s.amount for s in steps), Decimal(0))
    top_up = max(Decimal(0), pricing.minimum - amount)
    return RatedUsage(used, included, billable, tuple(steps), top_up, amount + top_up)


def _tier_label(lower: Decimal, upper: Decimal | None) -> str:
    return f"units {_q(lower + 1)}+" if upper is None else f"units {_q(lower + 1)}–{_q(upper)}"


@dataclass(frozen=True)
class TimeEntry:
    person: str
    hours: Decimal
    rate: Decimal  # per hour, in currency units
    billable: bool = True


def rate_time(entries: Sequence[TimeEntry]) -> list[RatingStep]:
    """Billable hours grouped by person and rate, in first-seen order."""
    groups: dict[tuple[str, Decimal], Decimal] = {}
    for e in entries:
        if e.billable and e.hours:
            groups[(e.person, e.rate)] = groups.get((e.person, e.rate), Decimal(0)) + e.hours
    return [
        RatingStep(f"{person} ({_q(hours)} h)", hours, rate, hours * rate)
        for (person, rate), hours in groups.items()
    ]


@dataclass(frozen=True)
class Milestone:
    name: str
    percent: Decimal | None = None
    amount: Decimal | None = None


def milestone_amounts(
    contract_value: Decimal, milestones: Sequence[Milestone], exponent: int
) -> list[Decimal]:
    """Each milestone's amount; percentages are rounded and the last one absorbs the rounding.

    Refuses a plan that bills more than the contract value.
    """
    q = Decimal(1).scaleb(-exponent)
    out: list[Decimal] = []
    for ms in milestones:
        if (ms.percent is None) == (ms.amount is None):
            raise UsageError(f"milestone '{ms.name}' needs either a percentage or an amount")
        if ms.amount is not None:
            out.append(ms.amount)
        else:
            assert ms.percent is not None
            out.append((contract_value * ms.percent / 100).quantize(q))
    percents = [ms.percent for ms in milestones if ms.percent is not None]
    if percents and all(ms.percent is not None for ms in milestones) and sum(percents) == 100:
        out[-1] = contract_value - sum(out[:-1], Decimal(0))  # the last absorbs the rounding
    if sum(out, Decimal(0)) > contract_value:
        raise UsageError(
            f"the milestones add up to {sum(out, Decimal(0)):f}, more than the contract value {contract_value:f}"
        )
    return out


def pricing_to_dict(p: Pricing) -> dict[str, object]:
    return {
        "model": p.model.value,
        "unit_price": str(p.unit_price),
        "package_size": str(p.package_size),
        "allowance": str(p.allowance),
        "minimum": str(p.minimum),
        "unit": p.unit,
        "tiers": [[None if t.up_to is None else str(t.up_to), str(t.unit_price)] for t in p.tiers],
        "interim_threshold": None if p.interim_threshold is None else str(p.interim_threshold),
    }


def pricing_from_dict(data: dict[str, object]) -> Pricing:
    tiers = tuple(
        Tier(None if up is None else Decimal(str(up)), Decimal(str(price)))
        for up, price in data.get("tiers", []) or []  # type: ignore[union-attr]
    )
    return Pricing(
        model=PricingModel(str(data.get("model", "per_unit"))),
        unit_price=Decimal(str(data.get("unit_price", "0"))),
        tiers=tiers,
        package_size=Decimal(str(data.get("package_size", "1"))),
        allowance=Decimal(str(data.get("allowance", "0"))),
        minimum=Decimal(str(data.get("minimum", "0"))),
        unit=str(data.get("unit", "unit")),
        interim_threshold=None
        if data.get("interim_threshold") is None
        else Decimal(str(data["interim_threshold"])),
    )


def rated_lines(
    description: str, rated: RatedUsage, unit: str
) -> list[tuple[str, Decimal, Decimal]]:
    """(description, quantity, unit price) for the invoice: one line per rating step.

    The first line carries the period's usage and allowance so the client can
    follow the arithmetic; a minimum top-up is its own line.
    """
    head = f"{description}: {_q(rated.used)} {unit} used"
    if rated.allowance_used:
        head += f", {_q(rated.allowance_used)} included"
    out: list[tuple[str, Decimal, Decimal]] = []
    for i, step in enumerate(rated.steps):
        label = head if i == 0 else f"{description}"
        out.append(
            (
                f"{label} — {step.label}" if len(rated.steps) > 1 else label,
                step.quantity,
                step.unit_price,
            )
        )
    if not rated.steps:
        out.append((head + " (nothing above the allowance)", Decimal(0), Decimal(0)))
    if rated.minimum_top_up:
        out.append((f"{description}: minimum charge top-up", Decimal(1), rated.minimum_top_up))
    return out
