"""Usage, time and milestone billing through the bill run, with figures worked out by hand."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import date
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest

from app.core.recurrence import Cadence, Timing
from app.core.schedules import ScheduleData, ScheduleLineData
from app.core.usage import Pricing, PricingModel, Tier
from app.services import invoicing
from app.services.bill_run import run_bill_run
from app.services.milestones import MilestoneInput, get_plan, mark_delivered, set_plan
from app.services.schedules import create_schedule, preview
from app.services.usage import UsageRejected, import_usage
from tests.services.billing_fixtures import client

TIERS = Pricing(
    PricingModel.TIERED,
    tiers=(Tier(D(1000), D("0.10")), Tier(None, D("0.05"))),
    allowance=D(500),
    unit="calls",
)


def at(ctx: Any, day: date) -> Any:
    ctx.clock.as_of = day
    return ctx


def metered(ctx: Any, pricing: Pricing = TIERS, item: str = "api") -> tuple[Any, Any]:
    c = client(ctx, name="Metered Ltd")
    s = create_schedule(
        ctx,
        ScheduleData(
            client_id=c.id,
            name="API plan",
            cadence=Cadence.MONTHLY,
            start_date=date(2026, 1, 1),
            timing=Timing.ARREARS,
            lines=(
                ScheduleLineData("API calls", D(1), D(0), D(0), pricing=pricing, meter_item=item),
            ),
        ),
    )
    return c, s


def project(ctx: Any) -> Any:
    """A milestone agreement's schedule for a new client (its plan is set by the test)."""
    c = client(ctx, name="Project Client")
    return create_schedule(
        ctx,
        ScheduleData(
            client_id=c.id,
            name="Website project",
            cadence=Cadence.MONTHLY,
            start_date=date(2026, 1, 1),
            lines=(ScheduleLineData("Project", D(1), D(0), D(0)),),
        ),
    )


def usage_csv(rows: list[str]) -> bytes:
    return ("Client;Item;Date;Quantity\n" + "\n".join(rows) + "\n").encode()


def first_invoice(ctx: Any, result: Any) -> Any:
    return invoicing.get_detail(ctx, result.invoice_ids[0])


def test_tiered_usage_with_an_allowance_is_billed_in_arrears_and_reimport_adds_nothing(
    ctx: Any,
) -> None:
    metered(ctx)
    data = usage_csv(
        [
            "Metered Ltd;api;03.01.2026;700",
            "Metered Ltd;api;20.01.2026;1100",
            "Metered Ltd;api;05.02.2026;9",
        ]
    )
    report = import_usage(at(ctx, date(2026, 2, 10)), data)
    assert (report.imported, report.duplicates) == (3, 0)
    again = import_usage(ctx, data)
    assert (again.imported, again.duplicates) == (0, 3)
    result = run_bill_run(ctx)
    inv = first_invoice(ctx, result)
    # January: 700 + 1,100 = 1,800 calls; 500 included → 1,300 billable;
    # first 1,000 × 0.10 = 100.00, next 300 × 0.05 = 15.00 → 115.00 (the Feb 5 record is not January's).
    assert [(ln.quantity, ln.net_minor) for ln in inv.lines] == [(D(1000), 10000), (D(300), 1500)]
    assert "1800 calls used, 500 included" in inv.lines[0].description
    assert inv.row.total_minor == 11500


def test_missing_usage_waits_then_goes_to_review_instead_of_billing_zero(ctx: Any) -> None:
    metered(ctx)
    # Jan ends on the 31st; usage is expected within 5 days. On Feb 3 nothing is billed yet.
    assert run_bill_run(at(ctx, date(2026, 2, 3))).created == 0
    late = run_bill_run(at(ctx, date(2026, 2, 7)))
    assert late.review == 1
    reasons = late.review_reasons[late.invoice_ids[0]]
    assert any(r.startswith("Usage missing: no records for api") for r in reasons)


def test_a_late_record_for_an_invoiced_period_becomes_an_adjustment_on_the_next_invoice(
    ctx: Any,
) -> None:
    metered(ctx, Pricing(unit_price=D("0.10"), unit="calls"))
    import_usage(at(ctx, date(2026, 2, 6)), usage_csv(["Metered Ltd;api;10.01.2026;100"]))
    jan = run_bill_run(ctx)
    invoicing.approve(ctx, jan.invoice_ids)  # first invoice of the client: approved by hand
    # 40 more January calls arrive in February, and 200 February calls.
    report = import_usage(
        at(ctx, date(2026, 3, 6)),
        usage_csv(["Metered Ltd;api;28.01.2026;40", "Metered Ltd;api;14.02.2026;200"]),
    )
    assert report.late == 1
    feb = first_invoice(ctx, run_bill_run(ctx))
    # February: 200 × 0.10 = 20.00; late January usage: (140 − 100) × 0.10 = 4.00 → 24.00.
    assert [ln.net_minor for ln in feb.lines] == [2000, 400]
    assert "late usage" in feb.lines[1].description
    assert (
        invoicing.get_detail(ctx, jan.invoice_ids[0]).row.total_minor == 1000
    )  # January untouched


def test_interim_invoice_over_the_threshold_and_the_period_end_credit(ctx: Any) -> None:
    metered(ctx, Pricing(unit_price=D("0.10"), unit="calls", interim_threshold=D(1000)))
    import_usage(at(ctx, date(2026, 1, 15)), usage_csv(["Metered Ltd;api;10.01.2026;1500"]))
    interim = run_bill_run(ctx)
    # 1,500 calls by Jan 15 is above 1,000: an interim invoice for 1,500 × 0.10 = 150.00.
    assert interim.created == 1
    assert invoicing.get_detail(ctx, interim.invoice_ids[0]).row.total_minor == 15000
    import_usage(at(ctx, date(2026, 2, 6)), usage_csv(["Metered Ltd;api;25.01.2026;700"]))
    final = first_invoice(ctx, run_bill_run(ctx))
    # Period end: 2,200 × 0.10 = 220.00, less 150.00 already billed → 70.00.
    assert [ln.net_minor for ln in final.lines] == [22000, -15000]
    assert final.row.total_minor == 7000


def test_hours_from_two_people_at_two_rates(ctx: Any) -> None:
    c = client(ctx, name="Agency Client")
    create_schedule(
        ctx,
        ScheduleData(
            client_id=c.id,
            name="Retained hours",
            cadence=Cadence.MONTHLY,
            start_date=date(2026, 1, 1),
            timing=Timing.ARREARS,
            lines=(
                ScheduleLineData(
                    "Consulting", D(1), D(0), D(0), pricing=Pricing(unit="h"), meter_item="hours"
                ),
            ),
        ),
    )
    sheet = (
        b"Client,Person,Date,Hours,Rate,Billable,Item\n"
        b"Agency Client,Ann,2026-01-05,7.5,120.00,yes,hours\n"
        b"Agency Client,Bob,2026-01-06,3.25,85.00,yes,hours\n"
        b"Agency Client,Ann,2026-01-12,2.5,120.00,yes,hours\n"
        b"Agency Client,Bob,2026-01-13,1,85.00,no,hours\n"
    )
    import_usage(at(ctx, date(2026, 2, 6)), sheet)
    inv = first_invoice(ctx, run_bill_run(ctx))
    # Ann 10 h × 120.00 = 1,200.00; Bob 3.25 h × 85.00 = 276.25 (the non-billable hour is not billed).
    assert [(ln.description, ln.net_minor) for ln in inv.lines] == [
        ("Consulting: Ann (10 h)", 120000),
        ("Consulting: Bob (3.25 h)", 27625),
    ]


def test_bad_usage_rows_are_refused_with_line_numbers_and_nothing_changes(
    ctx: Any, home: Path
) -> None:
    metered(ctx)
    bad = usage_csv(
        [
            "Metered Ltd;api;03.01.2026;700",
            "Nobody;api;03.01.2026;5",
            "Metered Ltd;api;31.02.2026;5",
            "Metered Ltd;api;04.01.2026;lots",
        ]
    )
    with pytest.raises(UsageRejected) as info:
        import_usage(ctx, bad)
    text = str(info.value)
    assert "line 3: no single client 'Nobody'" in text
    assert "line 4: '31.02.2026' is not a real date" in text
    assert "line 5: quantity or rate" in text
    db = sqlite3.connect(home / "counterfoil.sqlite3")
    assert db.execute("SELECT count(*) FROM usage_records").fetchone()[0] == 0
    assert import_usage(ctx, bad, skip_invalid=True).imported == 1


def test_preview_shows_the_next_invoice_with_the_records_so_far(ctx: Any) -> None:
    _c, s = metered(ctx, Pricing(unit_price=D("0.10"), unit="calls"))
    import_usage(at(ctx, date(2026, 1, 20)), usage_csv(["Metered Ltd;api;10.01.2026;250"]))
    items = preview(ctx, s.data, count=1, schedule_id=s.id)
    # January so far: 250 × 0.10 = 25.00, billed on Feb 1.
    assert (items[0].bill_date, items[0].total.plain()) == (date(2026, 2, 1), "25.00")


def test_milestones_bill_once_and_sum_exactly_to_the_contract(ctx: Any) -> None:
    s = project(ctx)
    plan = set_plan(
        ctx,
        s.id,
        D("999.99"),
        [
            MilestoneInput("Design", percent=D(30), due_date=date(2026, 2, 1)),
            MilestoneInput("Build", percent=D(30)),
            MilestoneInput("Launch", percent=D(40)),
        ],
    )
    # 30 % of 999.99 = 299.997 → 300.00 twice; the last absorbs the cent: 999.99 − 600.00 = 399.99.
    assert [ms.amount_minor for ms in plan.milestones] == [30000, 30000, 39999]
    first = run_bill_run(at(ctx, date(2026, 2, 1)))
    assert first.created == 1  # only Design is due
    invoicing.approve(ctx, first.invoice_ids)
    assert run_bill_run(ctx).created == 0  # exactly once
    mark_delivered(ctx, plan.milestones[1].id, date(2026, 2, 20))
    second = run_bill_run(at(ctx, date(2026, 2, 20)))
    assert second.created == 1
    assert get_plan(ctx, s.id).billed_minor == 60000
    assert run_bill_run(ctx).created == 0  # two milestone invoices, still exactly once
    from app.services.errors import ValidationError

    with pytest.raises(ValidationError, match="more than the contract value"):
        set_plan(
            ctx,
            s.id,
            D("999.99"),
            [
                MilestoneInput("Design", percent=D(30)),
                MilestoneInput("Build", percent=D(30)),
                MilestoneInput("Extra", amount=D("500.00")),
            ],
        )


def test_metered_lines_must_bill_in_arrears(ctx: Any) -> None:
    from app.services.errors import ValidationError

    c = client(ctx)
    data = ScheduleData(
        client_id=c.id,
        name="x",
        cadence=Cadence.MONTHLY,
        start_date=date(2026, 1, 1),
        lines=(ScheduleLineData("API", D(1), D(0), pricing=TIERS, meter_item="api"),),
    )
    with pytest.raises(ValidationError, match="arrears"):
        create_schedule(ctx, data)
    create_schedule(ctx, replace(data, timing=Timing.ARREARS))


def test_deleting_a_usage_draft_gives_its_records_back_to_the_next_run(
    ctx: Any, home: Path
) -> None:
    """The first invoice of a client waits in review as a draft; deleting it must not
    leave its records marked as billed, or January's 100 calls would never be billed."""
    metered(ctx, Pricing(unit_price=D("0.10"), unit="calls"))
    import_usage(at(ctx, date(2026, 2, 6)), usage_csv(["Metered Ltd;api;10.01.2026;100"]))
    draft = run_bill_run(ctx)
    assert draft.review == 1
    invoicing.delete_draft(ctx, draft.invoice_ids[0])
    again = first_invoice(ctx, run_bill_run(ctx))
    # 100 × 0.10 = 10.00, billed again in full.
    assert again.row.total_minor == 1000
    db = sqlite3.connect(home / "counterfoil.sqlite3")
    billed = db.execute(
        "SELECT count(*) FROM usage_billings WHERE invoice_id = ?", (again.row.id,)
    ).fetchone()[0]
    db.close()
    assert billed == 1


def test_deleting_a_milestone_draft_gives_the_milestone_back(ctx: Any) -> None:
    s = project(ctx)
    set_plan(
        ctx,
        s.id,
        D("1000.00"),
        [MilestoneInput("Design", percent=D(100), due_date=date(2026, 2, 1))],
    )
    first = run_bill_run(at(ctx, date(2026, 2, 1)))
    assert first.review == 1  # a new client's first invoice waits in review
    invoicing.delete_draft(ctx, first.invoice_ids[0])
    assert get_plan(ctx, s.id).billed_minor == 0
    again = run_bill_run(ctx)
    assert first_invoice(ctx, again).row.total_minor == 100000


def test_late_usage_after_an_interim_invoice_is_still_billed(ctx: Any) -> None:
    """An interim invoice counts this month's records; a record for last month that
    arrived before it is still late and must be billed with the next period."""
    metered(ctx, Pricing(unit_price=D("0.10"), unit="calls", interim_threshold=D(1000)))
    import_usage(at(ctx, date(2026, 2, 6)), usage_csv(["Metered Ltd;api;10.01.2026;100"]))
    jan = run_bill_run(ctx)
    invoicing.approve(ctx, jan.invoice_ids)
    import_usage(
        at(ctx, date(2026, 2, 15)),
        usage_csv(["Metered Ltd;api;30.01.2026;50", "Metered Ltd;api;12.02.2026;1200"]),
    )
    interim = run_bill_run(ctx)
    # February so far: 1,200 calls > 1,000 → interim 1,200 × 0.10 = 120.00.
    assert invoicing.get_detail(ctx, interim.invoice_ids[0]).row.total_minor == 12000
    feb = first_invoice(ctx, run_bill_run(at(ctx, date(2026, 3, 6))))
    # February: 1,200 × 0.10 = 120.00, less the interim 120.00; late January: 50 × 0.10 = 5.00.
    assert sorted(ln.net_minor for ln in feb.lines) == [-12000, 500, 12000]
    assert feb.row.total_minor == 500
    assert run_bill_run(at(ctx, date(2026, 4, 6))).created == 1  # March, with nothing late


def test_billed_marks_survive_a_downgrade_and_upgrade_of_the_schema(
    ctx: Any, app: Any, home: Path
) -> None:
    """Revision 0006 turned per-record invoice marks into billing ranges; both ways
    keep which records were billed."""
    from alembic import command
    from sqlalchemy import create_engine

    from app.bootstrap import open_app
    from app.db import migrate
    from app.services.usage import UsageQuery, usage_ids, usage_rows

    metered(ctx, Pricing(unit_price=D("0.10"), unit="calls"))
    import_usage(
        at(ctx, date(2026, 2, 6)),
        usage_csv(["Metered Ltd;api;10.01.2026;100", "Metered Ltd;api;03.02.2026;7"]),
    )
    jan = run_bill_run(ctx)
    app.close()
    url = f"sqlite:///{home / 'counterfoil.sqlite3'}"
    engine = create_engine(url)
    cfg = migrate.alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0005")
    engine.dispose()
    db = sqlite3.connect(home / "counterfoil.sqlite3")
    marks = db.execute("SELECT occurred_on, invoice_id FROM usage_records ORDER BY 1").fetchall()
    db.close()
    # January's record was billed by the January invoice; February's is not billed yet.
    assert marks == [("2026-01-10", jan.invoice_ids[0]), ("2026-02-03", None)]
    migrate.upgrade(url)
    reopened = open_app(home, as_of=date(2026, 2, 6))
    try:
        rows = usage_rows(reopened.ctx, usage_ids(reopened.ctx, UsageQuery()))
        assert [(r.occurred_on, r.billed) for r in rows] == [
            (date(2026, 2, 3), False),
            (date(2026, 1, 10), True),
        ]
    finally:
        reopened.close()
