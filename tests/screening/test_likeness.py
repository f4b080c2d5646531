"""The likeness model: gram weights learnt from labelled samples."""

from __future__ import annotations

import math

import pytest

from fangfei.screening.labelled import HELD_OUT, TRAINING, Sample, load_corpus
from fangfei.screening.likeness import LikenessModel, grams, shipped_model
from fangfei.screening.normalize import Mode, fold


def sample(text: str, positive: bool) -> Sample:
    return Sample(id=text, positive=positive, categories=(), kind="misc", text=text, split="t")


def test_grams_are_the_distinct_1_to_3_grams_without_punctuation_only_ones() -> None:
    assert grams("保本,") == {"保", "本", "保本", "本,", "保本,"}


def test_weights_are_the_smoothed_log_ratio_of_presence() -> None:
    model = LikenessModel([sample("保本", True), sample("保本息", True), sample("本店", False)])

    # 保: in 2 of 2 positives, 0 of 1 negative → log((3/4) / (1/3))
    assert model.weights["保"] == pytest.approx(math.log((3 / 4) / (1 / 3)))
    assert model.weights["本"] == pytest.approx(math.log((3 / 4) / (2 / 3)))
    assert model.prior == pytest.approx(math.log(2))
    reading = model.read("保本")
    expected = math.log(2) + sum(model.weights[g] for g in ("保", "本", "保本"))
    assert reading.log_odds == round(expected, 1)
    assert reading.terms == ("保本",)


def test_unseen_grams_count_for_nothing() -> None:
    model = LikenessModel([sample("保本", True), sample("本店", False)])

    assert model.read("天气").log_odds == 0.0


def test_the_shipped_model_never_sees_the_held_out_texts() -> None:
    assert set(HELD_OUT).isdisjoint(TRAINING)
    held_out = load_corpus(HELD_OUT)
    trained = LikenessModel(load_corpus(TRAINING))
    text = fold(held_out[0].text, Mode.TEXT)

    assert shipped_model().read(text) == trained.read(text)


def test_a_model_needs_both_labels() -> None:
    with pytest.raises(ValueError):
        LikenessModel([sample("保本", True)])
