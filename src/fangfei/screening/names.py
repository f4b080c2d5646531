"""企业名称、经营范围字样筛查 — words in enterprise names and business scopes, with their tier.

The words, tiers, exceptions and licence exemptions come from ``data/names.yaml``. A name and a
scope are screened separately and then across their junction (a name ending “…理” followed by a
scope starting “财…” is reported with field ``name+scope``; its span counts in ``name + scope``).

Matching runs on folded text (``normalize.fold``): one compiled alternation of every word answers
"any hit?" for the common clean row in a single C-level scan; only rows with a hit take the slow
path, which finds overlapping hits with a lookahead, maps them back to the original characters and
sorts them out in this order:

1. **exception** — a listed context covers the hit (金融街 is an address, 基金会 a charity);
2. **contained** — a hit lying inside another at least as severe is dropped (基金 in 股权投资基金);
3. **excluded** — in a scope, inside a clause that rules the activity out (“不得从事…理财…”);
4. **exempt** — the enterprise's licence covers the word (a bank may say 理财);
5. otherwise a **hit**, with the tier and its legal basis.

Only hits make the enterprise a key-supervision candidate (重点监管对象); the others are kept,
with the reason, so an officer can see why a word did not count.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from fangfei.reference import files as reference_files
from fangfei.screening.lexicon import NameLexicon, NameWord, name_lexicon
from fangfei.screening.normalize import Folded, fold, fold_with_origin

FIELD_LABELS = {"name": "企业名称", "scope": "经营范围", "name+scope": "名称与经营范围相接处"}
_OPENERS, _CLOSERS, _ENDS = "([{【", ")]}】", ";。,"
NO_LICENCE = "none"


@dataclass(frozen=True)
class NameHit:
    """One occurrence of a screened word, and what became of it."""

    word: str
    tier: str
    tier_label: str
    field: str  # name | scope | name+scope
    start: int  # in the field's original text (for name+scope: in name + scope)
    end: int
    text: str  # the original characters, as written
    status: str  # hit | exempt | exception | excluded
    reason: str


@dataclass(frozen=True)
class NameResult:
    """The screening of one enterprise: counted hits, and hits set aside with their reason."""

    name: str
    scope: str
    licence: str
    hits: tuple[NameHit, ...] = ()
    ignored: tuple[NameHit, ...] = ()

    @property
    def flagged(self) -> bool:
        """Whether any word counts: the enterprise goes on the key-supervision list."""
        return bool(self.hits)

    @property
    def tier(self) -> str | None:
        """The most severe tier among the hits."""
        return self.hits[0].tier if self.hits else None

    def explanation(self) -> str:
        """One Chinese paragraph saying what was found and why it matters."""
        if not self.hits:
            return "未发现需关注的字样。" + "".join(f"（{h.reason}）" for h in self.ignored[:3])
        words = "、".join(dict.fromkeys(f"“{h.word}”" for h in self.hits))
        reasons = "".join(dict.fromkeys(h.reason for h in self.hits))
        return f"名称或经营范围含{words}字样，建议列入重点监管对象。{reasons}"


@dataclass
class _Candidate:
    word: NameWord
    start: int  # folded
    end: int
    status: str = "hit"
    reason: str = ""
    exempt_by: str = ""


@dataclass
class _Field:
    code: str
    folded: Folded
    candidates: list[_Candidate] = field(default_factory=list)


@lru_cache(maxsize=1)
def licence_names() -> dict[str, str]:
    """licence code → Chinese name, from the shipped enumeration (no database needed)."""
    items = reference_files.load("categories.yaml")["kinds"]["licence_type"]["items"]
    return {str(item["code"]): str(item["name"]) for item in items}


@lru_cache(maxsize=1024)
def licence_code(value: str) -> str:
    """The licence code of a registry cell holding a code or a Chinese name; ``none`` if empty."""
    text = unicodedata.normalize("NFKC", value).strip()
    if not text:
        return NO_LICENCE
    for code, label in licence_names().items():
        if text.lower() == code or text == unicodedata.normalize("NFKC", label):
            return code
    return text


class NameScreener:
    """A compiled screener over the words of a lexicon (optionally only some tiers)."""

    def __init__(self, lexicon: NameLexicon, *, tiers: Collection[str] | None = None) -> None:
        self.lexicon = lexicon
        words = [w for w in lexicon.words if tiers is None or w.tier.code in tiers]
        self._by_folded = {w.folded: w for w in words}
        alternatives = sorted(self._by_folded, key=len, reverse=True)
        body = "|".join(re.escape(a) for a in alternatives) or "(?!)"
        self._any = re.compile(body)
        self._every = re.compile(f"(?=({body}))")
        self._reach = max((len(a) for a in alternatives), default=1) - 1

    def _junction_text(self, folded_name: str, folded_scope: str) -> str:
        if not (folded_name and folded_scope):
            return ""
        return folded_name[-self._reach :] + folded_scope[: self._reach]

    def any_hit(self, name: str, scope: str = "") -> bool:
        """Whether a row needs the slow path at all (a word somewhere, before exceptions)."""
        folded_name, folded_scope = fold(name), fold(scope)
        return bool(
            self._any.search(folded_name)
            or self._any.search(folded_scope)
            or self._any.search(self._junction_text(folded_name, folded_scope))
        )

    def screen(self, *, name: str, scope: str = "", licence: str = NO_LICENCE) -> NameResult:
        """Screen one enterprise's name and business scope."""
        code = licence_code(licence)
        folded_name, folded_scope = fold(name), fold(scope)
        fields = []
        if self._any.search(folded_name):
            fields.append(_Field("name", fold_with_origin(name)))
        if self._any.search(folded_scope):
            fields.append(_Field("scope", fold_with_origin(scope)))
        for item in fields:
            item.candidates = self._candidates(item.folded.text)
        if self._any.search(self._junction_text(folded_name, folded_scope)):
            fields.append(self._junction(name, scope))
        if not fields:
            return NameResult(name, scope, code)
        hits: list[NameHit] = []
        for item in fields:
            self._judge(item, code)
            hits.extend(self._hit(item, c) for c in item.candidates)
        counted = _first_of_each([h for h in hits if h.status == "hit"])
        counted.sort(key=lambda h: (self.lexicon.tiers[h.tier].rank, h.field != "name", h.start))
        ignored = _first_of_each([h for h in hits if h.status != "hit"])
        return NameResult(name, scope, code, tuple(counted), tuple(ignored))

    def _candidates(self, text: str) -> list[_Candidate]:
        return [
            _Candidate(self._by_folded[m.group(1)], m.start(), m.start() + len(m.group(1)))
            for m in self._every.finditer(text)
        ]

    def _junction(self, name: str, scope: str) -> _Field:
        joined = fold_with_origin(name + scope)
        boundary = len(fold(name))
        item = _Field("name+scope", joined)
        item.candidates = [c for c in self._candidates(joined.text) if c.start < boundary < c.end]
        return item

    def _judge(self, item: _Field, licence: str) -> None:
        text = item.folded.text
        for candidate in item.candidates:
            reason = self._exception(text, candidate)
            if reason:
                candidate.status, candidate.reason = "exception", reason
        _drop_contained(item.candidates)
        if item.code == "scope":
            spans = exclusion_spans(text, self.lexicon)
            for candidate in _live(item.candidates):
                if any(s <= candidate.start and candidate.end <= e for s, e in spans):
                    candidate.status = "excluded"
                    candidate.reason = (
                        "该字样出现在经营范围的禁止性表述中（如“不得从事…”“…除外”），不计为命中"
                    )
        for candidate in _live(item.candidates):
            if self.lexicon.exempts(licence, candidate.word.folded):
                candidate.status = "exempt"
                label = licence_names().get(licence, licence)
                candidate.reason = f"持牌企业（{label}）不受“{candidate.word.word}”字样限制"

    def _exception(self, text: str, candidate: _Candidate) -> str:
        for exception in self.lexicon.exceptions.get(candidate.word.folded, ()):
            for match in exception.pattern.finditer(text):
                if match.start() <= candidate.start and candidate.end <= match.end():
                    return exception.reason
        return ""

    def _hit(self, item: _Field, candidate: _Candidate) -> NameHit:
        start, end = item.folded.span(candidate.start, candidate.end)
        word, tier = candidate.word, candidate.word.tier
        reason = candidate.reason or (
            f"{FIELD_LABELS[item.code]}含“{word.word}”字样（{tier.label}）：{tier.basis}。"
        )
        return NameHit(
            word=word.word,
            tier=tier.code,
            tier_label=tier.label,
            field=item.code,
            start=start,
            end=end,
            text=item.folded.source[start:end],
            status=candidate.status,
            reason=reason,
        )


def _live(candidates: list[_Candidate]) -> Iterator[_Candidate]:
    return (c for c in candidates if c.status == "hit")


def _drop_contained(candidates: list[_Candidate]) -> None:
    live = list(_live(candidates))
    for inner in live:
        if any(
            outer is not inner
            and outer.start <= inner.start
            and inner.end <= outer.end
            and outer.word.tier.rank <= inner.word.tier.rank
            for outer in live
        ):
            candidates.remove(inner)


def _first_of_each(hits: list[NameHit]) -> list[NameHit]:
    """One hit per (word, field, status): repeated words add nothing for the officer."""
    seen: dict[tuple[str, str, str], NameHit] = {}
    for hit in hits:
        seen.setdefault((hit.word, hit.field, hit.status), hit)
    return list(seen.values())


def _clause_end(text: str, index: int) -> int:
    depth = 0
    for position in range(index, len(text)):
        char = text[position]
        if char in _OPENERS:
            depth += 1
        elif char in _CLOSERS:
            if depth == 0:
                return position
            depth -= 1
        elif char in _ENDS and depth == 0:
            return position
    return len(text)


def _clause_start(text: str, index: int) -> int:
    depth = 0
    for position in range(index - 1, -1, -1):
        char = text[position]
        if char in _CLOSERS:
            depth += 1
        elif char in _OPENERS:
            if depth == 0:
                return position + 1
            depth -= 1
        elif char in _ENDS and depth == 0:
            return position + 1
    return 0


def exclusion_spans(text: str, lexicon: NameLexicon) -> list[tuple[int, int]]:
    """The spans of a folded scope that rule an activity out (“不得从事…”, “…除外”)."""
    spans = []
    for trigger in lexicon.exclusion_triggers:
        for match in re.finditer(re.escape(trigger), text):
            spans.append((match.start(), _clause_end(text, match.end())))
    for trailing in lexicon.exclusion_trailing:
        for match in re.finditer(re.escape(trailing), text):
            spans.append((_clause_start(text, match.start()), match.end()))
    return spans


_screeners: dict[bool, NameScreener] = {}


def default_screener(*, regional: bool = True) -> NameScreener:
    """The screener over the lexicon in force, with or without the regional tier.

    Compiled once per lexicon: a changed ``names.yaml`` gives a new lexicon object, and with it
    a new screener.
    """
    lexicon = name_lexicon()
    screener = _screeners.get(regional)
    if screener is None or screener.lexicon is not lexicon:
        tiers = None if regional else [t for t in lexicon.tiers if t != "regional"]
        screener = _screeners[regional] = NameScreener(lexicon, tiers=tiers)
    return screener


def screen_enterprise(
    *, name: str, scope: str = "", licence: str = NO_LICENCE, regional: bool = True
) -> NameResult:
    """Screen one enterprise with the lexicon in force."""
    return default_screener(regional=regional).screen(name=name, scope=scope, licence=licence)
