"""Promotional texts: claims by legal category, negations and disclosures, news that quotes claims."""

from __future__ import annotations

from decimal import Decimal

from fangfei.screening.lexicon import text_lexicon
from fangfei.screening.normalize import Mode, fold
from fangfei.screening.texts import TextResult, screen_text

BENCHMARK = Decimal(12)


def hits(result: TextResult) -> list[tuple[int, int, str, str]]:
    return [(h.start, h.end, h.category, h.text) for h in result.hits]


def test_a_promotion_is_flagged_with_spans_categories_rates_and_bases() -> None:
    result = screen_text("本平台年化收益18%，保本保息！推荐好友再返3%。", benchmark_pct=BENCHMARK)

    assert (result.flagged, result.score, result.is_report) == (True, 8, False)
    assert hits(result) == [
        (3, 10, "rate_above_benchmark", "年化收益18%"),
        (11, 15, "principal_guarantee", "保本保息"),
        (16, 22, "recruitment", "推荐好友再返"),
    ]
    assert [(r.text, r.annual_pct) for r in result.rates] == [("年化收益18%", Decimal("18.00"))]
    assert result.explanation.startswith("疑似非法集资或非法放贷宣传：得分 8，达到阈值 3。")
    assert "《广告法》第二十五条" in result.explanation
    assert "折合年化 18.00%，高于基准 12%" in result.explanation


def test_a_licensed_product_with_its_disclosures_is_not_flagged() -> None:
    text = "本产品为非保本浮动收益型理财产品，业绩比较基准年化2.8%-3.2%。理财非存款、产品有风险、投资须谨慎。"

    result = screen_text(text, benchmark_pct=BENCHMARK)

    assert (result.flagged, result.score, result.hits) == (False, 0, ())
    assert [(h.text, h.status) for h in result.ignored] == [("保本", "disclosure")]
    assert [c.text for c in result.disclosures] == [
        "理财非存款",
        "产品有风险",
        "投资须谨慎",
        "本产品为非保本浮动收益",
    ]
    assert not result.rates[0].promised


def test_bu_baoben_is_not_a_promise() -> None:
    result = screen_text("本产品不保本，过往业绩不代表未来表现。", benchmark_pct=BENCHMARK)

    assert not result.flagged
    assert [(h.text, h.status, h.note) for h in result.ignored] == [
        ("保本", "negated", "前有否定或警示词“不”")
    ]


def test_a_warning_earlier_in_the_clause_undoes_the_claim() -> None:
    result = screen_text(
        "我行从未授权任何机构以我行名义销售“保本高息”理财产品。", benchmark_pct=BENCHMARK
    )

    assert not result.flagged
    assert {h.status for h in result.ignored} == {"negated"}


def test_news_quoting_the_claims_is_a_report_not_a_promotion() -> None:
    text = "警方提醒：某公司以“保本保息、年化20%”为诱饵非法吸收公众存款，已被立案侦查。"

    result = screen_text(text, benchmark_pct=BENCHMARK)

    assert (result.flagged, result.is_report, result.score) == (False, True, 6)
    assert [c.text for c in result.report_cues] == ["警方", "立案侦查", "警方提醒", "诱饵"]
    assert result.explanation.startswith(
        "文本含新闻报道或风险提示用语（“警方”、“立案侦查”、“警方提醒”等 4 处）"
    )


def test_a_denial_of_fraud_is_no_report_but_a_claim_of_its_own() -> None:
    result = screen_text("我们不是骗局，保本保息，年化15%。", benchmark_pct=BENCHMARK)

    assert (result.flagged, result.is_report) == (True, False)
    assert [h.category for h in result.hits] == [
        "false_endorsement",
        "principal_guarantee",
        "rate_above_benchmark",
    ]


def test_illegal_lending_bait_is_flagged() -> None:
    result = screen_text(
        "无抵押、无担保，只需身份证，秒到账！学生也能贷，日息0.1%。", benchmark_pct=BENCHMARK
    )

    assert result.flagged
    assert result.categories == (
        "no_collateral",
        "id_only",
        "fast_cash",
        "student_loan",
        "no_credit_check",
        "loan_rate_above_36",
    )
    assert hits(result)[:2] == [
        (0, 3, "no_collateral", "无抵押"),
        (4, 7, "no_collateral", "无担保"),
    ]


def test_the_benchmark_is_a_parameter() -> None:
    text = "年化收益10%，每月付息。"

    higher = screen_text(text, benchmark_pct=BENCHMARK)
    lower = screen_text(text, benchmark_pct=Decimal(8))
    assert (higher.score, higher.categories) == (0, ())
    assert (lower.score, lower.categories) == (3, ("rate_above_benchmark",))


def test_a_promise_in_words_the_lexicon_lacks_is_flagged_by_its_likeness() -> None:
    result = screen_text("表哥带我做的，钱放进去每周到账一次，几个月就回来一半了，想了解的私聊。")

    assert (result.flagged, result.score, result.hits) == (True, 0, ())
    assert result.likeness.log_odds >= result.likeness_threshold == 5
    assert "与语料库中的违规宣传高度相似" in result.explanation
    assert result.as_dict()["likeness_terms"] == list(result.likeness.terms)


def test_likeness_does_not_flag_news_or_ordinary_notices() -> None:
    notice = screen_text("小区停车费每月150元，请于每月5日前缴纳。")
    news = screen_text("警方提醒：所谓“钱放进去每周到账，几个月就回来一半”的项目都是骗局。")

    assert (notice.flagged, news.flagged, news.is_report) == (False, False, True)
    assert notice.likeness.log_odds < 5


def test_the_default_benchmark_is_four_times_the_latest_shipped_lpr() -> None:
    assert screen_text("年化收益11%").benchmark_pct == Decimal("12.00")


def test_an_ordinary_shop_ad_is_not_flagged() -> None:
    result = screen_text("开业酬宾，全场8折，充值500送100，推荐好友办卡双方各得50元优惠券。")

    assert (result.flagged, result.hits) == (False, ())


def test_traditional_characters_and_full_width_forms_are_read() -> None:
    result = screen_text("本金絕對安全，年化收益１８％，保本保息！", benchmark_pct=BENCHMARK)

    assert result.flagged
    assert ("principal_guarantee", "保本保息") in [(h.category, h.text) for h in result.hits]


def test_every_pattern_is_written_in_folded_form() -> None:
    lexicon = text_lexicon()
    patterns = [p.pattern.pattern for c in lexicon.categories for p in c.patterns]

    assert len(patterns) > 100
    assert all(fold(p, Mode.TEXT) == p for p in patterns)
