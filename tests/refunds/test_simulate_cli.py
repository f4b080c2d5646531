"""`fangfei refund simulate`: a what-if round from a claims file, written whole or not at all."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from fangfei.refunds.cli import app

BOM = "\ufeff"


def simulate(claims: Path, pool: str, out: Path) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["simulate", str(claims), "--pool", pool, "--out", str(out)])
    return result.exit_code, result.output


def write_text(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def lines(output: str) -> list[str]:
    return [line.rstrip() for line in output.strip().splitlines()]


# --- good files -------------------------------------------------------------------------------


def test_a_round_is_written_in_input_order_with_a_summary(tmp_path: Path) -> None:
    claims = write_text(
        tmp_path / "claims.csv",
        'participant_id,claim_yuan\nC,100\nA,100\nB,"1,000.5"\nD,0\n\n',
    )
    out = tmp_path / "allocation.csv"

    code, output = simulate(claims, "300", out)

    assert code == 0, output
    # 300 yuan over 1,200.50: floors 24.98, 24.98, 250.02; the 2 spare fen go to C and A (.958).
    assert out.read_bytes().decode("utf-8") == (
        f"{BOM}participant_id,claim_yuan,refund_yuan\r\n"
        "C,100.00,24.99\r\n"
        "A,100.00,24.99\r\n"
        "B,1000.50,250.02\r\n"
        "D,0.00,0.00\r\n"
    )
    assert lines(output) == [
        "提示：跳过 1 个空行",
        "参与人数：4 人",
        "债权总额：1,200.50 元",
        "本轮可分配：300.00 元",
        "实际分配：300.00 元",
        "清偿比例：24.98%（实际分配 ÷ 债权总额，向下取到 0.01%）",
        f"已写入分配表：{out}",
    ]


def test_a_tie_gives_the_spare_fen_to_the_smallest_id(tmp_path: Path) -> None:
    claims = write_text(tmp_path / "claims.csv", "participant_id,claim_yuan\nP9,1\nP10,1\nP2,1\n")
    out = tmp_path / "allocation.csv"

    assert simulate(claims, "0.02", out)[0] == 0

    # Each is owed 2/3 of a fen: "P10" < "P2" < "P9" as strings.
    assert out.read_text(encoding="utf-8-sig").splitlines()[1:] == [
        "P9,1.00,0.00",
        "P10,1.00,0.01",
        "P2,1.00,0.01",
    ]


def test_a_gbk_file_with_chinese_headers(tmp_path: Path) -> None:
    claims = write_text(
        tmp_path / "债权.csv",
        '参与人编号,债权金额（元）,备注\n张三,"2,000",老人\n李四,1000.00,\n',
        encoding="gbk",
    )
    out = tmp_path / "分配.csv"

    code, output = simulate(claims, "１５０", out)

    assert code == 0, output
    assert (
        out.read_bytes()
        == (
            f"{BOM}participant_id,claim_yuan,refund_yuan\r\n张三,2000.00,100.00\r\n李四,1000.00,50.00\r\n"
        ).encode()
    )
    assert lines(output)[:2] == [
        "提示：文件按 GBK（GB18030）编码读取",
        "提示：已忽略无关的列：备注",
    ]
    assert "清偿比例：5.00%（实际分配 ÷ 债权总额，向下取到 0.01%）" in output


def test_an_xlsx_file_with_numeric_cells(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (["participant_id", "claim_yuan"], [1001, 1234.56], [1002, 300], ["1003", "0.44"]):
        sheet.append(row)
    book.save(claims := tmp_path / "claims.xlsx")
    out = tmp_path / "allocation.csv"

    code, output = simulate(claims, "1535", out)

    assert code == 0, output
    assert out.read_text(encoding="utf-8-sig").splitlines() == [
        "participant_id,claim_yuan,refund_yuan",
        "1001,1234.56,1234.56",
        "1002,300.00,300.00",
        "1003,0.44,0.44",
    ]
    assert "可分配金额超过债权总额，0.00 元未分配。" not in output
    assert "清偿比例：100.00%" in output


def test_a_pool_larger_than_the_claims_pays_each_in_full(tmp_path: Path) -> None:
    claims = write_text(tmp_path / "claims.csv", "participant_id,claim_yuan\nA,10\nB,20.5\n")
    out = tmp_path / "allocation.csv"

    code, output = simulate(claims, "100", out)

    assert code == 0, output
    assert out.read_text(encoding="utf-8-sig").splitlines()[1:] == [
        "A,10.00,10.00",
        "B,20.50,20.50",
    ]
    assert "实际分配：30.50 元" in output
    assert "可分配金额超过债权总额，69.50 元未分配。" in output


def test_a_zero_pool_pays_nothing(tmp_path: Path) -> None:
    claims = write_text(tmp_path / "claims.csv", "participant_id,claim_yuan\nA,10\n")
    out = tmp_path / "allocation.csv"

    code, output = simulate(claims, "0", out)

    assert code == 0, output
    assert out.read_text(encoding="utf-8-sig").splitlines()[1:] == ["A,10.00,0.00"]
    assert "清偿比例：0.00%" in output


# --- bad files: every problem listed, nothing written -----------------------------------------


def test_every_bad_row_is_listed_and_nothing_is_written(tmp_path: Path) -> None:
    claims = write_text(
        tmp_path / "claims.csv",
        "participant_id,claim_yuan\n"
        "A,100\n"  # row 2
        ",5\n"  # row 3: no id
        "A,7\n"  # row 4: duplicate
        "B,-3\n"  # row 5
        "C,abc\n"  # row 6
        "D,1.234\n"  # row 7
        "E,\n",  # row 8
    )
    out = tmp_path / "allocation.csv"

    code, output = simulate(claims, "50", out)

    assert code == 2
    assert lines(output) == [
        "错误：债权表中有 6 处问题（涉及 6 行），未生成分配表。请逐条修改后重试。",
        "  - 第 3 行，字段“participant_id”：不能为空",
        "  - 第 4 行，字段“participant_id”：与第 2 行重复：A",
        "  - 第 5 行，字段“claim_yuan”：不能为负数：“-3”",
        "  - 第 6 行，字段“claim_yuan”：不是金额：“abc”，请填写如 1234.56 或 1,234.56 的数字（单位：元）",
        "  - 第 7 行，字段“claim_yuan”：最多两位小数（精确到分）：“1.234”",
        "  - 第 8 行，字段“claim_yuan”：不能为空",
    ]
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [claims]


def test_problems_quote_the_files_own_headers(tmp_path: Path) -> None:
    claims = write_text(
        tmp_path / "claims.csv", "参与人编号,债权金额\n张三,1\n张三,x\n", encoding="gbk"
    )

    code, output = simulate(claims, "1", tmp_path / "out.csv")

    assert code == 2
    assert lines(output)[1:] == [
        "  - 第 3 行，字段“参与人编号”：与第 2 行重复：张三",
        "  - 第 3 行，字段“债权金额”：不是金额：“x”，请填写如 1234.56 或 1,234.56 的数字（单位：元）",
    ]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            b"participant_id,amount\nA,1\n",
            [
                "错误：第 1 行表头缺少必填列：claim_yuan。文件中的列：participant_id、amount。",
                "  - 第 1 行，字段“claim_yuan”：缺少必填列",
            ],
        ),
        (
            b"participant_id,claim_yuan,claim_yuan\nA,1,2\n",
            [
                "错误：第 1 行表头中“claim_yuan”列出现了 2 次：请只保留一列。",
                "  - 第 1 行，字段“claim_yuan”：与前面的列重复",
            ],
        ),
        (
            b"participant_id,claim_yuan\n\n",
            [
                "错误：债权表中没有数据行：第 1 行写表头 participant_id, claim_yuan，其下每行一位参与人。"
            ],
        ),
        (
            b"",
            [
                "错误：债权表中没有数据行：第 1 行写表头 participant_id, claim_yuan，其下每行一位参与人。"
            ],
        ),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            [
                "错误：文件不是 Excel（xlsx）或 CSV 表格。",
                "  - 字段“文件”：既不是 xlsx 文件，也不是 UTF-8 或 GBK 编码的 CSV 文本",
            ],
        ),
    ],
    ids=["missing-column", "duplicate-column", "header-only", "empty", "picture"],
)
def test_files_that_are_not_claims_tables(
    tmp_path: Path, content: bytes, expected: list[str]
) -> None:
    claims = tmp_path / "claims.csv"
    claims.write_bytes(content)
    out = tmp_path / "allocation.csv"

    code, output = simulate(claims, "1", out)

    assert (code, lines(output)) == (2, expected)
    assert not out.exists()


@pytest.mark.parametrize(
    ("pool", "reason"),
    [
        ("-5", "不能为负数：“-5”"),
        ("1.005", "最多两位小数（精确到分）：“1.005”"),
        ("lots", "不是金额：“lots”，请填写如 1234.56 或 1,234.56 的数字（单位：元）"),
    ],
)
def test_a_bad_pool_is_refused(tmp_path: Path, pool: str, reason: str) -> None:
    claims = write_text(tmp_path / "claims.csv", "participant_id,claim_yuan\nA,1\n")
    out = tmp_path / "allocation.csv"

    code, output = simulate(claims, pool, out)

    assert (code, lines(output)) == (
        2,
        [
            f"错误：本轮可分配金额（--pool）填写有误：{reason}",
            f"  - 字段“本轮可分配金额（--pool）”：{reason}",
        ],
    )
    assert not out.exists()


def test_output_paths_that_would_lose_data_are_refused(tmp_path: Path) -> None:
    claims = write_text(tmp_path / "claims.csv", "participant_id,claim_yuan\nA,1\n")

    code, output = simulate(claims, "1", claims)
    assert code == 2 and "错误：--out 不能与债权表是同一个文件：请另取一个文件名。" in output
    assert claims.read_text() == "participant_id,claim_yuan\nA,1\n"

    code, output = simulate(claims, "1", tmp_path / "allocation.xlsx")
    assert code == 2 and "请把 --out 的文件名改为 .csv 结尾" in output

    missing_dir = tmp_path / "nowhere" / "allocation.csv"
    code, output = simulate(claims, "1", missing_dir)
    assert code == 2 and f"错误：无法写入分配表 {missing_dir}：所在目录不存在。" in output


def test_a_missing_claims_file(tmp_path: Path) -> None:
    code, output = simulate(tmp_path / "nowhere.csv", "1", tmp_path / "allocation.csv")

    assert code == 2
    assert f"错误：找不到债权表：{tmp_path / 'nowhere.csv'}" in output
