"""Folding text before screening: one spelling for every variant a word can be written in.

A folded text is what the lexicons are matched against. Folding, character by character:

- NFKC: full-width letters, digits and signs become half-width (``Ｐ２Ｐ`` → ``P2P``, ``％`` → ``%``);
- lower case (``P2P`` → ``p2p``);
- traditional characters become simplified, one character at a time, with the first candidate of
  OpenCC's ``TSCharacters`` table (``理財`` → ``理财``); phrase-level conversion is not needed for
  the short words screened here;
- filler inside words is dropped: in names and scopes every space and connector
  (``理 财``, ``p-2-p``, ``P.2.P``); in texts only horizontal spaces and invisible characters, because
  dots, hyphens and line breaks carry meaning there (``1.5%``, ``8-12%``, clause boundaries).

Folding never reorders characters, so a :class:`Folded` text can give every match back as a span
of the original. The whole mapping is one ``str.translate`` table per mode, built once.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from importlib import resources

_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
# Characters people put inside a word to slip past a filter (after NFKC).
_CONNECTORS = "-_.·・‧•*~/\\|'\"`“”‘’—–‐‑‒―"
_HORIZONTAL_SPACE = " \t\x0b\x0c"
_TEXT_FILLER = "·・‧•"
_BMP = 0x10000
_SURROGATES = range(0xD800, 0xE000)


class Mode(StrEnum):
    """How much filler folding removes."""

    NAME = "name"  # enterprise names and business scopes
    TEXT = "text"  # promotional texts


@dataclass(frozen=True)
class Folded:
    """A folded text with, for each of its characters, the index it came from in the original."""

    text: str
    origin: Sequence[int]
    source: str

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of the folded span ``[start, end)``."""
        if end <= start:
            at = self.origin[start] if start < len(self.origin) else len(self.source)
            return at, at
        return self.origin[start], self.origin[end - 1] + 1

    def original(self, start: int, end: int) -> str:
        """The original characters behind the folded span ``[start, end)``."""
        first, last = self.span(start, end)
        return self.source[first:last]


def _traditional_to_simplified() -> dict[str, str]:
    path = resources.files("opencc").joinpath("dictionary", "TSCharacters.txt")
    table: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        traditional, _, candidates = line.partition("\t")
        simplified = candidates.split()[0] if candidates.split() else ""
        if len(traditional) == 1 and len(simplified) == 1 and traditional != simplified:
            table[traditional] = simplified
    return table


def _dropped(mode: Mode) -> frozenset[str]:
    if mode is Mode.NAME:
        return frozenset(_ZERO_WIDTH + _CONNECTORS + _HORIZONTAL_SPACE + "\n\r\u0085\u2028\u2029")
    return frozenset(_ZERO_WIDTH + _HORIZONTAL_SPACE + _TEXT_FILLER)


@lru_cache(maxsize=2)
def table(mode: Mode) -> dict[int, str | None]:
    """The ``str.translate`` table of a mode: code point → folded characters, or None to drop."""
    simplified = _traditional_to_simplified()
    dropped = _dropped(mode)
    result: dict[int, str | None] = {}
    for code in range(_BMP):
        if code in _SURROGATES:
            continue
        char = chr(code)
        folded = unicodedata.normalize("NFKC", char).lower()
        folded = "".join(simplified.get(c, c) for c in folded)
        if mode is Mode.TEXT:
            folded = folded.replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
        folded = "".join(c for c in folded if c not in dropped)
        if folded != char:
            result[code] = folded or None
    return result


@lru_cache(maxsize=2)
def _irregular(mode: Mode) -> re.Pattern[str]:
    """The characters that fold to nothing or to several characters (every other is 1:1)."""
    chars = sorted(
        chr(code) for code, folded in table(mode).items() if not folded or len(folded) != 1
    )
    return re.compile("[" + "".join(re.escape(c) for c in chars) + "]")


def fold(text: str, mode: Mode = Mode.NAME) -> str:
    """The folded form of ``text`` (fast: one ``str.translate``)."""
    return text.translate(table(mode))


def fold_with_origin(text: str, mode: Mode = Mode.NAME) -> Folded:
    """The folded form of ``text`` with the original index of each folded character."""
    mapping = table(mode)
    if not _irregular(mode).search(text):
        return Folded(text.translate(mapping), range(len(text)), text)
    pieces: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        folded = mapping.get(ord(char), char)
        if folded:
            pieces.append(folded)
            origin.extend([index] * len(folded))
    return Folded("".join(pieces), tuple(origin), text)
