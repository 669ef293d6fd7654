"""``send``, ``list outbox``, ``outbox …``, ``invoice dispute|promise``, ``reminders …``."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import Any

from app.commands.output import CommandError, Output, table
from app.commands.registry import noun
from app.commands.session import opened


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"needs a date like 2026-03-31, not {text!r}") from None


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("send", help="send due e-mails and reminders (the outbox)")
    p.add_argument("--dry-run", action="store_true", help="list what would go out and why")
    p.add_argument("--all", action="store_true", help="with --dry-run: also reminders not due yet")
    p.add_argument("--test", metavar="ADDRESS", help="send a test e-mail to ADDRESS now")
    p.add_argument("--limit", type=int, help="send at most this many messages")
    p.set_defaults(handler=cmd_send)

    p = sub.add_parser("outbox", help="look after one outbox message")
    sp = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, help_text, handler in (
        ("show", "the message as sent (headers, text, HTML)", cmd_outbox_show),
        ("mark-sent", "an 'unknown' message did go out (found in the Sent folder)", cmd_mark_sent),
        ("resend", "an 'unknown' message did not go out: queue it again", cmd_resend),
        ("retry", "queue a failed message again (after fixing the address)", cmd_retry),
        ("cancel", "never send a queued or failed message", cmd_cancel),
    ):
        a = sp.add_parser(name, help=help_text)
        a.add_argument("id", type=int, help="message id (see 'list outbox')")
        a.set_defaults(handler=handler)
    a = sp.add_parser("invoice", help="e-mail an issued invoice (again)")
    a.add_argument("number")
    a.set_defaults(handler=cmd_queue_invoice)
    a = sp.add_parser("statement", help="queue a statement of account for a client")
    a.add_argument("client", type=int, help="client id")
    a.add_argument("--from", dest="start", type=_day, required=True)
    a.add_argument("--to", dest="end", type=_day, required=True)
    a.set_defaults(handler=cmd_queue_statement)

    p = sub.add_parser("invoice", help="dispute or promise-to-pay on an invoice (pauses reminders)")
    sp = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    a = sp.add_parser("dispute", help="mark an invoice disputed (no reminders while disputed)")
    a.add_argument("number")
    a.add_argument("--note", default="")
    a.add_argument("--withdraw", action="store_true", help="the dispute is settled")
    a.set_defaults(handler=cmd_dispute)
    a = sp.add_parser("promise", help="record the date the client promised to pay")
    a.add_argument("number")
    a.add_argument("date", nargs="?", type=_day)
    a.add_argument("--clear", action="store_true")
    a.set_defaults(handler=cmd_promise)

    p = sub.add_parser("reminders", help="an invoice's reminder timeline; a client's own policy")
    sp = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    a = sp.add_parser("show", help="what was sent about an invoice, what is next, what waits")
    a.add_argument("number")
    a.set_defaults(handler=cmd_timeline)
    a = sp.add_parser("policy", help="a client's own reminder settings")
    a.add_argument("client", type=int, help="client id")
    a.add_argument("--stages", help="e.g. 'first +5, final +20!'")
    a.add_argument("--minimum", dest="minimum_balance", help="no reminders below this balance")
    a.add_argument("--window-start")
    a.add_argument("--window-end")
    a.add_argument("--days", dest="window_days", help="e.g. mon-fri")
    a.add_argument("--off", action="store_true", help="no automatic reminders for this client")
    a.add_argument("--clear", action="store_true", help="use the business's settings again")
    a.set_defaults(handler=cmd_client_policy)


def _invoice_id(app: Any, ref: str) -> int:
    from app.commands.session import invoice_id_of

    return invoice_id_of(app, ref)


def cmd_send(args: argparse.Namespace, out: Output) -> int:
    if args.test:
        from app.services.delivery import send_test

        with opened(args, actor="cli:send") as app:
            reply = send_test(app.ctx, args.test)
        out.result({"test": args.test, "reply": reply}, f"Test e-mail sent to {args.test}: {reply}")
        return 0
    if args.dry_run:
        return _dry_run(args, out)
    from app.services.delivery import send_due

    def progress(done: int, total: int, message: str) -> None:
        if not args.json:
            sys.stderr.write(f"\r{done}/{total} {message[:60]:<60}")

    with opened(args, actor="cli:send") as app:
        if args.limit is not None:
            from app.services.delivery import deliver

            report = deliver(app.ctx, progress, limit=args.limit)
        else:
            report = send_due(app.ctx, progress)
    if not args.json:
        sys.stderr.write("\n")
    out.result(report.as_dict(), report.summary)
    return 1 if report.problem or report.failed else 0


def _dry_run(args: argparse.Namespace, out: Output) -> int:
    from app.services.delivery import SmtpSettings
    from app.services.dunning_views import dry_run
    from app.services.settings import load_settings

    with opened(args) as app:
        items = dry_run(app.ctx, include_waiting=args.all)
        problem = SmtpSettings.from_values(load_settings(app.ctx)).problem()
    data = {"dry_run": True, "problem": problem, "items": [i.as_dict() for i in items]}
    rows = [
        [i.status.replace("_", " "), i.kind, i.stage, i.about, i.to or "—", i.why] for i in items
    ]
    text = table(rows, ["What", "Kind", "Stage", "About", "To", "Why"])
    would = sum(1 for i in items if i.status == "would_send")
    text += f"\n{would} e-mail(s) would go out now."
    if problem:
        text += f"\n{problem}"
    out.result(data, text)
    return 0


def _list_outbox_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--status", action="append", default=[], help="repeatable: queued, sent, failed, unknown…"
    )
    p.add_argument("--search", default="", help="address, invoice number or client")
    p.add_argument("--invoice", help="only messages about this invoice")


@noun("list", "outbox", "e-mails: queued, sent, failed, unknown", _list_outbox_args)
def list_outbox(args: argparse.Namespace, out: Output) -> int:
    from app.services.outbox_views import OutboxQuery, list_outbox

    with opened(args) as app:
        invoice_id = _invoice_id(app, args.invoice) if args.invoice else None
        rows = list_outbox(app.ctx, OutboxQuery(tuple(args.status), args.search, invoice_id))
    data = [r.as_dict() for r in rows]
    text = table(
        [
            [
                str(r.id),
                r.status,
                r.kind + (f" {r.stage}" if r.stage else ""),
                r.invoice_number or r.client_name,
                r.to_address or "—",
                (r.sent_at or r.created_at).strftime("%Y-%m-%d %H:%M"),
                (r.last_error or r.subject)[:60],
            ]
            for r in rows
        ],
        ["ID", "Status", "Kind", "About", "To", "When", "Subject / note"],
        {0},
    )
    out.result(data, text + f"\n{len(rows)} message(s)")
    return 0


def cmd_outbox_show(args: argparse.Namespace, out: Output) -> int:
    from app.services.outbox_views import message_view

    with opened(args) as app:
        view = message_view(app.ctx, args.id)
    r = view.row
    human = (
        f"Message {r.id} ({r.status})\nMessage-ID: {view.message_id or '(not yet assigned)'}\n"
        f"From: {view.sender}\nTo: {r.to_address}\n"
        + (f"Reply-To: {view.reply_to}\n" if view.reply_to else "")
        + f"Subject: {r.subject}\n"
        + (f"Attachment: {view.attachment}\n" if view.attachment else "")
        + (f"Note: {r.last_error}\n" if r.last_error else "")
        + f"\n{view.body_text}"
    )
    out.result(view.as_dict(), human)
    return 0


def _action(args: argparse.Namespace, out: Output, fn_name: str, done: str) -> int:
    from app.services import outbox_actions

    with opened(args, actor="cli") as app:
        getattr(outbox_actions, fn_name)(app.ctx, args.id)
    out.result({"id": args.id, "done": fn_name}, f"Message {args.id} {done}.")
    return 0


def cmd_mark_sent(args: argparse.Namespace, out: Output) -> int:
    return _action(args, out, "confirm_sent", "marked sent")


def cmd_resend(args: argparse.Namespace, out: Output) -> int:
    return _action(args, out, "send_again", "queued again (same Message-ID)")


def cmd_retry(args: argparse.Namespace, out: Output) -> int:
    return _action(args, out, "retry", "queued again")


def cmd_cancel(args: argparse.Namespace, out: Output) -> int:
    return _action(args, out, "cancel", "cancelled")


def cmd_queue_invoice(args: argparse.Namespace, out: Output) -> int:
    from app.services.mail_queue import queue_invoice_email

    with opened(args, actor="cli") as app:
        message_id = queue_invoice_email(app.ctx, _invoice_id(app, args.number))
    out.result({"id": message_id}, f"Invoice e-mail queued as message {message_id}.")
    return 0


def cmd_queue_statement(args: argparse.Namespace, out: Output) -> int:
    from app.services.mail_queue import queue_statement

    with opened(args, actor="cli") as app:
        message_id = queue_statement(app.ctx, args.client, args.start, args.end)
    out.result({"id": message_id}, f"Statement queued as message {message_id}.")
    return 0


def cmd_dispute(args: argparse.Namespace, out: Output) -> int:
    from app.services.invoicing import mark_disputed

    with opened(args, actor="cli") as app:
        detail = mark_disputed(app.ctx, _invoice_id(app, args.number), not args.withdraw, args.note)
    state = "disputed" if detail.disputed else "no longer disputed"
    out.result(
        {"number": detail.row.number, "disputed": detail.disputed},
        f"{detail.row.number} is {state}.",
    )
    return 0


def cmd_promise(args: argparse.Namespace, out: Output) -> int:
    from app.services.invoicing import set_promise

    if args.date is None and not args.clear:
        raise CommandError("give the promised date (YYYY-MM-DD) or --clear", 2)
    with opened(args, actor="cli") as app:
        detail = set_promise(
            app.ctx, _invoice_id(app, args.number), None if args.clear else args.date
        )
    text = (
        f"{detail.row.number}: promise to pay by {detail.promise_date}."
        if detail.promise_date
        else f"{detail.row.number}: no promise to pay."
    )
    out.result({"number": detail.row.number, "promise_date": detail.promise_date}, text)
    return 0


def cmd_timeline(args: argparse.Namespace, out: Output) -> int:
    from app.services.dunning_views import timeline

    with opened(args) as app:
        view = timeline(app.ctx, _invoice_id(app, args.number))
    rows = [
        [
            e.when.isoformat(sep=" ", timespec="minutes")
            if hasattr(e.when, "hour")
            else str(e.when or "—"),  # type: ignore[call-arg, union-attr]
            e.title,
            e.status,
            e.detail,
        ]
        for e in view.entries
    ]
    out.result(
        view.as_dict(),
        f"{view.number}: {view.summary}\n" + table(rows, ["When", "What", "Status", "Detail"]),
    )
    return 0


def cmd_client_policy(args: argparse.Namespace, out: Output) -> int:
    from app.services.dunning_policy import client_policy, set_client_policy

    with opened(args, actor="cli") as app:
        if args.clear:
            policy = set_client_policy(app.ctx, args.client, None)
        else:
            changes = {
                key: getattr(args, key)
                for key in (
                    "stages",
                    "minimum_balance",
                    "window_start",
                    "window_end",
                    "window_days",
                )
                if getattr(args, key) is not None
            }
            if args.off:
                changes["enabled"] = False
            policy = client_policy(app.ctx, args.client)
            if changes:
                policy = set_client_policy(app.ctx, args.client, policy | changes)
    text = (
        "\n".join(f"{k}: {v}" for k, v in sorted(policy.items()))
        if policy
        else "This client follows the business's reminder settings."
    )
    out.result({"client": args.client, "policy": policy}, text)
    return 0
