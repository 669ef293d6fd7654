"""The rewording guardrail: slots kept, no fact added, same language, facts checked at the end."""

from __future__ import annotations

import pytest

from app.core.guardrail import check_reply, fill, language_of, slot, unfounded

TEMPLATE = (
    "Dear ⟦CLIENT_NAME⟧,\n\nour records show that invoice ⟦INVOICE_NO⟧ for ⟦AMOUNT_DUE⟧ was due "
    "on ⟦DUE_DATE⟧ and is still open. Please arrange payment at your earliest convenience.\n\n"
    "Kind regards"
)
SLOTS = {"CLIENT_NAME", "INVOICE_NO", "AMOUNT_DUE", "DUE_DATE"}
FAITHFUL = (
    "Hello ⟦CLIENT_NAME⟧,\n\nwe noticed that invoice ⟦INVOICE_NO⟧ over ⟦AMOUNT_DUE⟧, due on "
    "⟦DUE_DATE⟧, has not been paid yet. We would be grateful if you could settle it soon.\n\n"
    "Thank you and kind regards"
)


def problems(reply: str, template: str = TEMPLATE, language: str = "en") -> tuple[str, ...]:
    return check_reply(template, reply, SLOTS, language).problems


def test_a_faithful_rewrite_passes() -> None:
    assert check_reply(TEMPLATE, FAITHFUL, SLOTS, "en_IE").ok


@pytest.mark.parametrize(
    ("added", "problem"),
    [
        ("Please pay €500 now.", "it adds a currency"),
        ("Please pay by 12 March.", "it adds a digit ('1')"),
        ("Please pay by the end of March.", "it adds a month or weekday (March)"),
        ("Please pay before Friday.", "it adds a month or weekday (Friday)"),
        ("A late fee of five percent applies.", "it adds a percentage"),
        ("Pay at https://pay.example/now please.", "it adds a web address"),
        ("Write to accounts@acme.example with questions.", "it adds an e-mail address"),
        ("Use account IE29 AIBK 9311 5212 3456 78.", "it adds an IBAN"),
        ("That is fifty EUR in total.", "it adds a currency"),
    ],
)
def test_a_reply_that_adds_a_fact_is_refused(added: str, problem: str) -> None:
    found = problems(FAITHFUL + "\n" + added)
    assert problem in found


def test_slots_missing_duplicated_unknown_or_damaged() -> None:
    dropped = FAITHFUL.replace("⟦DUE_DATE⟧", "the due date")
    assert "slot ⟦DUE_DATE⟧ is missing" in problems(dropped)
    doubled = FAITHFUL + " Again: ⟦AMOUNT_DUE⟧."
    assert "slot ⟦AMOUNT_DUE⟧ appears 2 times" in problems(doubled)
    unknown = FAITHFUL + " ⟦IBAN⟧"
    assert "slot ⟦IBAN⟧ is unknown" in problems(unknown)
    damaged = FAITHFUL.replace("⟦DUE_DATE⟧", "⟦DUE_DATE")
    assert "a slot bracket is damaged" in problems(damaged)


def test_ordinary_words_that_look_like_dates_are_allowed() -> None:
    reply = FAITHFUL + "\n\nMay we ask you to check it? You may also reply to this e-mail."
    assert check_reply(TEMPLATE, reply, SLOTS, "en").ok


def test_a_change_of_language_is_refused() -> None:
    german = (
        "Sehr geehrte ⟦CLIENT_NAME⟧, die Rechnung ⟦INVOICE_NO⟧ über ⟦AMOUNT_DUE⟧ war am "
        "⟦DUE_DATE⟧ fällig und ist noch nicht bezahlt. Bitte überweisen Sie den Betrag. "
        "Mit freundlichen Grüßen"
    )
    assert language_of(german) == "de"
    assert "it is written in another language (de, not en)" in problems(german)
    assert check_reply(german, german, SLOTS, "de_DE").ok


def test_garbage_and_empty_replies_are_refused() -> None:
    assert problems("") == ("the reply is empty",)
    garbage = problems('{"error": "model overloaded"} ###')
    assert "slot ⟦CLIENT_NAME⟧ is missing" in garbage


def test_fill_and_the_final_fact_check() -> None:
    facts = {
        "CLIENT_NAME": "Acme Ltd",
        "INVOICE_NO": "INV-2026-00012",
        "AMOUNT_DUE": "€1,230.00",
        "DUE_DATE": "15 Nov 2026",
    }
    text = fill(FAITHFUL, facts)
    assert "invoice INV-2026-00012 over €1,230.00, due on 15 Nov 2026" in text
    assert unfounded(text, facts) == []
    assert unfounded(text + " Pay 50 more by Monday, in USD.", facts) == ["50", "Monday", "USD"]
    with pytest.raises(KeyError, match="no fact for slot ⟦INVOICE_NO⟧"):
        fill(FAITHFUL, {"CLIENT_NAME": "Acme Ltd"})
    assert slot("amount_due") == "⟦AMOUNT_DUE⟧"
