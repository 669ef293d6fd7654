"""Building small books for billing tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from typing import Any

from app.core.clients import ClientData
from app.core.recurrence import Cadence, Timing
from app.core.schedules import ScheduleData, ScheduleLineData
from app.services.clients import create_client
from app.services.schedules import create_schedule


def client(
    ctx: Any, name: str = "Acme Ltd", currency: str = "EUR", email: str = "ap@acme.example"
) -> Any:
    return create_client(
        ctx,
        ClientData(
            name=name,
            email=email,
            currency=currency,
            address_line1="1 Main St",
            city="Dublin",
            country="IE",
        ),
    )


def schedule(
    ctx: Any,
    client_id: int,
    price: str = "100.00",
    *,
    start: date = date(2026, 1, 1),
    cadence: Cadence = Cadence.MONTHLY,
    tax: str = "23",
    qty: str = "1",
    name: str = "Retainer",
    timing: Timing = Timing.ADVANCE,
    **kw: Any,
) -> Any:
    return create_schedule(
        ctx,
        ScheduleData(
            client_id=client_id,
            name=name,
            cadence=cadence,
            start_date=start,
            timing=timing,
            lines=(ScheduleLineData(name, D(qty), D(price), D(tax)),),
            **kw,
        ),
    )
