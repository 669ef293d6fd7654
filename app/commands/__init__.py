"""Command modules; each registers its sub-commands on the parser."""

from __future__ import annotations

from app.commands import (
    billing,
    clients,
    exceptions,
    mail,
    maintenance,
    payments,
    registry,
    reports,
    usage,
)

# Modules that only add nouns to shared verbs must be imported before
# ``registry`` builds the parsers, so ``registry`` comes last.
COMMAND_MODULES = [
    clients,
    billing,
    payments,
    usage,
    mail,
    reports,
    exceptions,
    maintenance,
    registry,
]
