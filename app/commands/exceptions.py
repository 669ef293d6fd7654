"""``list exceptions``, ``resolve``, ``scan``, ``risk``, ``brief``: the exceptions queue from a shell."""

from __future__ import annotations

import argparse
from typing import Any

from app.commands.output import CommandError, Output, table
from app.commands.registry import noun
from app.commands.session import opened
from app.core.exception_types import ACTIONS

RESOLVE_ACTIONS = [a for a in ACTIONS if a != "edit"]


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "resolve", help="act on an exceptions-queue item (approve, reject, dismiss, writeoff…)"
    )
    p.add_argument("ids", nargs="+", type=int, metavar="EXCEPTION_ID")
    p.add_argument("action", choices=RESOLVE_ACTIONS)
    p.add_argument("--note", default="", help="why (required to reject or credit)")
    p.set_defaults(handler=cmd_resolve)

    p = sub.add_parser("scan", help="run the exception rules: raise, settle by rule, close")
    p.set_defaults(handler=cmd_scan)

    p = sub.add_parser("risk", help="clients' payment-risk scores with their reasons")
    p.add_argument("--client", type=int, help="one client id (default: every client)")
    p.add_argument("--level", choices=("low", "medium", "high"))
    p.set_defaults(handler=cmd_risk)

    p = sub.add_parser("brief", help="the operational brief for the week or the month")
    p.add_argument("--period", choices=("week", "month"), default="week")
    p.set_defaults(handler=cmd_brief)


def _row(r: Any) -> dict[str, Any]:
    return {
        "id": r.id,
        "type": r.type,
        "type_label": r.type_label,
        "group": r.group,
        "severity": r.severity,
        "status": r.status,
        "title": r.title,
        "client_id": r.client_id,
        "client": r.client_name,
        "entity": f"{r.entity_type}:{r.entity_id}",
        "created_at": r.created_at,
        "resolved_at": r.resolved_at,
        "auto_resolved": r.auto_resolved,
        "actions": list(r.actions),
    }


def _list_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--status",
        default="open",
        choices=("open", "resolved", "dismissed", "closed", "all"),
    )
    p.add_argument("--type", action="append", default=[], help="only this type (repeatable)")
    p.add_argument("--client", type=int)
    p.add_argument("--search", default="")
    p.add_argument("--explain", action="store_true", help="print each item's explanation")


@noun("list", "exceptions", "the exceptions queue (open items by default)", _list_args)
def list_exceptions_cmd(args: argparse.Namespace, out: Output) -> int:
    from app.services.exceptions import ExceptionQuery, get_exception, list_exceptions, queue_stats

    with opened(args) as app:
        q = ExceptionQuery(args.status, tuple(args.type), args.search, args.client)
        rows = list_exceptions(app.ctx, q)
        data = [_row(r) for r in rows]
        if args.explain or out.json_mode:
            for d in data:
                detail = get_exception(app.ctx, d["id"])
                d["explanation"] = detail.explanation
                d["evidence"] = detail.evidence
                d["resolution"] = detail.resolution
        stats = queue_stats(app.ctx)
    human = table(
        [
            [str(d["id"]), d["severity"], d["type_label"], d["title"][:70], ",".join(d["actions"])]
            for d in data
        ],
        ["ID", "Severity", "Type", "Title", "Actions"],
        {0},
    )
    if args.explain:
        human += "".join(f"\n\n#{d['id']} {d['title']}\n  {d['explanation']}" for d in data)
    share = stats.auto_share
    human += f"\n\n{stats.open} open, {stats.closed} closed" + (
        f", {share * 100:.0f}% of them resolved by rule." if share is not None else "."
    )
    out.result(data, human)
    return 0


def cmd_resolve(args: argparse.Namespace, out: Output) -> int:
    from app.services.exception_actions import bulk_resolve, resolve

    with opened(args) as app:
        if len(args.ids) == 1:
            result = resolve(app.ctx, args.ids[0], args.action, args.note)
            out.result(result.as_dict(), f"#{result.item_id}: {result.message}.")
            return 0
        bulk = bulk_resolve(app.ctx, args.ids, args.action, args.note)
    human = "\n".join(f"#{d.item_id}: {d.message}." for d in bulk.done)
    human += "".join(f"\n#{i}: skipped — {reason}" for i, reason in bulk.skipped)
    out.result(bulk.as_dict(), human)
    return 1 if bulk.skipped else 0


def cmd_scan(args: argparse.Namespace, out: Output) -> int:
    from app.services.exception_scan import run_scan

    with opened(args, actor="cli:scan") as app:
        result = run_scan(app.ctx)
    rules = ", ".join(f"{k} {v}" for k, v in sorted(result.by_rule.items()))
    out.result(
        result.as_dict(),
        f"{result.invoices:,} invoices checked ({result.watched:,} closely) in "
        f"{result.evaluate_seconds:.2f} s: {result.raised} item(s) raised, "
        f"{result.auto_resolved} settled by rule{f' ({rules})' if rules else ''}, "
        f"{result.cleared} cleared, {result.approved_by_rule} invoice(s) approved by rule.",
    )
    return 0


def cmd_risk(args: argparse.Namespace, out: Output) -> int:
    from app.services.risk import all_risks, client_risk

    with opened(args) as app:
        if args.client is not None:
            scored = client_risk(app.ctx, args.client)
            human = f"{scored.level} ({scored.points} points)\n" + "\n".join(
                f"  {r}" for r in scored.reasons
            )
            out.result({"client_id": args.client, **scored.as_dict()}, human)
            return 0
        risks = all_risks(app.ctx, args.level)
    out.result(
        [r.as_dict() for r in risks],
        table(
            [[str(r.client_id), r.name, r.score.level, str(r.score.points)] for r in risks],
            ["ID", "Client", "Risk", "Points"],
            {0, 3},
        ),
    )
    return 0


def cmd_brief(args: argparse.Namespace, out: Output) -> int:
    from app.services.brief import brief, brief_text

    with opened(args) as app:
        made = brief(app.ctx, args.period)
        text = brief_text(app.ctx, args.period)
    if not text:
        raise CommandError("The brief could not be written.", 1)
    out.result({"period": args.period, "text": text, "facts": made.facts}, text)
    return 0
