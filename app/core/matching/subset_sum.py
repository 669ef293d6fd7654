"""Which combinations of a client's open invoices add up exactly to a payment.

A client who pays two or three invoices in one transfer without naming them
can still be matched, but only when exactly one combination fits: two
different combinations with the same total leave a person to decide.
Invoices with equal balances are interchangeable for the sum, so the search
runs over distinct balances with counts (one combination per multiset of
amounts) and takes the oldest invoices of each balance, the same oldest-first
rule that settles a single payment among equal invoices.  The search is
bounded: it stops after a fixed number of steps and then says it is not
complete, which rules out an automatic application.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

_MAX_STEPS = 20_000
_MAX_FOUND = 3


@dataclass(frozen=True, slots=True)
class SubsetSearch:
    """The combinations found (at most three) and whether the search saw everything."""

    combinations: tuple[tuple[int, ...], ...]
    complete: bool


def find_combinations(target: Decimal, items: list[tuple[int, Decimal]]) -> SubsetSearch:
    """Combinations of two or more items whose amounts add up to ``target``.

    ``items`` are (id, amount) pairs, oldest first; each combination lists ids
    in that order.
    """
    if len(items) < 2 or target <= 0:
        return SubsetSearch((), True)
    places = max(0, *(-a.as_tuple().exponent for _, a in items), -target.as_tuple().exponent)
    scale = Decimal(10) ** places
    goal = int(target * scale)
    groups: dict[int, list[int]] = {}
    for item_id, amount in items:
        minor = int(amount * scale)
        if 0 < minor <= goal:
            groups.setdefault(minor, []).append(item_id)
    values = sorted(groups, reverse=True)
    suffix = [0] * (len(values) + 1)
    for i in range(len(values) - 1, -1, -1):
        suffix[i] = suffix[i + 1] + values[i] * len(groups[values[i]])
    found: list[dict[int, int]] = []
    steps = 0
    complete = True
    chosen: dict[int, int] = {}

    def walk(at: int, left: int) -> None:
        nonlocal steps, complete
        if len(found) >= _MAX_FOUND or not complete:
            return
        steps += 1
        if steps > _MAX_STEPS:
            complete = False
            return
        if left == 0:
            if sum(chosen.values()) >= 2:
                found.append(dict(chosen))
            return
        if at == len(values) or suffix[at] < left:
            return
        value = values[at]
        most = min(len(groups[value]), left // value)
        for count in range(most, -1, -1):
            if count:
                chosen[value] = count
            walk(at + 1, left - count * value)
            chosen.pop(value, None)

    walk(0, goal)
    order = {item_id: i for i, (item_id, _) in enumerate(items)}
    combinations = tuple(
        tuple(sorted((i for v, n in combo.items() for i in groups[v][:n]), key=order.__getitem__))
        for combo in found
    )
    return SubsetSearch(combinations, complete and len(found) < _MAX_FOUND)
