"""语料评测 — precision and recall of text screening on the project's labelled corpus.

The corpus (``screening/corpus/*.jsonl``, one JSON object a line: ``id, label (1 = illegal
promotion), categories, kind, text``) was written for fangfei; ``corpus/README.md`` tells its
history (``labelled`` reads it). ``tune`` shaped the lexicon; ``tune2`` to ``tune5`` were each
written as held-out sets after a round of tuning, evaluated once, and then used for the next round
and to train the likeness model; ``holdout`` was written before the last round and never used for
either — its figures are the honest estimate for new texts. The goal is met when both the corpus
evaluated and its held-out part reach it.

Per category (the categories a positive text was labelled with): how many of its texts are
flagged (recall), how many have that category among their hits (detection), and, of the texts
flagged with the category, how many are positives (precision).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from fangfei.screening.labelled import HELD_OUT, Sample
from fangfei.screening.lexicon import text_lexicon
from fangfei.screening.texts import RATE_CATEGORIES, TextResult, screen_text

GOAL_PRECISION = 0.9
GOAL_RECALL = 0.9


@dataclass
class Figures:
    """Confusion counts of a set of samples."""

    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    true_negatives: int = 0

    def add(self, positive: bool, flagged: bool) -> None:
        """Count one sample."""
        if positive and flagged:
            self.true_positives += 1
        elif positive:
            self.false_negatives += 1
        elif flagged:
            self.false_positives += 1
        else:
            self.true_negatives += 1

    @property
    def positives(self) -> int:
        """Texts labelled illegal promotion."""
        return self.true_positives + self.false_negatives

    @property
    def negatives(self) -> int:
        """Texts labelled legitimate."""
        return self.false_positives + self.true_negatives

    @property
    def precision(self) -> float:
        """Flagged texts that are positives (1.0 when nothing is flagged)."""
        flagged = self.true_positives + self.false_positives
        return self.true_positives / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        """Positives that are flagged (1.0 when there are none)."""
        return self.true_positives / self.positives if self.positives else 1.0

    def meets_goal(self) -> bool:
        """Precision and recall both at least 0.9."""
        return self.precision >= GOAL_PRECISION and self.recall >= GOAL_RECALL


@dataclass
class CategoryFigures:
    """How one category fares on the positives labelled with it."""

    code: str
    label: str
    samples: int = 0
    flagged: int = 0
    detected: int = 0
    flagged_with_category: int = 0
    positives_flagged_with_category: int = 0


@dataclass
class QualityReport:
    """Everything ``fangfei screen quality`` prints."""

    overall: Figures
    by_split: dict[str, Figures]
    by_category: list[CategoryFigures]
    mistakes: list[tuple[Sample, TextResult]] = field(default_factory=list)

    def held_out(self) -> Figures:
        """The held-out splits evaluated, together (empty when none was)."""
        together = Figures()
        for split, figures in self.by_split.items():
            if split in HELD_OUT:
                together.true_positives += figures.true_positives
                together.false_positives += figures.false_positives
                together.false_negatives += figures.false_negatives
                together.true_negatives += figures.true_negatives
        return together

    def meets_goal(self) -> bool:
        """Whether the corpus evaluated, and its held-out part on its own, meet the goal."""
        return self.overall.meets_goal() and self.held_out().meets_goal()


def _category_table() -> dict[str, CategoryFigures]:
    labels = {c.code: c.label for c in text_lexicon().categories}
    labels |= {code: spec[0] for code, spec in RATE_CATEGORIES.items()}
    return {code: CategoryFigures(code, label) for code, label in labels.items()}


def _count_categories(
    table: dict[str, CategoryFigures], sample: Sample, result: TextResult
) -> None:
    for code in sample.categories:
        figures = table[code]
        figures.samples += 1
        figures.flagged += result.flagged
        figures.detected += code in result.categories
    if result.flagged:
        for code in result.categories:
            table[code].flagged_with_category += 1
            table[code].positives_flagged_with_category += sample.positive


def evaluate(samples: Iterable[Sample], *, benchmark_pct: Decimal | None = None) -> QualityReport:
    """Screen every sample and count the outcomes."""
    report = QualityReport(Figures(), {}, [])
    table = _category_table()
    for sample in samples:
        result = screen_text(sample.text, benchmark_pct=benchmark_pct)
        report.overall.add(sample.positive, result.flagged)
        report.by_split.setdefault(sample.split, Figures()).add(sample.positive, result.flagged)
        _count_categories(table, sample, result)
        if result.flagged != sample.positive:
            report.mistakes.append((sample, result))
    report.by_category = [f for f in table.values() if f.samples or f.flagged_with_category]
    return report
