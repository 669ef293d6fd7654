"""Learning from a confirmed match, so that next month's payment matches by itself.

When a person confirms that a line from an unknown account or an unfamiliar
name (a holding company, a parent paying for a child's club) pays a client's
invoice, the name becomes an alias and the account one of the client's
accounts.  Both make the payer *known* next time, which is what an automatic
application needs when a line carries no reference.
"""

from __future__ import annotations

from dataclasses import replace

from app.core.matching.model import ClientProfile
from app.core.matching.names import name_variants
from app.core.matching.payers import normalise_iban


def learn_alias(client: ClientProfile, counterparty_name: str, iban: str) -> ClientProfile:
    """The client with the payer's name and account added, unless already known.

    Names are compared in normalised form, so "MUELLER GMBH" is not added to a
    client called "Müller GmbH"; an empty name or account adds nothing.
    """
    name = " ".join((counterparty_name or "").split())
    known_names = {v for raw in (client.name, *client.aliases) for v in name_variants(raw)}
    aliases = client.aliases
    if name and not known_names.intersection(v for v in name_variants(name) if v):
        aliases = (*aliases, name)
    account = normalise_iban(iban)
    ibans = client.ibans
    if account and account not in {normalise_iban(i) for i in ibans}:
        ibans = (*ibans, account)
    if aliases == client.aliases and ibans == client.ibans:
        return client
    return replace(client, aliases=aliases, ibans=ibans)
