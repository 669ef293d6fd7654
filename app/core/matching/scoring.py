"""How much each piece of evidence weighs, and when a reading is certain.

Evidence adds up in *points*, roughly "how many times more likely this
reading is than chance" on a log scale, so independent clues add.  Points rank
the readings of a line and turn into the 0..1 score shown to users; they never
decide an automatic application on their own.  That decision is a written
rule (``reference_is_certain`` and the client rules in ``readings``) plus one
safety: the best reading must lead every different reading by ``MARGIN``.

The weights are set by reasoning about what each clue proves, not fitted to a
sample: a structured reference with check digits beats a typed number; a typed
number with its prefix beats the same digits without it (those could be any
number) and a lookalike letter; a typo (one wrong digit of many that exist)
is weaker; a bare number is weakest.  An account on file for the client is
worth more than an equal name (names are shared, accounts are not).  An exact
amount is worth about as much as a name: a reference outweighs an amount
coincidence by ``MARGIN`` exactly, which is what lets a referenced partial
payment win over another invoice that happens to have the amount.
"""

from __future__ import annotations

from app.core.matching.invoice_numbers import Strength

STRUCTURED = "structured"

REFERENCE_POINTS: dict[str, float] = {
    STRUCTURED: 8.0,
    Strength.EXACT: 7.0,
    Strength.LOOKALIKE: 6.0,
    Strength.NO_PREFIX: 5.0,
    Strength.TYPO: 4.0,
    Strength.PARTIAL: 3.0,
    Strength.TYPO_NO_PREFIX: 2.0,
    Strength.BARE: 2.0,
}

IBAN_POINTS = 5.0
NAME_POINTS = 4.0
NAME_WITH_IBAN_POINTS = 2.0
FUZZY_NAME_POINTS = 4.0  # times the similarity, from FUZZY_FLOOR up
OTHER_CLIENT_PENALTY = -6.0
AMOUNT_EXACT_POINTS = 4.0
AMOUNT_FEE_POINTS = 3.0
SUBSET_POINTS = 3.0
UNREFERENCED_SHORTFALL_POINTS = 1.0
UNREFERENCED_PARTIAL_POINTS = -1.0
ISSUED_LATER_PENALTY = -2.0
LEFT_OUT_PENALTY = -3.0  # per invoice the line names that a reading leaves out

# A number written at least this well "names" an invoice: a reading that leaves
# it out is doubtful, and another line may not take that invoice by guesswork.
NAMING_POINTS = 5.0

MARGIN = 3.0

# The most a reading without references can score (account and name on file,
# amount exact).  A certain reference reading that leads it by MARGIN cannot
# have a rival among such readings, so they need not even be built.
UNREFERENCED_CEILING = IBAN_POINTS + NAME_WITH_IBAN_POINTS + AMOUNT_EXACT_POINTS

# Reference strengths by what they are enough for on their own.
_ANY_AMOUNT = {STRUCTURED, Strength.EXACT}
_WITH_AMOUNT_OR_PAYER = {Strength.LOOKALIKE, Strength.NO_PREFIX}
_WITH_AMOUNT_AND_PAYER = {Strength.TYPO, Strength.PARTIAL}


def names_invoice(strength: str) -> bool:
    return REFERENCE_POINTS[strength] >= NAMING_POINTS


def unit_score(points: float) -> float:
    """Points as a 0..1 score: every 4 points halve the remaining doubt."""
    return round(1.0 - 0.5 ** (max(points, 0.0) / 4.0), 3)


def reference_is_certain(
    strength: str, amount_fits: bool, payer_confirms: bool, split_known: bool
) -> tuple[bool, str]:
    """Whether a reference reading may be applied without a person, and if not, why.

    ``amount_fits``: the amount equals the balance(s) or falls short within the
    fee tolerance.  ``payer_confirms``: the payer's account or name is the
    invoice's client.  ``split_known``: the allocation follows from the
    amounts (false for a partial payment of several invoices).
    """
    if not split_known:
        return False, "the amount does not say how to split it between the invoices"
    if strength in _ANY_AMOUNT:
        return True, ""
    if strength in _WITH_AMOUNT_OR_PAYER:
        if amount_fits or payer_confirms:
            return True, ""
        return False, "the number is not written in full and neither amount nor payer confirm it"
    if strength in _WITH_AMOUNT_AND_PAYER:
        if amount_fits and payer_confirms:
            return True, ""
        return False, "the number is only nearly right and not confirmed by both amount and payer"
    if amount_fits and payer_confirms:
        return True, ""
    return False, "a bare number is too weak without the amount and the payer agreeing"
