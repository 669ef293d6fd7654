"""Who paid: the client a bank line comes from, by account number or by name.

A known IBAN is the firmest sign of the payer; a name equal to a client's
name or to an alias learnt from earlier confirmations comes next.  Either
makes the payer *known*.  A merely similar name only ranks suggestions: a
holding company or a namesake must never be taken for the client on looks
alone.  Similar names are found through a word index (blocking), so the
scorer runs on a handful of clients, not on all of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from app.core.matching.model import ClientProfile
from app.core.matching.names import NameSimilarity, as_unit_score, name_variants

_COMMON_WORD_LIMIT = 200
_FUZZY_POOL = 12
FUZZY_FLOOR = 0.6


def normalise_iban(iban: str) -> str:
    return "".join((iban or "").split()).upper()


@dataclass(frozen=True, slots=True)
class Payer:
    """What the bank line says about who paid.

    ``by_iban`` and ``by_name`` are clients the payer is *known* to be (account
    on file; name or alias equal), ``identified`` all of them together.
    ``known`` is the single client when these agree on one, else None.
    """

    by_iban: tuple[int, ...] = ()
    by_name: tuple[int, ...] = ()
    by_alias: tuple[int, ...] = ()
    known: int | None = None
    names: tuple[str, ...] = field(default=())
    identified: frozenset[int] = field(default=frozenset())

    def __post_init__(self) -> None:
        object.__setattr__(self, "identified", frozenset(self.by_iban) | frozenset(self.by_name))


class ClientDirectory:
    """Clients by IBAN, by normalised name and by name word."""

    def __init__(self, clients: Iterable[ClientProfile], similarity: NameSimilarity) -> None:
        self._similarity = similarity
        self.clients: dict[int, ClientProfile] = {}
        self._by_iban: dict[str, list[int]] = {}
        self._by_name: dict[str, list[int]] = {}
        self._by_full_name: dict[str, list[int]] = {}
        self._alias_names: dict[str, list[int]] = {}
        self._by_word: dict[str, list[int]] = {}
        self._names: dict[int, tuple[str, ...]] = {}
        self._identified: dict[tuple[str, str], Payer] = {}
        for client in clients:
            self.add(client)

    def add(self, client: ClientProfile) -> None:
        self._identified.clear()
        self.clients[client.id] = client
        for iban in client.ibans:
            _append(self._by_iban, normalise_iban(iban), client.id)
        variants: list[str] = []
        for raw in (client.name, *client.aliases):
            for full in name_variants(raw, keep_legal_form=True):
                _append(self._by_full_name, full, client.id)
        for i, raw in enumerate((client.name, *client.aliases)):
            for variant in name_variants(raw):
                if not variant or variant in variants:
                    continue
                variants.append(variant)
                _append(self._by_name, variant, client.id)
                if i:
                    _append(self._alias_names, variant, client.id)
                for word in set(variant.split()):
                    _append(self._by_word, word, client.id)
        self._names[client.id] = tuple(variants)

    def identify(self, counterparty: str, iban: str) -> Payer:
        """The clients the line's account and name point at, and the known payer if one."""
        cached = self._identified.get((counterparty, iban))
        if cached is None:
            cached = self._identified[(counterparty, iban)] = self._identify(counterparty, iban)
        return cached

    def _identify(self, counterparty: str, iban: str) -> Payer:
        by_iban = tuple(self._by_iban.get(normalise_iban(iban), ())) if iban else ()
        names = name_variants(counterparty) if counterparty else ()
        by_name: list[int] = []
        by_alias: list[int] = []
        for variant in names:
            by_name.extend(c for c in self._by_name.get(variant, ()) if c not in by_name)
            by_alias.extend(c for c in self._alias_names.get(variant, ()) if c not in by_alias)
        if len(by_name) > 1:
            by_name = self._by_legal_form(counterparty, names, by_name)
            by_alias = [c for c in by_alias if c in by_name]
        known: int | None = None
        if len(by_iban) == 1 and (not by_name or by_iban[0] in by_name):
            known = by_iban[0]
        elif len(by_iban) > 1:
            both = [c for c in by_iban if c in by_name]
            known = both[0] if len(both) == 1 else None
        elif not by_iban and len(by_name) == 1:
            known = by_name[0]
        return Payer(by_iban, tuple(by_name), tuple(by_alias), known, tuple(v for v in names if v))

    def _by_legal_form(
        self, counterparty: str, names: tuple[str, ...], clients: list[int]
    ) -> list[int]:
        """Among clients whose names differ only in legal form, the one the payer wrote.

        "MERIDIAN PRINT APS" picks "Meridian Print ApS" over "Meridian Print";
        "MERIDIAN PRINT" picks neither, since a bank may have cut the legal form.
        """
        full = name_variants(counterparty, keep_legal_form=True)
        if set(full) == set(names):
            return clients
        chosen = [
            c for variant in full for c in self._by_full_name.get(variant, ()) if c in clients
        ]
        chosen = list(dict.fromkeys(chosen))
        return chosen if len(chosen) == 1 else clients

    def similarity(self, payer: Payer, client_id: int) -> float:
        """How close the payer's name is to the client's name or aliases (0..1)."""
        best = 0.0
        for theirs in self._names.get(client_id, ()):
            for ours in payer.names:
                best = max(best, as_unit_score(self._similarity(ours, theirs)))
                if best >= 1.0:
                    return 1.0
        return best

    def similar_clients(self, payer: Payer, limit: int = 3) -> list[tuple[int, float]]:
        """Clients whose names resemble the payer's, best first, at least ``FUZZY_FLOOR``.

        Only clients sharing a not-too-common word with the payer's name are
        scored: the word index keeps this cheap on large client lists.
        """
        votes: dict[int, int] = {}
        for name in payer.names:
            for word in set(name.split()):
                posting = self._by_word.get(word, ())
                if len(word) < 3 or len(posting) > _COMMON_WORD_LIMIT:
                    continue
                for client_id in posting:
                    votes[client_id] = votes.get(client_id, 0) + 1
        pool = sorted(votes, key=lambda c: (-votes[c], c))[:_FUZZY_POOL]
        scored = [(c, self.similarity(payer, c)) for c in pool]
        scored = [(c, s) for c, s in scored if s >= FUZZY_FLOOR]
        scored.sort(key=lambda item: (-item[1], item[0]))
        return scored[:limit]


def _append(index: dict[str, list[int]], key: str, client_id: int) -> None:
    if not key:
        return
    bucket = index.setdefault(key, [])
    if client_id not in bucket:
        bucket.append(client_id)
