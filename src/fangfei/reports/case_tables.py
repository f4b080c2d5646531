"""Attachments 3 and 4 of seed 004, built from the cases as they stand.

Attachment 3 (跨省非法集资案件（风险）办理情况登记统计表) lists the cases and risks in the actor's
jurisdiction with a place in another province, whether this installation leads them or assists.
Attachment 4 (重点督办案件（亿元以上，五年以上）分布表) lists the key cases — 亿元以上, 五年以上 against
the campaign cut-off, or supervised by the national office — and is filled by the 主办地 only, so it
holds the cases this installation leads. Neither table is tied to a period: each reports the cases'
state on the day it is built. Column wording follows the seed with its typos corrected
(专项行动前处置环节; the unit 万元 added to 涉案金额, which the seed leaves out).
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import or_
from sqlalchemy.orm import Session

from fangfei.auth import policy
from fangfei.auth.roles import Actor
from fangfei.cases import service
from fangfei.cases.documents import date_text
from fangfei.cases.models import Case, CaseSubject
from fangfei.cases.schemas import CaseFilter
from fangfei.cases.workflow import CRIMINAL_LABELS, STAGE_LABELS
from fangfei.entities.models import Enterprise, Entity, Person
from fangfei.reference.models import Jurisdiction
from fangfei.reports import sheets

A3_TITLE = "跨省（自治区、直辖市）非法集资案件（风险）办理情况登记统计表"
A3_COLUMNS = (
    "序号", "类型（案件/风险）", "案件/风险名称", "发现/立案时间", "涉案企业或个人名称",
    "统一信用代码/身份证号", "涉及金额（万元）", "涉案人数（万人）", "当前办理阶段", "资金清退率",
    "主办地", "协办地", "注册地", "司法管辖意见及主要依据", "涉稳简要情况",
)  # fmt: skip
A3_NOTES = (
    "备注：1. 各地根据金融监管局等四部门联合印发的《关于进一步加强跨省非法集资案件处置工作的通知》"
    "相关要求，梳理统计辖内跨省案件（风险）情况。",
    "2. 司法管辖意见及主要依据填写各地在初步摸清风险底数基础上，初步研判后对跨省案件司法管辖提出意见和依据。",
    "3. 涉稳简要情况简要填写该案件（风险）重大信访涉稳情况。如平稳则填无。",
    "4. 资金清退率 = 资金清退金额 ÷ 涉及金额；身份证号以脱敏形式填写。",
)
A4_TITLE = "重点督办案件（亿元以上，五年以上）分布表"
A4_COLUMNS = (
    "市州", "案件名称", "立案时间", "涉案金额（万元）", "涉及人数", "专项行动前处置环节",
    "目前处置环节", "是否结案（结案时间）", "是否亿元以上", "是否五年以上", "是否国家处非联办督办案件",
)  # fmt: skip
A4_SIGNATURE = "填报人员：                    联系方式："


def a4_notes(cutoff: date) -> tuple[str, ...]:
    """The notes under Attachment 4; the five-year line names the campaign's cut-off."""
    return (
        "备注：1. 本表统计案件为此次专项行动前立案的、处非联办及省委金融办督办（亿元以上，五年以上）案件。",
        "2. 专项行动期间新发生亿元以上案件信息应及时填入此表。",
        "3. 案件处置进展是指专项行动启动到结束期间案件进展情况，填报内容体现在侦、在诉、在审、执行等重要阶段进展。",
        "4. 此表中的市（州）为主办地所在的市（州），协办地不用填写。",
        f"5. 立案五年以上是指{date_text(cutoff)}前立案的案件。",
        "6. 按照攻坚行动方案明确的时间节点填报。",
    )


_WAN = Decimal(10000)
_CENT = Decimal("0.01")
_PEOPLE_WAN = Decimal("0.0001")  # 万人 to the person: 60 人 = 0.0060 万人


def wan_yuan(yuan: Decimal | None) -> Decimal | None:
    """Yuan in 万元, two decimals half up; unknown stays empty."""
    return None if yuan is None else (yuan / _WAN).quantize(_CENT, ROUND_HALF_UP)


def wan_people(count: int | None) -> Decimal | None:
    """People in 万人, exact to the person (four decimals)."""
    return None if count is None else (Decimal(count) / _WAN).quantize(_PEOPLE_WAN)


def refund_rate(case: Case) -> str:
    """资金清退率 = refunded ÷ amount involved, as a percentage with two decimals; 不详 if unknown."""
    if not case.amount_yuan:
        return "不详"
    rate = (case.refunded_yuan or Decimal(0)) * 100 / case.amount_yuan
    return f"{rate.quantize(_CENT, ROUND_HALF_UP)}%"


def stage_text(case: Case) -> str:
    """The procedure stage, and the criminal stage when the case is on the criminal path."""
    text = STAGE_LABELS.get(case.stage, case.stage)
    if case.criminal_stage:
        text += f"；刑事：{CRIMINAL_LABELS.get(case.criminal_stage, case.criminal_stage)}"
    return text


def _yes_no(value: bool) -> str:
    return "是" if value else "否"


def _code(db: Session, subject: CaseSubject) -> str:
    """The subject's USCC, or a person's masked ID number."""
    if subject.uscc:
        return subject.uscc
    entity = db.get(Entity, subject.entity_id) if subject.entity_id else None
    if isinstance(entity, Enterprise):
        return entity.uscc or ""
    return (entity.id_number_masked or "") if isinstance(entity, Person) else ""


def _organisers_first(subjects: list[CaseSubject]) -> list[CaseSubject]:
    return sorted(subjects, key=lambda s: s.role != "organiser")


def a3_row(db: Session, case: Case) -> list[object]:
    """One Attachment 3 row without its number."""
    subjects = _organisers_first(service.subjects_of(db, case))
    places = service.places_of(db, case)

    def names(role: str) -> str:
        return "、".join(p.name for p in places if p.role == role)

    started = (
        f"{date_text(case.filed_on)}立案" if case.filed_on
        else f"{date_text(case.discovered_on)}发现"
    )  # fmt: skip
    return [
        service.KIND_LABELS[case.kind], case.name, started,
        "、".join(s.name for s in subjects), "、".join(_code(db, s) for s in subjects),
        wan_yuan(case.amount_yuan), wan_people(case.people_count), stage_text(case),
        refund_rate(case), case.jurisdiction.name, names("assisting"), names("registration"),
        case.judicial_opinion or "", case.stability_summary or "无",
    ]  # fmt: skip


def city_of(db: Session, place: Jurisdiction) -> str:
    """The 市（州） the lead place lies in; the place itself when no city is registered above it."""
    current: Jurisdiction | None = place
    while current is not None:
        if current.level == "city":
            return current.name
        current = db.get(Jurisdiction, current.parent_id) if current.parent_id else None
    return place.name


def a4_row(db: Session, case: Case, cutoff: date) -> list[object]:
    """One Attachment 4 row."""
    closed = f"是（{date_text(case.closed_on)}）" if case.closed_on else "否"
    return [
        city_of(db, case.jurisdiction), case.name,
        date_text(case.filed_on) if case.filed_on else "未立案",
        wan_yuan(case.amount_yuan), case.people_count, case.stage_before_campaign or "",
        stage_text(case), closed, _yes_no(case.over_100m),
        _yes_no(service.long_running(case, cutoff)), _yes_no(case.supervised_nationally),
    ]  # fmt: skip


def a3_cases(db: Session, *, actor: Actor, cutoff: date) -> list[Case]:
    """The cross-province cases and risks the actor may see, by number."""
    policy.ensure(db, actor, "ledger.view")
    stmt = service.filtered(actor, CaseFilter(flag="cross_province"), cutoff)
    return list(db.scalars(stmt.order_by(Case.number)))


def a4_cases(db: Session, *, actor: Actor, cutoff: date) -> list[Case]:
    """The key cases the actor's place leads, by number."""
    policy.ensure(db, actor, "ledger.view")
    stmt = service.filtered(actor, CaseFilter(place_role="lead"), cutoff).where(
        or_(service.key_case_clause(cutoff), Case.supervised_nationally.is_(True))
    )
    return list(db.scalars(stmt.order_by(Case.number)))


# code → (sheet name, title, columns)
TABLES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "a3": ("附件3", A3_TITLE, A3_COLUMNS),
    "a4": ("附件4", A4_TITLE, A4_COLUMNS),
}


def cases_of(db: Session, code: str, *, actor: Actor, cutoff: date) -> list[Case]:
    """The cases a table holds for the actor."""
    return (a3_cases if code == "a3" else a4_cases)(db, actor=actor, cutoff=cutoff)


def rows(db: Session, code: str, cases: list[Case], cutoff: date) -> list[list[object]]:
    """The data rows of a case table, numbered where the official table numbers them."""
    if code == "a3":
        return [[n, *a3_row(db, case)] for n, case in enumerate(cases, start=1)]
    return [a4_row(db, case, cutoff) for case in cases]


def listing(
    db: Session, code: str, *, actor: Actor, cutoff: date
) -> list[tuple[Case, list[object]]]:
    """Each case of the table for the actor with its row, as the page and the API show them."""
    cases = cases_of(db, code, actor=actor, cutoff=cutoff)
    return list(zip(cases, rows(db, code, cases, cutoff), strict=True))


def workbook(db: Session, code: str, cases: list[Case], cutoff: date) -> bytes:
    """The table as an Excel file in the official layout."""
    name, title, columns = TABLES[code]
    book, sheet = sheets.new_sheet(name)
    header_block = sheets.HEADER_BLOCK if code == "a3" else None
    row = sheets.frame(sheet, title, columns, header_block) + 1
    for values in rows(db, code, cases, cutoff):
        sheets.put_row(sheet, row, values)
        row += 1
    under = A3_NOTES if code == "a3" else (A4_SIGNATURE, *a4_notes(cutoff))
    sheets.put_lines(sheet, row + 1, under)
    return sheets.to_bytes(book)
