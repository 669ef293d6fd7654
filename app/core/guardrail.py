"""Checks on a reworded text, so an outside writer can never state or leak a fact.

The writer only ever sees a template whose facts are empty slots —
``⟦AMOUNT_DUE⟧``, ``⟦DUE_DATE⟧``, ``⟦INVOICE_NO⟧``, ``⟦CLIENT_NAME⟧`` … — and its
reply is refused when

* a slot of the template is missing, a slot appears more often than in the
  template, a slot is unknown, or a slot bracket is damaged;
* outside the slots it contains a digit, a currency sign or code, a percent, a
  month or weekday name, an IBAN, a URL or an e-mail address;
* it is written in another language than the template.

The slots are then filled by the application's own formatting, and
``unfounded`` confirms that every number and date in the finished text is one
of the facts.  Nothing here does I/O.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from app.core.currency import KNOWN_CURRENCIES

SLOT = re.compile(r"⟦([A-Z][A-Z0-9_]*)⟧")
_DIGIT = re.compile(r"\d")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,8}")
_URL = re.compile(
    r"(?i)\b(?:https?://|ftp://|www\.)\S+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\."
    r"(?:com|org|net|io|eu|ie|de|fr|uk|nl|es|it|pt|pl|fi|be|at|ch|co|info|biz|app|dev|example)\b"
)
_EMAIL = re.compile(r"@")
_PERCENT = re.compile(r"[%‰]|\b(?:percent|per cent|prozent|pour cent|por ciento|procent)\b", re.I)
_CURRENCY_WORDS = re.compile(r"\b(?:euros?|dollars?|pounds? sterling|sterling|yen|cents?)\b", re.I)
_WORD = re.compile(r"[^\W\d_]+")

_MONTHS = {
    "en": "january february march april may june july august september october november december",
    "de": "januar februar märz april mai juni juli august september oktober november dezember",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "nl": "januari februari maart april mei juni juli augustus september oktober november december",
    "it": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre "
    "dicembre",
    "pt": "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro",
}
_WEEKDAYS = {
    "en": "monday tuesday wednesday thursday friday saturday sunday",
    "de": "montag dienstag mittwoch donnerstag freitag samstag sonnabend sonntag",
    "fr": "lundi mardi mercredi jeudi vendredi samedi dimanche",
    "es": "lunes martes miércoles jueves viernes sábado domingo",
    "nl": "maandag dinsdag woensdag donderdag vrijdag zaterdag zondag",
    "it": "lunedì martedì mercoledì giovedì venerdì sabato domenica",
    "pt": "sábado domingo",
}
# English words that are also ordinary words count only when capitalised mid-sentence.
_AMBIGUOUS = {"may", "march"}
_ABBREVIATIONS = set(
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Mon Tue Tues Wed Thu Thur Thurs Fri Sat Sun".split()
)
_DATE_WORDS = {w for text in (*_MONTHS.values(), *_WEEKDAYS.values()) for w in text.split()}

_STOPWORDS = {
    "en": "the and you your we our please thank thanks this that with would have has is are "
    "will be not for kind regards dear",
    "de": "der die das und sie ihre ihr wir unsere bitte danke vielen ist sind nicht mit für "
    "noch den dem eine einen freundlichen grüßen sehr geehrte",
    "fr": "le les et vous votre vos nous notre merci est sont pas avec pour une cordialement "
    "bonjour madame monsieur",
    "es": "el los las y usted su sus nosotros nuestro gracias es son con para una por favor "
    "saludos estimado",
    "nl": "het een en uw wij onze bedankt alstublieft niet met voor van dat graag groet beste",
    "it": "il gli lei sua suo noi nostro grazie sono non con per una cordiali saluti gentile",
    "pt": "os você seu sua nós nosso obrigado são não com para uma atenciosamente prezado",
}


def _distinct(lists: Mapping[str, str]) -> dict[str, set[str]]:
    words = {lang: set(text.split()) for lang, text in lists.items()}
    shared = Counter(w for ws in words.values() for w in ws)
    return {lang: {w for w in ws if shared[w] == 1} for lang, ws in words.items()}


_LANGUAGE_WORDS = _distinct(_STOPWORDS)


@dataclass(frozen=True)
class Check:
    ok: bool
    problems: tuple[str, ...] = ()


def slot(name: str) -> str:
    """``AMOUNT_DUE`` → ``⟦AMOUNT_DUE⟧``."""
    return f"⟦{slot_name(name)}⟧"


def slot_name(name: str) -> str:
    return name.strip().strip("⟦⟧").strip().upper()


def slots_in(text: str) -> list[str]:
    return SLOT.findall(text)


def outside_slots(text: str) -> str:
    return SLOT.sub(" ", text)


def language_of(text: str) -> str | None:
    """The language whose distinctive everyday words occur most often (None if none occur)."""
    tokens = _WORD.findall(text.casefold())
    scores = {lang: sum(t in ws for t in tokens) for lang, ws in _LANGUAGE_WORDS.items()}
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] > 0 else None


def _base_language(code: str) -> str:
    return code.replace("-", "_").split("_")[0].lower()


def date_words(text: str) -> list[str]:
    """Month and weekday names (and their usual abbreviations) written in ``text``."""
    found = []
    for sentence in re.split(r"(?<=[.!?:;])\s+|\n+", text):
        for n, word in enumerate(_WORD.findall(sentence)):
            lower = word.casefold()
            if word in _ABBREVIATIONS and n > 0:
                found.append(word)
            elif lower in _AMBIGUOUS:
                if word[0].isupper() and n > 0:
                    found.append(word)
            elif lower in _DATE_WORDS:
                found.append(word)
    return found


def _currency_codes(text: str) -> list[str]:
    return [w for w in re.findall(r"\b[A-Z]{3}\b", text) if w in KNOWN_CURRENCIES]


def facts_outside_slots(text: str) -> list[str]:
    """What a reply may not say outside its slots: every problem, in words."""
    rest = outside_slots(text)
    problems = []
    if _IBAN.search(rest):
        problems.append("an IBAN")
    if _URL.search(rest):
        problems.append("a web address")
    if _EMAIL.search(rest):
        problems.append("an e-mail address")
    if _DIGIT.search(rest):
        problems.append(f"a digit ({_DIGIT.search(rest).group()!r})")  # type: ignore[union-attr]
    signs = [c for c in rest if _is_currency_sign(c)]
    if signs or _currency_codes(rest) or _CURRENCY_WORDS.search(rest):
        problems.append("a currency")
    if _PERCENT.search(rest):
        problems.append("a percentage")
    words = date_words(rest)
    if words:
        problems.append(f"a month or weekday ({words[0]})")
    return problems


def _is_currency_sign(char: str) -> bool:
    return unicodedata.category(char) == "Sc"


def check_reply(template: str, reply: str, allowed: Iterable[str], language: str) -> Check:
    """Accept a reworded ``template`` only if it keeps the slots and adds no fact."""
    text = reply.strip()
    if not text:
        return Check(False, ("the reply is empty",))
    problems: list[str] = []
    if len(text) > 4 * len(template) + 200:
        problems.append("the reply is far longer than the template")
    expected = Counter(slots_in(template))
    known = {slot_name(a) for a in allowed} | set(expected)
    got = Counter(slots_in(text))
    problems += [f"slot {slot(n)} is missing" for n in expected if got[n] == 0]
    problems += [
        f"slot {slot(n)} appears {got[n]} times"
        for n in got
        if n in known and got[n] > max(1, expected[n])
    ]
    problems += [f"slot {slot(n)} is unknown" for n in got if n not in known]
    rest = outside_slots(text)
    if "⟦" in rest or "⟧" in rest:
        problems.append("a slot bracket is damaged")
    problems += [f"it adds {p}" for p in facts_outside_slots(text)]
    wanted = _base_language(language) if language else ""
    if wanted not in _LANGUAGE_WORDS:
        wanted = language_of(template) or ""
    found = language_of(text)
    if wanted and found and found != wanted:
        problems.append(f"it is written in another language ({found}, not {wanted})")
    elif wanted and found is None and len(_WORD.findall(rest)) >= 8:
        problems.append(f"its language is not recognisable as {wanted}")
    return Check(not problems, tuple(problems))


def fill(template: str, facts: Mapping[str, str]) -> str:
    """Put each fact into its slot; a slot without a fact is an error, never left empty."""
    values = {slot_name(k): v for k, v in facts.items()}

    def put(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise KeyError(f"no fact for slot {slot(name)}")
        return values[name]

    return SLOT.sub(put, template)


def unfounded(text: str, facts: Mapping[str, str]) -> list[str]:
    """Numbers, dates and currency in a finished text that are not one of the facts."""
    rest = text
    for value in sorted((v for v in facts.values() if v), key=len, reverse=True):
        rest = rest.replace(value, " ")
    left = re.findall(r"\d[\d.,'\u00a0\u202f ]*\d|\d", rest)
    left += date_words(rest)
    left += [c for c in rest if _is_currency_sign(c)]
    left += _currency_codes(rest)
    return left
