"""The operational brief: a few sentences about the week or the month, written from figures.

The brief is built as a template whose every number, date, amount and name is
a slot (``⟦INVOICED_EUR⟧``), plus the facts that fill them.  So the wording
can be rephrased (see ``app.core.guardrail``) without any number in it ever
coming from anywhere but the figures passed in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.core.guardrail import fill
from app.core.money import Money


@dataclass(frozen=True)
class CurrencyFigures:
    currency: str
    invoiced_minor: int = 0
    invoiced_count: int = 0
    collected_minor: int = 0
    collected_count: int = 0
    overdue_minor: int = 0
    overdue_count: int = 0
    overdue_before_minor: int = 0  # overdue on the first day of the period


@dataclass(frozen=True)
class BriefFigures:
    period: str  # week | month
    start: date
    end: date
    currencies: Sequence[CurrencyFigures] = ()
    high_risk: Sequence[str] = ()  # client names, riskiest first
    anomalies: int = 0
    disputes: int = 0
    open_items: int = 0
    open_by_type: Sequence[tuple[str, int]] = ()  # (label, count), most first
    closed_items: int = 0
    auto_resolved: int = 0


@dataclass(frozen=True)
class Brief:
    template: str
    facts: dict[str, str]

    @property
    def text(self) -> str:
        return fill(self.template, self.facts)


def _plain_money(minor: int, currency: str) -> str:
    return str(Money.from_minor(minor, currency))


def _plural(n: int, word: str, words: str | None = None) -> str:
    return word if n == 1 else (words or word + "s")


def write_brief(
    f: BriefFigures,
    *,
    money: Callable[[int, str], str] = _plain_money,
    day: Callable[[date], str] = date.isoformat,
) -> Brief:
    facts: dict[str, str] = {"START": day(f.start), "END": day(f.end)}
    lines = [f"Brief for the {f.period} ⟦START⟧ – ⟦END⟧."]
    for c in f.currencies:
        cur = c.currency
        facts |= {
            f"CURRENCY_{cur}": cur,
            f"INVOICED_{cur}": money(c.invoiced_minor, cur),
            f"INVOICED_COUNT_{cur}": str(c.invoiced_count),
            f"COLLECTED_{cur}": money(c.collected_minor, cur),
            f"COLLECTED_COUNT_{cur}": str(c.collected_count),
            f"OVERDUE_{cur}": money(c.overdue_minor, cur),
            f"OVERDUE_COUNT_{cur}": str(c.overdue_count),
            f"OVERDUE_BEFORE_{cur}": money(c.overdue_before_minor, cur),
        }
        delta = c.overdue_minor - c.overdue_before_minor
        if delta > 0:
            move = f"up from ⟦OVERDUE_BEFORE_{cur}⟧ on ⟦START⟧"
        elif delta < 0:
            move = f"down from ⟦OVERDUE_BEFORE_{cur}⟧ on ⟦START⟧"
        else:
            move = "unchanged since ⟦START⟧"
        lines.append(
            f"In ⟦CURRENCY_{cur}⟧: invoiced ⟦INVOICED_{cur}⟧ on ⟦INVOICED_COUNT_{cur}⟧ "
            f"{_plural(c.invoiced_count, 'invoice')}; collected ⟦COLLECTED_{cur}⟧ from "
            f"⟦COLLECTED_COUNT_{cur}⟧ {_plural(c.collected_count, 'payment')}; overdue "
            f"⟦OVERDUE_{cur}⟧ on ⟦OVERDUE_COUNT_{cur}⟧ {_plural(c.overdue_count, 'invoice')}, "
            f"{move}."
        )
    if not f.currencies:
        lines.append("Nothing was invoiced or collected, and nothing is overdue.")
    if f.high_risk:
        facts["HIGH_RISK_COUNT"] = str(len(f.high_risk))
        facts["HIGH_RISK_NAMES"] = ", ".join(f.high_risk[:3])
        more = " among others" if len(f.high_risk) > 3 else ""
        lines.append(f"Clients at risk: ⟦HIGH_RISK_COUNT⟧ rated high (⟦HIGH_RISK_NAMES⟧{more}).")
    else:
        lines.append("No client is rated high risk.")
    if f.anomalies:
        facts["ANOMALIES"] = str(f.anomalies)
        lines.append(
            f"⟦ANOMALIES⟧ unusual {_plural(f.anomalies, 'amount or quantity', 'amounts or quantities')} "
            f"{_plural(f.anomalies, 'waits', 'wait')} for a look."
        )
    if f.disputes:
        facts["DISPUTES"] = str(f.disputes)
        lines.append(f"⟦DISPUTES⟧ {_plural(f.disputes, 'invoice is', 'invoices are')} disputed.")
    if f.open_items:
        facts["OPEN_ITEMS"] = str(f.open_items)
        facts["TOP_TYPES"] = ", ".join(f"{label} {n}" for label, n in f.open_by_type[:3])
        lines.append(
            f"Needs action: ⟦OPEN_ITEMS⟧ open {_plural(f.open_items, 'item')} in the exceptions "
            f"queue (⟦TOP_TYPES⟧)."
        )
    else:
        lines.append("Nothing waits in the exceptions queue.")
    if f.closed_items:
        share = Decimal(f.auto_resolved * 100) / f.closed_items
        facts["AUTO_SHARE"] = f"{share:.0f}%"
        facts["AUTO_RESOLVED"] = str(f.auto_resolved)
        facts["CLOSED_ITEMS"] = str(f.closed_items)
        lines.append(
            "⟦AUTO_SHARE⟧ of the closed items were resolved by rule "
            "(⟦AUTO_RESOLVED⟧ of ⟦CLOSED_ITEMS⟧)."
        )
    return Brief("\n".join(lines), facts)
