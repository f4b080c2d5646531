"""Account-level quality of the scenario pack against the generator's ground truth.

For each typology T: an account is *labelled* T when the generator built it to show T, and
*predicted* T when it has an alert whose typologies include T. Overall, an account is positive
when it is labelled with any typology and predicted when it has any alert. Scheme members built
to show no typology of their own (a Ponzi network's core account) are counted apart. ``shape_only`` repeats the count as if every defining hit
alerted at full strength — what a rule without the discriminating signals would report.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from fangfei.monitoring.alerts import Alert
from fangfei.monitoring.engines import make_engine
from fangfei.monitoring.generator import Difficulty, GeneratorConfig, generate
from fangfei.monitoring.importer import import_files
from fangfei.monitoring.runner import default_window, run_store
from fangfei.monitoring.scenarios import SCENARIOS
from fangfei.monitoring.scenarios.spec import Pack
from fangfei.monitoring.scoring import collect_hits, score_hits
from fangfei.monitoring.store import BankStore

TYPOLOGIES = ("collection", "payout", "transit", "dormant", "cycle", "lending")
WATCHED_ROLES = ("payroll", "merchant", "merchant_hq")
Tick = Callable[[str], None]


@dataclass(frozen=True)
class Metrics:
    """Precision, recall and F1 of one typology (or overall)."""

    name: str
    labelled: int
    predicted: int
    correct: int

    @property
    def precision(self) -> float:
        """Correct ÷ predicted (1 when nothing was predicted)."""
        return self.correct / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        """Correct ÷ labelled (1 when nothing was labelled)."""
        return self.correct / self.labelled if self.labelled else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class Labels:
    """The generator's ground truth per account id."""

    typologies: dict[str, set[str]]
    roles: dict[str, str]
    schemes: set[str]


def read_labels(path: Path) -> Labels:
    """``labels.csv`` as written by the generator."""
    typologies: dict[str, set[str]] = {}
    roles: dict[str, str] = {}
    schemes: set[str] = set()
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            account = row["account_id"]
            roles[account] = row["role"]
            typologies[account] = {t for t in row["typologies"].split(";") if t}
            if row["scheme"]:
                schemes.add(account)
    return Labels(typologies, roles, schemes)


def _metrics(name: str, labelled: set[str], predicted: set[str]) -> Metrics:
    return Metrics(name, len(labelled), len(predicted), len(labelled & predicted))


def evaluate(predicted: dict[str, set[str]], labels: Labels) -> list[Metrics]:
    """Per typology, then overall (any scheme account vs any prediction)."""
    out = []
    for typology in TYPOLOGIES:
        truth = {a for a, ts in labels.typologies.items() if typology in ts}
        guess = {a for a, ts in predicted.items() if typology in ts}
        out.append(_metrics(typology, truth, guess))
    labelled = {a for a, ts in labels.typologies.items() if ts}
    out.append(_metrics("overall", labelled, set(predicted)))
    return out


def shape_only(hits: dict[str, pa.Table], pack: Pack) -> dict[str, set[str]]:
    """Predictions if every defining hit alerted, whatever its strength."""
    out: dict[str, set[str]] = {}
    for (_, account), found in collect_hits(hits, pack).items():
        kinds = {SCENARIOS[h.evidence.scenario].typology for h in found}
        kinds.discard(None)
        if kinds:
            out[account] = {k for k in kinds if k}
    return out


@dataclass(frozen=True)
class QualityReport:
    """One difficulty's figures."""

    difficulty: str
    accounts: int
    rows: int
    metrics: list[Metrics]
    shape_only: list[Metrics]
    watched_alerted: dict[str, int]
    watched_total: dict[str, int]
    core_alerted: int
    core_total: int


def measure(
    difficulty: Difficulty,
    *,
    accounts: int,
    days: int,
    seed: int,
    pack: Pack,
    engine: str = "duckdb",
    tick: Tick | None = None,
) -> QualityReport:
    """Generate a county, import it, run the pack and score it against the labels."""
    with tempfile.TemporaryDirectory(prefix="fangfei-quality-") as tmp:
        work = Path(tmp)
        if tick:
            tick(f"{difficulty}：生成数据")
        made = generate(GeneratorConfig(accounts, days, seed, difficulty), work / "data", "parquet")
        store = BankStore(work / "bank")
        if tick:
            tick(f"{difficulty}：导入")
        import_files(made.accounts_path, made.transactions_path, store=store)
        if tick:
            tick(f"{difficulty}：运行监测模型")
        runner = make_engine(engine)
        try:
            window = default_window(store, None, None)
            hits = run_store(runner, pack, store, window)
        finally:
            runner.close()
        labels = read_labels(made.labels_path)
    alerts = score_hits(hits, pack, window, engine)
    return report(difficulty, made.rows, alerts, hits, labels, pack)


def report(
    difficulty: str,
    rows: int,
    alerts: list[Alert],
    hits: dict[str, pa.Table],
    labels: Labels,
    pack: Pack,
) -> QualityReport:
    """The figures of one run against its labels."""
    predicted = {a.account_id: set(a.typologies) for a in alerts}
    watched = {
        role: sum(1 for a in predicted if labels.roles.get(a) == role) for role in WATCHED_ROLES
    }
    totals = {role: sum(1 for r in labels.roles.values() if r == role) for role in WATCHED_ROLES}
    return QualityReport(
        difficulty,
        len(labels.roles),
        rows,
        evaluate(predicted, labels),
        evaluate(shape_only(hits, pack), labels),
        watched,
        totals,
        sum(1 for a in predicted if a in labels.schemes and not labels.typologies[a]),
        sum(1 for a in labels.schemes if not labels.typologies[a]),
    )
