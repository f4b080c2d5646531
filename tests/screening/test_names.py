"""Name and business-scope words: variants found, ordinary words not over-found, licences exempt."""

from __future__ import annotations

import pytest

from fangfei.screening.names import NameResult, licence_code, screen_enterprise


def hits(result: NameResult) -> list[tuple[str, str, str, int, int, str]]:
    return [(h.word, h.tier, h.field, h.start, h.end, h.text) for h in result.hits]


def ignored(result: NameResult) -> list[tuple[str, str, str]]:
    return [(h.word, h.field, h.status) for h in result.ignored]


@pytest.mark.parametrize(
    ("name", "word", "tier", "span", "written"),
    [
        ("北京理财顾问有限公司", "理财", "barred", (2, 4), "理财"),
        ("北京理 财顾问有限公司", "理财", "barred", (2, 5), "理 财"),
        ("北京理財顧問有限公司", "理财", "barred", (2, 4), "理財"),
        ("ＡＢＣ　Ｐ２Ｐ网络科技有限公司", "P2P", "joint_review", (4, 7), "Ｐ２Ｐ"),
        ("p-2-p网络科技有限公司", "P2P", "joint_review", (0, 5), "p-2-p"),
        ("某某財富管理有限公司", "财富管理", "barred", (2, 6), "財富管理"),
        ("某某網絡借貸信息中介有限公司", "网络借贷", "joint_review", (2, 6), "網絡借貸"),
        ("某某股權眾籌平台有限公司", "股权众筹", "barred", (2, 6), "股權眾籌"),
        ("某某典当行有限公司", "典当", "regional", (2, 4), "典当"),
    ],
)
def test_word_variants_in_a_name_are_found(
    name: str, word: str, tier: str, span: tuple[int, int], written: str
) -> None:
    result = screen_enterprise(name=name)

    assert result.flagged
    assert hits(result) == [(word, tier, "name", *span, written)]


def test_a_hit_explains_its_tier_and_legal_basis() -> None:
    result = screen_enterprise(name="北京理财顾问有限公司")

    assert result.tier == "barred"
    assert result.hits[0].tier_label == "禁止使用"
    assert result.hits[0].reason.startswith(
        "企业名称含“理财”字样（禁止使用）：《防范和处置非法集资条例》（2021）第九条"
    )
    assert "建议列入重点监管对象" in result.explanation()


def test_jinrongjie_as_an_address_in_the_scope_is_not_a_hit() -> None:
    result = screen_enterprise(
        name="某某物业管理有限公司", scope="物业管理；停车场服务；住所：北京市西城区金融街7号"
    )

    assert not result.flagged
    assert ignored(result) == [("金融", "scope", "exception")]
    assert result.ignored[0].reason == "地名（金融街、金融大街），不是金融业务"


@pytest.mark.parametrize("name", ["某某慈善基金会", "北京市某某教育基金會"])
def test_a_charitable_foundation_is_not_a_fund(name: str) -> None:
    result = screen_enterprise(name=name)

    assert not result.flagged
    assert ignored(result) == [("基金", "name", "exception")]


def test_words_meeting_across_a_list_of_scope_items_are_not_licai() -> None:
    result = screen_enterprise(
        name="某某企业管理咨询有限公司", scope="企业管理咨询；代理财务记账；管理财务软件"
    )

    assert not result.flagged
    assert ignored(result) == [("理财", "scope", "exception")]


def test_a_separator_between_scope_items_keeps_words_apart() -> None:
    assert not screen_enterprise(name="某某咨询有限公司", scope="企业管理；财务咨询").flagged


def test_words_inside_a_prohibition_clause_of_the_scope_do_not_count() -> None:
    scope = "投资管理（不得从事吸收存款、融资担保、代客理财、向社会公众集（融）资等金融业务）"

    result = screen_enterprise(name="某某咨询有限公司", scope=scope)

    assert hits(result) == [("投资管理", "joint_review", "scope", 0, 4, "投资管理")]
    assert ignored(result) == [
        ("融资担保", "scope", "excluded"),
        ("理财", "scope", "excluded"),
        ("金融", "scope", "excluded"),
    ]


def test_a_word_before_chuwai_is_excluded_but_the_same_word_elsewhere_counts() -> None:
    result = screen_enterprise(name="某某科技有限公司", scope="金融信息服务（金融业务除外）")

    assert hits(result) == [("金融", "barred", "scope", 0, 2, "金融")]
    assert ignored(result) == [("金融", "scope", "excluded")]


def test_a_word_split_across_name_and_scope_is_found_at_their_junction() -> None:
    result = screen_enterprise(name="某某咨询有限公司理", scope="财服务")

    assert hits(result) == [("理财", "barred", "name+scope", 8, 10, "理财")]


def test_a_word_inside_a_longer_one_of_the_same_tier_is_not_repeated() -> None:
    result = screen_enterprise(name="某某股权投资基金管理有限公司")

    assert hits(result) == [
        ("股权投资基金", "joint_review", "name", 2, 8, "股权投资基金"),
        ("基金管理", "joint_review", "name", 6, 10, "基金管理"),
    ]


def test_overlapping_words_of_different_tiers_are_both_reported() -> None:
    result = screen_enterprise(name="北京股权交易所有限公司")

    assert hits(result) == [
        ("交易所", "barred", "name", 4, 7, "交易所"),
        ("股权交易", "regional", "name", 2, 6, "股权交易"),
    ]


def test_a_licence_exempts_only_the_words_it_covers() -> None:
    result = screen_enterprise(
        name="某某小额贷款股份有限公司", scope="发放小额贷款；理财咨询", licence="小额贷款"
    )

    assert result.licence == "small_loan"
    assert hits(result) == [("理财", "barred", "scope", 7, 9, "理财")]
    assert ignored(result) == [("小额贷款", "name", "exempt"), ("小额贷款", "scope", "exempt")]


def test_a_bank_may_use_every_word() -> None:
    result = screen_enterprise(
        name="某某银行股份有限公司", scope="吸收公众存款；理财；基金销售", licence="bank"
    )

    assert not result.flagged
    assert {h.status for h in result.ignored} == {"exempt"}


def test_the_regional_tier_can_be_left_out() -> None:
    assert screen_enterprise(name="某某融资租赁有限公司").tier == "regional"
    assert not screen_enterprise(name="某某融资租赁有限公司", regional=False).flagged


@pytest.mark.parametrize(
    ("cell", "code"),
    [("", "none"), ("bank", "bank"), ("银行", "bank"), ("典当", "pawn"), ("外星银行", "外星银行")],
)
def test_licence_cells_hold_a_code_or_a_chinese_name(cell: str, code: str) -> None:
    assert licence_code(cell) == code


def test_a_clean_enterprise_has_nothing_to_report() -> None:
    result = screen_enterprise(name="某某餐饮管理有限公司", scope="餐饮服务；食品销售")

    assert (result.flagged, result.tier, result.hits, result.ignored) == (False, None, (), ())
    assert result.explanation() == "未发现需关注的字样。"
