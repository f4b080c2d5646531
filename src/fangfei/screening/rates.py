"""承诺收益识别 — promised returns in a text, each normalised to an annual percentage.

Forms read (cue words in ``data/rates.yaml``): ``年化12%``, ``月息1.5%``, ``日息0.1%``, ``每月返10%``,
``一年期利率12%``, ``年化8%-12%`` (the upper bound), ``12个点`` / ``二十个点``, ``百分之十``, ``千分之三每月``,
``万分之五每天``, ``2分利`` / ``月息2分`` / ``年息5厘``, ``年收益23倍`` and ``投资1万每月返175元``.

Conventions, stated once here and in the explanations:

- **simple annualisation**: annual % = per-period % × periods per year, with month × 12,
  week × 52, day × 365 and year × 1 (no compounding: promotional figures are quoted simple);
- a percentage with a return noun (收益率, 回报, 利息 …) but no period word is annual;
  ``万分之`` without a period word is daily, as lending ads use it; ``分``/``厘`` without one are
  monthly (2分利 = 月息2%); one 分 is 10% a year, 1% a month, 0.1% a day, a 厘 a tenth of that;
- ``N倍`` is a return of N × 100% of the stake over its period (年收益23倍 = 2300% a year);
- ``投资A每月返B`` and ``每A每月返B`` are B ÷ A per period;
- a figure of past performance, a benchmark or a negated one (近一年收益率25%, 业绩比较基准,
  不承诺年化12%) is extracted but marked ``promised=False``; a figure next to borrowing words
  (贷款, 额度, 下款 … in its clause or the one before) and no investing words (理财, 投资 …) is
  the cost of a loan (``kind="loan"``), not a return.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

from fangfei.screening.lexicon import load_yaml
from fangfei.screening.normalize import Folded, Mode, fold_with_origin
from fangfei.screening.numbers import AMOUNT, ARABIC, CHINESE, NUMBER, amount_value, number_value

PERIODS_PER_YEAR = {"year": 1, "month": 12, "week": 52, "day": 365}
PERIOD_LABELS = {"year": "年", "month": "月", "week": "周", "day": "日"}
CLAUSE_BREAKS = ",;。!?\n，；！？"
SENTENCE_BREAKS = "。!?\n！？"
_LOOK_BACK = 14
_LOOK_AHEAD = 4
_CENT = Decimal("0.01")

_PERCENT = re.compile(
    rf"(?<![\d.])(?:(?P<low>{ARABIC})(?:%|个点)?[-~至到])?(?P<n>{ARABIC})(?:%|个百分点|个点)"
)
_CN_PERCENT = re.compile(
    rf"百分之(?P<n>{NUMBER})|(?P<points>[一二两三四五六七八九十]+)个(?:百分)?点"
)
_PER_MILLE = re.compile(rf"千分之(?P<n>{NUMBER})|(?<![\d.])(?P<a>{ARABIC})‰")
_PER_TEN_THOUSAND = re.compile(rf"万分之(?P<n>{NUMBER})")
_FEN = re.compile(
    rf"(?P<cue>月息|月利率|月利|年息|年利率|年利|日息|日利率|日利)?"
    rf"(?P<n>{ARABIC}|[一二两三四五六七八九十半]+)(?P<unit>分|厘)"
    rf"(?:(?P<li>\d|[一二三四五六七八九])厘?)?(?P<tail>的?利息|利|息)?"
)
_TIMES = re.compile(rf"(?P<n>{NUMBER})倍")
_TIMES_CONTEXT = ("收益", "回报", "翻", "赚", "利润", "增值", "升值", "涨", "起步", "上线", "上市")
# A stake needs a unit or three digits, so that 投资一台 is not a stake of 1 yuan.
_STAKE_AMOUNT = rf"(?:\d{{3,}}(?:\.\d+)?(?:元|块)?|{ARABIC}(?:万元|万块|万|千元|千|w|k)|{CHINESE}[万千](?:元|块)?)"
_STAKE = re.compile(
    rf"(?P<verb>投资|投入|存入|充值|入股|认购|认领|认养|购买|买入|缴纳|交纳|出借|借出|加盟|预交|预存|入会|办理|投|存|买|交|办|每)"
    rf"[了满够到费]?(?:[^\d。;!?\n,]{{0,10}}?)(?P<p>{_STAKE_AMOUNT})[^。;!?\n]{{0,20}}?"
    rf"(?P<period>每个月|每月|每天|每日|每周|每年|一年|月|日|天|年|周)"
    rf"(?P<mid>[^\d。;!?\n,]{{0,8}}?)(?P<r>{AMOUNT})(?![\d.%‰倍个])(?P<after>的?(?:利息|收益|分红|回报))?"
)
_STAKE_VERBS = tuple(
    [
        "返",
        "收益",
        "利息",
        "分红",
        "拿",
        "领",
        "赚",
        "得",
        "回报",
        "付息",
        "到账",
        "给",
        "付",
        "发",
        "有",
    ]
)
_AFTER_NOUN = re.compile(r"的?(收益|利息|回报|分红|返利|红利|增值|升值|利润)")
_UNIT_CUES = ("天", "日", "月", "个月", "年", "周", "星期")
_MAX_COUNTED_PERIODS = 366  # 2023年收益率 is a year, not 2023 periods
_LEADING_NUMBER = re.compile(rf"(?:{ARABIC}|[一二两三四五六七八九十百]+)$")


@dataclass(frozen=True)
class RateCues:
    """The cue words of ``rates.yaml``."""

    periods: tuple[tuple[str, str], ...]  # (word, period), longest words first
    nouns: tuple[str, ...]
    broad: tuple[str, ...]
    loan: tuple[str, ...]
    investing: tuple[str, ...]
    not_promised: dict[str, tuple[str, ...]]
    fen_pct: dict[str, Decimal]


@lru_cache(maxsize=1)
def rate_cues() -> RateCues:
    """The shipped cue words."""
    data: dict[str, Any] = load_yaml("rates.yaml")
    periods = [(w, period) for period, words in data["periods"].items() for w in words]
    periods.sort(key=lambda pair: -len(pair[0]))
    return RateCues(
        periods=tuple(periods),
        nouns=tuple(data["return_words"]["nouns"]),
        broad=tuple(data["return_words"]["broad"]),
        loan=tuple(data["loan_words"]),
        investing=tuple(data["investing_words"]),
        not_promised={k: tuple(v) for k, v in data["not_promised"].items()},
        fen_pct={k: Decimal(str(v)) for k, v in data["fen_pct"].items()},
    )


@dataclass(frozen=True)
class RateMention:
    """One promised (or quoted) rate: where it is, its period and its annual equivalent."""

    text: str
    start: int
    end: int
    period: str  # year | month | week | day
    period_pct: Decimal
    annual_pct: Decimal
    kind: str  # return | loan
    promised: bool
    note: str = ""
    unpromised_by: str = ""  # past | benchmark | negation: why a figure is not a promise

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form (percentages as numbers)."""
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "period": self.period,
            "period_pct": float(self.period_pct),
            "annual_pct": float(self.annual_pct),
            "kind": self.kind,
            "promised": self.promised,
            "note": self.note,
        }


@dataclass
class _Figure:
    """A figure found by one of the forms, before its context is read."""

    start: int
    end: int
    value: Decimal  # per period, in percent
    period: str | None = None
    needs_return_word: bool = True
    default_period: str | None = "year"
    cue_start: int | None = None


def _plain(value: Decimal) -> Decimal:
    """A figure to 4 decimals without trailing zeros or an exponent (10, 1.75, 0.05)."""
    return Decimal(format(value.quantize(Decimal("0.0001")).normalize(), "f"))


def annualise(period_pct: Decimal, period: str) -> Decimal:
    """Simple annualisation: per-period percent × periods per year, to the cent of a percent."""
    return (period_pct * PERIODS_PER_YEAR[period]).quantize(_CENT, rounding=ROUND_HALF_UP)


def _clause_start(text: str, index: int) -> int:
    return max(text.rfind(c, 0, index) for c in CLAUSE_BREAKS) + 1


def _clause_end(text: str, index: int) -> int:
    ends = [e for e in (text.find(c, index) for c in CLAUSE_BREAKS) if e >= 0]
    return min(ends, default=len(text))


@dataclass(frozen=True)
class _Period:
    """A period word found before a figure."""

    period: str
    start: int  # where the cue words start (reaching back over touching cues of that period)
    word_start: int  # where the nearest word itself starts
    word: str


def _period_before(window: str, cues: RateCues) -> _Period | None:
    """The nearest period word in ``window``.

    The start reaches back over cue words of the same period touching the nearest one, so that
    ``每月返10%`` is reported whole rather than from ``月返``.
    """
    found = []  # (start, end, period, word) of the last occurrence of each word
    for word, period in cues.periods:
        at = window.rfind(word)
        if at >= 0:
            found.append((at, at + len(word), period, word))
    if not found:
        return None
    nearest = max(found, key=lambda f: (f[1], f[1] - f[0]))
    start = nearest[0]
    for at, end, period, _ in sorted(found, key=lambda f: -f[1]):
        if period == nearest[2] and end >= start:
            start = min(start, at)
    return _Period(nearest[2], start, nearest[0], nearest[3])


def _periods_counted(window: str, found: _Period) -> tuple[Decimal, int]:
    """How many periods a figure spans (15天内获得30% spans 15 days) and where the count starts."""
    if not found.word.startswith(_UNIT_CUES):
        return Decimal(1), found.start
    match = _LEADING_NUMBER.search(window, 0, found.word_start)
    count = number_value(match.group()) if match else None
    if match is None or count is None or not 1 < count <= _MAX_COUNTED_PERIODS:
        return Decimal(1), found.start
    return count, min(found.start, match.start())


def _period_after(window: str, cues: RateCues) -> tuple[str, int] | None:
    """The period of a word right after a figure (万分之五每天, 10%/月) and where the word ends."""
    stripped = window.lstrip("/的")
    for word, period in cues.periods:
        if stripped.startswith(word) and (len(word) > 1 or window.startswith("/")):
            return period, len(window) - len(stripped) + len(word)
    return None


def _figures(text: str, cues: RateCues) -> list[_Figure]:
    figures = [_Figure(m.start(), m.end(), Decimal(m.group("n"))) for m in _PERCENT.finditer(text)]
    for m in _CN_PERCENT.finditer(text):
        if (value := number_value(m.group("n") or m.group("points"))) is not None:
            figures.append(_Figure(m.start(), m.end(), value))
    for m in _PER_MILLE.finditer(text):
        if (value := number_value(m.group("n") or m.group("a"))) is not None:
            figures.append(_Figure(m.start(), m.end(), value / 10, None, False, None))
    for m in _PER_TEN_THOUSAND.finditer(text):
        if (value := number_value(m.group("n"))) is not None:
            figures.append(_Figure(m.start(), m.end(), value / 100, None, False, "day"))
    figures.extend(_fen_figures(text, cues))
    for m in _TIMES.finditer(text):
        clause = text[max(_clause_start(text, m.start()), m.start() - _LOOK_BACK) : m.start()]
        value = number_value(m.group("n"))
        if value is not None and any(w in clause for w in _TIMES_CONTEXT):
            figures.append(_Figure(m.start(), m.end(), value * 100, None, False))
    return figures


def _fen_figures(text: str, cues: RateCues) -> list[_Figure]:
    figures = []
    for m in _FEN.finditer(text):
        if not (m.group("cue") or m.group("tail")):
            continue
        value = number_value(m.group("n"))
        if value is None:
            continue
        cue = m.group("cue") or ""
        period = {"年": "year", "月": "month", "日": "day"}.get(cue[:1], "month")
        unit = cues.fen_pct[period]
        pct = value * unit if m.group("unit") == "分" else value * unit / 10
        if m.group("li"):
            pct += (number_value(m.group("li")) or Decimal(0)) * unit / 10
        figures.append(_Figure(m.start(), m.end(), pct, period, False, None, m.start()))
    return figures


def _stake_mentions(folded: Folded, cues: RateCues) -> list[RateMention]:
    mentions = []
    for m in _STAKE.finditer(folded.text):
        words = m.group("mid") + m.group("period")
        if not m.group("after") and not any(v in words for v in _STAKE_VERBS):
            continue
        stake, paid = amount_value(m.group("p")), amount_value(m.group("r"))
        if not stake or not paid or paid >= stake * 10:
            continue
        period = {"年": "year", "月": "month", "周": "week"}.get(m.group("period")[-1], "day")
        pct = paid / stake * 100
        note = f"按投入 {_plain(stake)} 元、每{PERIOD_LABELS[period]}回报 {_plain(paid)} 元折算"
        mentions.append(_mention(folded, m.start(), m.end(), period, pct, cues, note))
    return mentions


def _has_return_word(text: str, figure: _Figure, cues: RateCues, period_word: str) -> bool:
    window = text[max(_clause_start(text, figure.start), figure.start - _LOOK_BACK) : figure.start]
    if any(noun in window for noun in cues.nouns) or any(n in period_word for n in cues.nouns):
        return True
    if _AFTER_NOUN.match(text, figure.end):
        return True
    return bool(period_word) and any(b in window for b in cues.broad)


def _read_figure(folded: Folded, figure: _Figure, cues: RateCues) -> RateMention | None:
    text = folded.text
    start = max(_clause_start(text, figure.start), figure.start - _LOOK_BACK)
    end = figure.end
    period, period_word, cue_start = figure.period, "", figure.cue_start
    count = Decimal(1)
    if period is None:
        window = text[start : figure.start]
        found = _period_before(window, cues)
        if found:
            count, first_cue = _periods_counted(window, found)
            period, cue_start = found.period, start + first_cue
            period_word = text[start + found.start : figure.start]
        else:
            after = text[figure.end : min(_clause_end(text, figure.end), figure.end + _LOOK_AHEAD)]
            if later := _period_after(after, cues):
                period, end, period_word = later[0], figure.end + later[1], after[: later[1]]
    if figure.needs_return_word and not _has_return_word(text, figure, cues, period_word):
        return None
    period = period or figure.default_period
    if period is None:
        return None
    first = min(figure.start, cue_start) if cue_start is not None else figure.start
    note = f"{_plain(figure.value)}% 分摊到 {_plain(count)} 期" if count != 1 else ""
    return _mention(folded, first, end, period, figure.value / count, cues, note)


def _kind(context: str, cues: RateCues) -> str:
    """A loan rate when borrowing words are near and investing words are not (理财额度 invests)."""
    borrowing = any(w in context for w in cues.loan)
    return "loan" if borrowing and not any(w in context for w in cues.investing) else "return"


def _mention(
    folded: Folded, start: int, end: int, period: str, pct: Decimal, cues: RateCues, note: str
) -> RateMention:
    text = folded.text
    clause_start = _clause_start(text, start)
    before = text[clause_start:end]
    sentence_start = max(text.rfind(c, 0, start) for c in SENTENCE_BREAKS) + 1
    previous_clause = _clause_start(text, max(clause_start - 1, 0))
    context = text[max(sentence_start, previous_clause) : _clause_end(text, end)]
    why, reason = next(
        ((key, w) for key, words in cues.not_promised.items() for w in words if w in before),
        ("", ""),
    )
    original_start, original_end = folded.span(start, end)
    return RateMention(
        text=folded.source[original_start:original_end],
        start=original_start,
        end=original_end,
        period=period,
        period_pct=_plain(pct),
        annual_pct=annualise(pct, period),
        kind=_kind(context, cues),
        promised=not reason,
        note=note or (f"前有“{reason}”，不视为承诺" if reason else ""),
        unpromised_by=why,
    )


def extract_folded(folded: Folded) -> list[RateMention]:
    """Every rate in a text folded in text mode, in order, overlapping readings dropped."""
    cues = rate_cues()
    found = _stake_mentions(folded, cues)
    for figure in _figures(folded.text, cues):
        mention = _read_figure(folded, figure, cues)
        if mention is not None:
            found.append(mention)
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[RateMention] = []
    for mention in found:
        if not kept or mention.start >= kept[-1].end:
            kept.append(mention)
    return kept


def extract_rates(text: str) -> list[RateMention]:
    """Every promised or quoted rate in a text, normalised to an annual percentage."""
    return extract_folded(fold_with_origin(text, Mode.TEXT))
