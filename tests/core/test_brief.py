"""The operational brief: sentences from figures, and no number that is not one of them."""

from __future__ import annotations

from datetime import date

from app.core.brief import BriefFigures, CurrencyFigures, write_brief
from app.core.guardrail import check_reply, slots_in, unfounded

FIGURES = BriefFigures(
    period="week",
    start=date(2026, 11, 19),
    end=date(2026, 11, 25),
    currencies=(
        CurrencyFigures("EUR", 1230000, 12, 984050, 9, 453000, 4, 390000),
        CurrencyFigures("GBP", 0, 0, 48000, 1, 0, 0, 0),
    ),
    high_risk=("Beacon Dental LLP", "Harbor Media Ltd"),
    anomalies=1,
    disputes=2,
    open_items=7,
    open_by_type=(("Short payment", 4), ("Unmatched bank line", 2), ("Unusual amount", 1)),
    closed_items=40,
    auto_resolved=10,
)


def test_the_brief_states_the_figures() -> None:
    text = write_brief(FIGURES).text
    assert text.splitlines() == [
        "Brief for the week 2026-11-19 – 2026-11-25.",
        # overdue rose from 3900.00 to 4530.00, so "up from"
        "In EUR: invoiced 12300.00 EUR on 12 invoices; collected 9840.50 EUR from 9 payments; "
        "overdue 4530.00 EUR on 4 invoices, up from 3900.00 EUR on 2026-11-19.",
        "In GBP: invoiced 0.00 GBP on 0 invoices; collected 480.00 GBP from 1 payment; "
        "overdue 0.00 GBP on 0 invoices, unchanged since 2026-11-19.",
        "Clients at risk: 2 rated high (Beacon Dental LLP, Harbor Media Ltd).",
        "1 unusual amount or quantity waits for a look.",
        "2 invoices are disputed.",
        "Needs action: 7 open items in the exceptions queue "
        "(Short payment 4, Unmatched bank line 2, Unusual amount 1).",
        # 10 of 40 closed items = 25%
        "25% of the closed items were resolved by rule (10 of 40).",
    ]


def test_every_number_in_the_brief_is_a_fact_and_the_template_has_none() -> None:
    brief = write_brief(FIGURES)
    assert unfounded(brief.text, brief.facts) == []
    assert not any(ch.isdigit() for ch in brief.template)
    assert set(slots_in(brief.template)) <= set(brief.facts)
    # the template itself passes the rewording guardrail (it is what an endpoint would see)
    assert check_reply(brief.template, brief.template, brief.facts, "en").ok


def test_a_quiet_week() -> None:
    quiet = BriefFigures("month", date(2026, 10, 26), date(2026, 11, 25))
    assert write_brief(quiet).text.splitlines() == [
        "Brief for the month 2026-10-26 – 2026-11-25.",
        "Nothing was invoiced or collected, and nothing is overdue.",
        "No client is rated high risk.",
        "Nothing waits in the exceptions queue.",
    ]
