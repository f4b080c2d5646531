"""Demo cases: the demo's cases carried through the real services to every stage of both tracks.

Each journey is a list of moves, taken in order on one case with dates spread from the case's
discovery to today. The demo's own cases (from transferred leads) take the journeys first, in id
order; cases assigned from above (上级交办) are opened for the journeys left over.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import docx
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangfei.auth.roles import Actor
from fangfei.cases import documents, measures, procedure, service
from fangfei.cases.models import Case
from fangfei.cases.schemas import CaseAssigned, CaseUpdate, MeasureIn, NoteIn, PlaceIn, StepIn
from fangfei.leads.attachments import Upload
from fangfei.reference import service as reference

ACCEPT = "P:accept"
TO_REGISTER = [ACCEPT, "P:characterise", "P:register"]
TO_AUDIT = [*TO_REGISTER, "P:announce", "P:audit"]
TO_REFUND = [*TO_AUDIT, "D:reports", "P:refund"]
TO_REPORT = [*TO_REFUND, "P:stabilise", "P:end_disposal"]
CRIMINAL = ["C:refer", "C:file", "C:investigate", "C:prosecute", "C:try", "C:enforce", "C:close"]

# One journey per case; together they reach every procedure stage and every criminal stage.
JOURNEYS: tuple[list[str], ...] = (
    [],  # 待受理
    ["P:terminate"],
    [ACCEPT, "M:risk_notice", "M:warning_interview"],
    [ACCEPT, "M:rectification_overdue", *CRIMINAL[:1]],  # 已移送公安, after measures
    [ACCEPT, *CRIMINAL[:2]],  # 立案侦查 with the police's filing
    [ACCEPT, *CRIMINAL[:3], "P:characterise"],
    [*TO_REGISTER, "M:rectification_due", "X:assisting"],
    [ACCEPT, *CRIMINAL[:4], "P:characterise", "P:register", "P:announce", "X:key"],
    [*TO_AUDIT, "M:fine"],
    [ACCEPT, *CRIMINAL[:5], "P:characterise", "P:register", "P:announce", "P:audit",
     "D:reports", "P:refund"],
    [*TO_REFUND, "M:rectification_done", *CRIMINAL[:6], "P:stabilise", "X:cross_province"],
    [*TO_REPORT, "X:note"],
    [*TO_REPORT, "D:disposal_report", "P:report"],
    [ACCEPT, *CRIMINAL, "P:end_disposal", "D:disposal_report", "P:report", "P:close"],
)  # fmt: skip

STEP_VALUES: dict[str, StepIn] = {
    "accept": StepIn(investigation_mode="special"),
    "terminate": StepIn(comment="经核实不属于非法集资，转行业主管部门依法处理。"),
    "characterise": StepIn(characterisation="示处非认〔2026〕号：认定为非法集资。"),
    "announce": StepIn(document_no="示处非告〔2026〕号"),
    "investigate": StepIn(arrests=3),
    "enforce": StepIn(amount_yuan=Decimal("860000.00")),
    "close": StepIn(),
}
MEASURES: dict[str, tuple[str, dict[str, object], int]] = {
    # move → (measure kind, extra fields, days before today it was taken)
    "risk_notice": ("risk_notice", {}, 150),
    "warning_interview": ("warning_interview", {"people_reduced": 12}, 120),
    "rectification_overdue": ("rectification_order", {"rectify_workdays": 10}, 90),
    "rectification_due": ("rectification_order", {"rectify_workdays": 15}, 3),
    "rectification_done": ("rectification_order", {"rectify_workdays": 20}, 100),
    "fine": ("fine", {"fine_yuan": Decimal("200000.00")}, 60),
}


def _report_file(title: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(f"{title}（演示材料）")
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def _cases(db: Session, actor: Actor, today: date) -> list[Case]:
    """The demo's cases, and cases assigned from above for the journeys they do not cover."""
    found = list(db.scalars(select(Case).order_by(Case.id)))
    county = next(j for j in reference.jurisdictions(db) if j.level == "county")
    for n in range(len(found), len(JOURNEYS)):
        found.append(service.open_assigned(db, actor=actor, data=CaseAssigned(
            name=f"上级交办：某投资咨询公司涉嫌非法集资案（{n + 1}）", jurisdiction_id=county.id,
            discovered_on=today - timedelta(days=300 - 10 * n),
            subject_name=f"示范县汇金投资咨询有限公司（{n + 1}）",
            amount_yuan=Decimal("3600000") * (n + 1), people_count=40 + n,
            facts="以养老投资、高额返利为名向社会公众吸收资金。")))  # fmt: skip
    return found


def _move(
    db: Session, actor: Actor, case: Case, move: str, on: date, today: date, files_root: Path
) -> None:
    kind, _, name = move.partition(":")
    if kind in ("P", "C"):
        track = "procedure" if kind == "P" else "criminal"
        data = STEP_VALUES.get(name, StepIn()).model_copy(update={"on_date": on})
        procedure.take_step(db, actor=actor, case_id=case.id, track=track, step=name, data=data,
                            files_root=files_root)  # fmt: skip
    elif kind == "M":
        _measure(db, actor, case, name, on, today)
    elif name == "reports":
        for doc_kind in ("audit_report", "valuation_report"):
            title = documents.DOCUMENT_KINDS[doc_kind]
            documents.upload(db, actor=actor, case_id=case.id, kind=doc_kind, files_root=files_root,
                             upload=Upload(f"{title}.docx", _report_file(title)), note=None)  # fmt: skip
    elif name == "disposal_report":
        documents.generate(db, actor=actor, case_id=case.id, kind=name, files_root=files_root,
                           today=on)  # fmt: skip
    else:
        _extra(db, actor, case, name, on)


def _measure(db: Session, actor: Actor, case: Case, name: str, on: date, today: date) -> None:
    kind, extra, days_ago = MEASURES[name]
    taken = min(on, today - timedelta(days=days_ago))
    target = case.name.removesuffix("涉嫌非法集资案")
    data = MeasureIn.model_validate({"kind": kind, "taken_on": taken, "target": target,
                                     "document_no": f"示处非〔{taken.year}〕{case.id}号", **extra})  # fmt: skip
    measure = measures.record_measure(db, actor=actor, case_id=case.id, data=data)
    if name == "rectification_done":
        measures.mark_rectified(db, actor=actor, case_id=case.id, measure_id=measure.id,
                                on_date=taken + timedelta(days=21))  # fmt: skip


def _extra(db: Session, actor: Actor, case: Case, name: str, on: date) -> None:
    if name == "assisting":
        townships = [j for j in reference.jurisdictions(db) if j.level == "township"]
        other = next(j for j in townships if j.id != case.jurisdiction_id)
        service.add_place(db, actor=actor, case_id=case.id,
                          data=PlaceIn(role="assisting", jurisdiction_id=other.id))  # fmt: skip
    elif name == "cross_province":
        for role, place in (("assisting", "邻省安平市"), ("registration", "邻省安平市高新区")):
            service.add_place(db, actor=actor, case_id=case.id,
                              data=PlaceIn(role=role, name=place, reach="province"))  # fmt: skip
        service.update(db, actor=actor, case_id=case.id, data=CaseUpdate(
            amount_yuan=Decimal("42000000"), people_count=860,
            judicial_opinion="主要犯罪地、资金归集地在本县，建议由本县公安机关管辖。",
            stability_summary="无"))  # fmt: skip
    elif name == "key":
        service.update(db, actor=actor, case_id=case.id, data=CaseUpdate(
            amount_yuan=Decimal("156000000"), people_count=2300, supervised_nationally=True,
            unpaid_amount_yuan=Decimal("98000000"), unpaid_people=1700, leader_name="王副县长"))  # fmt: skip
    else:
        measures.add_note(db, actor=actor, case_id=case.id, data=NoteIn(
            text="已召开专班会议，协调公安、市场监管部门推进资产追缴。", on_date=on))  # fmt: skip
        measures.record_national_update(db, actor=actor, case_id=case.id, on_date=on)


def build_demo_cases(db: Session, *, actor: Actor, files_root: Path, today: date) -> int:
    """Carry the demo's cases to every stage; returns how many cases the demo has."""
    cases = _cases(db, actor, today)
    # Past the scripted journeys, every other case has been accepted and is under investigation.
    rest = [[ACCEPT] if i % 2 else [] for i in range(len(cases) - len(JOURNEYS))]
    for case, journey in zip(cases, [*JOURNEYS, *rest], strict=True):
        officers = service.officers(db, case)
        if officers:
            service.update(db, actor=actor, case_id=case.id,
                           data=CaseUpdate(officer_user_id=officers[0].id))  # fmt: skip
        start = case.discovered_on
        gap = max((today - start).days // (len(journey) + 1), 0)
        for i, move in enumerate(journey, start=1):
            on = min(today, start + timedelta(days=gap * i))
            _move(db, actor, case, move, on, today, files_root)
    return len(cases)
