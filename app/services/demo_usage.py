"""Demo usage billing: a metered API plan, a time-sheet agreement and a milestone project.

Loaded before the demo's history is replayed, so past periods are billed from
their records the way a real book would have billed them; the current month's
records are still open on the Usage page.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from app.core.invoice_math import TaxCategory
from app.core.recurrence import Cadence, Timing
from app.core.schedules import ScheduleData, ScheduleLineData
from app.core.usage import Pricing, PricingModel, Tier
from app.services.context import AppContext
from app.services.milestones import MilestoneInput, mark_delivered, set_plan
from app.services.schedules import create_schedule
from app.services.usage import import_usage

API_TIERS = Pricing(
    PricingModel.TIERED,
    tiers=(Tier(Decimal(10000), Decimal("0.010")), Tier(None, Decimal("0.004"))),
    allowance=Decimal(2000),
    unit="calls",
)
CONSULTANTS = (("Ciara Walsh", "120.00"), ("Tomás Novak", "85.00"))


def load_demo_usage(
    ctx: AppContext, rng: random.Random, client_ids: list[int], vat: Decimal
) -> dict[str, int]:
    """Three agreements on the first three clients; returns what was made."""
    if len(client_ids) < 3:
        return {"usage_records": 0, "milestones": 0}
    demo = replace(ctx, actor="demo")
    today = ctx.clock.today()
    start = date(today.year, today.month, 1) - relativedelta(months=5)
    api, hours, project = client_ids[:3]
    for client_id, name, line, pricing, item in (
        (api, "API platform", "API calls", API_TIERS, "api-calls"),
        (hours, "Consulting hours", "Consulting", Pricing(unit="h"), "consulting"),
    ):
        metered = ScheduleLineData(
            line,
            Decimal(1),
            Decimal(0),
            vat,
            TaxCategory.STANDARD,
            pricing=pricing,
            meter_item=item,
        )
        create_schedule(
            demo,
            ScheduleData(
                client_id=client_id,
                name=name,
                cadence=Cadence.MONTHLY,
                start_date=start,
                timing=Timing.ARREARS,
                lines=(metered,),
            ),
        )
    rows = ["Client;Item;Date;Quantity;Person;Rate;Description"]
    day = start
    while day <= today:
        if day.weekday() < 5:
            calls = rng.randint(300, 900) * (2 if day.day > 20 else 1)
            rows.append(f"{api};api-calls;{day.isoformat()};{calls};;;Requests served")
            if rng.random() < 0.6:
                person, rate = rng.choice(CONSULTANTS)
                spent = Decimal(rng.choice([1, 2, 3, 4, 6])) / Decimal(2) + Decimal(1)
                task = rng.choice(["Workshop", "Process review", "Report", "Client call"])
                rows.append(f"{hours};consulting;{day.isoformat()};{spent};{person};{rate};{task}")
        day += timedelta(days=1)
    report = import_usage(demo, ("\n".join(rows) + "\n").encode("utf-8"))

    site = create_schedule(
        demo,
        ScheduleData(
            client_id=project,
            name="Website rebuild",
            cadence=Cadence.MONTHLY,
            start_date=start,
            lines=(ScheduleLineData("Website rebuild", Decimal(1), Decimal(0), vat),),
        ),
    )
    plan = set_plan(
        demo,
        site.id,
        Decimal("12500.00"),
        [
            MilestoneInput("Discovery and design", percent=Decimal(30), due_date=start),
            MilestoneInput("Build", percent=Decimal(50)),
            MilestoneInput("Launch", percent=Decimal(20)),
        ],
    )
    mark_delivered(demo, plan.milestones[1].id, today - timedelta(days=40))
    return {"usage_records": report.imported, "milestones": len(plan.milestones)}
