"""Loading the screening lexicons shipped in ``screening/data`` into checked, compiled objects.

The YAML files are the single place where words, patterns, weights and legal bases live; code
never repeats them. The word lists are the administrator's to change: a copy of ``names.yaml`` or
``texts.yaml`` at ``<FANGFEI_HOME>/screening/`` replaces the shipped file (``fangfei screen words
--copy`` puts one there; bump its ``version``), and is read again whenever it changes. A file with
a mistake is refused with a message naming the entry, so a typo cannot silently switch a rule off.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml

from fangfei.config import get_settings
from fangfei.errors import FangfeiError, FieldProblem, invalid
from fangfei.screening.normalize import Mode, fold

ALL_WORDS = "*"


def _broken(name: str, where: str, reason: str) -> FangfeiError:
    return invalid(f"筛查词表 {name} 有误：{where}{reason}。", [FieldProblem(where, reason)])


EDITABLE = ("names.yaml", "texts.yaml")


def edited_path(name: str) -> Path:
    """Where the administrator's copy of an editable lexicon lives."""
    return get_settings().resolved_home / "screening" / name


def shipped(name: str) -> Traversable:
    """A data file as shipped with fangfei."""
    return resources.files("fangfei.screening").joinpath("data", name)


def data_source(name: str) -> Path | Traversable:
    """The file in force: the administrator's copy of an editable lexicon, else the shipped one."""
    if name in EDITABLE and (edited := edited_path(name)).is_file():
        return edited
    return shipped(name)


def _version_key(name: str) -> tuple[str, int]:
    source = data_source(name)
    return str(source), source.stat().st_mtime_ns if isinstance(source, Path) else 0


def data_sha256(name: str) -> str:
    """The sha256 of the data file in force, as read (recorded with each screening run)."""
    return hashlib.sha256(data_source(name).read_bytes()).hexdigest()


def load_yaml(name: str) -> dict[str, Any]:
    """One data file of the screening package (the one in force), parsed."""
    source = data_source(name)
    try:
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise _broken(str(source), "文件", f"不是有效的 YAML（{exc}）") from exc
    if not isinstance(data, dict):
        raise _broken(str(source), "文件", "顶层必须是键值表")
    return data


def compile_pattern(name: str, where: str, pattern: object) -> re.Pattern[str]:
    """A regular expression of a lexicon, written in folded form (simplified, lower case)."""
    if not isinstance(pattern, str) or not pattern:
        raise _broken(name, where, "必须是非空的正则表达式")
    if fold(pattern, Mode.TEXT) != pattern:
        raise _broken(name, where, f"“{pattern}”须写成简体、小写、半角、不含空格的形式")
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise _broken(name, where, f"正则表达式“{pattern}”无法编译（{exc}）") from exc


# --- names and business scopes ----------------------------------------------------------------


@dataclass(frozen=True)
class Tier:
    """A tier of name words: how severe, what it is called, and the legal basis."""

    code: str
    label: str
    basis: str
    rank: int  # 0 is the most severe


@dataclass(frozen=True)
class NameWord:
    """A screened word as written in the file and in folded form."""

    word: str
    folded: str
    tier: Tier


@dataclass(frozen=True)
class NameException:
    """A context in which a word is not a hit (金融街, 基金会 …)."""

    word: str
    pattern: re.Pattern[str]
    reason: str


@dataclass(frozen=True)
class NameLexicon:
    """Everything name screening needs from ``names.yaml``."""

    version: int
    tiers: dict[str, Tier]
    words: tuple[NameWord, ...]
    exceptions: dict[str, tuple[NameException, ...]]
    exclusion_triggers: tuple[str, ...]
    exclusion_trailing: tuple[str, ...]
    licence_exemptions: dict[str, frozenset[str]]

    def exempts(self, licence: str, word: str) -> bool:
        """Whether a licence type exempts a word."""
        covered = self.licence_exemptions.get(licence, frozenset())
        return ALL_WORDS in covered or word in covered


def _tiers(name: str, data: dict[str, Any]) -> dict[str, Tier]:
    tiers: dict[str, Tier] = {}
    for rank, (code, spec) in enumerate((data.get("tiers") or {}).items()):
        if not isinstance(spec, dict) or not spec.get("label") or not spec.get("basis"):
            raise _broken(name, f"tiers.{code}", "须有 label 和 basis")
        tiers[code] = Tier(code, str(spec["label"]), str(spec["basis"]), rank)
    if not tiers:
        raise _broken(name, "tiers", "不能为空")
    return tiers


def _words(name: str, data: dict[str, Any], tiers: dict[str, Tier]) -> tuple[NameWord, ...]:
    words = []
    for index, entry in enumerate(data.get("words") or [], start=1):
        word, tier = str(entry.get("word") or ""), str(entry.get("tier") or "")
        if not word or tier not in tiers:
            raise _broken(name, f"words 第 {index} 项", f"须有 word，tier 须为 {'/'.join(tiers)}")
        words.append(NameWord(word, fold(word), tiers[tier]))
    if not words:
        raise _broken(name, "words", "不能为空")
    return tuple(words)


def _exceptions(name: str, data: dict[str, Any]) -> dict[str, tuple[NameException, ...]]:
    found: dict[str, list[NameException]] = {}
    for index, entry in enumerate(data.get("exceptions") or [], start=1):
        where = f"exceptions 第 {index} 项"
        word = fold(str(entry.get("word") or ""))
        pattern = compile_pattern(name, where, entry.get("pattern"))
        found.setdefault(word, []).append(NameException(word, pattern, str(entry.get("reason"))))
    return {word: tuple(items) for word, items in found.items()}


def _exemptions(data: dict[str, Any]) -> dict[str, frozenset[str]]:
    exemptions: dict[str, frozenset[str]] = {}
    for licence, words in (data.get("licence_exemptions") or {}).items():
        listed = [words] if isinstance(words, str) else list(words or [])
        exemptions[str(licence)] = frozenset(w if w == ALL_WORDS else fold(w) for w in listed)
    return exemptions


def name_lexicon() -> NameLexicon:
    """The lexicon of enterprise name and business-scope words in force."""
    return _name_lexicon(_version_key("names.yaml"))


@lru_cache(maxsize=2)
def _name_lexicon(_key: tuple[str, int]) -> NameLexicon:
    data = load_yaml("names.yaml")
    name = str(data_source("names.yaml"))  # in messages: the file an administrator would correct
    tiers = _tiers(name, data)
    exclusions = data.get("scope_exclusions") or {}
    return NameLexicon(
        version=int(data.get("version", 0)),
        tiers=tiers,
        words=_words(name, data, tiers),
        exceptions=_exceptions(name, data),
        exclusion_triggers=tuple(exclusions.get("triggers") or ()),
        exclusion_trailing=tuple(exclusions.get("trailing") or ()),
        licence_exemptions=_exemptions(data),
    )


# --- promotional texts ------------------------------------------------------------------------


@dataclass(frozen=True)
class TextPattern:
    """One pattern of a category and the weight of a hit on it."""

    pattern: re.Pattern[str]
    weight: int


@dataclass(frozen=True)
class TextCategory:
    """A category of claims (承诺还本付息/保本 …) with its patterns and legal basis."""

    code: str
    label: str
    group: str  # fundraising | lending
    basis: str
    patterns: tuple[TextPattern, ...]
    exceptions: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class TextLexicon:
    """Everything text screening needs from ``texts.yaml``."""

    version: int
    threshold: int
    likeness_threshold: float
    categories: tuple[TextCategory, ...]
    negations: tuple[tuple[re.Pattern[str], int], ...]  # (pattern, window) pairs
    disclaimers: tuple[re.Pattern[str], ...]
    disclaimer_weight: int
    disclaimer_max: int
    strong_reports: tuple[re.Pattern[str], ...]
    weak_reports: tuple[re.Pattern[str], ...]
    report_negation: re.Pattern[str]


def _text_patterns(name: str, where: str, spec: dict[str, Any]) -> tuple[TextPattern, ...]:
    default = int(spec.get("weight", 1))
    patterns = []
    for index, entry in enumerate(spec.get("patterns") or [], start=1):
        at = f"{where} patterns 第 {index} 项"
        if isinstance(entry, dict):
            weight = int(entry.get("weight", default))
            patterns.append(TextPattern(compile_pattern(name, at, entry.get("re")), weight))
        else:
            patterns.append(TextPattern(compile_pattern(name, at, entry), default))
    if not patterns:
        raise _broken(name, where, "没有任何 patterns")
    return tuple(patterns)


def _category(name: str, index: int, spec: dict[str, Any]) -> TextCategory:
    where = f"categories 第 {index} 项"
    for key in ("code", "label", "group", "basis"):
        if not spec.get(key):
            raise _broken(name, where, f"缺少 {key}")
    exceptions = tuple(
        compile_pattern(name, f"{where} exceptions 第 {i} 项", e)
        for i, e in enumerate(spec.get("exceptions") or [], start=1)
    )
    return TextCategory(
        code=str(spec["code"]),
        label=str(spec["label"]),
        group=str(spec["group"]),
        basis=str(spec["basis"]),
        patterns=_text_patterns(name, where, spec),
        exceptions=exceptions,
    )


def _pattern_list(name: str, where: str, items: object) -> tuple[re.Pattern[str], ...]:
    listed = items if isinstance(items, list) else []
    return tuple(
        compile_pattern(name, f"{where} 第 {i} 项", p) for i, p in enumerate(listed, start=1)
    )


def text_lexicon() -> TextLexicon:
    """The lexicon of promotional-text claims in force."""
    return _text_lexicon(_version_key("texts.yaml"))


@lru_cache(maxsize=2)
def _text_lexicon(_key: tuple[str, int]) -> TextLexicon:
    data = load_yaml("texts.yaml")
    name = str(data_source("texts.yaml"))  # in messages: the file an administrator would correct
    categories = tuple(
        _category(name, i, spec) for i, spec in enumerate(data.get("categories") or [], start=1)
    )
    negation, disclaimers = data.get("negation") or {}, data.get("disclaimers") or {}
    reports = data.get("reports") or {}
    return TextLexicon(
        version=int(data.get("version", 0)),
        threshold=int(data.get("threshold", 3)),
        likeness_threshold=float((data.get("likeness") or {}).get("threshold", 5)),
        categories=categories,
        negations=tuple(
            (compile_pattern(name, f"negation.{key}", spec.get("pattern")), int(spec["window"]))
            for key, spec in negation.items()
        ),
        disclaimers=_pattern_list(name, "disclaimers.patterns", disclaimers.get("patterns")),
        disclaimer_weight=int(disclaimers.get("weight", 2)),
        disclaimer_max=int(disclaimers.get("max_total", 4)),
        strong_reports=_pattern_list(name, "reports.strong", reports.get("strong")),
        weak_reports=_pattern_list(name, "reports.weak", reports.get("weak")),
        report_negation=compile_pattern(name, "reports.negation", reports.get("negation")),
    )
