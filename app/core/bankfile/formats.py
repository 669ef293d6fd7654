"""Recognising what kind of file a bookkeeper dropped in.

The content decides; the file name is only a weak hint used when the content
is ambiguous.  Files that are not bank statement exports at all (a PDF
statement saved under a .csv name, a spreadsheet workbook, an image, a web
page) are refused with a message that says what the file really is.
"""

from __future__ import annotations

import re
from enum import StrEnum

from app.core.bankfile.errors import StatementError


class FileFormat(StrEnum):
    CSV = "csv"
    OFX = "ofx"
    QIF = "qif"
    CAMT = "camt"
    MT940 = "mt940"


_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (
        b"%PDF",
        "this is a PDF file, not a bank statement export; download the statement "
        "as CSV, OFX, QIF, camt.053 or MT940 instead",
    ),
    (
        b"PK\x03\x04",
        "this is a ZIP archive (an Excel .xlsx or OpenDocument file is one); "
        "export or save the statement as CSV instead",
    ),
    (b"\xd0\xcf\x11\xe0", "this is an old Excel (.xls) or Word file; save it as CSV instead"),
    (b"\x89PNG", "this is a PNG image, not a bank statement export"),
    (b"\xff\xd8\xff", "this is a JPEG image, not a bank statement export"),
    (b"GIF8", "this is a GIF image, not a bank statement export"),
    (b"\x1f\x8b", "this is a gzip-compressed file; unpack it first"),
    (b"Rar!", "this is a RAR archive; unpack it first"),
    (b"7z\xbc\xaf", "this is a 7-Zip archive; unpack it first"),
    (b"{\\rtf", "this is a Rich Text (RTF) document, not a bank statement export"),
)
_CONTROL = bytes(range(0, 32)).replace(b"\t", b"").replace(b"\n", b"").replace(b"\r", b"")
_CONTROL = _CONTROL.replace(b"\x01", b"").replace(b"\x03", b"").replace(b"\x0c", b"")
_HTML = re.compile(rb"^\s*(?:<!doctype html|<html|<table)", re.IGNORECASE)
_MT940_FIELD = re.compile(r"^:(?:20|25|28C?|60[FM]|61|62[FM]):", re.MULTILINE)
_QIF_FIELD = re.compile(r"^[DT]\S", re.MULTILINE)


def refuse_unreadable(data: bytes, filename: str) -> None:
    """Raise ``StatementError`` for empty, binary or non-statement files."""
    blank = b" \t\r\n\x00\xef\xbb\xbf"
    if not data or (not data[:4096].strip(blank) and not data.strip(blank)):
        raise StatementError(filename, None, "the file is empty")
    head = data[:16].lstrip(b"\xef\xbb\xbf")
    for magic, message in _SIGNATURES:
        if head.startswith(magic):
            raise StatementError(filename, None, message)
    if _HTML.match(data[:512]):
        raise StatementError(
            filename,
            None,
            "this is a web page (HTML), not a bank statement export; some banks save web "
            "pages with an .xls name: export the statement as CSV instead",
        )
    sample = data[:65536]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(sample):
        return
    nul = sample.count(0)
    controls = sum(sample.count(bytes([c])) for c in _CONTROL)
    if nul or controls > max(4, len(sample) // 200):
        raise StatementError(
            filename,
            None,
            "this is a binary file, not a text export of a bank statement",
        )


def _looks_utf16(sample: bytes) -> bool:
    """Text in UTF-16 without a byte-order mark: every other byte is zero, the rest not."""
    if len(sample) < 8:
        return False
    half = len(sample) // 2
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    return (odd > 0.7 * half and even < 0.05 * half) or (even > 0.7 * half and odd < 0.05 * half)


def encoding_hint(data: bytes) -> str | None:
    """The encoding a file declares about itself (OFX CHARSET, XML declaration)."""
    head = data[:2048]
    match = re.search(rb"<\?xml[^>]*encoding=[\"']([A-Za-z0-9_.-]+)[\"']", head)
    if match:
        return match.group(1).decode("ascii").lower()
    match = re.search(rb"CHARSET:\s*([A-Za-z0-9-]+)", head)
    if match:
        charset = match.group(1).decode("ascii").upper()
        if charset.isdigit():
            return f"cp{charset}"
        if charset in ("ISO-8859-1", "8859-1", "LATIN1"):
            return "latin-1"
        if charset in ("UTF-8", "UTF8"):
            return "utf-8"
    return None


def sniff_format(text: str, filename: str = "") -> FileFormat:
    """Decide the format from the decoded text; ``filename`` only breaks ties."""
    head = text[:8192].lstrip("\ufeff\x01 \t\r\n")
    upper_head = head[:4096].upper()
    if head.startswith("OFXHEADER") or "<?OFX" in upper_head or re.search(r"<OFX>", upper_head):
        return FileFormat.OFX
    if re.search(r"<(?:\w+:)?Document\b", head) and re.search(
        r"camt\.05[234]|BkToCstmr", text[:20000]
    ):
        return FileFormat.CAMT
    if re.search(r"<(?:\w+:)?BkToCstmr(?:Stmt|DbtCdtNtfctn|AcctRpt)\b", text[:20000]):
        return FileFormat.CAMT
    if (
        head.startswith("{1:")
        or head.startswith("{4:")
        or (len(_MT940_FIELD.findall(text[:20000])) >= 3 and ":61:" in text)
        or (":20:" in text[:4096] and ":25:" in text[:8192] and ":60" in text[:8192])
    ):
        return FileFormat.MT940
    if head.startswith("!") and re.match(r"!(?:Type|Account|Option|Clear)", head, re.IGNORECASE):
        return FileFormat.QIF
    lower = filename.lower()
    if lower.endswith(".qif") and _QIF_FIELD.search(head) and "^" in head:
        return FileFormat.QIF
    return FileFormat.CSV
