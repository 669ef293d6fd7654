"""The one entry point: bank file bytes in, ``Statement`` out.

``parse_statement`` refuses what is not a bank statement export, decides the
encoding from the bytes, recognises the format from the content and hands
over to the matching reader.  For delimited files it uses a saved
``CsvProfile`` when the caller has one and detects a layout otherwise;
``detect_csv_profile`` exposes that guess so an import wizard can show it,
let the user correct it and parse again with the corrected profile.

Encoding detection is pluggable: callers outside the core may pass any
function with the ``EncodingDetector`` shape (for example one built on a
charset-detection library); the core's own detector is pure standard library.
"""

from __future__ import annotations

from collections.abc import Callable

from app.core.bankfile.camt import parse_camt
from app.core.bankfile.csv_detect import CsvDetectionError, detect_layout
from app.core.bankfile.csv_parse import parse_delimited
from app.core.bankfile.csv_profile import CsvProfile
from app.core.bankfile.dates import infer_date_format, is_day_month_ambiguous
from app.core.bankfile.encoding import EncodingDetector, EncodingGuess, decode_as, detect_encoding
from app.core.bankfile.errors import StatementError, check_size
from app.core.bankfile.formats import FileFormat, encoding_hint, refuse_unreadable, sniff_format
from app.core.bankfile.model import Choice, Detection, Statement
from app.core.bankfile.mt940 import parse_mt940
from app.core.bankfile.ofx import parse_ofx
from app.core.bankfile.qif import parse_qif
from app.core.collector import collector_paused

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]
_DOUBTFUL_ENCODING = 0.6


def _decode(
    data: bytes, filename: str, detector: EncodingDetector | None, forced: str | None
) -> tuple[EncodingGuess, Choice]:
    if forced:
        try:
            text = decode_as(data, forced)
        except LookupError as exc:
            raise StatementError(filename, None, f"unknown encoding {forced!r}") from exc
        guess = EncodingGuess(forced, text, 1.0, "chosen in the import profile")
    elif detector is not None:
        result = tuple(detector(data))
        guess = EncodingGuess(
            str(result[0]),
            str(result[1]),
            float(result[2]),
            str(result[3]) if len(result) > 3 else "detected",
        )
    else:
        guess = detect_encoding(data, encoding_hint(data))
    text = guess.text.lstrip("\ufeff")
    guess = guess._replace(text=text)
    choice = Choice(
        "encoding",
        guess.encoding,
        guess.confidence < _DOUBTFUL_ENCODING,
        guess.reason or f"confidence {guess.confidence:.2f}",
    )
    return guess, choice


def detect_csv_profile(
    data: bytes, filename: str = "", *, encoding_detector: EncodingDetector | None = None
) -> tuple[CsvProfile, Detection]:
    """Guess how to read a delimited export, for a wizard to show and correct."""
    check_size(len(data), filename)
    refuse_unreadable(data, filename)
    guess, encoding_choice = _decode(data, filename, encoding_detector, None)
    try:
        profile, choices = detect_layout(guess.text, filename)
    except CsvDetectionError as exc:
        raise StatementError(filename, None, str(exc)) from exc
    profile = profile.with_changes(encoding=guess.encoding)
    detection = Detection(profile.format_name, (encoding_choice, *choices))
    return profile, detection


SavedLayout = Callable[[str], CsvProfile | None]


def parse_statement(
    data: bytes,
    filename: str = "",
    profile: CsvProfile | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    *,
    encoding_detector: EncodingDetector | None = None,
    saved_layout: SavedLayout | None = None,
) -> Statement:
    """Read a bank statement export of any supported format.

    Raises ``StatementError`` when the file as a whole cannot be read (empty,
    not a statement export, no recognisable layout); single unreadable lines
    are returned as ``Statement.problems``.  ``progress(done, total)`` is
    called now and then; ``cancel()`` returning True stops the work with
    ``StatementCancelled``.

    ``saved_layout(signature)`` lets the caller supply a profile saved for the
    detected header; it is asked once, after detection, so a file is decoded
    and its layout detected once whether or not a saved profile takes over.
    ``Statement.layout`` tells which CSV profile read the lines.

    The cyclic garbage collector is paused while the file is read (the many
    small objects made here hold no cycles; rescanning them would cost a
    third of the time) and switched back on afterwards.
    """
    check_size(len(data), filename)
    refuse_unreadable(data, filename)
    with collector_paused():
        return _parse(data, filename, profile, progress, cancel, encoding_detector, saved_layout)


def _parse(
    data: bytes,
    filename: str,
    profile: CsvProfile | None,
    progress: Progress | None,
    cancel: Cancel | None,
    encoding_detector: EncodingDetector | None,
    saved_layout: SavedLayout | None = None,
) -> Statement:
    guess, encoding_choice = _decode(
        data, filename, encoding_detector, profile.encoding if profile else None
    )
    fmt = FileFormat.CSV if profile is not None else sniff_format(guess.text, filename)
    if fmt is FileFormat.OFX:
        return parse_ofx(guess.text, filename, guess.encoding, encoding_choice)
    if fmt is FileFormat.QIF:
        return parse_qif(guess.text, filename, guess.encoding, encoding_choice)
    if fmt is FileFormat.CAMT:
        return parse_camt(guess.text, filename, guess.encoding, encoding_choice)
    if fmt is FileFormat.MT940:
        return parse_mt940(guess.text, filename, guess.encoding, encoding_choice)
    if profile is not None:
        choices = [Choice("profile", profile.signature, False, "a saved import profile")]
        return _parse_csv(
            guess, encoding_choice, filename, profile, choices, False, progress, cancel
        )
    try:
        detected, choices = detect_layout(guess.text, filename)
    except CsvDetectionError as exc:
        raise StatementError(filename, None, str(exc)) from exc
    saved = saved_layout(detected.signature) if saved_layout is not None else None
    if saved is not None:  # read again in the saved profile's encoding
        return _parse(data, filename, saved, progress, cancel, encoding_detector)
    detected = detected.with_changes(encoding=guess.encoding)
    return _parse_csv(guess, encoding_choice, filename, detected, choices, True, progress, cancel)


def _parse_csv(
    guess: EncodingGuess,
    encoding_choice: Choice,
    filename: str,
    profile: CsvProfile,
    choices: list[Choice],
    detected: bool,
    progress: Progress | None,
    cancel: Cancel | None,
) -> Statement:
    try:
        result = parse_delimited(guess.text, profile, progress, cancel)
    except ValueError as exc:
        raise StatementError(filename, None, f"the import profile cannot be used: {exc}") from exc
    if detected and is_day_month_ambiguous(profile.date_format):
        seen = list(result.date_reader.cache) + result.dates_failed
        whole = infer_date_format(seen)
        if whole is not None and whole.fmt != profile.date_format and not whole.doubtful:
            profile = profile.with_changes(date_format=whole.fmt)
            choices = [
                Choice(
                    "date_format", whole.fmt, False, f"decided from the whole file: {whole.reason}"
                )
                if c.key == "date_format"
                else c
                for c in choices
            ]
            result = parse_delimited(guess.text, profile, progress, cancel)
    detection = Detection(profile.format_name, (encoding_choice, *choices))
    return Statement(
        format=profile.format_name,
        encoding=guess.encoding,
        account_iban=result.account_iban,
        currency=result.currency,
        lines=result.lines,
        problems=result.problems,
        detection=detection,
        account_id=result.account_id,
        skipped=result.skipped,
        layout=profile,
    )
