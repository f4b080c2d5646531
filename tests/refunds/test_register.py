"""The claims register: importing participants, merging by ID number, claims and their status."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangfei.audit.models import AuditEvent
from fangfei.cases import service as cases
from fangfei.cases.schemas import CaseUpdate
from fangfei.errors import FangfeiError
from fangfei.refunds import figures, register
from fangfei.refunds.models import Participant, ParticipantLine
from fangfei.refunds.register_import import import_register
from fangfei.security.crypto import FieldCipher
from tests.county import County
from tests.leads.helpers import actor_of
from tests.refunds.helpers import id_number, imported, refund_case, row, scheme_rows, write_register


def _people(db: Session, case_id: int) -> dict[str, Participant]:
    stmt = select(Participant).where(Participant.case_id == case_id)
    return {p.name: p for p in db.scalars(stmt)}


def test_rows_of_one_id_number_are_one_participant_with_every_line_kept(
    db: Session, county: County, cipher: FieldCipher, tmp_path: Path
) -> None:
    case = refund_case(db, county, cipher)
    result = imported(db, county, cipher, case, tmp_path)
    assert (result.rows, result.new_participants, result.existing_participants) == (8, 5, 0)
    people = _people(db, case.id)
    assert [(p.number, p.name) for p in sorted(people.values(), key=lambda p: p.number)] == [
        (1, "张三"),
        (2, "李四"),
        (3, "王五"),
        (4, "赵六"),
        (5, "钱七"),
    ]
    zhang = people["张三"]
    assert [line.amount_fen for line in register.lines_of(db, zhang.id)] == [1_000_000, 2_000_000]
    assert [line.source_row for line in register.lines_of(db, zhang.id)] == [2, 5]
    assert (zhang.contributed_fen, zhang.returned_fen, zhang.claim_fen) == (3_000_000, 0, 3_000_000)
    assert people["李四"].claim_fen == 3_000_000 - 150_050
    assert people["王五"].claim_fen == 0
    assert people["钱七"].role == "organiser"
    assert zhang.id_number_masked == id_number(1)[:6] + "********" + id_number(1)[-4:]
    assert cipher.decrypt(zhang.id_number_encrypted) == id_number(1)
    assert zhang.status == "registered"
    assert result.notes == [
        "第 1 号参与人 张三：第 2、5 行身份证号码相同，合并为一人，各行明细均保留",
        "第 2 号参与人 李四：第 3、4 行身份证号码相同，合并为一人，各行明细均保留",
        "第 3 号参与人 王五：第 6、7 行身份证号码相同，合并为一人，各行明细均保留",
        "第 3 号参与人 王五：已收回报超过出资 1,000.00 元，债权计为 0 元",
    ]
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "refund.import")).one()
    assert event.detail["rows"] == 8 and event.detail["new"] == 5
    # The case's figures now come from the register: nobody paid, the four participants owed.
    assert case.refunded_yuan == 0
    assert case.unpaid_people == 3  # 王五 is owed nothing; 钱七 is an organiser
    assert str(case.unpaid_amount_yuan) == "98499.50"


def test_the_claim_explains_itself(
    db: Session, county: County, cipher: FieldCipher, tmp_path: Path
) -> None:
    case = refund_case(db, county, cipher)
    imported(db, county, cipher, case, tmp_path)
    people = _people(db, case.id)
    li, wang = people["李四"], people["王五"]
    assert register.explain_claim(li, register.lines_of(db, li.id), refunded=True) == [
        "出资合计 30,000.00 元（1 笔）",
        "已收回报合计 1,500.50 元（利息 1,500.50 元）",
        "债权 = 出资 − 已收回报 = 28,499.50 元",
    ]
    assert register.explain_claim(wang, register.lines_of(db, wang.id), refunded=True)[2] == (
        "已收回报超过出资 1,000.00 元：债权计为 0 元，超出部分属于应依法追缴的违法所得"
    )
    qian = people["钱七"]
    assert register.explain_claim(qian, register.lines_of(db, qian.id), refunded=False)[-1] == (
        "人员类别不属于参与群众：依法不予清退，其出资不参与分配"
    )


def _refusal(db: Session, county: County, cipher: FieldCipher, tmp_path: Path,
             rows: list[dict[str, str]]) -> list[tuple[int | None, str, str]]:  # fmt: skip
    case = refund_case(db, county, cipher)
    with pytest.raises(FangfeiError) as caught:
        imported(db, county, cipher, case, tmp_path, rows)
    assert caught.value.message.endswith("未导入任何一行。")
    assert db.scalars(select(Participant)).all() == []
    assert db.scalars(select(ParticipantLine)).all() == []
    return [(p.row, p.field, p.reason) for p in caught.value.problems]


def test_the_same_id_number_under_two_names_is_refused_naming_both_rows(
    db: Session, county: County, cipher: FieldCipher, tmp_path: Path
) -> None:
    rows = [row("张三", 1, "出资", "100"), row("张珊", 1, "出资", "200")]
    assert _refusal(db, county, cipher, tmp_path, rows) == [
        (3, "姓名", "身份证号码与第 2 行相同，但姓名不同（“张三”／“张珊”）：请核对是否为同一人")
    ]


def test_bad_amounts_dates_and_kinds_are_refused_with_row_and_column(
    db: Session, county: County, cipher: FieldCipher, tmp_path: Path
) -> None:
    rows = [
        row("张三", 1, "出资", "-100"),
        row("李四", 2, "出资", "一万元"),
        row("王五", 3, "存款利息", "100"),
        row("赵六", 4, "出资", "100", 日期="2024-02-30"),
        row("孙八", 6, "出资", "0"),
        row("周九", 7, "出资", "100", 人员类别="股东"),
    ]
    assert _refusal(db, county, cipher, tmp_path, rows) == [
        (2, "金额（元）", "不能为负数：“-100”"),
        (3, "金额（元）", "不是金额：“一万元”，请填写如 1234.56 或 1,234.56 的数字（单位：元）"),
        (4, "明细类型", "“存款利息”不是明细类型：可填 出资、利息、分红、返利、礼品折价、其他回报"),
        (5, "日期", "日期“2024-02-30”不存在"),
        (6, "金额（元）", "金额必须大于 0"),
        (7, "人员类别", "“股东”不是人员类别：可填 组织者、参与组织活动人员、掮客、员工、参与群众"),
    ]


def test_an_invalid_id_number_lands_flagged_and_cannot_be_verified(
    db: Session, county: County, cipher: FieldCipher, tmp_path: Path
) -> None:
    case = refund_case(db, county, cipher)
    bad = id_number(1)[:-1] + ("0" if id_number(1)[-1] != "0" else "1")
    result = imported(db, county, cipher, case, tmp_path, [row("张三", bad, "出资", "100")])
    assert [(p.row, p.reason) for p in result.flagged] == [
        (2, "第 1 号参与人 张三：身份证号码校验位错误，暂不能核实")
    ]
    office = actor_of(county.users["office"])
    with pytest.raises(FangfeiError) as caught:
        register.change_status(db, actor=office, case_id=case.id, action="verify", numbers=[1])
    assert [p.reason for p in caught.value.problems] == [
        "第 1 号（张三）：身份证号码无效（身份证号码校验位错误），请核对更正后再核实"
    ]
    with pytest.raises(FangfeiError, match="没有可以核实的参与人"):
        register.change_status(db, actor=office, case_id=case.id, action="verify", numbers=None)


def test_a_second_file_adds_to_registered_people_and_the_same_file_is_not_imported_twice(
    db: Session, county: County, cipher: FieldCipher, tmp_path: Path
) -> None:
    case = refund_case(db, county, cipher)
    office = actor_of(county.users["office"])
    first = write_register(tmp_path / "first.csv", scheme_rows())
    import_register(db, actor=office, cipher=cipher, case_id=case.id, path=first)
    with pytest.raises(FangfeiError, match=r"该文件已于 .* 导入本案（“first\.csv”），未重复导入"):
        import_register(db, actor=office, cipher=cipher, case_id=case.id, path=first)
    later = write_register(
        tmp_path / "later.csv",
        [row("张三", 1, "出资", "500", 日期="2024-05-01"), row("孙八", 6, "出资", "800")],
        encoding="gb18030",
    )
    result = import_register(db, actor=office, cipher=cipher, case_id=case.id, path=later)
    assert (result.new_participants, result.existing_participants) == (1, 1)
    people = _people(db, case.id)
    assert people["张三"].contributed_fen == 3_050_000
    assert people["孙八"].number == 6


def test_a_registered_person_under_another_name_is_refused(
    db: Session, county: County, cipher: FieldCipher, tmp_path: Path
) -> None:
    case = refund_case(db, county, cipher)
    imported(db, county, cipher, case, tmp_path)
    with pytest.raises(FangfeiError) as caught:
        imported(db, county, cipher, case, tmp_path, [row("张叁", 1, "出资", "500")])
    assert [(p.row, p.reason) for p in caught.value.problems] == [
        (
            2,
            "身份证号码与已登记的第 1 号参与人相同，但姓名不同（“张三”／“张叁”）：请核对是否为同一人",
        )
    ]


def test_status_changes_follow_the_table_and_are_audited(
    db: Session, county: County, cipher: FieldCipher, tmp_path: Path
) -> None:
    case = refund_case(db, county, cipher)
    imported(db, county, cipher, case, tmp_path)
    office = actor_of(county.users["office"])
    assert (
        register.change_status(db, actor=office, case_id=case.id, action="verify", numbers=None)
        == 5
    )
    with pytest.raises(FangfeiError, match="登记异议须写明原因"):
        register.change_status(db, actor=office, case_id=case.id, action="dispute", numbers=[2])
    with pytest.raises(FangfeiError, match="暂缓兑付须逐人进行：请填写登记号"):
        register.change_status(
            db, actor=office, case_id=case.id, action="withhold", numbers=None, reason="全部暂缓"
        )
    register.change_status(db, actor=office, case_id=case.id, action="dispute", numbers=[2],
                           reason="出资凭证与银行流水不符")  # fmt: skip
    with pytest.raises(FangfeiError) as caught:
        register.change_status(db, actor=office, case_id=case.id, action="dispute", numbers=[2, 9],
                               reason="重复")  # fmt: skip
    assert [p.reason for p in caught.value.problems] == [
        "第 9 号参与人不在本案登记册中",
        "第 2 号（李四）：当前状态为“有异议”，不能登记异议",
    ]
    assert register.count_by_status(db, case.id) == {
        "registered": 0,
        "verified": 4,
        "disputed": 1,
        "withheld": 0,
        "paid": 0,
    }
    actions = db.scalars(
        select(AuditEvent.action).where(AuditEvent.action.like("refund.%")).order_by(AuditEvent.id)
    ).all()
    assert actions == ["refund.import", "refund.verify", "refund.dispute"]
    last = db.scalars(select(AuditEvent).where(AuditEvent.action == "refund.dispute")).one()
    assert last.detail == {"count": 1, "numbers": [2], "reason": "出资凭证与银行流水不符"}


def test_figures_before_any_round(
    db: Session, county: County, cipher: FieldCipher, tmp_path: Path
) -> None:
    case = refund_case(db, county, cipher)
    imported(db, county, cipher, case, tmp_path)
    found = figures.of_case(db, case)
    assert (found.participants, found.excluded, found.claims_fen) == (5, 1, 9_849_950)
    assert (found.owed_fen, found.owed_people, found.paid_fen) == (9_849_950, 3, 0)
    assert found.refund_rate == 0 and found.coverage == 0


def test_once_registered_the_case_figures_are_the_registers(
    db: Session, county: County, cipher: FieldCipher, tmp_path: Path
) -> None:
    case = refund_case(db, county, cipher)
    office = actor_of(county.users["office"])
    cases.update(db, actor=office, case_id=case.id, data=CaseUpdate(refunded_yuan=Decimal("500")))
    imported(db, county, cipher, case, tmp_path)
    with pytest.raises(FangfeiError) as caught:
        cases.update(
            db, actor=office, case_id=case.id, data=CaseUpdate(refunded_yuan=Decimal("900"))
        )
    assert caught.value.message.startswith("本案已建立集资参与人登记册")
    assert [p.field for p in caught.value.problems] == ["refunded_yuan"]
    same = CaseUpdate(refunded_yuan=Decimal("0.00"), name="新名称")
    assert cases.update(db, actor=office, case_id=case.id, data=same).name == "新名称"


def test_a_mistyped_id_number_is_corrected_and_the_participant_can_then_be_verified(
    db: Session, county: County, cipher: FieldCipher, tmp_path: Path
) -> None:
    case = refund_case(db, county, cipher)
    bad = id_number(7)[:-1] + ("0" if id_number(7)[-1] != "0" else "1")
    imported(
        db,
        county,
        cipher,
        case,
        tmp_path,
        [row("张三", bad, "出资", "100"), row("李四", 2, "出资", "100")],
    )
    office = actor_of(county.users["office"])
    with pytest.raises(FangfeiError, match="更正后的身份证号码仍然无效"):
        register.correct_identity(db, actor=office, cipher=cipher, case_id=case.id, number=1,
                                  data=register.IdentityIn(id_number=bad, reason="核对"))  # fmt: skip
    with pytest.raises(FangfeiError, match="该身份证号码已登记为第 2 号参与人（李四）"):
        register.correct_identity(db, actor=office, cipher=cipher, case_id=case.id, number=1,
                                  data=register.IdentityIn(id_number=id_number(2), reason="核对"))  # fmt: skip
    fixed = register.correct_identity(
        db, actor=office, cipher=cipher, case_id=case.id, number=1,
        data=register.IdentityIn(id_number=id_number(7), name="张叁", reason="核对身份证原件"),
    )  # fmt: skip
    assert (fixed.id_status, fixed.name, cipher.decrypt(fixed.id_number_encrypted)) == (
        "valid",
        "张叁",
        id_number(7),
    )
    assert fixed.id_blind_index == cipher.blind_index(id_number(7))
    assert (
        register.change_status(db, actor=office, case_id=case.id, action="verify", numbers=[1]) == 1
    )
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "refund.identity")).one()
    assert event.detail["before"]["name"] == "张三" and event.detail["reason"] == "核对身份证原件"
    assert id_number(7) not in str(event.detail)
