"""The weekly or monthly operational brief, from the book's figures (see app.core.brief).

``brief_figures`` counts; ``brief_text`` writes the sentences, and — only when
language-model rewording is switched on — lets the endpoint rephrase the
template with its slots empty, then fills the slots locally and checks that
every number and date in the result is one of the figures.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from app.core.brief import Brief, BriefFigures, CurrencyFigures, write_brief
from app.core.exception_types import describe
from app.db import models as m
from app.services import settings as settings_service
from app.services.context import AppContext
from app.services.errors import ValidationError
from app.services.exception_evaluate import money_text
from app.services.exceptions import queue_stats, type_counts
from app.services.risk import all_risks

PERIODS = ("week", "month")
ISSUED = ("issued", "sent", "partly_paid", "paid", "credited")
OPEN = ("issued", "sent", "partly_paid")


def period_bounds(period: str, today: date) -> tuple[date, date]:
    """The seven days, or the month, that end today (both ends included)."""
    if period == "week":
        return today - timedelta(days=6), today
    if period == "month":
        return today - relativedelta(months=1) + timedelta(days=1), today
    raise ValidationError(f"A brief covers a 'week' or a 'month', not {period!r}.")


def _money_figures(s: Session, start: date, end: date) -> list[CurrencyFigures]:
    I, P, A = m.Invoice, m.Payment, m.Allocation  # noqa: E741
    rows: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for cur, total, n in s.execute(
        select(I.currency, func.sum(I.total_minor), func.count())
        .where(I.kind == "invoice", I.status.in_(ISSUED), I.issue_date.between(start, end))
        .group_by(I.currency)
    ):
        rows[cur]["invoiced_minor"], rows[cur]["invoiced_count"] = int(total or 0), n
    for cur, total, n in s.execute(
        select(P.currency, func.sum(P.amount_minor), func.count())
        .where(P.kind == "payment", P.reversed_at.is_(None), P.date.between(start, end))
        .group_by(P.currency)
    ):
        rows[cur]["collected_minor"], rows[cur]["collected_count"] = int(total or 0), n
    for cur, total, n in s.execute(
        select(I.currency, func.sum(I.balance_minor), func.count())
        .where(I.kind == "invoice", I.status.in_(OPEN), I.balance_minor > 0, I.due_date < end)
        .group_by(I.currency)
    ):
        rows[cur]["overdue_minor"], rows[cur]["overdue_count"] = int(total or 0), n
    settled = (
        select(I.id, I.currency, I.total_minor, func.coalesce(func.sum(A.amount_minor), 0))
        .outerjoin(A, and_(A.invoice_id == I.id, A.date < start))
        .where(
            I.kind == "invoice",
            I.status.in_(ISSUED),
            I.issue_date < start,
            I.due_date < start,
        )
        .group_by(I.id, I.currency, I.total_minor)
    )
    for _, cur, total, paid in s.execute(settled):
        if total - paid > 0:
            rows[cur]["overdue_before_minor"] += total - paid
    return [CurrencyFigures(cur, **values) for cur, values in sorted(rows.items())]


def brief_figures(ctx: AppContext, period: str = "week") -> BriefFigures:
    """Every figure the brief states, counted from the book as of today."""
    start, end = period_bounds(period, ctx.clock.today())
    with ctx.uow.read() as uow:
        s = uow.session
        currencies = _money_figures(s, start, end)
        disputes = s.scalar(
            select(func.count())
            .select_from(m.Invoice)
            .where(m.Invoice.disputed.is_(True), m.Invoice.status.in_(OPEN))
        )
    counts = type_counts(ctx, "open")
    stats = queue_stats(ctx)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return BriefFigures(
        period=period,
        start=start,
        end=end,
        currencies=tuple(currencies),
        high_risk=tuple(r.name for r in all_risks(ctx, "high")),
        anomalies=counts.get("anomaly", 0) + counts.get("usage", 0),
        disputes=int(disputes or 0),
        open_items=stats.open,
        open_by_type=tuple((describe(t).label, n) for t, n in ranked),
        closed_items=stats.closed,
        auto_resolved=stats.auto_resolved,
    )


def brief(ctx: AppContext, period: str = "week") -> Brief:
    """The brief as a template and its facts (for callers that format it themselves)."""
    from app.formatting import format_date

    figures = brief_figures(ctx, period)
    locale = settings_service.load_settings(ctx)["company.locale"]
    return write_brief(
        figures, money=money_text(locale), day=lambda d: format_date(d, locale, "medium")
    )


def brief_text(ctx: AppContext, period: str = "week") -> str:
    """The brief's text; reworded only when the owner switched rewording on."""
    from app.services.assistant import reword_and_fill

    made = brief(ctx, period)
    locale = settings_service.load_settings(ctx)["company.locale"]
    return reword_and_fill(ctx, made.template, made.facts, locale)
