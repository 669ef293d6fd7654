"""Every exception rule over the whole book, read only: what the scan would raise.

Invoice checks (duplicate, variance, contract, anomaly, usage) look at the
invoices that can still be acted on — drafts, invoices in review or approved,
and those issued in the last ``exceptions.recent_days`` days; money, bank,
collection and missed-invoice checks look at the whole book.  Facts come in a
few batched queries (``exception_facts``); the rules are pure functions
(``app.core.exception_rules``, ``pattern_rules``, ``payment_rules``).
"""

from __future__ import annotations

import bisect
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Any

from sqlalchemy.orm import Session

from app.core import exception_rules as rules
from app.core import pattern_rules, payment_rules
from app.core.anomaly import AnomalyRules
from app.core.exception_rules import Finding, InvoiceFacts, MoneyText, RuleLimits
from app.core.money import Money
from app.services import exception_facts as facts

EDITABLE = ("draft", "review", "approved")


@dataclass(frozen=True)
class ScanSettings:
    limits: RuleLimits
    recent_days: int = 30
    auto_fee_writeoff: bool = True
    auto_clear_variance: bool = True
    auto_ignore_duplicate_lines: bool = True
    auto_apply_credit: bool = True
    auto_close_matched_lines: bool = True
    auto_issue: bool = True
    needs_tax_id: bool = False
    locale: str = "en_IE"

    def enabled(self, rule: str) -> bool:
        return {
            "fee_writeoff": self.auto_fee_writeoff,
            "clear_variance": self.auto_clear_variance,
            "ignore_duplicate_line": self.auto_ignore_duplicate_lines,
            "apply_credit": self.auto_apply_credit,
        }.get(rule, False)


def scan_settings(values: dict[str, Any]) -> ScanSettings:
    limits = RuleLimits(
        variance_percent=values["billing.variance_percent"],
        duplicate_days=values["exceptions.duplicate_days"],
        duplicate_percent=values["exceptions.duplicate_percent"],
        unmatched_days=values["exceptions.unmatched_line_days"],
        duplicate_line_days=values["exceptions.duplicate_line_days"],
        fee_tolerance=values["bank.fee_tolerance"],
        anomaly=AnomalyRules(
            z_limit=values["exceptions.anomaly_z"],
            min_history=values["exceptions.anomaly_min_history"],
            flat_percent=values["exceptions.anomaly_flat_percent"],
        ),
    )
    return ScanSettings(
        limits,
        recent_days=values["exceptions.recent_days"],
        auto_fee_writeoff=values["exceptions.auto_fee_writeoff"],
        auto_clear_variance=values["exceptions.auto_clear_explained_variance"],
        auto_ignore_duplicate_lines=values["exceptions.auto_ignore_duplicate_lines"],
        auto_apply_credit=values["exceptions.auto_apply_credit"],
        auto_close_matched_lines=values["exceptions.auto_close_matched_lines"],
        auto_issue=values["billing.auto_issue"],
        needs_tax_id=values["tax.requires_client_tax_id"],
        locale=values["company.locale"],
    )


def money_text(locale: str) -> MoneyText:
    """Amounts written as the company's locale writes them (cached: a scan writes thousands)."""
    from functools import lru_cache

    from app.formatting import format_money

    @lru_cache(maxsize=4096)
    def text(minor: int, currency: str) -> str:
        try:
            return format_money(Money.from_minor(minor, currency), locale)
        except ValueError:
            return str(Money.from_minor(minor, currency))

    return text


@dataclass
class Evaluation:
    findings: list[Finding] = field(default_factory=list)
    invoices: int = 0
    watched: int = 0
    seconds: float = 0.0


def evaluate(s: Session, cfg: ScanSettings, today: date, money: MoneyText) -> Evaluation:
    """Run every rule over the book (read only) and return what it finds."""
    started = time.perf_counter()
    names = facts.client_names(s)
    agreements = facts.schedules(s)
    invoices = _as_checked(facts.invoices(s, names), agreements)
    recent = today - timedelta(days=cfg.recent_days)
    watched = {i.id for i in invoices if i.status in EDITABLE or i.issue_date >= recent}
    out = Evaluation(invoices=len(invoices), watched=len(watched))
    by_id = {i.id: i for i in invoices}
    previous = _previous_of(invoices, watched)
    pairs = rules.duplicate_pairs(invoices, watched, cfg.limits)
    wanted = watched | {p.id for p in previous.values()} | {x.id for p in pairs for x in p}
    lines = facts.lines(s, wanted)
    found = out.findings
    for later, earlier in pairs:
        f = rules.duplicate_invoice(
            later,
            earlier,
            [ln.description for ln in lines[later.id]],
            [ln.description for ln in lines[earlier.id]],
            cfg.limits,
            money,
        )
        found += [f] if f else []
    currencies = {by_id[i].schedule_id: by_id[i].currency for i in watched if by_id[i].schedule_id}
    terms = facts.schedule_terms(s, [k for k in currencies if k is not None], currencies)
    variances, explained = _variances(previous, by_id, lines, terms, cfg, money)
    found += variances
    found += _contract(watched, by_id, lines, terms, money)
    found += _anomalies(invoices, watched, terms, explained, cfg, money)
    found += _usage(s, watched, by_id, lines, cfg)
    found += _missed(invoices, agreements, today, cfg)
    found += _money_checks(s, names, today, cfg, money)
    out.seconds = time.perf_counter() - started
    return out


def _as_checked(
    invoices: list[InvoiceFacts], agreements: dict[int, facts.ScheduleInfo]
) -> list[InvoiceFacts]:
    """Milestone invoices are not periodic: they are checked like manual invoices."""
    stepped = {i for i, a in agreements.items() if a.kind != "recurring"}
    if not stepped:
        return invoices
    return [i._replace(schedule_id=None) if i.schedule_id in stepped else i for i in invoices]


def _previous_of(invoices: list[InvoiceFacts], watched: set[int]) -> dict[int, InvoiceFacts]:
    """For each watched schedule invoice, the invoice of the schedule's period before it."""
    series: dict[int, list[InvoiceFacts]] = defaultdict(list)
    for inv in invoices:
        if inv.schedule_id is not None and inv.period_start is not None:
            series[inv.schedule_id].append(inv)
    out = {}
    for group in series.values():
        if not any(i.id in watched for i in group):
            continue
        group.sort(key=lambda i: (i.period_start, i.id))
        for before, inv in pairwise(group):
            if inv.id in watched:
                out[inv.id] = before
    return out


def _variances(
    previous: dict[int, InvoiceFacts],
    by_id: dict[int, InvoiceFacts],
    lines: dict[int, list[rules.LineFacts]],
    terms: dict[int, facts.ScheduleInfo],
    cfg: ScanSettings,
    money: MoneyText,
) -> tuple[list[Finding], set[int]]:
    """Variance findings, and the invoices whose change a recorded reason explains."""
    out = []
    explained = set()
    for inv_id, before in previous.items():
        inv = by_id[inv_id]
        now = sum(ln.total_minor for ln in lines[inv_id] if ln.kind == "charge")
        then = sum(ln.total_minor for ln in lines[before.id] if ln.kind == "charge")
        info = terms.get(inv.schedule_id or 0)
        why = rules.variance_explained(
            inv, before, lines[inv_id], lines[before.id], info.change_dates if info else ()
        )
        f = rules.variance(inv, before, now, then, why, cfg.limits, money)
        out += [f] if f else []
        if why:
            explained.add(inv_id)
    return out, explained


def _contract(
    watched: set[int],
    by_id: dict[int, InvoiceFacts],
    lines: dict[int, list[rules.LineFacts]],
    terms: dict[int, facts.ScheduleInfo],
    money: MoneyText,
) -> list[Finding]:
    out = []
    for inv_id in watched:
        inv = by_id[inv_id]
        info = terms.get(inv.schedule_id or 0)
        if info is None or inv.period_start is None:
            continue
        for ln in lines[inv_id]:
            if ln.kind != "charge" or ln.schedule_line_id is None:
                continue
            agreed = facts.agreed_terms(info, ln, inv.period_start)
            f = rules.contract_discrepancy(inv, ln, agreed, money) if agreed else None
            out += [f] if f else []
    return out


def _anomalies(
    invoices: list[InvoiceFacts],
    watched: set[int],
    terms: dict[int, facts.ScheduleInfo],
    explained: set[int],
    cfg: ScanSettings,
    money: MoneyText,
) -> list[Finding]:
    """Each watched invoice against the issued invoices of the same client before it.

    An invoice of an agreement is compared with that agreement's invoices since
    its last recorded change of terms (a yearly licence is not measured against
    a monthly retainer); a manual invoice with everything the client was billed.
    An invoice whose change proration or an agreed change explains is not flagged.
    """
    Entry = tuple[date, int, int, date]
    per_client: dict[tuple[int, str], list[Entry]] = defaultdict(list)
    per_schedule: dict[int, list[Entry]] = defaultdict(list)
    for inv in invoices:
        if inv.status not in EDITABLE:
            entry = (inv.issue_date, inv.id, inv.total_minor, inv.period_start or inv.issue_date)
            per_client[(inv.client_id, inv.currency)].append(entry)
            if inv.schedule_id is not None:
                per_schedule[inv.schedule_id].append(entry)
    for group in (*per_client.values(), *per_schedule.values()):
        group.sort()
    window = cfg.limits.anomaly.window
    out = []
    for inv in (i for i in invoices if i.id in watched and i.id not in explained):
        if inv.schedule_id is None:
            group = per_client.get((inv.client_id, inv.currency), [])
        else:
            group = per_schedule.get(inv.schedule_id, [])
        end = bisect.bisect_left(group, (inv.issue_date, inv.id))
        info = terms.get(inv.schedule_id or 0)
        day = inv.period_start or inv.issue_date
        since = max((d for d in (info.change_dates if info else ()) if d <= day), default=date.min)
        past = [t for _, _, t, start in group[:end] if start >= since][-window:]
        f = pattern_rules.anomaly(inv, past, cfg.limits, money)
        out += [f] if f else []
    return out


def _usage(
    s: Session,
    watched: set[int],
    by_id: dict[int, InvoiceFacts],
    lines: dict[int, list[rules.LineFacts]],
    cfg: ScanSettings,
) -> list[Finding]:
    """Quantities not fixed by an agreement against the same item's past quantities.

    Two kinds: metered lines of an agreement (their billed quantity per invoice,
    by agreement line) and lines of manual invoices (by client and description).
    """
    metered: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    manual = []
    for inv_id in watched:
        for ln in lines[inv_id]:
            if ln.kind == "usage" and ln.schedule_line_id is not None:
                metered[(inv_id, ln.schedule_line_id)] += ln.quantity
            elif ln.schedule_line_id is None and ln.kind in ("charge", "one_off"):
                manual.append((inv_id, ln))
    out: list[Finding | None] = []
    window = cfg.limits.anomaly.window
    if metered:
        past = facts.metered_quantities(s, {line_id for _, line_id in metered})
        for (inv_id, line_id), qty in metered.items():
            inv = by_id[inv_id]
            before = [q for d, i, q in past.get(line_id, []) if (d, i) < (inv.issue_date, inv.id)]
            name = next(ln.description for ln in lines[inv_id] if ln.schedule_line_id == line_id)
            line = rules.LineFacts(inv_id, "usage", name.split(":")[0], qty, 0)
            out.append(pattern_rules.usage(inv, line, before[-window:], cfg.limits))
    if manual:
        history: dict[tuple[int, str], list[tuple[date, int, Decimal]]] = defaultdict(list)
        clients = {by_id[i].client_id for i, _ in manual}
        for client_id, inv_id, day, ln in facts.unscheduled_lines(s, clients):
            history[(client_id, rules.line_key(ln.description))].append((day, inv_id, ln.quantity))
        for group in history.values():
            group.sort(key=lambda x: (x[0], x[1]))
        for inv_id, ln in manual:
            inv = by_id[inv_id]
            group = history.get((inv.client_id, rules.line_key(ln.description)), [])
            before = [q for d, i, q in group if (d, i) < (inv.issue_date, inv.id)][-window:]
            out.append(pattern_rules.usage(inv, ln, before, cfg.limits))
    return [f for f in out if f is not None]


def _missed(
    invoices: list[InvoiceFacts],
    info: dict[int, facts.ScheduleInfo],
    today: date,
    cfg: ScanSettings,
) -> list[Finding]:
    series: dict[tuple[int, int | None], list[date]] = defaultdict(list)
    names: dict[int, str] = {}
    for inv in invoices:
        series[(inv.client_id, inv.schedule_id)].append(inv.issue_date)
        names[inv.client_id] = inv.client_name
    out = []
    for (client_id, schedule_id), dates in series.items():
        sched = info.get(schedule_id) if schedule_id else None
        if sched is not None and sched.status != "active":
            continue
        f = pattern_rules.missed_recurring(
            pattern_rules.RecurringSeries(
                client_id, names[client_id], dates, schedule_id, sched.name if sched else ""
            ),
            today,
            cfg.limits,
        )
        if f is None:
            continue
        expected = f.evidence["expected"]
        if sched is not None and (
            (sched.end_date is not None and sched.end_date < expected)
            or any(d >= max(dates) for d in sched.skipped)
        ):
            continue
        out.append(f)
    return out


def _money_checks(
    s: Session, names: dict[int, str], today: date, cfg: ScanSettings, money: MoneyText
) -> list[Finding]:
    out: list[Finding | None] = []
    for inv in facts.settlements(s, names):
        out.append(payment_rules.short_payment(inv, cfg.limits, money))
        out.append(payment_rules.broken_promise(inv, today, money))
        out.append(payment_rules.open_dispute(inv, money))
    over, waiting = facts.credits(s, names)
    out += [payment_rules.over_payment(p, money) for p in over]
    out += [payment_rules.credit_balance(c, money) for c in waiting]
    lines = facts.bank_lines(s)
    out += [payment_rules.unmatched_bank_line(ln, today, cfg.limits, money) for ln in lines]
    duplicates = payment_rules.duplicate_bank_lines(lines, cfg.limits, money)
    doubled = {f.entity_id for f in duplicates}
    # A line imported twice is reported as such, not also as unmatched.
    out = [
        f
        for f in out
        if f is not None and not (f.type == "unmatched_bank_line" and f.entity_id in doubled)
    ]
    return [f for f in out if f is not None] + duplicates
