"""Searching the invoice list: every word must match the client or the number."""

from __future__ import annotations

from datetime import date
from typing import Any

from app.services import invoicing
from app.services.bill_run import run_bill_run
from tests.services.billing_fixtures import client, schedule


def _numbers(ctx: Any, **query: Any) -> list[str]:
    ids = invoicing.invoice_ids(ctx, invoicing.InvoiceQuery(**query))
    return [r.number for r in invoicing.invoice_rows(ctx, ids)]


def test_words_match_client_or_number_and_the_sort_holds(ctx: Any) -> None:
    thames = client(ctx, name="Thames Water Ltd")
    tyne = client(ctx, name="Tyne Bridge Ltd")
    schedule(ctx, thames.id)
    schedule(ctx, tyne.id)
    ctx.clock.as_of = date(2026, 3, 15)
    result = run_bill_run(ctx)
    invoicing.approve(ctx, result.invoice_ids)  # first invoices wait in review
    everything = _numbers(ctx)
    assert len(everything) == 6  # January to March for both clients
    thames_only = _numbers(ctx, search="thames")
    assert len(thames_only) == 3
    # newest first: March, February, January
    rows = invoicing.invoice_rows(
        ctx, invoicing.invoice_ids(ctx, invoicing.InvoiceQuery(search="thames"))
    )
    assert [r.issue_date.month for r in rows] == [3, 2, 1]
    # two words: a client word and a piece of one number leave exactly that invoice
    one = thames_only[0]
    assert _numbers(ctx, search=f"ltd {one[-3:]}") == [one]
    assert _numbers(ctx, search="thames tyne") == []
    by_client = _numbers(ctx, search="ltd", sort="client", descending=False)
    assert by_client[:3] == _numbers(ctx, search="thames", sort="client", descending=False)
