"""Shared verbs (``import``, ``list``, ``export``) whose nouns come from several modules.

Each command module adds its nouns here; ``register`` builds one sub-parser per
verb with every noun known, so ``counterfoil list --help`` shows them all.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass, field

Handler = Callable[[argparse.Namespace, object], int]
Configure = Callable[[argparse.ArgumentParser], None]


@dataclass
class Noun:
    handler: Handler
    help: str
    configure: Configure | None = None


@dataclass
class Verb:
    help: str
    nouns: dict[str, Noun] = field(default_factory=dict)


VERBS: dict[str, Verb] = {
    "import": Verb("import a file (clients, schedules, invoices, usage, bank)"),
    "list": Verb("list records with filters"),
    "export": Verb("export records for accountants and other software"),
}


def noun(
    verb: str, name: str, help: str, configure: Configure | None = None
) -> Callable[[Handler], Handler]:
    def deco(fn: Handler) -> Handler:
        VERBS[verb].nouns[name] = Noun(fn, help, configure)
        return fn

    return deco


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    for verb_name, verb in VERBS.items():
        p = sub.add_parser(verb_name, help=verb.help)
        nouns = p.add_subparsers(dest="noun", metavar="WHAT", required=True)
        for noun_name, n in sorted(verb.nouns.items()):
            np = nouns.add_parser(noun_name, help=n.help)
            if n.configure:
                n.configure(np)
            np.set_defaults(handler=n.handler)
