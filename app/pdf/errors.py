"""The error raised when a document cannot be turned into a PDF."""

from __future__ import annotations


class DocumentError(ValueError):
    """The document cannot be rendered; the message says what to fix.

    It is a ValueError so callers that validate input generically still
    catch it; nothing is half-written when it is raised.
    """
