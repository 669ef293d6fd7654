"""What a bank line remembers between reconciliations: the matcher's readings and a person's say.

The readings (ranked candidates and the best allocation) are rewritten by every
run.  A person's decisions outlive them: the invoices rejected for the line
(never suggested for it again), whether a match of the line was undone (then
it is never applied automatically again: a person has looked at it), and what
an accepted match changed besides the payment — the payer alias it taught and
the bank-charge write-offs it made — so that undoing the match takes exactly
those back and nothing else.

Everything is kept in the line's ``suggestions_json``: a list of candidate
entries (``invoice_ids``), at most one plan entry (``allocations``) and at most
one entry of decisions (under the ``rejected`` key).  Lines stored before any
decision was taken read exactly as they always did.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from app.core.matching import MatchResult


@dataclass
class LineMemory:
    candidates: list[dict[str, Any]] = field(default_factory=list)
    plan: dict[str, Any] | None = None
    rejected: set[int] = field(default_factory=set)
    held: bool = False
    learnt_alias: int | None = None
    writeoffs: list[int] = field(default_factory=list)

    @classmethod
    def read(cls, text: str) -> LineMemory:
        memory = cls()
        for entry in json.loads(text or "[]"):
            if "invoice_ids" in entry:
                memory.candidates.append(entry)
            elif "allocations" in entry:
                memory.plan = entry
            elif "rejected" in entry:
                memory.rejected = {int(i) for i in entry["rejected"]}
                memory.held = bool(entry.get("held"))
                alias = entry.get("learnt_alias")
                memory.learnt_alias = int(alias) if alias is not None else None
                memory.writeoffs = [int(i) for i in entry.get("writeoffs", [])]
        return memory

    def dump(self) -> str:
        """The JSON to store; empty when there is nothing to remember."""
        entries: list[dict[str, Any]] = list(self.candidates)
        if self.plan is not None:
            entries.append(self.plan)
        if self.rejected or self.held or self.learnt_alias is not None or self.writeoffs:
            decisions: dict[str, Any] = {"rejected": sorted(self.rejected)}
            if self.held:
                decisions["held"] = True
            if self.learnt_alias is not None:
                decisions["learnt_alias"] = self.learnt_alias
            if self.writeoffs:
                decisions["writeoffs"] = list(self.writeoffs)
            entries.append(decisions)
        return json.dumps(entries) if entries else ""

    @property
    def has_readings(self) -> bool:
        return bool(self.candidates) or self.plan is not None

    @property
    def looked_at(self) -> bool:
        """A person rejected a suggestion for the line or undid its match."""
        return self.held or bool(self.rejected)

    def first_invoice_ids(self) -> list[int]:
        return [int(i) for i in self.candidates[0]["invoice_ids"]] if self.candidates else []

    def plan_allocations(self) -> list[tuple[int, Decimal]]:
        if self.plan is None:
            return []
        return [(int(i), Decimal(a)) for i, a in self.plan["allocations"]]

    def suggested_invoice_ids(self) -> set[int]:
        """Every invoice the stored readings put forward for this line."""
        found = {int(i) for c in self.candidates for i in c["invoice_ids"]}
        return found | {i for i, _a in self.plan_allocations()}

    def forget_readings(self, invoice_ids: set[int] | None = None) -> None:
        """Drop the readings (all, or those touching ``invoice_ids``)."""
        if invoice_ids is None:
            self.candidates, self.plan = [], None
            return
        self.candidates = [
            c for c in self.candidates if not invoice_ids & {int(i) for i in c["invoice_ids"]}
        ]
        if invoice_ids & {i for i, _a in self.plan_allocations()}:
            self.plan = None

    def set_readings(self, result: MatchResult) -> None:
        self.candidates = [
            {
                "invoice_ids": list(c.invoice_ids),
                "score": round(float(c.score), 4),
                "reasons": list(c.reasons),
            }
            for c in result.candidates
        ]
        self.plan = (
            {
                "allocations": [[a.invoice_id, str(a.amount)] for a in result.allocations],
                "client_id": result.client_id,
                "credit": str(result.credit_remainder),
                "fee": str(result.fee_writeoff),
            }
            if result.allocations
            else None
        )
