"""``pay``, ``list payments``, ``undo-allocation``, ``reconcile``, ``bank-line …``: money in."""

from __future__ import annotations

import argparse
from datetime import date

from app.commands.output import CommandError, Output, table
from app.commands.registry import noun
from app.commands.session import amount_of, invoice_id_of, opened
from app.core.money import Money


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "pay", help="record a payment for an invoice (the rest becomes client credit)"
    )
    p.add_argument("number", help="invoice number")
    p.add_argument("amount", help="amount received, e.g. 123.45")
    p.add_argument("--date", type=date.fromisoformat, help="date received (default: today)")
    p.add_argument("--method", default="bank transfer")
    p.add_argument("--reference", default="")
    p.set_defaults(handler=cmd_pay)

    p = sub.add_parser("reconcile", help="match bank lines to open invoices; apply the sure ones")
    p.set_defaults(handler=cmd_reconcile)

    p = sub.add_parser("bank-line", help="decide about one bank line (see 'list bank-lines')")
    sp = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, help_text, handler in (
        ("accept", "apply the suggestion, or the invoices named, and learn the payer", cmd_accept),
        ("reject", "not these invoices (all suggested, unless named): never again", cmd_reject),
    ):
        a = sp.add_parser(name, help=help_text)
        a.add_argument("id", type=int, help="bank line id")
        a.add_argument("invoices", nargs="*", metavar="NUMBER", help="invoice number(s)")
        a.set_defaults(handler=handler)
    a = sp.add_parser("undo", help="undo a match: the invoices reopen, the payer is forgotten")
    a.add_argument("id", type=int, help="bank line id")
    a.set_defaults(handler=cmd_unmatch)
    a = sp.add_parser("ignore", help="not a payment to match (or --undo: back to the list)")
    a.add_argument("id", type=int, help="bank line id")
    a.add_argument("--undo", action="store_true")
    a.set_defaults(handler=cmd_ignore)

    p = sub.add_parser(
        "undo-allocation", help="undo one allocation (the invoice reopens at its former balance)"
    )
    p.add_argument("allocation_id", type=int)
    p.add_argument("--reason", default="")
    p.set_defaults(handler=cmd_undo)


def cmd_pay(args: argparse.Namespace, out: Output) -> int:
    from app.services.invoicing import get_detail
    from app.services.payments import record_payment

    amount = amount_of(args.amount)
    with opened(args) as app:
        detail = get_detail(app.ctx, invoice_id_of(app, args.number))
        balance = Money.from_minor(detail.row.balance_minor, detail.row.currency)
        share = min(Money.of(amount, detail.row.currency), balance)
        allocations = [(detail.row.id, share.amount)] if not share.is_zero else []
        result = record_payment(
            app.ctx,
            detail.row.client_id,
            amount,
            args.date or app.ctx.clock.today(),
            method=args.method,
            reference=args.reference or args.number,
            allocations=allocations,
        )
    human = f"Payment of {Money.from_minor(result.amount_minor, result.currency)} recorded"
    human += "".join(
        f"\n  {n}: {Money.from_minor(a, result.currency).plain()}" for n, a in result.allocations
    )
    if result.credit_minor:
        human += (
            f"\n  client credit: {Money.from_minor(result.credit_minor, result.currency).plain()}"
        )
    out.result(result.as_dict(), human)
    return 0


def cmd_undo(args: argparse.Namespace, out: Output) -> int:
    from app.services.payments import undo_allocation

    with opened(args) as app:
        undo_allocation(app.ctx, args.allocation_id, args.reason)
    out.result({"undone": args.allocation_id}, f"Allocation {args.allocation_id} undone.")
    return 0


@noun(
    "list",
    "payments",
    "payments, credits and refunds",
    lambda p: (
        p.add_argument("--client", type=int),
        p.add_argument("--search", default=""),
        p.add_argument("--kind", default=""),
    ),
)
def list_payments_cmd(args: argparse.Namespace, out: Output) -> int:
    from app.services.payments import PaymentQuery, list_payments

    with opened(args) as app:
        rows = list_payments(app.ctx, PaymentQuery(args.search, args.client, args.kind))
    data = [
        {
            "id": r.id,
            "client_id": r.client_id,
            "client": r.client_name,
            "kind": r.kind,
            "date": r.date,
            "amount": Money.from_minor(r.amount_minor, r.currency).plain(),
            "currency": r.currency,
            "method": r.method,
            "reference": r.reference,
            "unallocated": Money.from_minor(r.unallocated_minor, r.currency).plain(),
            "reversed": r.reversed,
        }
        for r in rows
    ]
    out.result(
        data,
        table(
            [
                [
                    str(d["id"]),
                    str(d["date"]),
                    d["client"],
                    d["kind"],
                    d["amount"],
                    d["currency"],
                    d["unallocated"],
                    d["reference"],
                ]
                for d in data
            ],
            ["ID", "Date", "Client", "Kind", "Amount", "Cur", "Credit", "Reference"],
            {0, 4, 6},
        ),
    )
    return 0


def _bank_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="CSV, OFX/QFX, QIF, camt.053/054 or MT940 file")
    p.add_argument(
        "--account", help="bank account name (default: from the file's IBAN, else 'Main account')"
    )
    p.add_argument(
        "--profile", help="saved reading profile to use (JSON file), instead of detection"
    )
    p.add_argument(
        "--accept-problems",
        action="store_true",
        help="import the readable lines even if some lines cannot be read",
    )
    p.add_argument("--save-profile", action="store_true", help="remember how this layout was read")


@noun("import", "bank", "a bank statement (duplicates of earlier imports are skipped)", _bank_args)
def import_bank(args: argparse.Namespace, out: Output) -> int:
    import json as _json
    from pathlib import Path

    from app.core.bankfile import CsvProfile, StatementError
    from app.services.bank_import import UnreadableLines, import_statement

    profile = None
    if args.profile:
        try:
            profile = CsvProfile.from_dict(
                _json.loads(Path(args.profile).read_text(encoding="utf-8"))
            )
        except (OSError, ValueError) as exc:
            raise CommandError(f"{args.profile}: not a readable profile ({exc})", 2) from exc
    with opened(args) as app:
        try:
            result = import_statement(
                app.ctx,
                Path(args.file),
                account=args.account,
                profile=profile,
                accept_problems=args.accept_problems,
                save_profile=args.save_profile,
                unattended=True,
            )
        except UnreadableLines as exc:
            raise CommandError(
                str(exc), 2, details=[{"line": p.line_no, "reason": p.reason} for p in exc.problems]
            ) from exc
        except StatementError as exc:
            raise CommandError(str(exc), 2) from exc
    human = (
        f"{args.file}: {result.imported} line(s) imported into {result.account}, "
        f"{result.duplicates} duplicate(s) skipped ({result.format}, {result.encoding})."
    )
    if result.pending_skipped:
        human += f"\n  {result.pending_skipped} pending line(s) left for a later statement."
    for p in result.problems:
        human += f"\n  skipped {args.file}, line {p.line_no}: {p.reason}"
    out.result(result.as_dict(), human)
    return 1 if result.problems else 0


def cmd_reconcile(args: argparse.Namespace, out: Output) -> int:
    from app.services.reconcile import reconcile

    with opened(args, actor="cli:reconcile") as app:
        result = reconcile(app.ctx)
    out.result(
        result.as_dict(),
        f"{result.lines} line(s): {result.auto_applied} applied automatically, "
        f"{result.suggested} suggested, {result.unmatched} unmatched, "
        f"{result.outgoing} outgoing.",
    )
    return 0


def _line_result(app: object, line_id: int, out: Output, done: str) -> int:
    from app.services.reconcile import bank_line_rows

    row = bank_line_rows(app.ctx, [line_id])[0]  # type: ignore[attr-defined]
    out.result(
        {"id": row.id, "status": row.status, "match": row.match_kind},
        f"Bank line {row.id} {done}: now {row.status}.",
    )
    return 0


def cmd_accept(args: argparse.Namespace, out: Output) -> int:
    from app.services.reconcile import accept

    with opened(args, actor="cli:bank-line") as app:
        ids = [invoice_id_of(app, n) for n in args.invoices] or None
        accept(app.ctx, args.id, ids)
        return _line_result(app, args.id, out, "accepted")


def cmd_reject(args: argparse.Namespace, out: Output) -> int:
    from app.services.reconcile import reject

    with opened(args, actor="cli:bank-line") as app:
        ids = [invoice_id_of(app, n) for n in args.invoices] or None
        reject(app.ctx, args.id, ids)
        return _line_result(app, args.id, out, "rejected")


def cmd_unmatch(args: argparse.Namespace, out: Output) -> int:
    from app.services.reconcile import undo

    with opened(args, actor="cli:bank-line") as app:
        undo(app.ctx, args.id)
        return _line_result(app, args.id, out, "undone")


def cmd_ignore(args: argparse.Namespace, out: Output) -> int:
    from app.services.reconcile import ignore

    with opened(args, actor="cli:bank-line") as app:
        ignore(app.ctx, args.id, not args.undo)
        return _line_result(app, args.id, out, "back in the list" if args.undo else "ignored")


@noun(
    "list",
    "bank-lines",
    "imported bank statement lines",
    lambda p: (
        p.add_argument("--status", action="append", default=[]),
        p.add_argument("--search", default=""),
    ),
)
def list_bank_lines(args: argparse.Namespace, out: Output) -> int:
    from app.services.reconcile import BankLineQuery, bank_line_ids, bank_line_rows

    with opened(args) as app:
        ids = bank_line_ids(app.ctx, BankLineQuery(tuple(args.status), args.search))
        rows = [
            r for i in range(0, len(ids), 900) for r in bank_line_rows(app.ctx, ids[i : i + 900])
        ]
    data = [
        {
            "id": r.id,
            "date": r.booking_date,
            "amount": Money.from_minor(r.amount_minor, r.currency).plain(),
            "currency": r.currency,
            "counterparty": r.counterparty,
            "description": r.description,
            "status": r.status,
            "match": r.match_kind,
            "score": r.match_score,
            "explanation": r.explanation,
        }
        for r in rows
    ]
    out.result(
        data,
        table(
            [
                [
                    str(d["id"]),
                    str(d["date"]),
                    d["amount"],
                    d["currency"],
                    d["counterparty"][:30],
                    d["description"][:40],
                    d["status"],
                ]
                for d in data
            ],
            ["ID", "Date", "Amount", "Cur", "Counterparty", "Description", "Status"],
            {0, 2},
        ),
    )
    return 0
