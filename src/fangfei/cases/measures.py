"""What is recorded in a case besides its steps: administrative measures, progress notes shared
between the lead and assisting places, and decisions on assets (lead place only)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangfei.audit import service as audit
from fangfei.auth.roles import Actor
from fangfei.cases import service
from fangfei.cases.models import Case, CaseEvent, CaseMeasure
from fangfei.cases.schemas import AssetDecisionIn, MeasureIn, NoteIn
from fangfei.cases.workflow import FINAL_STAGES, STAGE_LABELS, record_event
from fangfei.clock import local_today
from fangfei.db import utcnow
from fangfei.errors import FangfeiError, FieldProblem, invalid, not_found
from fangfei.reference import service as reference

# 移送公安 is the start of the criminal path, not a measure recorded here.
NOT_A_MEASURE = "police_referral"


def measure_kinds(db: Session) -> dict[str, str]:
    """The administrative measures that may be recorded, code → name."""
    names = reference.names(db, "admin_measure")
    return {code: name for code, name in names.items() if code != NOT_A_MEASURE}


def _ensure_open(case: Case) -> None:
    if case.stage in FINAL_STAGES:
        message = f"案件已“{STAGE_LABELS[case.stage]}”，不能再登记。"
        raise FangfeiError("case_closed", message, 409)


def _measure_problems(db: Session, data: MeasureIn) -> list[FieldProblem]:
    kinds = measure_kinds(db)
    if data.kind == NOT_A_MEASURE:
        return [
            FieldProblem("kind", "移送公安请在“刑事办理”中登记，以便跟踪立案、侦查、起诉各阶段")
        ]
    if data.kind not in kinds:
        return [FieldProblem("kind", f"“{data.kind}”不是有效的处置措施")]
    problems = []
    if data.kind == "fine" and data.fine_yuan is None:
        problems.append(FieldProblem("fine_yuan", "罚款须填写金额（元）"))
    if data.kind != "fine" and data.fine_yuan is not None:
        problems.append(FieldProblem("fine_yuan", "只有罚款填写金额"))
    if data.kind == "rectification_order" and data.rectify_workdays is None:
        problems.append(FieldProblem("rectify_workdays", "责令整改须给出整改期限（工作日）"))
    if data.kind != "rectification_order" and data.rectify_workdays is not None:
        problems.append(FieldProblem("rectify_workdays", "只有责令整改设整改期限"))
    if data.taken_on > local_today():
        problems.append(FieldProblem("taken_on", "措施日期不能晚于今天"))
    return problems


def record_measure(db: Session, *, actor: Actor, case_id: int, data: MeasureIn) -> CaseMeasure:
    """Record a measure (lead or assisting place): its document, target and figures."""
    case = service.get_or_raise(db, actor=actor, case_id=case_id, action="case.measure")
    _ensure_open(case)
    problems = _measure_problems(db, data)
    if problems:
        raise invalid("处置措施有误，未保存。", problems)
    measure = CaseMeasure(
        case_id=case.id, jurisdiction_id=actor.jurisdiction_id, actor_name=actor.label,
        **data.model_dump(),
    )  # fmt: skip
    db.add(measure)
    db.flush()
    label = measure_kinds(db)[data.kind]
    detail = f"{label}：{data.target}"
    if data.rectify_workdays:
        detail += f"，限 {data.rectify_workdays} 个工作日内整改"
    if data.fine_yuan is not None:
        detail += f"，罚款 {data.fine_yuan:,.2f} 元"
    record_event(
        db, actor=actor, case=case, track="measure", action=data.kind, on_date=data.taken_on,
        jurisdiction_id=actor.jurisdiction_id, document_no=data.document_no, comment=detail,
        amount_yuan=data.fine_yuan, detail={"measure_id": measure.id},
    )  # fmt: skip
    return measure


def _measure_of(
    db: Session, actor: Actor, case_id: int, measure_id: int
) -> tuple[Case, CaseMeasure]:
    case = service.get_or_raise(db, actor=actor, case_id=case_id, action="case.measure")
    measure = db.get(CaseMeasure, measure_id)
    if measure is None or measure.case_id != case.id or measure.voided_at is not None:
        raise not_found("处置措施", measure_id)
    return case, measure


def mark_rectified(
    db: Session, *, actor: Actor, case_id: int, measure_id: int, on_date: date
) -> CaseMeasure:
    """整改到位: the rectification order was complied with on a date."""
    case, measure = _measure_of(db, actor, case_id, measure_id)
    _ensure_open(case)
    if measure.kind != "rectification_order" or measure.rectified_on is not None:
        raise invalid("只有尚未整改到位的责令整改可以登记整改到位。")
    if on_date < measure.taken_on:
        raise invalid("整改日期有误。", [FieldProblem("on_date", "不能早于责令整改日期")])
    measure.rectified_on = on_date
    record_event(
        db, actor=actor, case=case, track="measure", action="rectified", on_date=on_date,
        jurisdiction_id=actor.jurisdiction_id, comment=f"{measure.target}整改到位",
        detail={"measure_id": measure.id},
    )  # fmt: skip
    return measure


def void_measure(
    db: Session, *, actor: Actor, case_id: int, measure_id: int, reason: str
) -> CaseMeasure:
    """Void a measure entered in error (kept, with the reason)."""
    case, measure = _measure_of(db, actor, case_id, measure_id)
    if not reason.strip():
        raise invalid("作废须说明理由。", [FieldProblem("reason", "不能为空")])
    measure.voided_at, measure.void_reason = utcnow(), reason.strip()
    db.flush()
    audit.record(db, actor=actor, action="case.measure_void", object_type="case",
                 object_id=case.id, detail={"measure_id": measure.id, "reason": reason.strip()})  # fmt: skip
    return measure


def measures_of(db: Session, case: Case) -> list[CaseMeasure]:
    """The measures in force, by date."""
    stmt = select(CaseMeasure).where(
        CaseMeasure.case_id == case.id, CaseMeasure.voided_at.is_(None)
    )
    return list(db.scalars(stmt.order_by(CaseMeasure.taken_on, CaseMeasure.id)))


def add_note(db: Session, *, actor: Actor, case_id: int, data: NoteIn) -> CaseEvent:
    """A progress note, shared with every place of the case."""
    case = service.get_or_raise(db, actor=actor, case_id=case_id, action="case.note")
    return record_event(
        db, actor=actor, case=case, track="note", action="note",
        on_date=data.on_date or local_today(), jurisdiction_id=actor.jurisdiction_id,
        comment=data.text,
    )  # fmt: skip


def record_national_update(db: Session, *, actor: Actor, case_id: int, on_date: date) -> CaseEvent:
    """The case was updated in the national collaboration system this month (due by the 28th)."""
    case = service.get_or_raise(db, actor=actor, case_id=case_id, action="case.manage")
    _ensure_open(case)
    return record_event(
        db, actor=actor, case=case, track="note", action="national_update", on_date=on_date,
        jurisdiction_id=actor.jurisdiction_id, comment="已在全国处非协作系统更新本案进展",
    )  # fmt: skip


def decide_assets(db: Session, *, actor: Actor, case_id: int, data: AssetDecisionIn) -> CaseEvent:
    """A decision on seized or frozen assets: taken by the lead place alone."""
    case = service.get_or_raise(db, actor=actor, case_id=case_id, action="case.dispose_assets")
    service.ensure_lead_place(db, actor, case, "涉案资产处置")
    _ensure_open(case)
    return record_event(
        db, actor=actor, case=case, track="asset", action="asset_decision",
        on_date=data.on_date or local_today(), jurisdiction_id=actor.jurisdiction_id,
        document_no=data.document_no, comment=data.description, amount_yuan=data.amount_yuan,
    )  # fmt: skip
