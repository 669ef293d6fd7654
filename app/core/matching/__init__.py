"""Payment matching: which open invoices a bank line pays, and why.

Pure and explainable: the same statement, invoices and clients always give
the same verdicts, each with its reasons in plain words.  See docs/matching.md.
"""

from app.core.matching.invoice_numbers import InvoiceNumberIndex, NumberHit, Strength
from app.core.matching.learning import learn_alias
from app.core.matching.model import (
    Action,
    Allocation,
    BankLine,
    Candidate,
    ClientProfile,
    MatchResult,
    MatchSettings,
    OpenInvoice,
)
from app.core.matching.names import (
    NameSimilarity,
    name_variants,
    normalise_name,
    token_set_similarity,
)
from app.core.matching.statement import StatementMatcher, match_statement

__all__ = [
    "Action",
    "Allocation",
    "BankLine",
    "Candidate",
    "ClientProfile",
    "InvoiceNumberIndex",
    "MatchResult",
    "MatchSettings",
    "NameSimilarity",
    "NumberHit",
    "OpenInvoice",
    "StatementMatcher",
    "Strength",
    "learn_alias",
    "match_statement",
    "name_variants",
    "normalise_name",
    "token_set_similarity",
]
