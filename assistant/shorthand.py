"""Expand chat shorthand ('ppl', 'atm', 'lvl') before analysis, from a data file in knowledge/rules/."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from assistant.errors import ConfigError
from assistant.months import month_name

_SECTION = re.compile(r"(?<![\w/-])s\.?(\d{1,3})(?![\w/-])")
# "apr 25", "feb '26": a month and a two-digit year, as the documents write it ("April 2025").
_MONTH_YEAR = re.compile(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)[a-z]*\.?\s+'?(\d{2})\b(?![:.]?\d)",
                         re.IGNORECASE)

# "72h", "48hrs", "2wks": a number with a clipped unit, as the documents write it ("72 hours").
_CLIPPED_UNIT = re.compile(r"\b(\d{1,3}) ?(h|hrs?|wks?|mths?)\b", re.IGNORECASE)
_UNITS = {"h": "hours", "hr": "hours", "hrs": "hours", "wk": "weeks", "wks": "weeks", "mth": "months", "mths": "months"}

_PREFIXES = frozenset(["re", "co", "pre", "non", "sub", "de", "ex", "anti", "pro"])


class Shorthand:
    def __init__(self, mapping: dict[str, str]) -> None:
        self.mapping = {k.lower(): v for k, v in mapping.items()}
        keys = sorted(self.mapping, key=len, reverse=True)
        # (never the end of a contraction: "they're" is not "they about")
        self._pattern = re.compile(r"(?<![\w/'’])(" + "|".join(re.escape(k) for k in keys) + r")(?![\w/])",
                                   re.IGNORECASE) if keys else None

    @classmethod
    def load(cls, path: Path) -> Shorthand:
        if not path.exists():
            return cls({})
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            return cls({str(k): str(v) for k, v in (data.get("shorthand") or {}).items()})
        except (yaml.YAMLError, AttributeError) as exc:
            raise ConfigError(f"The chat shorthand file {path.name} is invalid: {exc}") from exc

    def expand(self, text: str) -> str:
        # "s17", "s47": how staff write a section of an Act; the documents write "Section 17".
        text = _SECTION.sub(lambda m: f"section {m.group(1)}", text)
        text = _CLIPPED_UNIT.sub(lambda m: f"{m.group(1)} {_UNITS[m.group(2).lower()]}", text)
        text = _MONTH_YEAR.sub(lambda m: m.group(0) if m.group(1).isupper()  # "SEP 25": initials, not September
                               else f"{month_name(m.group(1))} 20{m.group(2)}", text)
        if self._pattern is None:
            return text
        # Only lower-case shorthand: 'RE' or 'U' written in capitals may be a real acronym; and an English prefix
        # joined by a hyphen ("re-referral") is part of the word, not 're' for 'about'.
        return self._pattern.sub(lambda m: m.group(1) if any(ch.isupper() for ch in m.group(1))
                                 or (m.group(1).lower() in _PREFIXES and text[m.end():m.end() + 1] == "-")
                                 else self.mapping[m.group(1).lower()], text)
