"""The administrator's copy of the word lists replaces the shipped one and takes effect at once."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fangfei.errors import FangfeiError
from fangfei.screening.cli import app as screen_app
from fangfei.screening.lexicon import data_sha256, data_source, name_lexicon, shipped
from fangfei.screening.names import screen_enterprise
from fangfei.screening.texts import screen_text


def _copy(home: Path) -> None:
    result = CliRunner().invoke(screen_app, ["words", "--copy"])
    assert result.exit_code == 0, result.output
    assert (home / "screening" / "names.yaml").read_bytes() == shipped("names.yaml").read_bytes()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_without_a_copy_the_shipped_lexicon_is_in_force(home: Path) -> None:
    assert data_source("names.yaml") == shipped("names.yaml")
    assert not screen_enterprise(name="某县农家乐互助合作社").flagged


def test_a_regional_word_added_by_the_administrator_is_screened_at_once(home: Path) -> None:
    _copy(home)
    edited = home / "screening" / "names.yaml"
    _edit(edited, "version: 1", "version: 2")
    _edit(edited, "  - {word: 商业保理, tier: regional}",
          "  - {word: 商业保理, tier: regional}\n  - {word: 互助合作, tier: regional}")  # fmt: skip

    result = screen_enterprise(name="某县农家乐互助合作社")

    assert name_lexicon().version == 2
    assert [(h.word, h.tier, h.field) for h in result.hits] == [("互助合作", "regional", "name")]
    assert data_source("names.yaml") == edited
    assert data_sha256("names.yaml") == hashlib.sha256(edited.read_bytes()).hexdigest()


def test_a_word_moved_to_another_tier_reports_that_tier(home: Path) -> None:
    _copy(home)
    _edit(home / "screening" / "names.yaml", "{word: 支付, tier: joint_review}",
          "{word: 支付, tier: barred}")  # fmt: skip

    hits = screen_enterprise(name="某县快捷支付服务有限公司").hits

    assert [(h.word, h.tier_label) for h in hits] == [("支付", "禁止使用")]


def test_a_broken_copy_is_refused_naming_the_entry(home: Path) -> None:
    _copy(home)
    _edit(home / "screening" / "names.yaml", "{word: 典当, tier: regional}",
          "{word: 典当, tier: local}")  # fmt: skip

    with pytest.raises(FangfeiError) as caught:
        screen_enterprise(name="某县典当行")

    assert (
        f"筛查词表 {home / 'screening' / 'names.yaml'} 有误：words 第 20 项" in caught.value.message
    )
    assert "tier 须为 barred/joint_review/regional" in caught.value.message


def test_the_text_lexicon_copy_is_in_force_too(home: Path) -> None:
    _copy(home)
    assert screen_text("保本保息").score == 3
    _edit(home / "screening" / "texts.yaml", "threshold: 3\n", "threshold: 4\n")

    assert screen_text("保本保息").threshold == 4


def test_words_prints_the_tiers_in_force(home: Path) -> None:
    result = CliRunner().invoke(screen_app, ["words"])

    assert result.exit_code == 0
    assert "名称词表：" in result.output and "（版本 1，" in result.output
    assert "禁止使用（barred）：金融、交易所、交易中心、理财、财富管理、股权众筹" in result.output
