"""`fangfei case …` on a fresh installation with one case of the test county."""

from __future__ import annotations

import os
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from typer.testing import CliRunner

from fangfei.cases import measures
from fangfei.cases.doc_templates import default_template
from fangfei.cases.schemas import MeasureIn
from fangfei.cli import app as fangfei_app
from fangfei.clock import local_today
from fangfei.db import unit_of_work
from fangfei.runtime import open_runtime
from fangfei.security.crypto import FieldCipher
from tests.cases.helpers import open_case
from tests.county import build_county
from tests.leads.helpers import actor_of


@pytest.fixture
def number(installed: Path) -> str:
    """The number of a case at 待受理 with a 责令整改 whose 30 working days ran out on 2025-10-31."""
    with unit_of_work(open_runtime().sessions) as db:
        county = build_county(db)
        cipher = FieldCipher(os.urandom(32))
        case = open_case(db, county, cipher, subject_name="东城鑫盛商贸有限公司")
        measures.record_measure(db, actor=actor_of(county.users["office"]), case_id=case.id,
                                data=MeasureIn(kind="rectification_order", target="东城鑫盛",
                                               taken_on=date(2025, 9, 15), rectify_workdays=30,
                                               document_no="示处非整〔2025〕3号"))  # fmt: skip
        return case.number


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(fangfei_app, ["case", *args])
    return result.exit_code, result.output.strip()


def test_list_and_show(number: str) -> None:
    code, out = run("list")
    assert code == 0, out
    assert number in out and "待受理" in out and out.endswith("共 1 件")
    assert run("list", "--stage", "closed")[1].endswith("共 0 件")
    code, out = run("list", "--overdue")
    assert code == 0 and number in out and out.endswith("共 1 件")
    code, out = run("list", "--stage", "nowhere")
    assert code == 2 and "没有“nowhere”这个阶段" in out

    code, out = run("show", number)
    assert code == 0, out
    lines = out.splitlines()
    assert lines[1] == "阶段：待受理；处置路径：行政"
    assert "处置措施：2025-09-15 责令整改 东城鑫盛 示处非整〔2025〕3号" in lines
    assert "期限：整改期满 2025-10-31 已逾期 — 东城鑫盛：30 个工作日内整改" in lines
    assert any(line.startswith(f"{local_today().isoformat()} 新建案件") for line in lines)
    code, out = run("show", "AJ1999-000001")
    assert code == 2 and "错误" in out


def test_deadlines(number: str) -> None:
    code, out = run("deadlines")
    assert code == 0, out
    assert "2025-10-31 已逾期" in out and number in out and "整改期满" in out


def test_document_is_stored_and_written(number: str, tmp_path: Path) -> None:
    out_file = tmp_path / "report.docx"
    code, out = run("document", number, "处置报告", str(out_file))
    assert code == 0, out
    assert out.startswith("已生成处置报告（第 1 版，sha256 ")
    text = "\n".join(p.text for p in Document(BytesIO(out_file.read_bytes())).paragraphs)
    assert "东城鑫盛商贸有限公司" in text and "示处非整〔2025〕3号" in text
    code, out = run("document", number, "disposal_report", str(tmp_path / "again.docx"))
    assert code == 0 and "第 2 版" in out
    code, out = run("show", number)
    assert "文书：处置报告 第 2 版" in out
    code, out = run("document", number, "起诉书", str(tmp_path / "x.docx"))
    assert code == 2 and "没有“起诉书”这种可生成的文书" in out and "处置报告" in out


def test_template_export_import(number: str, tmp_path: Path) -> None:
    exported = tmp_path / "announcement.docx"
    assert run("template", "export", "公告", str(exported))[0] == 0
    assert exported.read_bytes() == default_template("announcement")
    code, out = run("template", "list")
    assert code == 0 and "公告" in out and "默认模板" in out

    edited = Document(BytesIO(exported.read_bytes()))
    edited.add_paragraph("本公告由{主办地}发布，案件编号{案件编号}。")
    buffer = BytesIO()
    edited.save(buffer)
    (tmp_path / "edited.docx").write_bytes(buffer.getvalue())
    code, out = run("template", "import", "announcement", str(tmp_path / "edited.docx"))
    assert code == 0 and out == "已启用公告模板第 1 版", out
    assert "第 1 版（cli:" in run("template", "list")[1]

    code, out = run("document", number, "公告", str(tmp_path / "notice.docx"))
    assert code == 0, out
    text = "\n".join(p.text for p in Document(tmp_path / "notice.docx").paragraphs)
    assert f"案件编号{number}。" in text

    bad = Document()
    bad.add_paragraph("{不存在的字段}")
    bad.save(tmp_path / "bad.docx")
    code, out = run("template", "import", "公告", str(tmp_path / "bad.docx"))
    assert code == 2 and "不存在的字段" in out
    code, out = run("template", "import", "公告", str(tmp_path / "missing.docx"))
    assert code == 2 and "读不到文件" in out
