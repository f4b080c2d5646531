"""Promised returns in every common form, normalised to a simple annual percentage."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fangfei.screening.rates import extract_rates


@pytest.mark.parametrize(
    ("text", "written", "period", "annual"),
    [
        ("年化12%", "年化12%", "year", "12.00"),
        ("月息1.5%", "月息1.5%", "month", "18.00"),  # 1.5 × 12
        ("日息0.1%", "日息0.1%", "day", "36.50"),  # 0.1 × 365
        ("每月返10%", "每月返10%", "month", "120.00"),
        ("每周收益2%", "每周收益2%", "week", "104.00"),  # 2 × 52
        ("一年期利率12%", "一年期利率12%", "year", "12.00"),
        ("年化收益百分之十", "年化收益百分之十", "year", "10.00"),
        ("收益率百分之十二点五", "百分之十二点五", "year", "12.50"),  # no period word: annual
        ("万分之五每天", "万分之五每天", "day", "18.25"),  # 0.05% × 365
        ("日息万分之五", "日息万分之五", "day", "18.25"),
        ("月息千分之三", "月息千分之三", "month", "3.60"),
        ("2分利", "2分利", "month", "24.00"),  # folk 分 without a period: monthly 2%
        ("月息2分", "月息2分", "month", "24.00"),
        ("月息1分5", "月息1分5", "month", "18.00"),
        ("年息5厘", "年息5厘", "year", "5.00"),
        ("年收益23倍", "年收益23倍", "year", "2300.00"),
        ("投资1万每月返175元", "投资1万每月返175元", "month", "21.00"),  # 175 / 10000 × 12
        ("投入10万元，每天返还300元", "投入10万元，每天返还300元", "day", "109.50"),
        ("年化8%-12%", "年化8%-12%", "year", "12.00"),  # a range counts at its top
        ("15天内获得30%的回报", "15天内获得30%", "day", "730.00"),  # 30% over 15 days
        ("３年收益５０％", "３年收益５０％", "year", "16.67"),
    ],
)
def test_each_form_is_normalised_to_the_right_annual_figure(
    text: str, written: str, period: str, annual: str
) -> None:
    rates = extract_rates(text)

    assert [(r.text, r.period, r.annual_pct) for r in rates] == [(written, period, Decimal(annual))]
    assert rates[0].promised


def test_spans_point_into_the_original_text() -> None:
    text = "本平台　年化收益１８％，月息２分"

    rates = extract_rates(text)

    assert [(r.start, r.end, text[r.start : r.end]) for r in rates] == [
        (4, 11, "年化收益１８％"),
        (12, 16, "月息２分"),
    ]


@pytest.mark.parametrize(
    "text",
    ["首付30%，全场8折", "满100减30%", "本店客户满意度98%", "2024年销售额增长30%"],
)
def test_percentages_that_are_not_returns_are_ignored(text: str) -> None:
    assert extract_rates(text) == []


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("近一年收益率25%", "past"),
        ("业绩比较基准：年化3.0%-3.5%", "benchmark"),
        ("本产品不承诺年化12%的收益", "negation"),
        ("该平台声称年化收益20%", "negation"),
    ],
)
def test_past_benchmark_and_negated_figures_are_not_promises(text: str, why: str) -> None:
    (rate,) = extract_rates(text)

    assert not rate.promised
    assert rate.unpromised_by == why


def test_a_rate_offered_to_borrowers_is_a_loan_cost() -> None:
    (rate,) = extract_rates("学生也能贷，日息0.1%")

    assert (rate.kind, rate.annual_pct) == ("loan", Decimal("36.50"))


def test_a_quota_to_invest_is_not_a_loan() -> None:
    (rate,) = extract_rates("结业送内部理财额度，年化20%起")

    assert (rate.kind, rate.annual_pct) == ("return", Decimal("20.00"))
