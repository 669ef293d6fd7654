"""``import usage``, ``list usage``, ``milestone deliver``: usage, time and milestone billing."""

from __future__ import annotations

import argparse
import json
from datetime import date

from app.commands.output import CommandError, Output, table
from app.commands.registry import noun
from app.commands.session import opened, read_input_file


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("milestone", help="milestone agreements")
    sp = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    d = sp.add_parser("deliver", help="mark a milestone delivered (the next bill run invoices it)")
    d.add_argument("milestone_id", type=int)
    d.add_argument("--date", type=date.fromisoformat, help="delivery date (default: today)")
    d.set_defaults(handler=cmd_deliver)


def _usage_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="CSV of usage or time records (client, item, date, quantity, …)")
    p.add_argument(
        "--profile", help='JSON file mapping fields to column headers, e.g. {"quantity": "Hours"}'
    )
    p.add_argument(
        "--skip-invalid", action="store_true", help="import the valid rows, list the rest"
    )
    p.add_argument("--month-first", action="store_true", help="dates like 03/25/2026")


@noun("import", "usage", "metered usage or time records (re-importing adds nothing)", _usage_args)
def import_usage_cmd(args: argparse.Namespace, out: Output) -> int:
    from pathlib import Path

    from app.core.textfile import TextFileError
    from app.services.usage import UsageRejected, import_usage

    columns = None
    if args.profile:
        try:
            columns = json.loads(Path(args.profile).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"{args.profile}: not a readable profile ({exc})", 2) from exc
    data = read_input_file(args.file)
    with opened(args) as app:
        try:
            report = import_usage(
                app.ctx,
                data,
                skip_invalid=args.skip_invalid,
                columns=columns,
                day_first=False if args.month_first else None,
            )
        except UsageRejected as exc:
            raise CommandError(f"{args.file}: {exc}", 2, details=exc.report.as_dict()) from exc
        except TextFileError as exc:
            raise CommandError(exc.with_filename(args.file).describe(), 2) from exc
    human = (
        f"{args.file}: {report.imported} record(s) imported, {report.duplicates} already known"
        + (
            f", {report.late} for periods already invoiced (billed as adjustments next time)"
            if report.late
            else ""
        )
        + "."
    )
    for e in report.rejected:
        human += f"\n  skipped {args.file}, {e}"
    out.result(report.as_dict(), human)
    return 1 if report.rejected else 0


@noun(
    "list",
    "usage",
    "usage and time records",
    lambda p: (
        p.add_argument("--client", type=int),
        p.add_argument("--schedule", type=int),
        p.add_argument("--item", default=""),
    ),
)
def list_usage(args: argparse.Namespace, out: Output) -> int:
    from app.services.usage import UsageQuery, usage_ids, usage_rows

    with opened(args) as app:
        ids = usage_ids(app.ctx, UsageQuery(args.client, args.schedule, args.item))
        rows = [r for i in range(0, len(ids), 900) for r in usage_rows(app.ctx, ids[i : i + 900])]
    data = [
        {
            "id": r.id,
            "client": r.client_name,
            "item": r.item,
            "date": r.occurred_on,
            "quantity": f"{r.quantity.normalize():f}",
            "person": r.person,
            "billed": r.billed,
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
                    d["item"],
                    d["quantity"],
                    d["person"],
                    "yes" if d["billed"] else "",
                ]
                for d in data
            ],
            ["ID", "Date", "Client", "Item", "Qty", "Person", "Billed"],
            {0, 4},
        ),
    )
    return 0


def cmd_deliver(args: argparse.Namespace, out: Output) -> int:
    from app.services.milestones import mark_delivered

    with opened(args) as app:
        on = args.date or app.ctx.clock.today()
        mark_delivered(app.ctx, args.milestone_id, on)
    out.result(
        {"milestone": args.milestone_id, "delivered_on": on},
        f"Milestone {args.milestone_id} delivered on {on}.",
    )
    return 0
