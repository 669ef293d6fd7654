"""Secrets (SMTP password, API keys) live in the OS keyring, never in the database.

When the machine has no usable keyring (a headless Linux box without a Secret
Service), saying so clearly is better than silently writing a password into a
plain file.
"""

from __future__ import annotations

SERVICE = "Counterfoil"
KNOWN_SECRETS = ("smtp.password", "assistant.api_key")

NO_BACKEND_HELP = (
    "No system keyring is available, so the secret cannot be stored safely. "
    "On Linux, install and unlock a Secret Service provider (GNOME Keyring or KWallet: "
    "for example 'sudo apt install gnome-keyring' and log in to a desktop session); "
    "on Windows and macOS the system keyring is used automatically."
)


class SecretStoreError(RuntimeError):
    """The keyring is missing or refused the operation; the message says how to fix it."""


def _backend():  # type: ignore[no-untyped-def]
    import keyring
    from keyring.backends import fail

    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 1) <= 0:
        raise SecretStoreError(NO_BACKEND_HELP)
    return backend


def keyring_available() -> bool:
    try:
        _backend()
    except SecretStoreError:
        return False
    return True


def _check_key(key: str) -> None:
    if key not in KNOWN_SECRETS:
        raise SecretStoreError(f"unknown secret {key!r}; known: {', '.join(KNOWN_SECRETS)}")


def set_secret(key: str, value: str) -> None:
    _check_key(key)
    from keyring.errors import KeyringError

    try:
        _backend().set_password(SERVICE, key, value)
    except KeyringError as exc:
        raise SecretStoreError(f"the keyring refused to store {key}: {exc}") from exc


def get_secret(key: str) -> str | None:
    _check_key(key)
    from keyring.errors import KeyringError

    try:
        return _backend().get_password(SERVICE, key)
    except KeyringError as exc:
        raise SecretStoreError(f"the keyring refused to read {key}: {exc}") from exc


def delete_secret(key: str) -> None:
    _check_key(key)
    from keyring.errors import KeyringError, PasswordDeleteError

    try:
        _backend().delete_password(SERVICE, key)
    except PasswordDeleteError:
        return
    except KeyringError as exc:
        raise SecretStoreError(f"the keyring refused to delete {key}: {exc}") from exc
