"""Cases: opening one from judged leads or from above, reading and listing them, their facts,
subjects and places. Steps, measures, deadlines and documents live in their own modules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy import case as when
from sqlalchemy.orm import Session

from fangfei.audit import service as audit
from fangfei.auth import policy
from fangfei.auth.models import User
from fangfei.auth.roles import Actor, Role
from fangfei.cases.models import KEY_CASE_AMOUNT_YUAN, Case, CaseEvent, CasePlace, CaseSubject
from fangfei.cases.schemas import CaseAssigned, CaseFilter, CaseOpen, CaseUpdate, PlaceIn, SubjectIn
from fangfei.cases.workflow import record_event
from fangfei.clock import local_today
from fangfei.db import utcnow
from fangfei.entities.models import Entity
from fangfei.errors import FangfeiError, FieldProblem, forbidden, invalid, not_found
from fangfei.leads import handling
from fangfei.leads import service as leads
from fangfei.leads.models import Lead
from fangfei.paging import Page, paginate
from fangfei.reference import service as reference
from fangfei.reference.models import Jurisdiction
from fangfei.refunds.models import Participant

KIND_LABELS = {"case": "案件", "risk": "风险"}
PATH_LABELS = {"administrative": "行政", "criminal": "刑事"}
PLACE_ROLE_LABELS = {"assisting": "协办地", "registration": "注册地"}
REACH_LABELS = {"township": "跨乡镇", "county": "跨县（市、区）", "province": "跨省"}
MODE_LABELS = {"industry": "行业执法调查", "special": "专项调查"}
FLAG_LABELS = {
    "over_100m": "亿元以上",
    "long_running": "五年以上",
    "supervised": "国家处非联办督办",
    "cross_province": "跨省",
    "cross_county": "跨县",
    "cross_township": "跨乡镇",
}


def next_number(db: Session, year: int) -> str:
    """The next case number of a year: AJ2026-000012."""
    prefix = f"AJ{year}-"
    last = db.scalar(select(func.max(Case.number)).where(Case.number.startswith(prefix)))
    sequence = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{sequence:06d}"


def get_or_raise(db: Session, *, actor: Actor, case_id: int, action: str = "case.view") -> Case:
    """The case, if it exists and the actor may do ``action`` to it."""
    policy.ensure(db, actor, action)
    case = db.get(Case, case_id)
    if case is None:
        raise not_found("案件", case_id)
    policy.ensure(db, actor, action, case)
    return case


def by_number(db: Session, *, actor: Actor, number: str) -> Case:
    """The case with this number, if the actor may see it."""
    case_id = db.scalar(select(Case.id).where(Case.number == number.strip()))
    if case_id is None:
        raise not_found("案件", number)
    return get_or_raise(db, actor=actor, case_id=case_id)


def leads_place(db: Session, actor: Actor, case: Case) -> bool:
    """Whether the actor works for the case's lead place (主办地), not only an assisting one."""
    if actor.role is Role.SYSTEM:
        return True
    try:
        policy.ensure_jurisdiction(db, actor, case.jurisdiction_id)
    except FangfeiError:
        return False
    return True


def ensure_lead_place(db: Session, actor: Actor, case: Case, what: str) -> None:
    """Refuse ``what`` unless the actor belongs to the lead place: no unilateral disposal."""
    if not leads_place(db, actor, case):
        raise forbidden(f"{what}只能由主办地（{case.jurisdiction.name}）决定，协办地不能单方处置")


def _open(db: Session, actor: Actor, **values: Any) -> Case:
    today = local_today()
    case = Case(
        number=next_number(db, today.year), stage="received", created_by_name=actor.label,
        officer_user_id=actor.user_id, **values,
    )  # fmt: skip
    db.add(case)
    db.flush()
    return case


def _judged_leads(db: Session, actor: Actor, lead_ids: list[int]) -> list[Lead]:
    found = [leads.get_or_raise(db, actor=actor, lead_id=i, action="lead.close") for i in lead_ids]
    problems = [
        FieldProblem("lead_ids", f"线索 {lead.number} 尚未研判确定处置路径，不能转为案件")
        for lead in found
        if lead.status != "judged" or not lead.disposal_path
    ]
    if problems:
        raise invalid("所选线索不能转为案件。", problems)
    return found


def _county_of(place: Jurisdiction) -> int:
    """A township's county (a case is led by a county or city office, never a township)."""
    return place.parent_id if place.level == "township" and place.parent_id else place.id


def _sum(values: list[Any]) -> Any:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def open_from_leads(db: Session, *, actor: Actor, data: CaseOpen) -> Case:
    """A case from judged leads: their subjects are its organisers, their figures its figures."""
    policy.ensure(db, actor, "case.create")
    found = _judged_leads(db, actor, list(dict.fromkeys(data.lead_ids)))
    first = found[0]
    case = _open(
        db, actor, name=data.name or f"{first.subject_name}涉嫌非法集资案", kind=data.kind,
        origin="leads", jurisdiction_id=actor.jurisdiction_id or _county_of(first.jurisdiction),
        path="criminal" if any(x.disposal_path == "criminal" for x in found) else "administrative",
        amount_yuan=_sum([x.amount_yuan for x in found]),
        people_count=_sum([x.people_count for x in found]),
        discovered_on=min(x.discovered_on for x in found), leader_name=data.leader_name,
    )  # fmt: skip
    numbers = "、".join(x.number for x in found)
    record_event(
        db, actor=actor, case=case, track="procedure", action="open", on_date=local_today(),
        jurisdiction_id=actor.jurisdiction_id, to_state="received", comment=f"由线索 {numbers} 转入",
    )  # fmt: skip
    seen: set[tuple[int | None, str]] = set()
    for lead in found:
        key = (lead.subject_entity_id, lead.subject_name if not lead.subject_entity_id else "")
        if key not in seen:
            seen.add(key)
            db.add(CaseSubject(case_id=case.id, entity_id=lead.subject_entity_id,
                               name=lead.subject_name, uscc=lead.subject_uscc, role="organiser"))  # fmt: skip
        handling.transfer(db, actor=actor, lead_id=lead.id, case_id=case.id,
                          comment=f"转为案件 {case.number}")  # fmt: skip
    db.flush()
    return case


def open_assigned(db: Session, *, actor: Actor, data: CaseAssigned) -> Case:
    """A case assigned from above (上级交办), with its subject as organiser."""
    policy.ensure(db, actor, "case.create")
    policy.ensure_jurisdiction(db, actor, data.jurisdiction_id)
    case = _open(
        db, actor, name=data.name, kind=data.kind, origin="assigned",
        jurisdiction_id=data.jurisdiction_id, path="administrative", amount_yuan=data.amount_yuan,
        people_count=data.people_count, discovered_on=data.discovered_on, facts=data.facts,
        leader_name=data.leader_name,
    )  # fmt: skip
    db.add(CaseSubject(case_id=case.id, name=data.subject_name, uscc=data.subject_uscc,
                       role="organiser"))  # fmt: skip
    record_event(
        db, actor=actor, case=case, track="procedure", action="open", on_date=local_today(),
        jurisdiction_id=actor.jurisdiction_id, to_state="received", comment="上级交办",
    )  # fmt: skip
    return case


def officers(db: Session, case: Case) -> list[User]:
    """The lead-office staff of the case's lead place, who may be its responsible officer."""
    stmt = select(User).where(
        User.role == Role.LEAD_OFFICE.value,
        User.active.is_(True),
        User.jurisdiction_id == case.jurisdiction_id,
    )
    return list(db.scalars(stmt.order_by(User.username)))


# The case figures a claims register keeps (see fangfei.refunds.figures).
REGISTER_FIGURES = ("refunded_yuan", "unpaid_amount_yuan", "unpaid_people")


def update(db: Session, *, actor: Actor, case_id: int, data: CaseUpdate) -> Case:
    """Change the facts of a case (lead place only); the audit row keeps old and new values."""
    case = get_or_raise(db, actor=actor, case_id=case_id, action="case.manage")
    ensure_lead_place(db, actor, case, "案件信息")
    officer_id = data.officer_user_id
    if officer_id is not None and officer_id not in {u.id for u in officers(db, case)}:
        problem = FieldProblem("officer_user_id", "承办人须是主办地处非办的在职人员")
        raise invalid("案件信息有误，未保存。", [problem])
    changes: dict[str, Any] = {}
    values = data.model_dump(exclude_unset=True)
    _refuse_register_figures(db, case, values)
    for name, value in values.items():
        old = getattr(case, name)
        if old != value:
            changes[name] = {"from": _plain(old), "to": _plain(value)}
            setattr(case, name, value)
    if changes:
        db.flush()
        audit.record(db, actor=actor, action="case.update", object_type="case",
                     object_id=case.id, detail=changes)  # fmt: skip
    return case


def has_register(db: Session, case: Case) -> bool:
    """Whether participants have been registered for the case (清理登记)."""
    registered = select(Participant.id).where(Participant.case_id == case.id).limit(1)
    return db.scalar(registered) is not None


def _refuse_register_figures(db: Session, case: Case, values: dict[str, Any]) -> None:
    """Once a case has a claims register, its refund figures come from there alone."""
    changed = [n for n in REGISTER_FIGURES if n in values and values[n] != getattr(case, n)]
    if not changed or not has_register(db, case):
        return
    raise invalid(
        "本案已建立集资参与人登记册：资金清退金额、未兑付金额和未兑付人数由登记册和"
        "已审批的清退批次计算，不能手工修改。",
        [FieldProblem(name, "由清退登记册计算") for name in changed],
    )


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, (Decimal, date)) else value


def add_subject(db: Session, *, actor: Actor, case_id: int, data: SubjectIn) -> CaseSubject:
    """Add a subject with its role (组织者, 参与组织活动人员, 掮客, 员工)."""
    case = get_or_raise(db, actor=actor, case_id=case_id, action="case.manage")
    ensure_lead_place(db, actor, case, "涉案主体")
    roles = reference.names(db, "participant_role")
    problems = []
    if data.role not in roles or data.role == "participant":
        problems.append(FieldProblem("role", "请选择组织者、参与组织活动人员、掮客或员工"))
    entity = db.get(Entity, data.entity_id) if data.entity_id else None
    if data.entity_id and (entity is None or not policy.can(actor, "entity.view")):
        problems.append(FieldProblem("entity_id", "不是有效的主体"))
    if entity is None and not data.name:
        problems.append(FieldProblem("name", "请填写主体名称或选择已登记的主体"))
    if problems:
        raise invalid("涉案主体有误，未保存。", problems)
    subject = CaseSubject(
        case_id=case.id, entity_id=entity.id if entity else None,
        name=entity.name if entity else data.name or "", uscc=data.uscc, role=data.role,
    )  # fmt: skip
    db.add(subject)
    db.flush()
    audit.record(db, actor=actor, action="case.subject_add", object_type="case", object_id=case.id,
                 detail={"subject": subject.name, "role": subject.role})  # fmt: skip
    return subject


def _reach(db: Session, case: Case, place: Jurisdiction) -> str:
    """How far a jurisdiction of this installation lies from the case's lead place."""
    lead = case.jurisdiction

    def county_of(j: Jurisdiction) -> int | None:
        return j.parent_id if j.level == "township" else j.id

    if county_of(place) == county_of(lead):
        return "township"
    return "county"


def add_place(db: Session, *, actor: Actor, case_id: int, data: PlaceIn) -> CasePlace:
    """Add a 协办地 or 注册地; a jurisdiction of this installation then shares the case."""
    case = get_or_raise(db, actor=actor, case_id=case_id, action="case.manage")
    ensure_lead_place(db, actor, case, "协办地、注册地")
    if data.jurisdiction_id is not None:
        place = db.get(Jurisdiction, data.jurisdiction_id)
        if place is None or place.id == case.jurisdiction_id:
            raise invalid(
                "地点有误。", [FieldProblem("jurisdiction_id", "不是主办地以外的有效辖区")]
            )
        name, reach = place.name, _reach(db, case, place)
    elif data.name and data.reach:
        name, reach = data.name, data.reach
    else:
        raise invalid(
            "地点有误。",
            [FieldProblem("name", "请选择本系统的辖区，或填写外地地名并选择跨乡镇/跨县/跨省")],
        )
    row = CasePlace(case_id=case.id, role=data.role, jurisdiction_id=data.jurisdiction_id,
                    name=name, reach=reach)  # fmt: skip
    db.add(row)
    db.flush()
    audit.record(db, actor=actor, action="case.place_add", object_type="case", object_id=case.id,
                 detail={"role": data.role, "place": name, "reach": reach})  # fmt: skip
    return row


def void_row(
    db: Session, *, actor: Actor, case_id: int, row: CaseSubject | CasePlace, reason: str
) -> None:
    """Void a subject or place of the case with a reason (nothing is deleted)."""
    case = get_or_raise(db, actor=actor, case_id=case_id, action="case.manage")
    ensure_lead_place(db, actor, case, "涉案主体和地点")
    if row.case_id != case.id or row.voided_at is not None:
        raise not_found("记录", row.id)
    if not reason.strip():
        raise invalid("作废须说明理由。", [FieldProblem("reason", "不能为空")])
    row.voided_at = utcnow()
    if isinstance(row, CaseSubject):
        row.void_reason = reason.strip()
    db.flush()
    audit.record(db, actor=actor, action="case.row_void", object_type="case", object_id=case.id,
                 detail={"table": row.__tablename__, "row": row.id, "reason": reason.strip()})  # fmt: skip


def subjects_of(db: Session, case: Case) -> list[CaseSubject]:
    """The subjects in force, in the order they were added."""
    stmt = select(CaseSubject).where(
        CaseSubject.case_id == case.id, CaseSubject.voided_at.is_(None)
    )
    return list(db.scalars(stmt.order_by(CaseSubject.id)))


def places_of(db: Session, case: Case) -> list[CasePlace]:
    """The assisting and registration places in force."""
    stmt = select(CasePlace).where(CasePlace.case_id == case.id, CasePlace.voided_at.is_(None))
    return list(db.scalars(stmt.order_by(CasePlace.id)))


def leads_of(db: Session, case: Case) -> list[Lead]:
    """The leads transferred into the case."""
    return list(db.scalars(select(Lead).where(Lead.case_id == case.id).order_by(Lead.id)))


def timeline(db: Session, case: Case) -> list[CaseEvent]:
    """Every event of the case: its opening first, then in the order they happened.

    Steps may be entered after the fact with an earlier date (a case taken over from a paper
    ledger), so the date orders them; entry order breaks ties within a day.
    """
    opening_first = when((CaseEvent.action == "open", 0), else_=1)
    stmt = select(CaseEvent).where(CaseEvent.case_id == case.id)
    return list(db.scalars(stmt.order_by(opening_first, CaseEvent.on_date, CaseEvent.id)))


def reach_of(places: list[CasePlace]) -> str | None:
    """The widest reach among a case's places: province over county over township."""
    reaches = {p.reach for p in places}
    return next((r for r in ("province", "county", "township") if r in reaches), None)


def long_running(case: Case, cutoff: date) -> bool:
    """五年以上: filed (or, not yet filed, accepted or discovered) on or before the cut-off."""
    return (case.filed_on or case.accepted_on or case.discovered_on) <= cutoff


def _started() -> ColumnElement[date]:
    """In SQL, the date :func:`long_running` compares with the cut-off."""
    return func.coalesce(Case.filed_on, Case.accepted_on, Case.discovered_on)


def key_case_clause(cutoff: date) -> ColumnElement[bool]:
    """亿元以上 or 五年以上, in SQL."""
    return or_(Case.amount_yuan >= KEY_CASE_AMOUNT_YUAN, _started() <= cutoff)


def filtered(actor: Actor, filters: CaseFilter, cutoff: date) -> Select[Case]:
    """The scoped query of the case list with its filters (the overdue filter aside)."""
    stmt = policy.scoped(select(Case), actor, "case.view")
    if filters.q:
        term = f"%{filters.q}%"
        stmt = stmt.where(or_(Case.name.like(term), Case.number.like(term)))
    if filters.stage:
        stmt = stmt.where(Case.stage == filters.stage)
    if filters.path:
        stmt = stmt.where(Case.path == filters.path)
    if filters.place_role is not None:
        led_here = policy.within_jurisdiction(actor, Case.jurisdiction_id)
        stmt = stmt.where(led_here if filters.place_role == "lead" else ~led_here)
    if filters.flag == "over_100m":
        stmt = stmt.where(Case.amount_yuan >= KEY_CASE_AMOUNT_YUAN)
    elif filters.flag == "long_running":
        stmt = stmt.where(_started() <= cutoff)
    elif filters.flag == "supervised":
        stmt = stmt.where(Case.supervised_nationally.is_(True))
    elif filters.flag is not None:
        reach = filters.flag.removeprefix("cross_")
        places = select(CasePlace.case_id).where(
            CasePlace.reach == reach, CasePlace.voided_at.is_(None)
        )
        stmt = stmt.where(Case.id.in_(places))
    return stmt


def list_for(
    db: Session, *, actor: Actor, filters: CaseFilter, cutoff: date, overdue_ids: set[int] | None
) -> Page[Case]:
    """A page of the cases the actor may see, newest first; ``overdue_ids`` narrows to those."""
    policy.ensure(db, actor, "case.view")
    stmt = filtered(actor, filters, cutoff)
    if overdue_ids is not None:
        stmt = stmt.where(Case.id.in_(overdue_ids))
    return paginate(db, stmt, order_by=Case.id.desc(), page=filters.page, per_page=filters.per_page)
