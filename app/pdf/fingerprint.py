"""A stable digest of what a document shows, used to seed the PDF's file ID.

The PDF ID must not change between two renderings of the same document (so
the stored SHA-256 can be verified) yet should differ between documents.
The records are frozen dataclasses of str, Decimal, date and Money whose
``repr`` is stable across processes and runs, so it serves as the digest input.
"""

from __future__ import annotations

import hashlib


def fingerprint(*records: object) -> bytes:
    """SHA-256 of the records' representations."""
    digest = hashlib.sha256()
    for record in records:
        digest.update(repr(record).encode("utf-8"))
        digest.update(b"\x00")
    return digest.digest()
