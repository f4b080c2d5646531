"""Duplicate detection at intake: the same key, a near-identical name, or the same informant.

Names are compared on a *subject key*: the name folded as the name screening folds it (full-width
forms, case, traditional characters, connectors: :func:`fangfei.screening.normalize.fold`), the
legal form (有限公司, 股份有限公司, 分公司 …) dropped and the remaining punctuation removed, so that “XX理财有限公司” and “ＸＸ理財公司” meet. Near-identical keys are found with
rapidfuzz's normalised Indel similarity; the threshold is a parameter of :func:`similar_keys`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from fangfei.screening.normalize import Mode, fold

# Longest first: the legal form is removed from the end of the name only.
LEGAL_FORMS = (
    "股份有限公司",
    "有限责任公司",
    "有限合伙企业",
    "（有限合伙）",
    "(有限合伙)",
    "有限公司",
    "分公司",
    "合伙企业",
    "个体工商户",
    "工作室",
    "集团",
    "公司",
)
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)
NAME_SIMILARITY = 88.0
# The same informant naming a subject again: a shortened name (“鑫盛财富” for “鑫盛财富管理”) counts.
SAME_INFORMANT_SIMILARITY = 75.0


def subject_key(name: str) -> str:
    """The form of a subject's name used to find the same subject reported twice."""
    key = fold(name, Mode.NAME).strip()
    for form in LEGAL_FORMS:
        if key.endswith(form) and len(key) > len(form):
            key = key[: -len(form)]
            break
    return _NOISE.sub("", key)


@dataclass(frozen=True)
class Match:
    """A candidate key and how similar it is (0–100)."""

    key: str
    score: float


def similar_keys(key: str, keys: list[str], *, threshold: float = NAME_SIMILARITY) -> list[Match]:
    """Keys at least ``threshold`` similar to ``key`` (best first; identical keys score 100)."""
    if not key:
        return []
    found = process.extract(key, keys, scorer=fuzz.ratio, score_cutoff=threshold, limit=20)
    return [Match(keys[index], score) for _, score, index in found]


def same_subject_loosely(key: str, other: str) -> bool:
    """Whether two keys may name the same subject when one is a shortened form of the other."""
    return bool(key and other) and fuzz.partial_ratio(key, other) >= SAME_INFORMANT_SIMILARITY
