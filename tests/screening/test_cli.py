"""`fangfei screen …` through Typer's runner, on a local app (not the root command)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import docx
import pytest
import typer
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from fangfei.cli_support import console
from fangfei.screening.cli import app as screen_app

root = typer.Typer()
root.add_typer(screen_app, name="screen")

REGISTRY = """企业名称,统一社会信用代码,所属乡镇,经营范围,持牌金融业务类型
北京理 財顧問有限公司,91110000MA0000001X,城关镇,企业管理咨询,
某某物业管理有限公司,91110000MA0000002X,城关镇,物业管理；住所：西城区金融大街8号,
某某慈善基金会,91110000MA0000003X,城关镇,公益慈善,
某某投资管理有限公司,91110000MA0000004X,城关镇,投资管理（不得从事吸收存款、代客理财等金融业务）,
某某银行股份有限公司,91110000MA0000005X,城关镇,吸收公众存款；理财,银行
"""


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(console, "width", 200)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(root, ["screen", *args])
    return result.exit_code, result.output


def test_names_writes_one_csv_row_per_hit(tmp_path: Path) -> None:
    registry = tmp_path / "registry.csv"
    registry.write_text(REGISTRY, encoding="utf-8")
    out = tmp_path / "hits.csv"

    code, output = run("names", str(registry), "--out", str(out))

    assert code == 0, output
    assert "读取企业：5 家；命中：2 家（3 处）" in output
    assert "持牌豁免：1 家；例外或禁止性表述中未计：4 处" in output
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0] == [
        "行号",
        "企业名称",
        "统一社会信用代码",
        "层级",
        "字样",
        "位置",
        "起",
        "止",
        "原文",
        "依据",
    ]
    assert [row[:9] for row in rows[1:]] == [
        [
            "2",
            "北京理 財顧問有限公司",
            "91110000MA0000001X",
            "禁止使用",
            "理财",
            "企业名称",
            "2",
            "5",
            "理 財",
        ],
        [
            "5",
            "某某投资管理有限公司",
            "91110000MA0000004X",
            "联合审查",
            "投资管理",
            "企业名称",
            "2",
            "6",
            "投资管理",
        ],
        [
            "5",
            "某某投资管理有限公司",
            "91110000MA0000004X",
            "联合审查",
            "投资管理",
            "经营范围",
            "0",
            "4",
            "投资管理",
        ],
    ]


def test_names_reads_xlsx_and_writes_xlsx(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for line in REGISTRY.splitlines():
        sheet.append(line.split(","))
    registry = tmp_path / "registry.xlsx"
    book.save(registry)
    out = tmp_path / "hits.xlsx"

    code, output = run("names", str(registry), "--out", str(out))

    assert code == 0, output
    rows = list(load_workbook(out).worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 4
    assert rows[1][:5] == (2, "北京理 財顧問有限公司", "91110000MA0000001X", "禁止使用", "理财")


def test_names_refuses_a_registry_without_the_name_column(tmp_path: Path) -> None:
    registry = tmp_path / "registry.csv"
    registry.write_text("名称,经营范围\n某某理财公司,理财\n", encoding="utf-8")

    code, output = run("names", str(registry))

    assert code == 2
    assert "第 1 行表头缺少必填列“企业名称”。文件中的列：名称、经营范围。" in output


def test_texts_prints_one_json_object_per_line(tmp_path: Path) -> None:
    texts = tmp_path / "ads.txt"
    texts.write_text("本平台年化收益18%，保本保息！\n\n全场八折，欢迎光临。\n", encoding="utf-8")

    code, output = run("texts", str(texts), "--format", "jsonl")

    assert code == 0, output
    objects = [json.loads(line) for line in output.splitlines()]
    assert [(o["source"], o["flagged"], o["score"]) for o in objects] == [
        ("ads.txt:1", True, 6),
        ("ads.txt:3", False, 0),
    ]
    assert {"flagged", "score", "rates", "hits"} <= set(objects[0])
    assert objects[0]["rates"][0]["annual_pct"] == 18.0
    assert [(h["start"], h["end"], h["category"], h["text"]) for h in objects[0]["hits"]] == [
        (3, 10, "rate_above_benchmark", "年化收益18%"),
        (11, 15, "principal_guarantee", "保本保息"),
    ]


def test_texts_reads_a_folder_of_html_and_docx(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(
        "<html><script>var a='保本保息';</script><body><p>投资1万每月返175元</p></body></html>",
        encoding="utf-8",
    )
    document = docx.Document()
    document.add_paragraph("养老公寓认购，每年分红10%，到期原价回购。")
    document.save(str(tmp_path / "leaflet.docx"))
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")

    code, output = run("texts", str(tmp_path), "--format", "jsonl", "--benchmark", "12")

    assert code == 0, output
    objects = [json.loads(line) for line in output.splitlines()]
    assert [(o["source"], o["flagged"]) for o in objects] == [
        ("leaflet.docx", True),
        ("page.html", True),
    ]
    assert [h["text"] for h in objects[1]["hits"]] == ["投资1万每月返175元"]  # not the script


def test_texts_table_has_a_summary(tmp_path: Path) -> None:
    texts = tmp_path / "ads.txt"
    texts.write_text("保本保息，年化18%\n全场八折\n", encoding="utf-8")

    code, output = run("texts", str(texts), "--benchmark", "12")

    assert code == 0, output
    assert "共 2 条，疑似违规宣传 1 条（收益基准：年化 12%）。" in output


def test_texts_refuses_a_bad_benchmark(tmp_path: Path) -> None:
    texts = tmp_path / "ads.txt"
    texts.write_text("保本保息\n", encoding="utf-8")

    code, output = run("texts", str(texts), "--benchmark", "abc")

    assert code == 2
    assert "--benchmark 须为大于 0 的年化百分比" in output


LOAN = {
    "loan_id": "L-001",
    "lender": {"name": "张三", "licensed": "none"},
    "borrower": {"name": "李四", "is_student": False},
    "contract_date": "2023-03-01",
    "principal_stated": 10000,
    "withheld": 1000,
    "cash_flows": [
        {"date": "2023-03-01", "amount": -9000, "kind": "disbursement"},
        {"date": "2024-03-01", "amount": 10000, "kind": "repayment"},
    ],
}


def test_loan_prints_the_rates_cap_and_flags(tmp_path: Path) -> None:
    path = tmp_path / "loan.json"
    path.write_text(json.dumps(LOAN, ensure_ascii=False), encoding="utf-8")

    code, output = run("loan", str(path))

    assert code == 0, output
    result = json.loads(output)
    assert (result["annual_rate_nominal_pct"], result["annual_rate_effective_pct"]) == (
        11.11,
        11.08,
    )
    assert result["cap_pct"] == 14.6
    assert [flag["code"] for flag in result["flags"]] == ["kantouxi"]
    assert result["explanation"].startswith("按实际出借 9,000.00 元")


def test_an_invalid_loan_prints_an_error_and_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "loan.json"
    path.write_text(json.dumps({**LOAN, "principal_stated": -5}), encoding="utf-8")

    code, output = run("loan", str(path))

    assert code == 1
    assert (
        json.loads(output)["error"]
        == "借款数据有误：字段“principal_stated”：合同本金不能为负数（收到 -5）。"
    )


def test_a_file_that_is_not_json_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "loan.json"
    path.write_text('{"a": 1,,}', encoding="utf-8")

    code, output = run("loan", str(path))

    assert code == 1
    assert json.loads(output)["error"].startswith(
        "loan.json 不是有效的 JSON：第 1 行第 9 列附近有误"
    )


def test_a_flow_table_gives_every_loan_and_the_lender_tally(tmp_path: Path) -> None:
    table = tmp_path / "flows.csv"
    table.write_text(
        "借款编号,出借人,借款人,借款人是否学生,合同日期,合同本金,预扣金额,日期,金额,类型\n"
        "A1,王五,赵六,是,2024-01-10,5000,500,2024-01-10,-4500,放款\n"
        "A1,,,,,,,2024-01-17,5000,还本\n"
        "A2,王五,钱七,否,2024-02-01,3000,,2024-02-01,-3000,放款\n"
        "A2,,,,,,,2024-03-01,3300,还本\n",
        encoding="utf-8",
    )

    code, output = run("loan", str(table))

    assert code == 0, output
    result = json.loads(output)
    assert [(loan["loan_id"], loan["schedule"]) for loan in result["loans"]] == [
        ("A1", "weekly"),
        ("A2", "monthly"),
    ]
    assert [f["code"] for f in result["loans"][0]["flags"]][:2] == ["kantouxi", "student"]
    assert result["lenders"][0]["lender"] == "王五"
    assert result["lenders"][0]["loans_above_36"] == 2


def test_conflicting_loan_fields_in_a_table_are_refused(tmp_path: Path) -> None:
    table = tmp_path / "flows.csv"
    table.write_text(
        "loan_id,lender_name,contract_date,principal_stated,date,amount,kind\n"
        "A1,王五,2024-01-10,5000,2024-01-10,-5000,disbursement\n"
        "A1,王六,,,2024-02-10,5500,repayment\n",
        encoding="utf-8",
    )

    code, output = run("loan", str(table))

    assert code == 1
    assert "与第 2 行的“王五”不一致（此行为“王六”）" in json.loads(output)["error"]


def test_quality_meets_the_goal_on_the_whole_corpus() -> None:
    code, output = run("quality", "--benchmark", "12")

    assert code == 0, output
    assert "达到目标（0.9 / 0.9）" in output


def test_quality_on_the_held_out_part_alone() -> None:
    code, output = run("quality", "--split", "holdout", "--benchmark", "12")

    assert code == 0, output
    assert "留出集（对新文本的估计）精确率 0.942、召回率 0.980" in output.replace("\n", "")


def test_texts_refuses_a_text_file_that_is_not_utf8(tmp_path: Path) -> None:
    texts = tmp_path / "ads.txt"
    texts.write_bytes("保本保息，年化18%".encode("gbk"))

    code, output = run("texts", str(texts))

    assert code == 2
    assert "不是 UTF-8 编码的文本：请另存为 UTF-8 后重试" in output
