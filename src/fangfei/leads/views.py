"""JSON API: leads from intake to judgement. Informant identity appears only in its own endpoint."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from fangfei.deps import ActorDep, CipherDep, SessionDep
from fangfei.leads import handling, intake, service
from fangfei.leads.models import Lead, LeadLink
from fangfei.leads.schemas import (
    AssignIn,
    DuplicateDecisionIn,
    JudgeIn,
    LeadCreate,
    LeadFilter,
    LeadRead,
    ReasonIn,
)
from fangfei.paging import Page

router = APIRouter(tags=["风险线索"])


def _page(page: Page[Lead]) -> dict[str, Any]:
    return {
        "total": page.total,
        "capped": page.capped,
        "page": page.page,
        "per_page": page.per_page,
        "items": [LeadRead.model_validate(lead) for lead in page.items],
    }


@router.get("/leads", summary="线索列表")
def list_leads(
    db: SessionDep, actor: ActorDep, filters: Annotated[LeadFilter, Query()]
) -> dict[str, Any]:
    """Leads in the actor's scope, filtered and paginated (informants never included)."""
    return _page(service.list_for(db, actor=actor, filters=filters))


@router.post("/leads", response_model=LeadRead, status_code=201, summary="登记线索")
def create_lead(body: LeadCreate, db: SessionDep, actor: ActorDep, cipher: CipherDep) -> Lead:
    """Register a lead posted by a machine or another system (attachments: use the web form)."""
    return intake.create(db, actor=actor, cipher=cipher, data=body)


@router.get("/leads/{lead_id}", response_model=LeadRead, summary="线索详情")
def get_lead(lead_id: int, db: SessionDep, actor: ActorDep) -> Lead:
    """One lead."""
    return service.get_or_raise(db, actor=actor, lead_id=lead_id)


@router.get("/leads/{lead_id}/duplicates", summary="疑似重复线索")
def duplicates(lead_id: int, db: SessionDep, actor: ActorDep) -> list[dict[str, Any]]:
    """Leads that may report the same subject, with the reasons they were proposed."""
    lead = service.get_or_raise(db, actor=actor, lead_id=lead_id)
    return [
        {"lead_id": c.lead.id, "number": c.lead.number, "subject_name": c.lead.subject_name,
         "reasons": c.reasons, "score": round(c.score, 1)}
        for c in intake.candidates(db, actor=actor, lead=lead)
    ]  # fmt: skip


@router.post("/leads/{lead_id}/duplicates", status_code=201, summary="处理重复线索")
def decide_duplicate(
    lead_id: int, body: DuplicateDecisionIn, db: SessionDep, actor: ActorDep
) -> dict[str, Any]:
    """Link, merge or keep separate; the decision is audited."""
    link: LeadLink = intake.decide_duplicate(db, actor=actor, lead_id=lead_id, data=body)
    return {"lead_id": link.lead_id, "other_lead_id": link.other_lead_id, "decision": link.decision}


@router.get("/leads/{lead_id}/route", summary="建议交办对象")
def proposed_route(lead_id: int, db: SessionDep, actor: ActorDep) -> dict[str, Any]:
    """The department or township the lead should go to, and why."""
    lead = service.get_or_raise(db, actor=actor, lead_id=lead_id, action="lead.assign")
    route = handling.propose_route(db, lead=lead)
    return {
        "department_id": route.department.id if route.department else None,
        "jurisdiction_id": route.jurisdiction.id if route.jurisdiction else None,
        "reason": route.reason,
    }


@router.post("/leads/{lead_id}/assign", response_model=LeadRead, summary="交办")
def assign(lead_id: int, body: AssignIn, request: Request, db: SessionDep, actor: ActorDep) -> Lead:
    """Assign to a department or township with a working-day deadline."""
    allowed = request.app.state.settings.lead_verification_workdays
    return handling.assign(db, actor=actor, lead_id=lead_id, data=body, workdays_allowed=allowed)


@router.post("/leads/{lead_id}/claim", response_model=LeadRead, summary="认领")
def claim(lead_id: int, db: SessionDep, actor: ActorDep) -> Lead:
    """The assigned unit accepts the lead and starts verifying."""
    return handling.claim(db, actor=actor, lead_id=lead_id)


@router.post("/leads/{lead_id}/return", response_model=LeadRead, summary="退回")
def return_lead(lead_id: int, body: ReasonIn, db: SessionDep, actor: ActorDep) -> Lead:
    """Give the lead back to the lead office with a reason."""
    return handling.return_lead(db, actor=actor, lead_id=lead_id, reason=body.reason)


@router.post("/leads/{lead_id}/judge", response_model=LeadRead, summary="研判")
def judge(lead_id: int, body: JudgeIn, db: SessionDep, actor: ActorDep) -> Lead:
    """Record the verification findings and the judgement."""
    return handling.judge(db, actor=actor, lead_id=lead_id, data=body)


@router.post("/leads/{lead_id}/close", response_model=LeadRead, summary="办结")
def close(lead_id: int, db: SessionDep, actor: ActorDep) -> Lead:
    """Close a judged lead."""
    return handling.close(db, actor=actor, lead_id=lead_id)


@router.post("/leads/{lead_id}/informant", summary="查看举报人身份（记入审计）")
def informant(lead_id: int, db: SessionDep, actor: ActorDep, cipher: CipherDep) -> dict[str, Any]:
    """The informant in clear text, for roles with lead.view_informant; every call is audited."""
    found = service.reveal_informant(db, actor=actor, cipher=cipher, lead_id=lead_id)
    return {
        "name": found.name,
        "id_number": found.id_number,
        "phone": found.phone,
        "address": found.address,
    }
