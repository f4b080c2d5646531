"""相似度模型 — how much a text reads like the labelled promotions of the corpus.

The lexicon catches the claims it has words for; a new text often makes the same promise in
other words (一万块钱每月稳定拿四百五). The likeness model reads a text as the set of its character
1- to 3-grams (folded: simplified, lower case, no spaces) and weighs each gram by how much more
often it occurs in the corpus's positive texts than in its negative ones (a naive Bayes over
presence, with add-one smoothing); the sum is the text's log-odds of being a promotion. Grams the
corpus never saw count for nothing.

It is trained on the tuning splits only (``labelled.TRAINING``), at first use, in milliseconds,
so it changes exactly when the corpus does; ``holdout`` stays unseen. A text whose log-odds
reaches the lexicon's ``likeness.threshold`` is flagged even without a counted claim; the
explanation names the grams that weigh most, so an officer sees what it resembles.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from fangfei.screening.labelled import TRAINING, Sample, load_corpus
from fangfei.screening.normalize import Mode, fold

GRAM_SIZES = (1, 2, 3)
SHOWN_TERMS = 5
_PUNCTUATION = set(",;:。!?()“”\"'、…《》【】[]-—")


@dataclass(frozen=True)
class Likeness:
    """The log-odds of one text and the grams that weigh most towards a promotion."""

    log_odds: float
    terms: tuple[str, ...]


def grams(folded: str) -> set[str]:
    """The distinct character n-grams of a folded text, punctuation-only grams left out."""
    found = set()
    for size in GRAM_SIZES:
        for start in range(len(folded) - size + 1):
            gram = folded[start : start + size]
            if not set(gram) <= _PUNCTUATION:
                found.add(gram)
    return found


class LikenessModel:
    """Gram weights learnt from labelled samples."""

    def __init__(self, samples: Iterable[Sample]) -> None:
        seen: dict[bool, Counter[str]] = {True: Counter(), False: Counter()}
        texts: Counter[bool] = Counter()
        for sample in samples:
            texts[sample.positive] += 1
            seen[sample.positive].update(grams(fold(sample.text, Mode.TEXT)))
        positives, negatives = texts[True], texts[False]
        if not positives or not negatives:
            raise ValueError("the likeness model needs positive and negative samples")
        self.prior = math.log(positives / negatives)
        self.weights = {
            gram: math.log(
                ((seen[True][gram] + 1) / (positives + 2))
                / ((seen[False][gram] + 1) / (negatives + 2))
            )
            for gram in seen[True].keys() | seen[False].keys()
        }

    def read(self, folded: str) -> Likeness:
        """The log-odds of a folded text, and its strongest grams (longest first when nested)."""
        weighed = [(self.weights[g], g) for g in grams(folded) if g in self.weights]
        log_odds = self.prior + sum(weight for weight, _ in weighed)
        terms: list[str] = []
        for _, gram in sorted(weighed, key=lambda item: (-item[0] * len(item[1]), item[1])):
            if len(terms) == SHOWN_TERMS or len(gram) < 2 or self.weights[gram] <= 0:
                continue
            if set(gram) & _PUNCTUATION:
                continue
            if not any(gram in chosen or chosen in gram for chosen in terms):
                terms.append(gram)
        return Likeness(round(log_odds, 1), tuple(terms))


@lru_cache(maxsize=1)
def shipped_model() -> LikenessModel:
    """The model trained on the shipped corpus's tuning splits."""
    return LikenessModel(load_corpus(TRAINING))
