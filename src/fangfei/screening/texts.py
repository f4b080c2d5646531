"""宣传文本筛查 — claims of illegal fundraising and bait of illegal lending in promotional texts.

A text is folded (``normalize``), then read in four passes, each explainable on its own:

1. **claims**: every pattern of ``data/texts.yaml`` is matched; a hit is set aside when an
   exception of its category covers it (保本微利), when it lies inside a standard risk disclosure
   (“本产品不保本”), or when a negation comes shortly before it in the same clause
   (不承诺保本保息, 谨防“高额回报”);
2. **rates** (``rates``): promised returns above the benchmark (default 4 × the current one-year
   LPR) and loan rates above 36% count as hits of their own;
3. **disclosures**: each standard risk disclosure found lowers the score;
4. **reports**: a text with news or warning cues (警方提醒, 涉嫌非法集资被查, 骗局 …) quotes claims
   rather than makes them, and is never flagged; its hits are still listed;
5. **likeness** (``likeness``): how much the text reads like the corpus's promotions.

Score = the sum, over categories, of the weight of the category's strongest counted hit, less the
disclosures; a text is flagged when the score reaches the lexicon's threshold, or when its
likeness reaches the likeness threshold (the promise made in words the lexicon lacks).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from fangfei.screening.lexicon import TextCategory, TextLexicon, text_lexicon
from fangfei.screening.likeness import Likeness, shipped_model
from fangfei.screening.lpr import default_benchmark_pct
from fangfei.screening.normalize import Folded, Mode, fold_with_origin
from fangfei.screening.rates import CLAUSE_BREAKS, RateMention, extract_folded

LOAN_RATE_LINE = Decimal(36)
REPORT_NEGATION_WINDOW = 8
RATE_CATEGORIES = {
    "rate_above_benchmark": ("承诺收益高于基准", "fundraising", 3),
    "past_rate_above_benchmark": ("宣传的历史收益高于基准", "fundraising", 1),
    "loan_rate_above_36": ("借款利率超过36%", "lending", 2),
}
RATE_BASES = {
    "rate_above_benchmark": "法释〔2022〕5号第一条（承诺给付回报）；承诺收益明显高于正常水平是非法集资的典型特征",
    "past_rate_above_benchmark": "以历史收益暗示回报（持牌产品须同时作风险揭示，揭示可抵扣此项）",
    "loan_rate_above_36": "两高两部《关于办理非法放贷刑事案件若干问题的意见》（2019）：实际年利率超过36%的放贷计入非法放贷",
}


@dataclass(frozen=True)
class TextHit:
    """One claim found in a text, with its original span, and whether it counts."""

    start: int
    end: int
    category: str
    label: str
    group: str
    text: str
    weight: int
    status: str = "hit"  # hit | negated | disclosure | exception
    note: str = ""
    rule: int = 0  # which pattern of the category matched

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "start": self.start,
            "end": self.end,
            "category": self.category,
            "label": self.label,
            "text": self.text,
            "weight": self.weight,
            "status": self.status,
            "note": self.note,
        }


@dataclass(frozen=True)
class Cue:
    """A disclosure or a report cue found in a text."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class TextResult:
    """The screening of one text."""

    text: str
    flagged: bool
    score: int
    threshold: int
    benchmark_pct: Decimal
    is_report: bool
    hits: tuple[TextHit, ...]
    ignored: tuple[TextHit, ...]
    rates: tuple[RateMention, ...]
    disclosures: tuple[Cue, ...]
    report_cues: tuple[Cue, ...]
    categories: tuple[str, ...]
    explanation: str
    likeness: Likeness
    likeness_threshold: float

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form: flagged, score, rates, hits and the explanation."""
        return {
            "flagged": self.flagged,
            "score": self.score,
            "threshold": self.threshold,
            "benchmark_pct": float(self.benchmark_pct),
            "is_report": self.is_report,
            "categories": list(self.categories),
            "rates": [rate.as_dict() for rate in self.rates],
            "hits": [hit.as_dict() for hit in self.hits],
            "ignored": [hit.as_dict() for hit in self.ignored],
            "disclosures": [cue.text for cue in self.disclosures],
            "report_cues": [cue.text for cue in self.report_cues],
            "likeness": self.likeness.log_odds,
            "likeness_threshold": self.likeness_threshold,
            "likeness_terms": list(self.likeness.terms),
            "explanation": self.explanation,
        }


@dataclass
class _Reading:
    folded: Folded
    lexicon: TextLexicon
    disclosure_spans: list[tuple[int, int]] = field(default_factory=list)
    masked: str = ""
    hits: list[TextHit] = field(default_factory=list)
    ignored: list[TextHit] = field(default_factory=list)


def _clause_start(text: str, index: int) -> int:
    return max(text.rfind(c, 0, index) for c in CLAUSE_BREAKS) + 1


def _preceding(text: str, index: int, window: int) -> str:
    return text[max(_clause_start(text, index), index - window) : index]


def _covered(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= start and end <= e for s, e in spans)


def _status(reading: _Reading, category: TextCategory, start: int, end: int) -> tuple[str, str]:
    text, lexicon = reading.folded.text, reading.lexicon
    for exception in category.exceptions:
        if _covered(start, end, [m.span() for m in exception.finditer(text)]):
            return "exception", "属于例外用语"
    if _covered(start, end, reading.disclosure_spans):
        return "disclosure", "出现在标准风险揭示中"
    for pattern, window in lexicon.negations:
        negation = pattern.search(_preceding(reading.masked, start, window))
        if negation:
            return "negated", f"前有否定或警示词“{negation.group()}”"
    return "hit", ""


def _masked(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with every claim blanked out, so that 无 of 无抵押 does not negate 无担保."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = "□" * (end - start)
    return "".join(chars)


def _claims(reading: _Reading) -> None:
    text = reading.folded.text
    found = [
        (category, rule, pattern.weight, match.start(), match.end())
        for category in reading.lexicon.categories
        for rule, pattern in enumerate(category.patterns)
        for match in pattern.pattern.finditer(text)
        if match.end() > match.start()
    ]
    reading.masked = _masked(text, [(start, end) for _, _, _, start, end in found])
    for category, rule, weight, start, end in found:
        status, note = _status(reading, category, start, end)
        first, last = reading.folded.span(start, end)
        hit = TextHit(
            first,
            last,
            category.code,
            category.label,
            category.group,
            reading.folded.source[first:last],
            weight,
            status,
            note,
            rule,
        )
        (reading.hits if status == "hit" else reading.ignored).append(hit)


def _outermost(hits: list[TextHit]) -> list[TextHit]:
    """Hits not lying inside a longer, at least as strong hit of their category (保本 in 保本保息)."""
    return [
        hit
        for hit in hits
        if not any(
            other.category == hit.category
            and other.start <= hit.start
            and hit.end <= other.end
            and other.end - other.start > hit.end - hit.start
            and other.weight >= hit.weight
            for other in hits
        )
    ]


def _rate_hit(rate: RateMention, code: str, note: str) -> TextHit:
    label, group, weight = RATE_CATEGORIES[code]
    return TextHit(rate.start, rate.end, code, label, group, rate.text, weight, "hit", note)


def _rate_hits(rates: list[RateMention], benchmark_pct: Decimal) -> list[TextHit]:
    hits = []
    for rate in rates:
        if not rate.promised:
            if rate.unpromised_by in ("past", "benchmark") and rate.annual_pct > benchmark_pct:
                note = f"历史或基准收益折合年化 {rate.annual_pct}%，高于基准 {benchmark_pct}%"
                hits.append(_rate_hit(rate, "past_rate_above_benchmark", note))
            continue
        if rate.kind == "return" and rate.annual_pct > benchmark_pct:
            note = f"折合年化 {rate.annual_pct}%，高于基准 {benchmark_pct}%"
            hits.append(_rate_hit(rate, "rate_above_benchmark", note))
        elif rate.kind == "loan" and rate.annual_pct > LOAN_RATE_LINE:
            note = f"折合年化 {rate.annual_pct}%，超过 36%"
            hits.append(_rate_hit(rate, "loan_rate_above_36", note))
    return hits


def _cues(folded: Folded, patterns: Iterable[re.Pattern[str]]) -> list[Cue]:
    cues = []
    for pattern in patterns:
        for match in pattern.finditer(folded.text):
            first, last = folded.span(*match.span())
            cues.append(Cue(first, last, folded.source[first:last]))
    return cues


def _report_cues(folded: Folded, lexicon: TextLexicon) -> tuple[list[Cue], list[Cue]]:
    def counted(patterns: Iterable[re.Pattern[str]]) -> list[Cue]:
        """The cues of ``patterns`` not shortly after a denial (不是骗局)."""
        found = []
        for pattern in patterns:
            for match in pattern.finditer(folded.text):
                before = _preceding(folded.text, match.start(), REPORT_NEGATION_WINDOW)
                if not lexicon.report_negation.search(before):
                    first, last = folded.span(*match.span())
                    found.append(Cue(first, last, folded.source[first:last]))
        return found

    return counted(lexicon.strong_reports), counted(lexicon.weak_reports)


def _places(hits: list[TextHit]) -> int:
    """How many different wordings a category was found with at separate places."""
    wordings: set[str] = set()
    reach = -1
    for hit in sorted(hits, key=lambda h: (h.start, -h.end)):
        if hit.start >= reach:
            wordings.add(hit.text)
        reach = max(reach, hit.end)
    return len(wordings)


def _score(hits: list[TextHit], disclosures: list[Cue], lexicon: TextLexicon) -> int:
    """Each category's strongest hit, plus 1 for a category found twice in different words."""
    by_category: dict[str, list[TextHit]] = {}
    for hit in hits:
        by_category.setdefault(hit.category, []).append(hit)
    total = sum(
        max(h.weight for h in found) + (1 if _places(found) > 1 else 0)
        for found in by_category.values()
    )
    distinct = len({cue.text for cue in disclosures})
    relief = min(distinct * lexicon.disclaimer_weight, lexicon.disclaimer_max)
    return max(0, total - relief)


def _quoted(texts: list[str], limit: int = 3) -> str:
    unique = list(dict.fromkeys(texts))
    more = f"等 {len(unique)} 处" if len(unique) > limit else ""
    return "、".join(f"“{t}”" for t in unique[:limit]) + more


def _verdict(
    score: int,
    lexicon: TextLexicon,
    likeness: Likeness,
    alike: bool,
    is_report: bool,
    hits: list[TextHit],
    cues: list[Cue],
) -> str:
    threshold = lexicon.threshold
    if is_report:
        return (
            f"文本含新闻报道或风险提示用语（{_quoted([c.text for c in cues])}），"
            f"其中引述的宣传用语不计为违规宣传（宣传用语得分 {score}）。"
        )
    if score >= threshold:
        return f"疑似非法集资或非法放贷宣传：得分 {score}，达到阈值 {threshold}。"
    if alike:
        return (
            f"疑似非法集资或非法放贷宣传：用语得分 {score} 未达到阈值 {threshold}，但文本与语料库中的"
            f"违规宣传高度相似（相似度 {likeness.log_odds}，阈值 {lexicon.likeness_threshold:g}；"
            f"相似用语 {_quoted(list(likeness.terms), limit=5)}），请人工核实。"
        )
    if hits:
        return f"有可疑用语，但得分 {score} 未达到阈值 {threshold}。"
    return "未发现非法集资或非法放贷宣传用语。"


def _details(hits: list[TextHit], lexicon: TextLexicon) -> str:
    """Each category with what was found, grouped under its legal basis."""
    bases = {c.code: c.basis for c in lexicon.categories} | RATE_BASES
    by_category: dict[str, list[TextHit]] = {}
    for hit in hits:
        by_category.setdefault(hit.category, []).append(hit)
    by_basis: dict[str, list[str]] = {}
    for code, found in by_category.items():
        notes = "；".join(dict.fromkeys(h.note for h in found if h.note))
        extra = f"，{notes}" if notes else ""
        found_text = f"{found[0].label}：{_quoted([h.text for h in found])}{extra}"
        by_basis.setdefault(bases[code], []).append(found_text)
    return "".join(f"{'；'.join(parts)}（依据：{basis}）。" for basis, parts in by_basis.items())


def _disclosure_note(disclosures: list[Cue]) -> str:
    if not disclosures:
        return ""
    return f"含标准风险揭示（{_quoted([c.text for c in disclosures])}），得分相应扣减。"


def screen_text(
    text: str, *, benchmark_pct: Decimal | None = None, lexicon: TextLexicon | None = None
) -> TextResult:
    """Screen one promotional text; ``benchmark_pct`` defaults to 4 × the latest shipped LPR."""
    lexicon = lexicon or text_lexicon()
    benchmark = default_benchmark_pct() if benchmark_pct is None else benchmark_pct
    folded = fold_with_origin(text, Mode.TEXT)
    reading = _Reading(folded, lexicon)
    reading.disclosure_spans = [
        match.span() for pattern in lexicon.disclaimers for match in pattern.finditer(folded.text)
    ]
    _claims(reading)
    rates = extract_folded(folded)
    hits = sorted(
        _outermost(reading.hits) + _rate_hits(rates, benchmark), key=lambda h: (h.start, h.end)
    )
    disclosures = _cues(folded, lexicon.disclaimers)
    strong, weak = _report_cues(folded, lexicon)
    is_report = bool(strong) or len({cue.text for cue in weak}) >= 2
    score = _score(hits, disclosures, lexicon)
    likeness = shipped_model().read(folded.text)
    alike = likeness.log_odds >= lexicon.likeness_threshold
    flagged = (score >= lexicon.threshold or alike) and not is_report
    categories = tuple(dict.fromkeys(hit.category for hit in hits))
    verdict = _verdict(score, lexicon, likeness, alike, is_report, hits, strong + weak)
    explanation = verdict + _details(hits, lexicon) + _disclosure_note(disclosures)
    return TextResult(
        text=text,
        flagged=flagged,
        score=score,
        threshold=lexicon.threshold,
        benchmark_pct=benchmark,
        is_report=is_report,
        hits=tuple(hits),
        ignored=tuple(sorted(reading.ignored, key=lambda h: (h.start, h.end))),
        rates=tuple(rates),
        disclosures=tuple(disclosures),
        report_cues=tuple(strong + weak),
        categories=categories,
        explanation=explanation,
        likeness=likeness,
        likeness_threshold=lexicon.likeness_threshold,
    )
