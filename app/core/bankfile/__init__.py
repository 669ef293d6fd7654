"""Reading bank statement exports of any bank, without per-bank set-up.

``parse_statement`` takes the bytes of a CSV, OFX/QFX, QIF, camt.052/053/054,
MT940 or LITAS-ESIS file and returns a ``Statement``; ``detect_csv_profile``
shows how a delimited file would be read so that a user can correct it.
Everything here is pure: bytes in, values out.
"""

from app.core.bankfile.csv_profile import (
    AmountConvention,
    ColumnRole,
    CsvProfile,
    header_signature,
)
from app.core.bankfile.encoding import EncodingDetector, EncodingGuess, detect_encoding
from app.core.bankfile.errors import (
    MAX_STATEMENT_BYTES,
    StatementCancelled,
    StatementError,
    check_size,
)
from app.core.bankfile.fingerprint import (
    FingerprintCounter,
    fingerprint,
    line_keys,
    normalise_description,
)
from app.core.bankfile.formats import FileFormat, sniff_format
from app.core.bankfile.model import Choice, Detection, LineProblem, Statement, StatementLine
from app.core.bankfile.statement import detect_csv_profile, parse_statement

__all__ = [
    "MAX_STATEMENT_BYTES",
    "AmountConvention",
    "Choice",
    "ColumnRole",
    "CsvProfile",
    "Detection",
    "EncodingDetector",
    "EncodingGuess",
    "FileFormat",
    "FingerprintCounter",
    "LineProblem",
    "Statement",
    "StatementCancelled",
    "StatementError",
    "StatementLine",
    "check_size",
    "detect_csv_profile",
    "detect_encoding",
    "fingerprint",
    "header_signature",
    "line_keys",
    "normalise_description",
    "parse_statement",
    "sniff_format",
]
