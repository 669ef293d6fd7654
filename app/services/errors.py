"""Errors services raise; the CLI maps them to exit codes, the GUI to messages."""

from __future__ import annotations

from app.core.clients import FieldError


class ServiceError(Exception):
    """Base class: the message is meant for the user."""

    exit_code = 1


class ValidationError(ServiceError):
    """Input that breaks a rule; nothing was changed."""

    exit_code = 2

    def __init__(self, errors: list[FieldError] | str) -> None:
        if isinstance(errors, str):
            errors = [FieldError("", errors)]
        self.errors = errors
        super().__init__(" ".join(e.message for e in errors))


class NotFoundError(ServiceError):
    exit_code = 2


class InvariantError(ServiceError):
    """Refused because it would break an invariant (e.g. editing an issued invoice)."""

    exit_code = 3


class BusyError(ServiceError):
    """Another run of the same job holds the lock."""

    exit_code = 1
