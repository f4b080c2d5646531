"""The labelled corpus of promotional texts shipped in ``screening/corpus`` (see its README).

``tune`` to ``tune5`` shaped the lexicon and train the likeness model (``likeness``);
``holdout`` is never used for either, so its figures estimate how screening does on new texts.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

SPLITS = ("tune", "tune2", "tune3", "tune4", "tune5", "holdout")
HELD_OUT = ("holdout",)
TRAINING = tuple(split for split in SPLITS if split not in HELD_OUT)


@dataclass(frozen=True)
class Sample:
    """One labelled text of the corpus."""

    id: str
    positive: bool
    categories: tuple[str, ...]
    kind: str
    text: str
    split: str


def corpus_bytes(split: str) -> bytes:
    """One split's file as shipped."""
    return resources.files("fangfei.screening").joinpath("corpus", f"{split}.jsonl").read_bytes()


def load_corpus(splits: Sequence[str] = SPLITS) -> list[Sample]:
    """The shipped corpus, split by split."""
    samples = []
    for split in splits:
        for line in corpus_bytes(split).decode("utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                samples.append(
                    Sample(
                        id=row["id"],
                        positive=bool(row["label"]),
                        categories=tuple(row.get("categories") or ()),
                        kind=str(row.get("kind") or ""),
                        text=row["text"],
                        split=split,
                    )
                )
    return samples
