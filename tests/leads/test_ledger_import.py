"""Importing an existing ledger: the round trip, and every kind of bad file refused whole."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangfei.errors import FangfeiError
from fangfei.leads import ledger, ledger_xlsx
from fangfei.leads.ledger_import import import_ledger
from fangfei.leads.models import Lead
from fangfei.security.crypto import FieldCipher
from tests.county import County
from tests.leads.helpers import actor_of
from tests.leads.test_ledger import _judged
from tests.web.test_pages import log_in

SEED_HEADERS = ["序号", "风险主体名称", "所属行业领域", "线索来源", "发现时间\n(年月\n)", "是否具备规范条件",
                "提交有关金融管理部门依法审批,备案等情况(含提交、拟提交)", "是否属于非法集资",
                "拟采取/已采取处置路径(行政/刑事)", "立案时间\n(年月\n)", "结案时间\n(年月\n)",
                "涉及全额\n(万元)", "涉及人数\n(人)", "未兑付\n金额\n(万元)", "未兑付\n人数\n(人)", "备注"]  # fmt: skip


def _sheet(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["风险线索排查处置情况统计表"])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _count(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(Lead)) or 0


def _import(db: Session, county: County, path: Path) -> object:
    return import_ledger(db, actor=actor_of(county.users["office"]), path=path,
                         jurisdiction_id=county.county.id)  # fmt: skip


def test_an_exported_ledger_imports_back_into_another_county(
    db: Session, county: County, cipher: FieldCipher, tmp_path: Path
) -> None:
    lead_id = _judged(db, county, cipher)
    office = actor_of(county.users["office"])
    leads = ledger.ledger_leads(db, actor=office, layout="a2", period=None)
    path = tmp_path / "a2.xlsx"
    path.write_bytes(ledger_xlsx.workbook(db, "a2", leads))
    original = db.get(Lead, lead_id)
    assert original is not None
    original.subject_key = "另一主体"  # so that the same row does not count as already registered
    db.flush()
    result = _import(db, county, path)
    [lead] = db.scalars(select(Lead).where(Lead.id != lead_id)).all()
    assert (result.layout, result.imported) == ("a2", 1)  # type: ignore[attr-defined]
    assert (lead.subject_name, lead.domain, lead.source, lead.channel, lead.status) == (
        "东城鑫盛财富管理有限公司", "d3_securities", "public_report", "phone", "judged",
    )  # fmt: skip
    assert (lead.regulator, lead.regulator_state, lead.disposal_path) == (
        "local_finance", "planned", "administrative",
    )  # fmt: skip
    assert (str(lead.amount_yuan), lead.people_count, lead.discovered_on.isoformat()) == (
        "2500000.00", 60, "2026-05-01",
    )  # fmt: skip
    assert lead.informant_name_enc is None


def test_a_seed_layout_file_with_group_headers_and_typos_is_read(
    db: Session, county: County, tmp_path: Path
) -> None:
    path = _sheet(tmp_path / "seed.xlsx", [
        SEED_HEADERS,
        ["", "2)民间投融资、P2P网贷、第三方财富管理公司、非法银行、非法保险等领域涉非分风险"],
        [1, "某某理财工作室", "", "群众举报", "2025年6月", "否", "", "是", "刑事", "2025年8月", "", "1,200.5", 300, "800", 200, ""],
        [2, "某某养老公寓", "5", "自主摸排发现", "2025-07", "", "", "否", "", "", "", "", "", "", "", "已约谈"],
        ["……"],
        ["备注:1.本表统计……"],
    ])  # fmt: skip
    _import(db, county, path)
    leads = db.scalars(select(Lead).order_by(Lead.id)).all()
    assert [(x.subject_name, x.domain, str(x.amount_yuan), x.filed_on) for x in leads] == [
        ("某某理财工作室", "d2_private_finance", "12005000.00", leads[0].filed_on),
        ("某某养老公寓", "d5_other_sectors", "None", None),
    ]  # fmt: skip
    assert leads[0].filed_on is not None and leads[0].filed_on.isoformat() == "2025-08-01"


@pytest.mark.parametrize(
    ("rows", "problems"),
    [
        ([["序号", "风险主体名称", "所属行业领域"]],
         [("线索来源", "缺少此列", 2)]),
        ([["序号", "名称"]],
         [("表头", "既不是附件 2（风险主体名称…）也不是附件 6（排查对象…）的表头", 2)]),
        ([SEED_HEADERS, [1, "甲", "9", "群众举报", "2025年13月", "也许", "", "", "", "", "", "-5", "x", "", "", ""]],
         [("发现时间（年月）", "须为“2025年6月”或“2025-06”", 3), ("是否具备规范条件", "须填“是”或“否”", 3),
          ("涉及金额（万元）", "不能为负数", 3), ("涉及人数（人）", "须为不小于 0 的整数", 3)]),
        ([SEED_HEADERS, [1, "甲", "火星", "群众举报", "2025年1月"]],
         [("所属行业领域", "“火星”不是唯一的行业领域（可填全称、序号 1–6 或名称开头）", 3)]),
        ([SEED_HEADERS, [1, "甲", "1", "群众举报", "2025年1月"], [2, "甲", "1", "群众举报", "2025年1月"]],
         [("风险主体名称", "与第 3 行重复", 4)]),
        ([SEED_HEADERS], [("文件", "表中没有任何线索行", None)]),
    ],
)  # fmt: skip
def test_bad_ledgers_are_refused_with_row_and_column_and_nothing_is_written(
    db: Session,
    county: County,
    tmp_path: Path,
    rows: list[list[object]],
    problems: list[tuple[object, ...]],
) -> None:
    path = _sheet(tmp_path / "bad.xlsx", rows)
    with pytest.raises(FangfeiError) as caught:
        _import(db, county, path)
    found = [(p.field, p.reason, p.row) for p in caught.value.problems]
    assert [f for f in found if f[0] != "线索来源" or problems[0][0] == "线索来源"][
        : len(problems)
    ] == problems
    assert _count(db) == 0


def test_corrupt_and_password_protected_files_are_explained(
    db: Session, county: County, tmp_path: Path
) -> None:
    corrupt = tmp_path / "corrupt.xlsx"
    corrupt.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    locked = tmp_path / "locked.xlsx"
    locked.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64 + "EncryptedPackage".encode("utf-16-le")
    )
    for path, reason in ((corrupt, "无法按 Excel（xlsx）打开：文件已损坏或不完整"),
                         (locked, "文件设有打开密码：请在 Excel 中取消密码、另存为 xlsx 后再导入")):  # fmt: skip
        with pytest.raises(FangfeiError) as caught:
            _import(db, county, path)
        assert caught.value.problems[0].reason == reason
    assert _count(db) == 0


def test_a_ledger_is_uploaded_from_the_page(
    client: TestClient, county: County, db: Session, tmp_path: Path
) -> None:
    good = _sheet(
        tmp_path / "good.xlsx", [SEED_HEADERS, [1, "某某理财工作室", "2", "群众举报", "2025年6月"]]
    )
    bad = _sheet(tmp_path / "bad.xlsx", [SEED_HEADERS, [1, "甲", "火星", "群众举报", "2025年6月"]])
    token = log_in(client, "office")
    refused = client.post("/ledger/import", data={"csrf_token": token},
                          files={"file": ("bad.xlsx", bad.read_bytes())})  # fmt: skip
    assert refused.status_code == 422 and "第 3 行，字段“所属行业领域”" in refused.text
    done = client.post("/ledger/import", data={"csrf_token": token},
                       files={"file": ("good.xlsx", good.read_bytes())})  # fmt: skip
    assert "已导入 1 条线索（附件 2）" in done.text
    assert _count(db) == 1
    token = log_in(client, "leader")
    assert client.post("/ledger/import", data={"csrf_token": token},
                       files={"file": ("good.xlsx", good.read_bytes())}).status_code == 403  # fmt: skip
