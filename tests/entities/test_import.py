"""Importing an enterprise registry (企业名录): every row lands, or nothing is written."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from fangfei.audit.models import AuditEvent
from fangfei.auth import service as auth
from fangfei.auth.roles import Actor, Role
from fangfei.cli import app
from fangfei.cli_support import console
from fangfei.config import get_settings
from fangfei.db import make_engine
from fangfei.entities import importer
from fangfei.entities.models import Enterprise, Entity, ImportBatch
from fangfei.errors import FangfeiError, FieldProblem
from fangfei.screening.models import ScreeningRun
from tests.conftest import SYSTEM
from tests.county import County
from tests.entities.registry import (
    FULL_HEADER,
    HEADER,
    PNG_HEADER,
    bad_checksum,
    valid_uscc,
    write_csv,
    write_xlsx,
)

USCC = "统一社会信用代码"
TOWNSHIP = "所属乡镇"
NOT_A_TABLE = "文件不是 Excel（xlsx）或 CSV 表格。"


def written(db: Session) -> tuple[int, int, int]:
    """Entities, import batches and audit rows in the database."""
    return (
        db.scalar(select(func.count()).select_from(Entity)) or 0,
        db.scalar(select(func.count()).select_from(ImportBatch)) or 0,
        db.scalar(select(func.count()).select_from(AuditEvent)) or 0,
    )


def refused(db: Session, path: Path, actor: Actor = SYSTEM) -> FangfeiError:
    """Import a file that must be refused as a whole, and check that nothing was written."""
    before = written(db)
    with pytest.raises(FangfeiError) as info:
        importer.import_registry(db, actor=actor, path=path)
    assert written(db) == before
    return info.value


def enterprises(db: Session) -> list[Enterprise]:
    """The enterprises in insertion order."""
    return list(db.scalars(select(Enterprise).order_by(Enterprise.id)))


def one_row(tmp_path: Path, **cells: object) -> Path:
    """A CSV with one valid row, some of its cells replaced (keyed by header)."""
    row: dict[str, object] = {"企业名称": "甲公司", USCC: valid_uscc(1), TOWNSHIP: "东城镇"}
    row.update(cells)
    return write_csv(tmp_path / "one.csv", [list(row), list(row.values())])


# --- files that import ------------------------------------------------------------------------


# Name, USCC, township, legal representative, controller, address, scope, licence, date, status.
GOOD_ROWS: list[list[object]] = [
    ["甲商贸有限公司", valid_uscc(1), "东城镇", "张三", "李四", "幸福路 1 号", "日用百货",
     "小额贷款", date(2019, 3, 8), "存续（在营、开业、在册）"],
    ["  乙科技有限公司 ", f" {valid_uscc(2).lower()} ", "T102", None, None, None, None, "",
     datetime(2020, 1, 31), "revoked"],
    ["丙农业合作社", bad_checksum(3), "西城镇", None, None, None, None, "small_loan", "20200131"],
    ["丁公司", None, "T101", None, None, None, None, None, "2021年5月6日", "吊销"],
]  # fmt: skip


def stored(e: Enterprise) -> tuple[object, ...]:
    """An enterprise's imported fields, in the order of FULL_HEADER, then its key check."""
    return (
        e.name, e.uscc, e.jurisdiction.code, e.legal_representative, e.actual_controller,
        e.address, e.business_scope, e.licence_type, e.registration_date, e.business_status,
        e.key_status, e.key_problem,
    )  # fmt: skip


def test_xlsx_imports_every_row_with_its_fields(
    db: Session, county: County, tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "名录.xlsx", [FULL_HEADER, *GOOD_ROWS])

    result = importer.import_registry(db, actor=SYSTEM, path=path)

    assert (result.imported, result.notes) == (4, [])
    assert result.flagged == [
        FieldProblem(USCC, f"统一社会信用代码校验位错误：{bad_checksum(3)}", 4),
        FieldProblem(USCC, "未填写统一社会信用代码", 5),
    ]
    assert [stored(e) for e in enterprises(db)] == [
        ("甲商贸有限公司", valid_uscc(1), "T101", "张三", "李四", "幸福路 1 号", "日用百货",
         "small_loan", date(2019, 3, 8), "active", "valid", None),
        ("乙科技有限公司", valid_uscc(2), "T102", None, None, None, None,
         "none", date(2020, 1, 31), "revoked", "valid", None),
        ("丙农业合作社", bad_checksum(3), "T102", None, None, None, None,
         "small_loan", date(2020, 1, 31), None, "invalid", "统一社会信用代码校验位错误"),
        ("丁公司", None, "T101", None, None, None, None,
         "none", date(2021, 5, 6), "revoked", "missing", "未填写统一社会信用代码"),
    ]  # fmt: skip


def test_an_import_writes_one_batch_and_one_audit_row(
    db: Session, county: County, tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "名录.xlsx", [FULL_HEADER, *GOOD_ROWS])
    audit_rows = written(db)[2]

    result = importer.import_registry(db, actor=SYSTEM, path=path)

    batch = db.get(ImportBatch, result.batch_id)
    assert batch is not None
    assert (batch.kind, batch.filename, batch.row_count, batch.actor_name) == (
        "enterprise_registry", "名录.xlsx", 4, "test"
    )  # fmt: skip
    assert batch.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert {e.import_batch_id for e in enterprises(db)} == {batch.id}
    assert written(db)[2] == audit_rows + 1
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "entity.import")).one()
    assert (event.object_type, event.object_id, event.actor_name) == (
        "import_batch", str(batch.id), "test"
    )  # fmt: skip
    assert event.detail == {
        "filename": "名录.xlsx",
        "sha256": batch.sha256,
        "rows": 4,
        "flagged": 2,
        "screening_run": db.scalars(select(ScreeningRun.id)).one(),
        "supervised": 0,
    }


def test_gbk_csv_imports_and_notes_what_it_ignored(
    db: Session, county: County, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "registry.csv",
        [
            [" 企业名称 ", "统一社会信用代码", "所属乡镇 ", "备注", "成立日期", "持牌金融业务类型"],
            [
                "东城（测试）融资担保有限公司",
                valid_uscc(7),
                "T101",
                "老客户",
                "2018/7/9",
                "融资担保",
            ],
            ["西城镇供销社", bad_checksum(8), "西城镇", "", "", "无"],
        ],
        encoding="gbk",
    )

    result = importer.import_registry(db, actor=SYSTEM, path=path)

    assert (result.imported, result.notes) == (
        2,
        ["文件按 GBK（GB18030）编码读取", "已忽略无法识别的列：备注"],
    )
    assert result.flagged == [
        FieldProblem(USCC, f"统一社会信用代码校验位错误：{bad_checksum(8)}", 3)
    ]
    guarantee, coop = enterprises(db)
    assert (guarantee.name, guarantee.uscc, guarantee.jurisdiction_id) == (
        "东城（测试）融资担保有限公司",
        valid_uscc(7),
        county.east.id,
    )
    assert (guarantee.registration_date, guarantee.licence_type) == (
        date(2018, 7, 9),
        "financing_guarantee",
    )
    assert (coop.name, coop.key_status, coop.licence_type, coop.registration_date) == (
        "西城镇供销社",
        "invalid",
        "none",
        None,
    )


def test_rows_without_a_valid_uscc_land_flagged(
    db: Session, county: County, tmp_path: Path
) -> None:
    full_width = valid_uscc(4).translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})
    path = write_csv(
        tmp_path / "keys.csv",
        [
            HEADER,
            ["甲", "91-5101", "东城镇"],
            ["乙", "9" * 40, "东城镇"],
            ["丙", "  ", "东城镇"],
            ["丁", full_width, "东城镇"],
        ],
    )

    result = importer.import_registry(db, actor=SYSTEM, path=path)

    assert result.imported == 4
    assert result.flagged == [
        FieldProblem(USCC, "统一社会信用代码长度不对：91-5101", 2),
        FieldProblem(USCC, "统一社会信用代码长度不对（原值过长，未保存）", 3),
        FieldProblem(USCC, "未填写统一社会信用代码", 4),
    ]
    assert [(e.name, e.uscc, e.key_status) for e in enterprises(db)] == [
        ("甲", "91-5101", "invalid"),
        ("乙", None, "invalid"),
        ("丙", None, "missing"),
        ("丁", valid_uscc(4), "valid"),
    ]


def test_content_decides_the_format_not_the_extension(
    db: Session, county: County, tmp_path: Path
) -> None:
    xlsx_named_csv = write_xlsx(tmp_path / "a.csv", [HEADER, ["甲公司", valid_uscc(1), "东城镇"]])
    bom_csv_named_xlsx = write_csv(
        tmp_path / "b.xlsx",
        [["name", "USCC", "township"], [], ["乙公司", valid_uscc(2), "T102"], ["", "", ""]],
        encoding="utf-8-sig",
    )

    assert importer.import_registry(db, actor=SYSTEM, path=xlsx_named_csv).imported == 1
    result = importer.import_registry(db, actor=SYSTEM, path=bom_csv_named_xlsx)

    assert (result.imported, result.flagged, result.notes) == (1, [], ["跳过 2 个空行"])
    assert [e.name for e in enterprises(db)] == ["甲公司", "乙公司"]


def test_rows_keep_their_order_across_insert_chunks(
    db: Session, county: County, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "INSERT_CHUNK", 2)
    rows = [[f"企业{n}", valid_uscc(n), "东城镇", f"法人{n}"] for n in range(5)]
    path = write_csv(tmp_path / "five.csv", [[*HEADER, "法定代表人"], *rows])
    seen: list[int] = []

    result = importer.import_registry(db, actor=SYSTEM, path=path, progress=seen.append)

    assert result.imported == 5
    assert seen[-1] == 5
    assert [(e.name, e.uscc, e.legal_representative) for e in enterprises(db)] == [
        (f"企业{n}", valid_uscc(n), f"法人{n}") for n in range(5)
    ]


# --- files refused as a whole -----------------------------------------------------------------


def test_missing_columns_are_listed_with_the_columns_found(
    db: Session, county: County, tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "a.xlsx", [["企业名称", "地址", "成立日期"], ["甲", "某路", ""]])

    error = refused(db, path)

    assert error.message == (
        "第 1 行表头缺少必填列：统一社会信用代码、所属乡镇。文件中的列：企业名称、地址、成立日期。"
    )
    assert error.problems == [
        FieldProblem(USCC, "缺少必填列", 1),
        FieldProblem(TOWNSHIP, "缺少必填列", 1),
    ]


def test_a_column_given_twice_is_refused(db: Session, county: County, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [[*HEADER, "name"], ["甲", valid_uscc(1), "东城镇", "甲"]])

    assert refused(db, path).problems == [FieldProblem("name", "与前面的列重复", 1)]


def test_duplicate_usccs_within_the_file_name_both_rows(
    db: Session, county: County, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "dup.csv",
        [
            HEADER,
            ["甲", valid_uscc(1), "东城镇"],
            ["乙", bad_checksum(2), "东城镇"],
            ["丙", f" {valid_uscc(1).lower()}", "西城镇"],
            ["丁", bad_checksum(2), "西城镇"],
            ["戊", "", "西城镇"],
            ["己", "", "西城镇"],
        ],
    )

    error = refused(db, path)

    assert error.message == "文件中有 2 处问题（涉及 2 行），未导入任何数据。请逐条修改后重新导入。"
    assert error.problems == [
        FieldProblem(USCC, f"与第 2 行重复：{valid_uscc(1)}", 4),
        FieldProblem(USCC, f"与第 3 行重复：{bad_checksum(2)}", 5),
    ]


def test_a_uscc_already_registered_is_refused(db: Session, county: County, tmp_path: Path) -> None:
    first = write_csv(tmp_path / "first.csv", [HEADER, ["甲", valid_uscc(1), "东城镇"]])
    importer.import_registry(db, actor=SYSTEM, path=first)
    again = write_csv(
        tmp_path / "again.csv",
        [HEADER, ["乙", valid_uscc(2), "东城镇"], ["甲（重复）", valid_uscc(1), "东城镇"]],
    )

    error = refused(db, again)

    assert error.problems == [
        FieldProblem(USCC, f"已登记：{valid_uscc(1)} 已在系统中，请从文件中删去此行", 3)
    ]
    assert [e.name for e in enterprises(db)] == ["甲"]


def test_a_uscc_registered_during_the_import_rolls_it_back(
    db: Session, county: County, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = write_csv(tmp_path / "first.csv", [HEADER, ["甲", valid_uscc(1), "东城镇"]])
    importer.import_registry(db, actor=SYSTEM, path=first)
    # As if another clerk's import committed after our duplicate check ran.
    monkeypatch.setattr(importer, "_registered", lambda db, usccs: set())
    again = write_csv(
        tmp_path / "again.csv",
        [HEADER, ["乙", valid_uscc(2), "东城镇"], ["甲", valid_uscc(1), "东城镇"]],
    )
    before = written(db)
    with pytest.raises(FangfeiError) as info, db.begin_nested():
        importer.import_registry(db, actor=SYSTEM, path=again)
    assert (info.value.code, info.value.status) == ("conflict", 409)
    assert "导入期间有其他用户登记了文件中的统一社会信用代码" in info.value.message
    assert written(db) == before


@pytest.mark.parametrize(
    ("cells", "problem"),
    [
        (
            {TOWNSHIP: "南城镇"},
            FieldProblem(TOWNSHIP, "未知的乡镇“南城镇”：请填写系统中已有的辖区名称或代码", 2),
        ),
        ({TOWNSHIP: ""}, FieldProblem(TOWNSHIP, "不能为空", 2)),
        ({"企业名称": "  "}, FieldProblem("企业名称", "不能为空", 2)),
        ({"企业名称": "长" * 201}, FieldProblem("企业名称", "超过 200 个字符（现有 201 个）", 2)),
        ({"成立日期": "2020-13-01"}, FieldProblem("成立日期", "日期“2020-13-01”不存在", 2)),
        (
            {"成立日期": "2020.01.31"},
            FieldProblem(
                "成立日期",
                "无法识别的日期“2020.01.31”：请写成 2020-01-31、2020/01/31、2020年1月31日 或 20200131",
                2,
            ),
        ),
        (
            {"持牌金融业务类型": "P2P"},
            FieldProblem(
                "持牌金融业务类型", "未知的持牌金融业务类型“P2P”：请填写基础数据中的代码或名称", 2
            ),
        ),
        (
            {"登记状态": "歇业"},
            FieldProblem("登记状态", "未知的登记状态“歇业”：请填写基础数据中的代码或名称", 2),
        ),
    ],
)
def test_a_bad_cell_refuses_the_file(
    db: Session, county: County, tmp_path: Path, cells: dict[str, object], problem: FieldProblem
) -> None:
    error = refused(db, one_row(tmp_path, **cells))

    assert error.problems == [problem]


def test_every_problem_is_reported_at_once_in_row_order(
    db: Session, county: County, tmp_path: Path
) -> None:
    path = write_xlsx(
        tmp_path / "many.xlsx",
        [
            [*HEADER, "成立日期"],
            ["甲", valid_uscc(1), "东城镇", "2020-01-01"],
            ["", valid_uscc(2), "北城镇", "昨天"],
            ["丙", valid_uscc(3), "T101", None],
            ["丁", valid_uscc(2), "T101", "2020-02-30"],
        ],
    )

    error = refused(db, path)

    assert error.problems == [
        FieldProblem("企业名称", "不能为空", 3),
        FieldProblem(TOWNSHIP, "未知的乡镇“北城镇”：请填写系统中已有的辖区名称或代码", 3),
        FieldProblem(
            "成立日期",
            "无法识别的日期“昨天”：请写成 2020-01-31、2020/01/31、2020年1月31日 或 20200131",
            3,
        ),
        FieldProblem(USCC, f"与第 3 行重复：{valid_uscc(2)}", 5),
        FieldProblem("成立日期", "日期“2020-02-30”不存在", 5),
    ]


def test_townships_outside_the_actors_jurisdiction_are_refused(
    db: Session, county: County, tmp_path: Path
) -> None:
    east_office = Actor(
        user_id=None,
        username="east-office",
        role=Role.LEAD_OFFICE,
        jurisdiction_id=county.east.id,
        jurisdiction_path=county.east.path,
    )

    error = refused(db, one_row(tmp_path, **{TOWNSHIP: "西城镇"}), actor=east_office)

    assert error.problems == [FieldProblem(TOWNSHIP, "“西城镇”不在您的管辖范围内", 2)]


def test_only_roles_with_the_import_action_may_import(
    db: Session, county: County, tmp_path: Path
) -> None:
    township = auth.actor_for(county.users["east"])

    error = refused(db, one_row(tmp_path), actor=township)

    assert error.code == "forbidden"
    office = auth.actor_for(county.users["office"])
    assert importer.import_registry(db, actor=office, path=one_row(tmp_path)).imported == 1


def _empty(tmp_path: Path) -> Path:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    return path


def _blank_lines(tmp_path: Path) -> Path:
    path = tmp_path / "blank.csv"
    path.write_text("\r\n  \r\n,,\r\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "build",
    [
        _empty,
        _blank_lines,
        lambda tmp: write_csv(tmp / "header.csv", [HEADER]),
        lambda tmp: write_csv(tmp / "header-gbk.csv", [HEADER, [], ["", "", ""]], encoding="gbk"),
        lambda tmp: write_xlsx(tmp / "header.xlsx", [HEADER]),
        lambda tmp: write_xlsx(tmp / "empty.xlsx", []),
    ],
    ids=[
        "empty",
        "blank-lines",
        "csv-header-only",
        "gbk-header-blank-rows",
        "xlsx-header-only",
        "xlsx-empty",
    ],
)
def test_a_file_without_data_rows_is_refused(
    db: Session, county: County, tmp_path: Path, build: object
) -> None:
    assert callable(build)
    error = refused(db, build(tmp_path))

    assert error.message.startswith("文件中没有数据行")
    assert error.problems == []


def _truncated_xlsx(tmp_path: Path) -> Path:
    good = write_xlsx(tmp_path / "good.xlsx", [HEADER, ["甲", valid_uscc(1), "东城镇"]])
    path = tmp_path / "truncated.xlsx"
    path.write_bytes(good.read_bytes()[:-400])
    return path


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (random.Random(7).randbytes(4096), "既不是 xlsx 文件，也不是 UTF-8 或 GBK 编码的 CSV 文本"),
        (PNG_HEADER + bytes(64), "既不是 xlsx 文件，也不是 UTF-8 或 GBK 编码的 CSV 文本"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512),
            "这是旧版 Excel（xls）文件：请在 Excel 中另存为 xlsx 后再导入",
        ),
        (b"PK\x03\x04" + bytes(100), "无法按 Excel（xlsx）打开：文件已损坏或不完整"),
    ],
    ids=["random-bytes", "png", "xls", "zip-garbage"],
)
def test_a_file_that_is_not_a_spreadsheet_is_refused(
    db: Session, county: County, tmp_path: Path, content: bytes, reason: str
) -> None:
    path = tmp_path / "registry.xlsx"
    path.write_bytes(content)

    error = refused(db, path)

    assert (error.message, error.problems) == (NOT_A_TABLE, [FieldProblem("文件", reason)])


def test_a_truncated_xlsx_is_refused(db: Session, county: County, tmp_path: Path) -> None:
    error = refused(db, _truncated_xlsx(tmp_path))

    assert error.message == NOT_A_TABLE
    assert error.problems == [FieldProblem("文件", "无法按 Excel（xlsx）打开：文件已损坏或不完整")]


def test_a_missing_file_is_refused(db: Session, county: County, tmp_path: Path) -> None:
    error = refused(db, tmp_path / "nowhere.xlsx")

    assert error.problems == [FieldProblem("文件", "不存在或不是文件")]


# --- the command line -------------------------------------------------------------------------


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    """A runner on a fresh SQLite installation with a county and one township."""
    monkeypatch.setenv("FANGFEI_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("FANGFEI_DATABASE_URL", raising=False)
    monkeypatch.setattr(console, "width", 200)  # keep each problem on one line
    get_settings.cache_clear()
    runner = CliRunner()
    for args in (
        ["db", "upgrade"],
        ["jurisdiction", "add", "C100", "测试县"],
        ["jurisdiction", "add", "C101", "东城镇", "--level", "township", "--parent", "C100"],
    ):
        outcome = runner.invoke(app, args)
        assert outcome.exit_code == 0, outcome.output
    yield runner
    get_settings.cache_clear()


def test_cli_imports_a_good_file(cli: CliRunner, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "good.xlsx",
        [HEADER, ["甲公司", valid_uscc(1), "东城镇"], ["乙公司", bad_checksum(2), "C101"]],
    )

    outcome = cli.invoke(app, ["entities", "import", str(path)])

    assert outcome.exit_code == 0, outcome.output
    assert "导入 2 家，1 家证照号码待核" in outcome.output
    assert f"第 3 行，字段“统一社会信用代码”：统一社会信用代码校验位错误：{bad_checksum(2)}" in (
        outcome.output
    )


def test_cli_lists_every_rejected_row_and_exits_2(cli: CliRunner, tmp_path: Path) -> None:
    rows = [[f"企业{n}", valid_uscc(n), "南城镇"] for n in range(30)]
    path = write_csv(tmp_path / "bad.csv", [HEADER, *rows])

    outcome = cli.invoke(app, ["entities", "import", str(path)])

    assert outcome.exit_code == 2, outcome.output
    assert "错误：文件中有 30 处问题（涉及 30 行），未导入任何数据。" in outcome.output
    for row in range(2, 32):
        assert f"第 {row} 行，字段“所属乡镇”：未知的乡镇“南城镇”" in outcome.output
    engine = make_engine(get_settings().sqlalchemy_url)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Entity)) == 0
    engine.dispose()
