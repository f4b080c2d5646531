"""Handling a lead after intake: routing, assignment with a working-day deadline, claim or
return by the department, judgement, closing, and transfer to a case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangfei.auth import policy
from fangfei.auth.roles import Actor, Role
from fangfei.clock import local_today
from fangfei.db import utcnow
from fangfei.errors import FangfeiError, FieldProblem, forbidden, invalid
from fangfei.leads.models import Lead
from fangfei.leads.schemas import AssignIn, JudgeIn
from fangfei.leads.service import get_or_raise
from fangfei.leads.workflow import transition
from fangfei.reference import service as reference
from fangfei.reference.models import Department, Jurisdiction
from fangfei.workdays import service as workdays


@dataclass(frozen=True)
class Route:
    """Where a lead should go, and the rule that says so."""

    department: Department | None
    jurisdiction: Jurisdiction | None
    reason: str


def _department_for(db: Session, kind: str, code: str | None) -> Department | None:
    if code is None:
        return None
    item = next((i for i in reference.items(db, kind, active_only=True) if i.code == code), None)
    department_code = item.extra.get("department") if item else None
    if not department_code:
        return None
    return db.scalar(
        select(Department).where(Department.code == department_code, Department.active.is_(True))
    )


def propose_route(db: Session, *, lead: Lead) -> Route:
    """The Attachment 5 department of the focus area or domain, else the subject's township."""
    names = reference.names(db, "focus_area") | reference.names(db, "industry_domain")
    for kind, code in (("focus_area", lead.focus_area), ("industry_domain", lead.domain)):
        department = _department_for(db, kind, code)
        if department is not None and code is not None:
            return Route(department, None, f"按“{names[code]}”的分工由{department.name}牵头")
    if lead.jurisdiction.level == "township":
        return Route(None, lead.jurisdiction, f"按主体所在地交{lead.jurisdiction.name}")
    return Route(None, None, "未找到对应的牵头单位，请处非办指定")


def _assignee(
    db: Session, actor: Actor, data: AssignIn
) -> tuple[Department | None, Jurisdiction | None]:
    if (data.department_id is None) == (data.jurisdiction_id is None):
        raise invalid(
            "请选择交办对象。",
            [FieldProblem("department_id", "成员单位和乡镇二选一")],
        )
    if data.department_id is not None:
        department = db.get(Department, data.department_id)
        if department is None or not department.active or department.is_lead_office:
            raise invalid("交办对象有误。", [FieldProblem("department_id", "不是有效的成员单位")])
        return department, None
    assert data.jurisdiction_id is not None
    township = db.get(Jurisdiction, data.jurisdiction_id)
    if township is None or township.level != "township" or not township.active:
        raise invalid("交办对象有误。", [FieldProblem("jurisdiction_id", "不是有效的乡镇（街道）")])
    policy.ensure_jurisdiction(db, actor, township.id)
    return None, township


def assign(
    db: Session,
    *,
    actor: Actor,
    lead_id: int,
    data: AssignIn,
    workdays_allowed: int,
    on: date | None = None,
) -> Lead:
    """交办 to a department or township, due ``workdays_allowed`` Chinese working days after
    ``on`` (today unless a ledger entered late says otherwise)."""
    lead = get_or_raise(db, actor=actor, lead_id=lead_id, action="lead.assign")
    department, township = _assignee(db, actor, data)
    due = workdays.add_workdays(db, on or local_today(), workdays_allowed)
    target = department.name if department else township.name if township else ""
    comment = f"交办{target}，{workdays_allowed} 个工作日内核查，期限 {due.date.isoformat()}" + (
        "（日历暂定）" if due.provisional else ""
    )
    if data.comment:
        comment += f"。{data.comment}"
    transition(db, actor=actor, lead=lead, step="assign", comment=comment)
    lead.assignee_department_id = department.id if department else None
    lead.assignee_jurisdiction_id = township.id if township else None
    lead.assigned_at = utcnow()
    lead.due_on, lead.due_provisional = due.date, due.provisional
    return lead


def holds(db: Session, actor: Actor, lead: Lead) -> bool:
    """Whether the actor's unit holds the lead: its department or township (the office always)."""
    if actor.role is Role.DEPARTMENT:
        return lead.assignee_department_id == actor.department_id
    if actor.role is Role.TOWNSHIP:
        if lead.assignee_jurisdiction_id is None:
            return False
        try:
            policy.ensure_jurisdiction(db, actor, lead.assignee_jurisdiction_id)
        except FangfeiError:
            return False
    return True


def _ensure_holder(db: Session, actor: Actor, lead: Lead) -> None:
    """Only the unit the lead is assigned to (or the lead office) works on it."""
    if not holds(db, actor, lead):
        raise forbidden("该线索未交办给本单位，不能办理")


def claim(db: Session, *, actor: Actor, lead_id: int, comment: str | None = None) -> Lead:
    """认领: the assigned unit accepts the lead and starts verifying it."""
    lead = get_or_raise(db, actor=actor, lead_id=lead_id, action="lead.work")
    _ensure_holder(db, actor, lead)
    transition(db, actor=actor, lead=lead, step="claim", comment=comment)
    return lead


def return_lead(db: Session, *, actor: Actor, lead_id: int, reason: str) -> Lead:
    """退回: the unit gives the lead back to the lead office, saying why."""
    lead = get_or_raise(db, actor=actor, lead_id=lead_id, action="lead.work")
    _ensure_holder(db, actor, lead)
    if not reason.strip():
        raise invalid("退回须说明理由。", [FieldProblem("reason", "不能为空")])
    transition(db, actor=actor, lead=lead, step="return", comment=reason.strip())
    lead.assignee_department_id = lead.assignee_jurisdiction_id = None
    lead.due_on, lead.due_provisional = None, False
    return lead


def _judgement_problems(db: Session, data: JudgeIn) -> list[FieldProblem]:
    problems = []
    if data.regulator and data.regulator not in reference.names(db, "regulator"):
        problems.append(FieldProblem("regulator", f"“{data.regulator}”不是有效的金融管理部门类别"))
    paths = reference.names(db, "disposal_path")
    if data.disposal_path and data.disposal_path not in paths:
        problems.append(FieldProblem("disposal_path", f"“{data.disposal_path}”不是有效的处置路径"))
    if data.is_illegal_fundraising and not data.disposal_path:
        problems.append(
            FieldProblem("disposal_path", "认定属于非法集资时须选择处置路径（行政/刑事）")
        )
    if not data.is_illegal_fundraising and not data.disposal_path and not data.no_risk_reason:
        problems.append(FieldProblem("no_risk_reason", "认定无风险时须写明理由"))
    return problems


def judge(db: Session, *, actor: Actor, lead_id: int, data: JudgeIn) -> Lead:
    """研判: record the verification findings and the judgement."""
    lead = get_or_raise(db, actor=actor, lead_id=lead_id, action="lead.work")
    _ensure_holder(db, actor, lead)
    problems = _judgement_problems(db, data)
    if problems:
        raise invalid("研判意见不完整，未保存。", problems)
    transition(db, actor=actor, lead=lead, step="judge", comment=_judgement_summary(db, data))
    for name in JudgeIn.model_fields:
        setattr(lead, name, getattr(data, name))
    if data.regulator and not data.regulator_state:
        lead.regulator_state = "submitted"
    lead.judged_at = utcnow()
    return lead


def _judgement_summary(db: Session, data: JudgeIn) -> str:
    if not data.is_illegal_fundraising and not data.disposal_path:
        return f"核查{'属实' if data.verified_true else '不属实'}；无风险：{data.no_risk_reason}"
    path = reference.names(db, "disposal_path").get(data.disposal_path or "", "")
    verdict = "属于非法集资" if data.is_illegal_fundraising else "不属于非法集资"
    return f"核查{'属实' if data.verified_true else '不属实'}；{verdict}；处置路径：{path}"


def close(db: Session, *, actor: Actor, lead_id: int, comment: str | None = None) -> Lead:
    """办结 a judged lead."""
    lead = get_or_raise(db, actor=actor, lead_id=lead_id, action="lead.close")
    transition(db, actor=actor, lead=lead, step="close", comment=comment)
    return lead


def transfer(
    db: Session, *, actor: Actor, lead_id: int, case_id: int, comment: str | None = None
) -> Lead:
    """转为案件: a lead judged to need disposal becomes (part of) a case (see fangfei.cases)."""
    lead = get_or_raise(db, actor=actor, lead_id=lead_id, action="lead.close")
    if lead.status == "judged" and not lead.disposal_path:
        raise invalid(
            "只有确定了处置路径的线索才能转为案件。",
            [FieldProblem("disposal_path", "研判时未选择行政或刑事处置路径")],
        )
    transition(db, actor=actor, lead=lead, step="transfer", comment=comment)
    lead.case_id = case_id
    return lead
