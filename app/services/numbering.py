"""Gap-free numbers, taken inside the transaction that issues the document.

SQLite write transactions begin IMMEDIATE (one writer at a time) and PostgreSQL
locks the counter row FOR UPDATE, so two issuers never read the same counter;
a transaction that dies rolls its number back with everything else, so no gap.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.numbering import NumberTemplate
from app.db.models import NumberCounter
from app.services import settings as settings_service

SERIES_SETTINGS = {
    "invoice": "numbering.invoice_template",
    "credit_note": "numbering.credit_note_template",
}


_COUNTERS = "counterfoil.counters"


def template_for(session: Session, series: str) -> NumberTemplate:
    return NumberTemplate(
        settings_service.get(session, SERIES_SETTINGS[series]),
        reset_yearly=settings_service.get(session, "numbering.reset_yearly"),
    )


def last_taken(ctx: Any, series: str = "invoice") -> dict[str, int]:
    """The last sequence number taken in each period of ``series`` ("" when it never
    restarts, the year when it restarts yearly): the next number continues from it."""
    with ctx.uow.read() as uow:
        rows = uow.session.execute(
            select(NumberCounter.period_key, NumberCounter.last_value).where(
                NumberCounter.series == series
            )
        )
        return {key: value for key, value in rows}


def take_number(session: Session, series: str, issue_date: date) -> str:
    template = template_for(session, series)
    key = template.period_key(issue_date)
    counters = session.info.setdefault(_COUNTERS, {})
    counter = counters.get((series, key))
    if counter is None:
        counter = session.get(NumberCounter, (series, key), with_for_update=True)
        if counter is None:
            counter = NumberCounter(series=series, period_key=key, last_value=0)
            session.add(counter)
        counters[(series, key)] = counter
    counter.last_value += 1
    return template.format(issue_date, counter.last_value)
