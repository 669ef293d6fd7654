"""Hooks that tie use cases together (issuing an invoice archives its PDF, queues its e-mail…).

Installed once by the composition root, so every entry point behaves the same.
"""

from __future__ import annotations

_installed = False


def install_hooks() -> None:
    global _installed
    if _installed:
        return
    import app.services.mail_queue  # queues the e-mail of each issued invoice
    import app.services.pdf_archive  # noqa: F401  (registers the PDF archive issue hook)

    _installed = True
