"""Every report by name, with the filters it takes and the chart that suits it.

The Reports page, ``counterfoil report …`` and the exports all go through
``run_report``, so a figure is computed one way whichever door it leaves by.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.core.money import Money
from app.core.reports import (
    BUCKETS,
    Period,
    ReportColumn,
    ReportTable,
    dso,
    month_key,
    months_back,
)
from app.services import report_activity as activity
from app.services import report_health as health
from app.services import report_recurring as recurring
from app.services import reports as receivables
from app.services.context import AppContext
from app.services.errors import ValidationError


@dataclass(frozen=True)
class ReportSpec:
    key: str
    title: str
    description: str
    filters: frozenset[str]  # as_of, period, currency, client, group, by
    default_months: int = 12


@dataclass(frozen=True)
class ReportParams:
    as_of: date | None = None
    start: date | None = None
    end: date | None = None
    currency: str = ""
    client_id: int | None = None
    group: str = "month"  # month | quarter | day
    by: str = "client"  # client | service


@dataclass(frozen=True)
class ReportChart:
    """One series per currency over named categories (months, buckets, clients)."""

    kind: str  # "bar" | "line" | "hbar"
    title: str
    categories: list[str]
    series: dict[str, list[int | Any]]  # currency → values (minor units unless ``money`` off)
    money: bool = True
    axis_title: str = ""


@dataclass(frozen=True)
class ReportOutput:
    table: ReportTable
    chart: ReportChart | None = None
    params: ReportParams = field(default_factory=ReportParams)


_F = frozenset
REPORTS: dict[str, ReportSpec] = {
    spec.key: spec
    for spec in (
        ReportSpec(
            "aging",
            "Receivables aging",
            "Open invoices by client and days past due, as of any date.",
            _F({"as_of", "currency", "client"}),
        ),
        ReportSpec(
            "dso",
            "Days sales outstanding",
            "DSO month by month: AR at month end ÷ invoiced in the month × days.",
            _F({"period", "currency"}),
        ),
        ReportSpec(
            "collections",
            "Collections",
            "Cash received by period and payment method.",
            _F({"period", "currency", "group"}),
        ),
        ReportSpec(
            "register",
            "Invoice register",
            "Every invoice and credit note issued in the period.",
            _F({"period", "currency", "client"}),
            default_months=1,
        ),
        ReportSpec(
            "tax",
            "Tax summary",
            "Taxable base and tax by rate and period, for the VAT/GST return.",
            _F({"period", "currency", "group"}),
            default_months=3,
        ),
        ReportSpec(
            "revenue",
            "Revenue",
            "Net revenue by client or by service.",
            _F({"period", "currency", "by"}),
        ),
        ReportSpec(
            "mrr",
            "Recurring revenue",
            "MRR by month: new, expansion, contraction and churn.",
            _F({"period", "currency"}),
        ),
        ReportSpec(
            "statement",
            "Statement of account",
            "One client's invoices, payments and credits with a running balance.",
            _F({"period", "client", "currency"}),
        ),
        ReportSpec(
            "health",
            "Billing health",
            "Billing delay, invoice error rate and exceptions by month.",
            _F({"period"}),
        ),
    )
}


def default_period(spec: ReportSpec, today: date) -> Period:
    months = months_back(today, spec.default_months)
    return Period(months[0].start, today, spec.default_months)


def _period(spec: ReportSpec, p: ReportParams, today: date) -> Period:
    if p.start is None and p.end is None:
        return default_period(spec, today)
    end = p.end or today
    start = p.start or end.replace(day=1)
    if end < start:
        raise ValidationError("The period ends before it starts.")
    return Period(start, end)


def _month_periods(period: Period) -> list[Period]:
    months = months_back(period.end, 1)
    while months[0].start > period.start:
        months = months_back(period.end, len(months) + 1)
    first = months[0]
    if first.start < period.start:
        months[0] = Period(period.start, first.end)
    return months


def _series_chart(
    kind: str, title: str, data: dict[str, dict[str, int]], categories: list[str], axis: str = ""
) -> ReportChart:
    return ReportChart(
        kind,
        title,
        categories,
        {cur: [values.get(c, 0) for c in categories] for cur, values in sorted(data.items())},
        axis_title=axis,
    )


def _aging(ctx: AppContext, p: ReportParams, _spec: ReportSpec) -> ReportOutput:
    report = receivables.aging(ctx, p.as_of, currency=p.currency, client_id=p.client_id)
    totals = report.totals()
    chart = ReportChart(
        "bar",
        f"Open receivables by age on {report.as_of.isoformat()}",
        list(BUCKETS),
        {cur: list(t.buckets) for cur, t in totals.items()},
    )
    return ReportOutput(report.table(), chart)


def _dso(ctx: AppContext, p: ReportParams, spec: ReportSpec) -> ReportOutput:
    period = _period(spec, p, ctx.clock.today())
    months = _month_periods(period)
    with ctx.uow.read() as uow:
        s = uow.session
        ar = receivables.receivable_at_month_ends(s, months)
        invoiced = activity.invoiced_by_month(s, period)
    currencies = sorted(set(ar) | set(invoiced))
    if p.currency:
        currencies = [c for c in currencies if c == p.currency.upper()]
    body = []
    series: dict[str, list[Any]] = {}
    for cur in currencies:
        values = []
        for m in months:
            key = month_key(m.start)
            receivable = ar.get(cur, {}).get(key, 0)
            billed = invoiced.get(cur, {}).get(key, 0)
            days = dso(receivable, billed, m.days)
            values.append(days)
            body.append(
                (
                    key,
                    cur,
                    m.days,
                    Money.from_minor(receivable, cur),
                    Money.from_minor(billed, cur),
                    days,
                )
            )
        series[cur] = values
    cols = (
        ReportColumn("month", "Month"),
        ReportColumn("currency", "Currency"),
        ReportColumn("days_in_period", "Days", "int"),
        ReportColumn("receivable", "AR at month end", "money"),
        ReportColumn("invoiced", "Invoiced in month", "money"),
        ReportColumn("dso", "DSO (days)", "days"),
    )
    table = ReportTable(
        "dso",
        "Days sales outstanding",
        cols,
        tuple(body),
        notes=("DSO = AR at period end ÷ invoiced in period × days in period.",),
    )
    categories = [month_key(m.start) for m in months]
    chart = ReportChart("line", "DSO by month", categories, series, False, "days")
    return ReportOutput(table, chart)


def _collections(ctx: AppContext, p: ReportParams, spec: ReportSpec) -> ReportOutput:
    result = activity.collections(
        ctx, _period(spec, p, ctx.clock.today()), group=p.group, currency=p.currency
    )
    categories = sorted({k for v in result.chart.values() for k in v})
    return ReportOutput(
        result.report, _series_chart("bar", "Cash received", result.chart, categories)
    )


def _register(ctx: AppContext, p: ReportParams, spec: ReportSpec) -> ReportOutput:
    result = activity.invoice_register(
        ctx, _period(spec, p, ctx.clock.today()), currency=p.currency, client_id=p.client_id
    )
    categories = sorted({k for v in result.chart.values() for k in v})
    chart = _series_chart("bar", "Invoiced (net of credit notes)", result.chart, categories)
    return ReportOutput(result.report, chart)


def _tax(ctx: AppContext, p: ReportParams, spec: ReportSpec) -> ReportOutput:
    result = activity.tax_summary(
        ctx, _period(spec, p, ctx.clock.today()), group=p.group, currency=p.currency
    )
    categories = sorted({k for v in result.chart.values() for k in v})
    return ReportOutput(
        result.report, _series_chart("bar", "Tax charged", result.chart, categories)
    )


def _revenue(ctx: AppContext, p: ReportParams, spec: ReportSpec) -> ReportOutput:
    result = activity.revenue(
        ctx, _period(spec, p, ctx.clock.today()), by=p.by, currency=p.currency
    )
    top: dict[str, dict[str, int]] = {}
    for cur, values in result.chart.items():
        best = sorted(values.items(), key=lambda kv: -kv[1])[:10]
        top[cur] = dict(best)
    cur = sorted(top)[0] if top else ""
    categories = list(top.get(cur, {}))
    chart = ReportChart(
        "hbar",
        f"Top {'clients' if p.by == 'client' else 'services'} by net revenue",
        categories,
        {c: [top[c].get(k, 0) for k in categories] for c in ([cur] if cur else [])},
    )
    return ReportOutput(result.report, chart)


def _mrr(ctx: AppContext, p: ReportParams, spec: ReportSpec) -> ReportOutput:
    months = _month_periods(_period(spec, p, ctx.clock.today()))
    report = recurring.mrr_report(ctx, months, p.currency)
    series: dict[str, dict[str, int]] = {}
    for month, mv in report.movements:
        series.setdefault(mv.currency, {})[month] = mv.end
    categories = [month_key(m.start) for m in months]
    return ReportOutput(
        report.table(), _series_chart("bar", "MRR at month end", series, categories)
    )


def _health(ctx: AppContext, p: ReportParams, spec: ReportSpec) -> ReportOutput:
    report = health.billing_health(ctx, _period(spec, p, ctx.clock.today()))
    categories = [h.month for h in report.months]
    chart = ReportChart(
        "line",
        "Invoice error rate (%)",
        categories,
        {"": [h.error_rate for h in report.months]},
        money=False,
        axis_title="%",
    )
    return ReportOutput(report.table(), chart)


def _statement(ctx: AppContext, p: ReportParams, spec: ReportSpec) -> ReportOutput:
    from app.services.report_statement import statement, statement_table

    if p.client_id is None:
        raise ValidationError("Choose a client for the statement of account.")
    found = statement(ctx, p.client_id, _period(spec, p, ctx.clock.today()), p.currency)
    return ReportOutput(statement_table(found.document))


_RUNNERS: dict[str, Callable[[AppContext, ReportParams, ReportSpec], ReportOutput]] = {
    "aging": _aging,
    "dso": _dso,
    "collections": _collections,
    "register": _register,
    "tax": _tax,
    "revenue": _revenue,
    "mrr": _mrr,
    "health": _health,
    "statement": _statement,
}


def run_report(ctx: AppContext, key: str, params: ReportParams | None = None) -> ReportOutput:
    """Compute one report (see ``REPORTS``) with its filters."""
    spec = REPORTS.get(key)
    if spec is None:
        raise ValidationError(f"There is no report {key!r}; try one of {', '.join(REPORTS)}.")
    p = params or ReportParams()
    if p.group not in ("month", "quarter", "day"):
        raise ValidationError("Group by month, quarter or day.")
    if p.by not in ("client", "service"):
        raise ValidationError("Revenue is by client or by service.")
    out = _RUNNERS[key](ctx, p, spec)
    return ReportOutput(out.table, out.chart, p)
