"""``bill-run``, ``list schedules|invoices``, ``show invoice``, ``credit-note``, ``approve``, ``void``."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from app.commands.output import CommandError, Output, table
from app.commands.registry import noun
from app.commands.session import amount_of, invoice_id_of, opened
from app.core.invoices import Status
from app.core.money import Money


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("bill-run", help="issue every invoice due up to --as-of (exactly once)")
    p.add_argument(
        "--dry-run", action="store_true", help="list what would be created, change nothing"
    )
    p.add_argument("--no-issue", action="store_true", help="create drafts only, issue nothing")
    p.set_defaults(handler=cmd_bill_run)

    p = sub.add_parser("show", help="show one record in full")
    sp = p.add_subparsers(dest="what", metavar="WHAT", required=True)
    inv = sp.add_parser("invoice", help="an invoice with lines, payments and its audit trail")
    inv.add_argument("number", help="invoice number, or #ID for a draft")
    inv.set_defaults(handler=cmd_show_invoice)

    p = sub.add_parser("credit-note", help="correct an issued invoice with a credit note")
    p.add_argument("number")
    p.add_argument("--amount", help="gross amount to credit (default: everything not yet credited)")
    p.add_argument("--reason", default="", help="printed on the credit note")
    p.set_defaults(handler=cmd_credit_note)

    p = sub.add_parser("approve", help="approve invoices waiting for review and issue them")
    p.add_argument("ids", nargs="+", help="draft ids (#ID or ID)")
    p.add_argument("--note", default="")
    p.add_argument("--no-issue", action="store_true")
    p.set_defaults(handler=cmd_approve)

    p = sub.add_parser("pdf", help="write an invoice's PDF (the archived one for issued invoices)")
    p.add_argument("number", help="invoice number, or #ID for a draft preview")
    p.add_argument("--out", help="file to write (default: NUMBER.pdf in the current folder)")
    p.set_defaults(handler=cmd_pdf)

    p = sub.add_parser("void", help="void an issued, unpaid invoice (keeps its number)")
    p.add_argument("number")
    p.add_argument("--reason", required=True)
    p.set_defaults(handler=cmd_void)


def _money(minor: int, currency: str) -> str:
    return Money.from_minor(minor, currency).plain()


def _invoice_id(app: Any, ref: str) -> int:
    return invoice_id_of(app, ref)


def cmd_bill_run(args: argparse.Namespace, out: Output) -> int:
    from app.services.bill_run import pending_items, run_bill_run

    with opened(args, actor="cli:bill-run") as app:
        if args.dry_run:
            items = pending_items(app.ctx)
            data = {
                "dry_run": True,
                "as_of": app.ctx.clock.today(),
                "items": [i.as_dict() for i in items],
            }
            rows = [
                [
                    i.bill_date.isoformat(),
                    i.client_name,
                    i.schedule_name,
                    f"{i.period_start}–{i.period_end}",
                    _money(i.total_minor, i.currency),
                    i.currency,
                ]
                for i in items
            ]
            out.result(
                data,
                table(rows, ["Date", "Client", "Schedule", "Period", "Total", "Cur"], {4})
                + f"\n{len(items)} invoice(s) would be created.",
            )
            return 0

        def progress(done: int, total: int, message: str) -> None:
            if not args.json:
                sys.stderr.write(f"\r{done}/{total} schedules, {message}")

        result = run_bill_run(
            app.ctx, progress=progress, auto_issue=False if args.no_issue else None
        )
        from app.services.pdf_archive import render_pending

        rendered = render_pending(app.ctx, progress=progress)
        if not args.json:
            sys.stderr.write("\n")
    out.result(
        result.as_dict() | {"pdfs": rendered.as_dict()},
        f"Bill run as of {result.as_of}: {result.created} invoice(s) created, {result.issued} issued, "
        f"{result.review} waiting for review; {rendered.rendered} PDF(s) archived.",
    )
    return 0


@noun(
    "list",
    "schedules",
    "recurring agreements",
    lambda p: (
        p.add_argument("--search", default=""),
        p.add_argument("--status", default=""),
        p.add_argument("--client", type=int),
    ),
)
def list_schedules(args: argparse.Namespace, out: Output) -> int:
    from app.services.schedules import ScheduleQuery, schedule_ids, schedule_rows

    with opened(args) as app:
        rows = schedule_rows(
            app.ctx, schedule_ids(app.ctx, ScheduleQuery(args.search, args.status, args.client))
        )
    data = [
        {
            "id": r.id,
            "client_id": r.client_id,
            "client": r.client_name,
            "name": r.name,
            "cadence": r.cadence_text,
            "currency": r.currency,
            "amount": _money(r.amount_minor, r.currency),
            "next_bill_date": r.next_bill_date,
            "status": r.status,
            "start_date": r.start_date,
            "end_date": r.end_date,
        }
        for r in rows
    ]
    out.result(
        data,
        table(
            [
                [
                    str(d["id"]),
                    d["client"],
                    d["name"],
                    d["cadence"],
                    d["amount"],
                    d["currency"],
                    str(d["next_bill_date"] or "—"),
                    d["status"],
                ]
                for d in data
            ],
            ["ID", "Client", "Agreement", "Cadence", "Amount", "Cur", "Next", "Status"],
            {0, 4},
        ),
    )
    return 0


def _list_invoice_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--status",
        action="append",
        default=[],
        choices=[s.value for s in Status],
        help="repeatable: draft, review, approved, issued, sent, partly_paid, paid, credited, void",
    )
    p.add_argument("--client", type=int, help="client id")
    p.add_argument("--search", default="")
    p.add_argument("--kind", default="", choices=["", "invoice", "credit_note"])
    p.add_argument("--overdue", action="store_true", help="open and past due as of --as-of")


@noun("list", "invoices", "invoices and credit notes", _list_invoice_args)
def list_invoices(args: argparse.Namespace, out: Output) -> int:
    from app.services.invoicing import InvoiceQuery, list_invoices

    with opened(args) as app:
        q = InvoiceQuery(
            search=args.search,
            statuses=tuple(args.status),
            client_id=args.client,
            kind=args.kind,
            overdue_on=app.ctx.clock.today() if args.overdue else None,
        )
        rows = list_invoices(app.ctx, q)
    data = [
        {
            "id": r.id,
            "number": r.number,
            "kind": r.kind,
            "client_id": r.client_id,
            "client": r.client_name,
            "issue_date": r.issue_date,
            "due_date": r.due_date,
            "currency": r.currency,
            "total": _money(r.total_minor, r.currency),
            "balance": _money(r.balance_minor, r.currency),
            "status": r.status,
            "period_start": r.period_start,
            "period_end": r.period_end,
            "review_reasons": [x for x in r.review_reasons.split("\n") if x],
        }
        for r in rows
    ]
    out.result(
        data,
        table(
            [
                [
                    d["number"] or f"#{d['id']}",
                    str(d["issue_date"]),
                    d["client"],
                    d["total"],
                    d["balance"],
                    d["currency"],
                    d["status"],
                ]
                for d in data
            ],
            ["Number", "Date", "Client", "Total", "Balance", "Cur", "Status"],
            {3, 4},
        )
        + f"\n{len(data)} invoice(s)",
    )
    return 0


def detail_dict(d: Any) -> dict[str, Any]:
    cur = d.row.currency
    return {
        "id": d.row.id,
        "number": d.row.number,
        "kind": d.row.kind,
        "status": d.row.status,
        "client_id": d.row.client_id,
        "client": d.row.client_name,
        "issue_date": d.row.issue_date,
        "due_date": d.row.due_date,
        "currency": cur,
        "period_start": d.row.period_start,
        "period_end": d.row.period_end,
        "terms": d.terms_text,
        "reference": d.reference,
        "payment_reference": d.creditor_reference,
        "lines": [
            {
                "description": ln.description,
                "quantity": str(ln.quantity),
                "unit": ln.unit,
                "unit_price": _money(ln.unit_price_minor, cur),
                "tax_rate": str(ln.tax_rate),
                "tax_category": ln.tax_category,
                "net": _money(ln.net_minor, cur),
                "tax": _money(ln.tax_minor, cur),
                "total": _money(ln.total_minor, cur),
                "kind": ln.kind,
            }
            for ln in d.lines
        ],
        "taxes": [
            {
                "label": t.label,
                "rate": str(t.rate),
                "base": _money(t.base_minor, cur),
                "tax": _money(t.tax_minor, cur),
            }
            for t in d.tax_rows
        ],
        "subtotal": _money(d.subtotal_minor, cur),
        "tax": _money(d.tax_minor, cur),
        "total": _money(d.row.total_minor, cur),
        "paid": _money(d.paid_minor, cur),
        "credited": _money(d.credited_minor, cur),
        "balance": _money(d.row.balance_minor, cur),
        "rounding": d.rounding_mode,
        "prices_include_tax": d.prices_include_tax,
        "review_reasons": [x for x in d.row.review_reasons.split("\n") if x],
        "related_invoice": d.related_number,
        "credit_notes": list(d.credit_notes),
        "allocations": [
            {
                "id": a.id,
                "date": a.date,
                "kind": a.kind,
                "amount": _money(a.amount_minor, cur),
                "source": a.source,
                "reference": a.reference,
                "reversed": a.reversed,
            }
            for a in d.allocations
        ],
        "disputed": d.disputed,
        "promise_date": d.promise_date,
        "void_reason": d.void_reason,
        "audit": [
            {"at": h.at, "actor": h.actor, "action": h.action, "data": h.note} for h in d.history
        ],
    }


def cmd_show_invoice(args: argparse.Namespace, out: Output) -> int:
    from app.services.invoicing import get_detail

    with opened(args) as app:
        d = get_detail(app.ctx, _invoice_id(app, args.number))
    data = detail_dict(d)
    kind = "Credit note" if d.row.kind == "credit_note" else "Invoice"
    number = d.row.number or f"(draft #{d.row.id})"
    lines = [
        f"{kind} {number} — {d.row.client_name} — {d.row.status}",
        f"Issued {d.row.issue_date}, due {d.row.due_date} ({d.terms_text}); "
        f"payment reference {d.creditor_reference or '—'}",
        "",
        table(
            [
                [
                    ln["description"][:60],
                    ln["quantity"],
                    ln["unit_price"],
                    ln["tax_rate"] + "%",
                    ln["total"],
                ]
                for ln in data["lines"]
            ],
            ["Description", "Qty", "Price", "Tax", "Total"],
            {1, 2, 3, 4},
        ),
        "",
        f"Subtotal {data['subtotal']}  Tax {data['tax']}  Total {data['total']} {d.row.currency}",
        f"Paid {data['paid']}  Credited {data['credited']}  Balance due {data['balance']} {d.row.currency}",
    ]
    if data["review_reasons"]:
        lines += ["", "Waiting for review:"] + [f"  - {r}" for r in data["review_reasons"]]
    lines += ["", "Audit trail:"] + [
        f"  {h.at:%Y-%m-%d %H:%M} {h.actor}: {h.action}" for h in d.history
    ]
    out.result(data, "\n".join(lines))
    return 0


def cmd_credit_note(args: argparse.Namespace, out: Output) -> int:
    from app.services.invoicing import credit_note

    amount = None
    if args.amount:
        amount = amount_of(args.amount, "--amount")
    with opened(args) as app:
        d = credit_note(app.ctx, _invoice_id(app, args.number), amount, args.reason)
    out.result(
        detail_dict(d),
        f"Credit note {d.row.number} for {d.related_number}: "
        f"{_money(d.row.total_minor, d.row.currency)} {d.row.currency}.",
    )
    return 0


def cmd_approve(args: argparse.Namespace, out: Output) -> int:
    from app.services.invoicing import approve

    with opened(args) as app:
        ids = [_invoice_id(app, i) for i in args.ids]
        numbers = approve(app.ctx, ids, note=args.note, issue_now=not args.no_issue)
    out.result(
        {"approved": ids, "issued": numbers},
        f"Approved {len(ids)}; issued {', '.join(numbers) or 'none'}.",
    )
    return 0


def cmd_void(args: argparse.Namespace, out: Output) -> int:
    from app.services.invoicing import void

    with opened(args) as app:
        d = void(app.ctx, _invoice_id(app, args.number), args.reason)
    out.result(detail_dict(d), f"{d.row.number} is void: {d.void_reason}")
    return 0


def _sheet_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="CSV file with a header row")
    p.add_argument(
        "--skip-invalid", action="store_true", help="import the valid rows, list the rest"
    )
    p.add_argument(
        "--month-first", action="store_true", help="dates like 03/25/2026 (default: day first)"
    )
    p.add_argument("--decimal-comma", action="store_true", help="amounts like 1.234,50")


def _run_sheet_import(args: argparse.Namespace, out: Output, what: str) -> int:
    from app.commands.session import read_input_file
    from app.core.textfile import TextFileError
    from app.services.clients import ImportRejected
    from app.services.sheet_imports import import_invoices, import_schedules

    fn = import_schedules if what == "schedules" else import_invoices
    data = read_input_file(args.file)
    with opened(args) as app:
        try:
            report = fn(
                app.ctx,
                data,
                skip_invalid=args.skip_invalid,
                day_first=not args.month_first,
                decimal_mark="," if args.decimal_comma else None,
            )
        except ImportRejected as exc:
            raise CommandError(f"{args.file}: {exc}", 2, details=exc.report.as_dict()) from exc
        except TextFileError as exc:
            raise CommandError(exc.with_filename(args.file).describe(), 2) from exc
    noun = what if report.imported != 1 else what.removesuffix("s")
    human = f"Imported {report.imported} {noun} from {args.file}."
    for e in report.rejected:
        human += f"\n  skipped {args.file}, {e}"
    out.result(report.as_dict(), human)
    return 1 if report.rejected else 0


@noun("import", "schedules", "recurring agreements from a CSV file (one row per line)", _sheet_args)
def import_schedules_cmd(args: argparse.Namespace, out: Output) -> int:
    return _run_sheet_import(args, out, "schedules")


@noun("import", "invoices", "open invoices from a spreadsheet or another tool", _sheet_args)
def import_invoices_cmd(args: argparse.Namespace, out: Output) -> int:
    return _run_sheet_import(args, out, "invoices")


def cmd_pdf(args: argparse.Namespace, out: Output) -> int:
    import hashlib
    from pathlib import Path

    from app.services.pdf_archive import pdf_path, preview_bytes

    with opened(args) as app:
        invoice_id = _invoice_id(app, args.number)
        if args.number.startswith("#"):
            data = preview_bytes(app.ctx, invoice_id)
        else:
            data = pdf_path(app.ctx, invoice_id).read_bytes()
    target = Path(args.out or f"{args.number.lstrip('#').replace('/', '_')}.pdf")
    try:
        target.write_bytes(data)
    except OSError as exc:
        raise CommandError(f"cannot write {target}: {exc.strerror}", 2) from exc
    sha = hashlib.sha256(data).hexdigest()
    out.result(
        {"number": args.number, "file": str(target), "bytes": len(data), "sha256": sha},
        f"Wrote {target} ({len(data):,} bytes).",
    )
    return 0
