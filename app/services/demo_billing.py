"""Demo agreements and two years of invoice history, as if the book had been run monthly."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from app.core.clock import Clock
from app.core.invoice_math import TaxCategory
from app.core.recurrence import LAST_DAY, Cadence, Timing
from app.core.schedules import ScheduleData, ScheduleLineData
from app.db import models as m
from app.services import invoicing
from app.services.bill_run import run_bill_run
from app.services.context import AppContext
from app.services.demo_usage import load_demo_usage
from app.services.schedules import (
    add_change,
    create_schedule,
    pause_schedule,
    resume_schedule,
    set_status,
)

SERVICES = [
    ("Monthly retainer", Cadence.MONTHLY, ["450.00", "900.00", "1500.00", "2400.00"]),
    ("Website hosting & maintenance", Cadence.MONTHLY, ["49.00", "89.00", "149.00"]),
    ("Bookkeeping support", Cadence.MONTHLY, ["320.00", "640.00"]),
    ("Quarterly strategy review", Cadence.QUARTERLY, ["1200.00", "1800.00"]),
    ("Annual software licence", Cadence.YEARLY, ["2400.00", "4800.00"]),
    ("Cloud backup seats", Cadence.MONTHLY, ["12.00"]),
]
VAT = {"EUR": Decimal("23"), "GBP": Decimal("20"), "USD": Decimal("0")}


def load_demo_billing(ctx: AppContext, rng: random.Random) -> dict[str, int]:
    today = ctx.clock.today()
    history_start = today - relativedelta(years=2)
    with ctx.uow.read() as uow:
        clients = list(
            uow.session.execute(select(m.Client.id, m.Client.currency).order_by(m.Client.id))
        )
    schedules = []
    for client in clients:
        if rng.random() < 0.12:
            continue  # a few clients only get one-off work
        for _ in range(1 if rng.random() < 0.75 else 2):
            name, cadence, prices = rng.choice(SERVICES)
            start = history_start + timedelta(days=rng.randint(0, 600))
            qty = Decimal(rng.choice([1, 1, 1, 2, 3, 5])) if "seats" in name else Decimal(1)
            anchor = rng.choice([None, None, 1, LAST_DAY]) if cadence is Cadence.MONTHLY else None
            data = ScheduleData(
                client_id=client.id,
                name=name,
                cadence=cadence,
                start_date=start,
                anchor_day=anchor,
                timing=Timing.ARREARS if rng.random() < 0.2 else Timing.ADVANCE,
                uplift_percent=Decimal("3.5")
                if cadence is Cadence.YEARLY and rng.random() < 0.5
                else None,
                lines=(
                    ScheduleLineData(
                        name,
                        qty,
                        Decimal(rng.choice(prices)),
                        VAT.get(client.currency, Decimal(0)),
                        TaxCategory.STANDARD,
                    ),
                ),
            )
            schedules.append(create_schedule(ctx, data))
    # A little real life: an upgrade, a pause, an agreement that ended.
    if len(schedules) > 3:
        s = schedules[0]
        add_change(ctx, s.id, s.data.lines[0].id, today - timedelta(days=70), quantity=Decimal(2))
        p = schedules[1]
        pause_schedule(ctx, p.id, today - timedelta(days=200))
        resume_schedule(ctx, p.id, today - timedelta(days=140))
        set_status(ctx, schedules[2].id, "ended")
    # metered, time-sheet and milestone agreements, with their own random stream so
    # the rest of the demo stays as it was
    eur_clients = [c.id for c in clients if c.currency == "EUR"]
    usage = load_demo_usage(ctx, random.Random(2026), eur_clients, VAT["EUR"])
    created = _replay_history(ctx, history_start, today)
    paid, bank_lines = _demo_payments(ctx, rng, today)
    return {
        "schedules": len(schedules),
        "invoices": created,
        "payments": paid,
        "bank_lines": bank_lines,
        **usage,
    }


def _replay_history(ctx: AppContext, start: date, today: date) -> int:
    """Run the book month by month (approving what went to review) so numbers follow dates."""
    created = 0
    day = date(start.year, start.month, 1)
    while day <= today:
        for step in (day, min(day + timedelta(days=14), today)):
            then = replace(ctx, clock=Clock(ctx.clock.tz_name, as_of=step), actor="demo")
            result = run_bill_run(then, as_of=step)
            created += result.created
            review = [i for i in result.invoice_ids if i in result.review_reasons]
            if review and step < today - timedelta(days=35):
                invoicing.approve(then, review, note="demo history")
        day += relativedelta(months=1)
    created += run_bill_run(ctx, as_of=today).created
    return created


def _demo_payments(ctx: AppContext, rng: random.Random, today: date) -> tuple[int, int]:
    """Most clients pay on time, some late, a few in part; the last three weeks arrive as a
    bank statement that is imported and reconciled, so the Bank page has real work."""
    import csv
    import io
    import tempfile
    from pathlib import Path

    from app.core.money import Money
    from app.services.bank_import import import_statement
    from app.services.payments import record_payment
    from app.services.reconcile import reconcile

    with ctx.uow.read() as uow:
        invoices = uow.session.execute(
            select(
                m.Invoice.id,
                m.Invoice.number,
                m.Invoice.client_id,
                m.Invoice.due_date,
                m.Invoice.balance_minor,
                m.Invoice.currency,
                m.Client.name,
            )
            .join(m.Client, m.Client.id == m.Invoice.client_id)
            .where(m.Invoice.kind == "invoice", m.Invoice.status.in_(("issued", "sent")))
            .order_by(m.Invoice.issue_date, m.Invoice.id)
        ).all()
    habits: dict[int, tuple[int, int]] = {}
    paid = 0
    statement: list[list[str]] = []
    cutoff = today - timedelta(days=21)
    for inv in invoices:
        low, high = habits.setdefault(
            inv.client_id, rng.choice([(-5, 3)] * 6 + [(5, 25)] * 3 + [(30, 75)])
        )
        pay_on = inv.due_date + timedelta(days=rng.randint(low, high))
        if pay_on > today or rng.random() < 0.03:
            continue  # not paid yet (or never: the overdue tail)
        amount = Money.from_minor(inv.balance_minor, inv.currency)
        if rng.random() < 0.04:
            amount = Money.from_minor(inv.balance_minor // 2, inv.currency)  # a partial payment
        if pay_on <= cutoff:
            record_payment(
                replace(ctx, actor="demo"),
                inv.client_id,
                amount.amount,
                pay_on,
                reference=inv.number,
                source="demo",
                allocations=[(inv.id, amount.amount)],
            )
            paid += 1
        elif inv.currency == "EUR":
            memo = rng.choice(
                [
                    f"Invoice {inv.number}",
                    f"{inv.number} thank you",
                    f"Payment {inv.number[-5:]}",
                    f"INV {inv.number[4:]}",
                    f"{inv.name} {inv.number}",
                ]
            )
            payer = inv.name.upper()
            if rng.random() < 0.15:  # paid by a parent company, without a reference
                payer, memo = f"{inv.name.split()[0].upper()} HOLDINGS", "Transfer"
            statement.append(
                [pay_on.strftime("%d.%m.%Y"), payer, memo, f"{amount.amount:.2f}".replace(".", ",")]
            )
    for day_back, payee, memo, amount in (
        (3, "DUBLIN OFFICE RENT LTD", "Rent December", "-1850,00"),
        (6, "CLOUDHOST EU", "Hosting Nov", "-129,00"),
        (9, "REVENUE COMMISSIONERS", "VAT return", "-4210,55"),
        (12, "BANK CHARGES", "Account fees", "-12,50"),
        (15, "UNKNOWN SENDER GMBH", "Ref 88213", "640,00"),
    ):
        statement.append(
            [(today - timedelta(days=day_back)).strftime("%d.%m.%Y"), payee, memo, amount]
        )
    if not statement:
        return paid, 0
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["Buchungstag", "Auftraggeber/Empfänger", "Verwendungszweck", "Betrag"])
    writer.writerows(sorted(statement, key=lambda r: (r[0][6:], r[0][3:5], r[0][:2])))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "demo-statement.csv"
        path.write_text(out.getvalue(), encoding="utf-8")
        result = import_statement(replace(ctx, actor="demo"), path, account="Main account")
    reconcile(replace(ctx, actor="demo"))
    return paid, result.imported
