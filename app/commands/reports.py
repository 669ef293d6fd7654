"""``report …`` (every report as a table, JSON, CSV or XLSX) and ``export invoices|payments|clients``."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from app.commands.output import CommandError, Output, table
from app.commands.registry import noun
from app.commands.session import opened

KINDS = (
    "aging",
    "dso",
    "collections",
    "summary",
    "tax",
    "register",
    "revenue",
    "mrr",
    "health",
    "statement",
)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2026-03-31, not {text!r}") from None


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "report",
        help="reports: aging, dso, collections, summary, tax, register, revenue, mrr, health, statement",
        description="Compute a report. --as-of sets the day (aging as of that date).",
    )
    p.add_argument("kind", choices=KINDS)
    p.add_argument(
        "--format",
        choices=("table", "json", "csv", "xlsx", "pdf"),
        default="table",
        help="pdf: the statement of account only",
    )
    p.add_argument("--out", help="write to this file instead of standard output")
    p.add_argument("--from", dest="start", type=_day, help="first day of the period")
    p.add_argument("--to", dest="end", type=_day, help="last day of the period")
    p.add_argument(
        "--period",
        choices=("month", "last_month", "quarter", "last_quarter", "year", "last_12_months"),
        help="a named period instead of --from/--to (summary: default month)",
    )
    p.add_argument("--currency", default="", help="only this currency")
    p.add_argument("--client", type=int, help="only this client (id)")
    p.add_argument("--group", choices=("month", "quarter", "day"), default="month")
    p.add_argument("--by", choices=("client", "service"), default="client")
    p.set_defaults(handler=cmd_report)


def _write(out: Output, args: argparse.Namespace, text: str) -> None:
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8-sig" if args.format == "csv" else "utf-8")
        out.info(f"Written to {args.out}")
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def _human(cell: Any) -> str:
    from app.core.reports import plain_cell

    value = plain_cell(cell)
    return "" if value is None else str(value)


def show_table(out: Output, args: argparse.Namespace, tbl: Any) -> None:
    """Print or save a report table in the chosen format."""
    from app.services import exports

    fmt = "json" if out.json_mode and args.format == "table" else args.format
    if fmt == "xlsx":
        if not args.out:
            raise CommandError("--format xlsx needs --out FILE", 2)
        exports.write_xlsx(tbl, Path(args.out))
        out.info(f"Written to {args.out}")
        return
    if fmt == "csv":
        _write(out, args, exports.csv_text(tbl))
        return
    if fmt == "json":
        _write(out, args, exports.json_text(tbl))
        return
    numeric = {i for i, c in enumerate(tbl.columns) if c.numeric}
    body = [[_human(c) for c in r] for r in (*tbl.rows, *tbl.totals)]
    text = f"{tbl.title}" + (f" — {tbl.subtitle}" if tbl.subtitle else "") + "\n"
    text += table(body, [c.title for c in tbl.columns], right=numeric)
    text += "".join(f"\n  {n}" for n in tbl.notes)
    _write(out, args, text + "\n")


def cmd_report(args: argparse.Namespace, out: Output) -> int:
    from app.core.reports import period_for
    from app.services.report_catalog import ReportParams, run_report

    with opened(args) as app:
        ctx = app.ctx
        today = ctx.clock.today()
        if args.kind == "summary":
            return _summary(out, args, ctx)
        start, end = args.start, args.end
        if args.period:
            named = period_for(args.period, today)
            start, end = named.start, named.end
        if start and end and end < start:
            raise CommandError("--to is before --from", 2)
        if start and not end:
            end = today
        if args.format == "pdf":
            return _statement_pdf(out, args, ctx, start, end)
        params = ReportParams(
            as_of=today,
            start=start,
            end=end,
            currency=args.currency.upper(),
            client_id=args.client,
            group=args.group,
            by=args.by,
        )
        try:
            result = run_report(ctx, args.kind, params)
        except ValueError as exc:
            raise CommandError(str(exc), 2) from exc
    show_table(out, args, result.table)
    return 0


def _statement_pdf(
    out: Output, args: argparse.Namespace, ctx: Any, start: date | None, end: date | None
) -> int:
    from app.core.reports import Period
    from app.services.report_catalog import REPORTS, default_period
    from app.services.report_statement import statement_pdf

    if args.kind != "statement":
        raise CommandError("--format pdf is for the statement of account", 2)
    if args.client is None or not args.out:
        raise CommandError("a statement PDF needs --client ID and --out FILE", 2)
    today = ctx.clock.today()
    period = default_period(REPORTS["statement"], today)
    if start or end:
        period = Period(start or period.start, end or today)
    Path(args.out).write_bytes(statement_pdf(ctx, args.client, period, args.currency))
    out.info(f"Statement written to {args.out}")
    out.result({"file": args.out, "client_id": args.client})
    return 0


def _summary(out: Output, args: argparse.Namespace, ctx: Any) -> int:
    import json

    from app.commands.output import _default
    from app.services.report_dashboard import dashboard, next_bill_run
    from app.services.report_summary import summary_table

    board = dashboard(ctx, args.period or "month")
    data = board.as_dict()
    data["next_bill_run"] = next_bill_run(ctx).as_dict()
    if out.json_mode or args.format == "json":
        _write(out, args, json.dumps(data, default=_default, ensure_ascii=False, indent=2) + "\n")
        return 0
    show_table(out, args, summary_table(board))
    return 0


def _export_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--format",
        choices=("csv", "json", "xlsx"),
        help="csv (the default), json (the default with --json) or xlsx",
    )
    p.add_argument("--out", help="file to write (needed for xlsx; else standard output)")


def _export(what: str, args: argparse.Namespace, out: Output) -> int:
    from app.services import exports

    if args.format is None:
        args.format = "json" if out.json_mode else "csv"
    if args.format == "xlsx" and not args.out:
        raise CommandError("--format xlsx needs --out FILE", 2)
    with opened(args) as app:
        tbl = exports.records_table(app.ctx, what)
    if args.out:
        exports.export_table(tbl, Path(args.out), args.format)
        out.info(f"{len(tbl.rows)} {what} written to {args.out}")
        if out.json_mode:
            out.result({"exported": what, "rows": len(tbl.rows), "file": args.out})
        return 0
    text = exports.csv_text(tbl) if args.format == "csv" else exports.json_text(tbl)
    sys.stdout.write(text)
    return 0


@noun("export", "invoices", "every invoice and credit note (csv, json or xlsx)", _export_args)
def export_invoices(args: argparse.Namespace, out: Output) -> int:
    return _export("invoices", args, out)


@noun("export", "payments", "every payment, credit and refund (csv, json or xlsx)", _export_args)
def export_payments(args: argparse.Namespace, out: Output) -> int:
    return _export("payments", args, out)


@noun("export", "clients", "every client (csv, json or xlsx)", _export_args)
def export_clients(args: argparse.Namespace, out: Output) -> int:
    return _export("clients", args, out)
