"""`fangfei refund …` on a fresh installation: import, verify, receipt, round, approve, files."""

from __future__ import annotations

import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from fangfei.cli import app as fangfei_app
from fangfei.db import unit_of_work
from fangfei.runtime import open_runtime
from fangfei.security.crypto import FieldCipher
from tests.county import build_county
from tests.refunds.helpers import refund_case, scheme_rows, write_register


@pytest.fixture
def number(installed: Path) -> str:
    """The number of a case of the test county with 100 万元 involved and no register yet."""
    with unit_of_work(open_runtime().sessions) as db:
        county = build_county(db)
        return refund_case(db, county, FieldCipher(os.urandom(32))).number


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(fangfei_app, ["refund", *args])
    return result.exit_code, result.output.strip()


def test_a_round_from_the_command_line_needs_a_second_person(
    number: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOGNAME", "maker")
    register_file = write_register(tmp_path / "登记表.csv", scheme_rows())
    code, out = run("import", number, str(register_file))
    assert code == 0, out
    assert out.splitlines()[0] == "已导入 8 行：新登记 5 人，已登记的 0 人补充了明细。"
    assert "提示：第 3 号参与人 王五：已收回报超过出资 1,000.00 元，债权计为 0 元" in out
    assert run("verify", number) == (0, "已核实 5 人。")
    code, out = run("round", number, "--amount", "30000")
    assert code == 2 and "涉案资金专户尚无到账记录" in out
    code, out = run("receipt", number, "--amount", "50000", "--document-no", "拍字第 8 号",
                    "--source", "auction", "--on", "2025-06-01")  # fmt: skip
    assert (code, out) == (0, "已登记到账 50000 元；专户可分配余额 50,000.00 元。")
    code, out = run("round", number, "--amount", "30000")
    assert code == 0, out
    found = re.search(r"批次 ID (\d+)", out)
    assert found is not None
    round_id = found.group(1)
    code, out = run("approve", round_id)
    assert code == 2 and "审批人不能是本轮的起草人（cli:maker）" in out
    monkeypatch.setenv("LOGNAME", "checker")
    code, out = run("approve", round_id, "--note", "同意")
    assert code == 0 and "已审批" in out and "审批 cli:checker" in out
    payments = tmp_path / "付款.xlsx"
    assert run("payments", round_id, "--out", str(payments))[0] == 0
    sheet = load_workbook(payments).active
    assert sheet is not None
    assert [sheet.cell(r, 3).value for r in (4, 5, 6)] == ["张三", "李四", "赵六"]
    assert Decimal(str(sheet["G7"].value)) == Decimal("30000")
    code, out = run("summary", number)
    assert code == 0, out
    rows = {cells[0]: cells[1] for line in out.splitlines()
            if len(cells := [c.strip() for c in line.strip("│").split("│")]) == 2}  # fmt: skip
    assert rows["资金清退率"] == "3.00%（已清退 ÷ 涉及金额）"
    assert rows["未兑付人数"] == "3 人"
    assert rows["已清退（向参与人发放）"] == "30,000.00 元"
    code, out = run("adjust", number, "-n", "4", "--amount", "-12182.80", "--reason", "退票")
    assert code == 0 and "调整批次" in out and "实际分配 -12,182.80 元" in out
