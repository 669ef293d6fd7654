"""Deciding a bank file's text encoding from its bytes.

Banks export in UTF-8 (with or without a byte-order mark) or in the Windows /
DOS code page of their country: cp1252 in Western Europe, cp1250 in Central
Europe, cp1257 in the Baltics, cp852 in old DOS-era Hungarian and Czech
systems.  Headers that declare an encoding are often wrong (OFX files that say
``ENCODING:USASCII`` and contain accented letters), so the bytes decide.

The decision is made from the whole file: strict UTF-8 first (valid multi-byte
sequences practically never happen by accident), then each single-byte code
page is scored by how plausible its decoding of every non-ASCII byte is in
context: letters used together by one or two real languages score well;
control characters, box drawing, or symbols in the middle of a word score
badly.  Lithuanian read as cp1252 gives ``Paslaugø`` (ø is Danish, the rest of
the file's letters are not), Hungarian read as cp1250 puts ``˘`` inside words.

``detect_encoding`` is the pure-stdlib detector.  Callers outside the core may
pass any other detector with the same shape (bytes in, ``EncodingGuess`` out).
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from typing import NamedTuple


class EncodingGuess(NamedTuple):
    """The chosen encoding, the decoded text and how sure the choice is (0–1)."""

    encoding: str
    text: str
    confidence: float
    reason: str = ""


EncodingDetector = Callable[[bytes], EncodingGuess]

SINGLE_BYTE_CANDIDATES: tuple[str, ...] = ("cp1252", "cp1250", "cp1257", "cp852", "latin-1")

_PRIOR = {"cp1252": 0.06, "cp1250": 0.03, "cp1257": 0.02, "cp852": 0.01, "latin-1": 0.0}

_LANGUAGE_LETTERS: dict[str, str] = {
    "de": "äöüß",
    "fr": "àâæçéèêëîïôœùûüÿ",
    "it": "àèéìíîòóùú",
    "es": "áéíñóúü",
    "pt": "áâãàçéêíóôõú",
    "nl": "éëïöüèáóä",
    "da": "æøåé",
    "sv": "åäöé",
    "fi": "äöåšž",
    "is": "áðéíóúýþæö",
    "ca": "àçèéíïòóú",
    "pl": "ąćęłńóśźż",
    "cs": "áčďéěíňóřšťúůýž",
    "sk": "áäčďéíĺľňóôŕšťúýž",
    "hu": "áéíóöőúüű",
    "sl": "čšž",
    "hr": "čćđšž",
    "ro": "ăâîșțşţ",
    "lt": "ąčęėįšųūž",
    "lv": "āčēģīķļņšūž",
    "et": "äöõüšž",
    "tr": "çğıöşüâî",
}
_LANGUAGES = {name: frozenset(letters) for name, letters in _LANGUAGE_LETTERS.items()}
_COMMON_SYMBOLS = frozenset("€£§°©®«»„“”‘’‚–—…•·×÷±¹²³µ¶¤¢¥¬¦¨´¸ª º¿¡")
_CONTEXT_TOKEN = re.compile(rb"[\x00-\x7f]?[\x80-\xff]+[\x00-\x7f]?")
_REPLACEMENT = "\ufffd"


def _bom_guess(data: bytes) -> EncodingGuess | None:
    if data.startswith(codecs.BOM_UTF8):
        return EncodingGuess(
            "utf-8-sig",
            data.decode("utf-8-sig", "replace"),
            1.0,
            "the file starts with a UTF-8 byte-order mark",
        )
    for bom, name in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            text = data[len(bom) :].decode(name, "replace")
            return EncodingGuess(name, text, 1.0, "the file starts with a UTF-16 byte-order mark")
    return None


def _utf16_without_bom(data: bytes) -> EncodingGuess | None:
    sample = data[:4000]
    if len(sample) < 8:
        return None
    even_nul = sample[0::2].count(0)
    odd_nul = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_nul > 0.7 * half and even_nul < 0.05 * half:
        return EncodingGuess(
            "utf-16-le",
            data.decode("utf-16-le", "replace"),
            0.9,
            "every second byte is zero (UTF-16, little-endian)",
        )
    if even_nul > 0.7 * half and odd_nul < 0.05 * half:
        return EncodingGuess(
            "utf-16-be",
            data.decode("utf-16-be", "replace"),
            0.9,
            "every second byte is zero (UTF-16, big-endian)",
        )
    return None


def _is_letter(ch: str) -> bool:
    return ch.isalpha()


def _char_penalty(ch: str, prev: str, nxt: str) -> float:
    """Score of one non-letter character decoded from a high byte."""
    category = unicodedata.category(ch)
    inside_word = _is_letter(prev) and _is_letter(nxt)
    if category == "Cc" or category == "Cf" or category == "Co" or category == "Cn":
        return -10.0
    if "\u2500" <= ch <= "\u259f" or "\u25a0" <= ch <= "\u25ff":
        return -5.0
    if ch in _COMMON_SYMBOLS:
        return -4.0 if inside_word else 0.3
    return -4.0 if inside_word else -2.0


def _score_candidate(tokens: Counter[bytes], codec: str) -> float | None:
    """Plausibility of decoding every non-ASCII byte run with ``codec``."""
    letters: Counter[str] = Counter()
    other = 0.0
    for token, count in tokens.items():
        try:
            decoded = token.decode(codec)
        except UnicodeDecodeError:
            return None
        for i, ch in enumerate(decoded):
            if ch < "\x80":
                continue
            prev = decoded[i - 1] if i > 0 else " "
            nxt = decoded[i + 1] if i + 1 < len(decoded) else " "
            if _is_letter(ch):
                letters[ch.lower()] += count
            else:
                other += _char_penalty(ch, prev, nxt) * count
    return other + _letter_score(letters)


def _letter_score(letters: Counter[str]) -> float:
    """Reward letters that one language (or two languages together) use.

    A wrong code page scatters its letters over many languages (ø, ë, þ, ð…),
    the right one keeps them within the alphabet of the text's language.
    """
    if not letters:
        return 0.0
    total = sum(letters.values())
    coverage = {
        name: sum(n for ch, n in letters.items() if ch in alphabet)
        for name, alphabet in _LANGUAGES.items()
    }
    best_one = max(coverage.values())
    best = 2.0 * best_one - 3.0 * (total - best_one)
    ranked = sorted(coverage, key=coverage.__getitem__, reverse=True)[:6]
    for first in ranked:
        for second in ranked:
            if second == first:
                continue
            union = _LANGUAGES[first] | _LANGUAGES[second]
            covered = sum(n for ch, n in letters.items() if ch in union)
            only_second = covered - coverage[first]
            score = 2.0 * covered - 1.0 * only_second - 3.0 * (total - covered)
            best = max(best, score)
    return best


def _single_byte_guess(data: bytes, hint: str | None) -> EncodingGuess:
    tokens = Counter(_CONTEXT_TOKEN.findall(data))
    high_total = sum(n * sum(1 for b in t if b > 0x7F) for t, n in tokens.items()) or 1
    scores: dict[str, float] = {}
    for codec in SINGLE_BYTE_CANDIDATES:
        score = _score_candidate(tokens, codec)
        if score is None:
            continue
        prior = _PRIOR.get(codec, 0.0) + (0.5 if hint and _same_codec(hint, codec) else 0.0)
        scores[codec] = score + prior * high_total
    if not scores:
        text = data.decode("latin-1")
        return EncodingGuess("latin-1", text, 0.2, "no single-byte code page fits these bytes")
    ranked = sorted(scores, key=scores.__getitem__, reverse=True)
    best = ranked[0]
    text = data.decode(best)
    distinct = [c for c in ranked[1:] if data.decode(c, "replace") != text]
    if not distinct:
        return EncodingGuess(
            best, text, 0.9, f"{best}: every candidate code page reads it the same"
        )
    runner = distinct[0]
    margin_per_byte = (scores[best] - scores[runner]) / high_total
    confidence = 0.5 + max(0.0, min(0.45, margin_per_byte))
    reason = f"{best} gives the most plausible letters ({runner} was next)"
    return EncodingGuess(best, text, round(confidence, 2), reason)


def _same_codec(a: str, b: str) -> bool:
    try:
        return codecs.lookup(a).name == codecs.lookup(b).name
    except LookupError:
        return False


def detect_encoding(data: bytes, hint: str | None = None) -> EncodingGuess:
    """Decide the encoding of ``data`` and decode it.

    ``hint`` is what the file itself declares (an OFX CHARSET, an XML
    declaration); it only tips the balance between equally plausible
    single-byte code pages and never overrules the bytes.
    """
    guess = _bom_guess(data) or _utf16_without_bom(data)
    if guess is not None:
        return guess
    if data.isascii():
        return EncodingGuess("ascii", data.decode("ascii"), 1.0, "plain ASCII: no accented bytes")
    try:
        return EncodingGuess("utf-8", data.decode("utf-8"), 0.99, "valid UTF-8 throughout")
    except UnicodeDecodeError:
        pass
    lenient = data.decode("utf-8", "replace")
    bad = lenient.count(_REPLACEMENT)
    multibyte = sum(1 for ch in lenient if ch > "\x7f") - bad
    if multibyte >= 20 and bad * 100 <= multibyte:
        return EncodingGuess("utf-8", lenient, 0.6, f"UTF-8 with {bad} damaged byte(s) replaced")
    return _single_byte_guess(data, hint)


def decode_as(data: bytes, encoding: str) -> str:
    """Decode with an encoding the user or a saved profile chose.

    Undecodable bytes become U+FFFD rather than failing, so a wrong choice is
    visible in the preview instead of refusing the file.
    """
    if encoding.lower().replace("_", "-") in ("utf-8", "utf8") and data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    return data.decode(encoding, "replace")
