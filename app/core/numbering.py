"""Invoice number templates such as ``INV-{YYYY}-{SEQ:05}``.

Placeholders: ``{YYYY}`` ``{YY}`` ``{MM}`` and ``{SEQ}`` / ``{SEQ:0N}`` (zero-padded
to N digits).  With a yearly reset the sequence restarts each year, so the
counter is kept per "period key" (the year); otherwise one counter serves all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_TOKEN = re.compile(r"\{(YYYY|YY|MM|SEQ(?::0?(\d+))?)\}")


class NumberTemplateError(ValueError):
    pass


@dataclass(frozen=True)
class NumberTemplate:
    text: str
    reset_yearly: bool = True

    def __post_init__(self) -> None:
        seqs = [m for m in _TOKEN.finditer(self.text) if m.group(1).startswith("SEQ")]
        if len(seqs) != 1:
            raise NumberTemplateError(
                f"the number template {self.text!r} needs exactly one {{SEQ}} or {{SEQ:05}} placeholder"
            )
        leftover = _TOKEN.sub("", self.text)
        if "{" in leftover or "}" in leftover:
            raise NumberTemplateError(
                f"unknown placeholder in {self.text!r}; use YYYY, YY, MM, SEQ"
            )
        if self.reset_yearly and "{YY" not in self.text:
            raise NumberTemplateError(
                f"a yearly reset needs the year in the number ({self.text!r}), or numbers would repeat"
            )

    def period_key(self, issue_date: date) -> str:
        return str(issue_date.year) if self.reset_yearly else ""

    def parse(self, number: str) -> tuple[str, int] | None:
        """(period key, sequence) of a number this template could have produced, else None."""
        parts: list[str] = []
        pos = 0
        for m in _TOKEN.finditer(self.text):
            parts.append(re.escape(self.text[pos : m.start()]))
            token = m.group(1)
            if token == "YYYY":
                parts.append(r"(?P<year>\d{4})")
            elif token == "YY":
                parts.append(r"(?P<yy>\d{2})")
            elif token == "MM":
                parts.append(r"\d{2}")
            else:
                parts.append(r"(?P<seq>\d+)")
            pos = m.end()
        parts.append(re.escape(self.text[pos:]))
        found = re.fullmatch("".join(parts), number.strip())
        if not found:
            return None
        year = found.groupdict().get("year") or (
            f"20{found.group('yy')}" if found.groupdict().get("yy") else ""
        )
        return (year if self.reset_yearly else "", int(found.group("seq")))

    def format(self, issue_date: date, sequence: int) -> str:
        def repl(m: re.Match[str]) -> str:
            token = m.group(1)
            if token == "YYYY":
                return f"{issue_date.year:04d}"
            if token == "YY":
                return f"{issue_date.year % 100:02d}"
            if token == "MM":
                return f"{issue_date.month:02d}"
            width = int(m.group(2) or 0)
            return f"{sequence:0{width}d}"

        return _TOKEN.sub(repl, self.text)
