"""JSON API: cases, their steps, measures, notes, asset decisions, documents and deadlines."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from fangfei.cases import deadlines, documents, measures, procedure, service
from fangfei.cases.models import Case, CaseDocument, CaseEvent, CaseMeasure
from fangfei.cases.schemas import (
    AssetDecisionIn,
    CaseAssigned,
    CaseFilter,
    CaseOpen,
    CaseRead,
    CaseUpdate,
    MeasureIn,
    NoteIn,
    StepIn,
)
from fangfei.clock import local_today
from fangfei.deps import ActorDep, SessionDep, campaign_cutoff

router = APIRouter(tags=["案件处置"])


def _event(e: CaseEvent) -> dict[str, Any]:
    return {
        "id": e.id, "on_date": e.on_date, "at": e.at, "actor": e.actor_name, "track": e.track,
        "action": e.action, "from": e.from_state, "to": e.to_state, "document_no": e.document_no,
        "amount_yuan": e.amount_yuan, "comment": e.comment,
    }  # fmt: skip


def _measure(m: CaseMeasure) -> dict[str, Any]:
    return {
        "id": m.id, "kind": m.kind, "taken_on": m.taken_on, "target": m.target,
        "document_no": m.document_no, "fine_yuan": m.fine_yuan, "people_reduced": m.people_reduced,
        "rectify_workdays": m.rectify_workdays, "rectified_on": m.rectified_on,
    }  # fmt: skip


def _document(d: CaseDocument) -> dict[str, Any]:
    return {
        "id": d.id, "kind": d.kind, "version": d.version, "generated": d.generated,
        "filename": d.filename, "size": d.size, "sha256": d.sha256, "created_by": d.created_by,
        "created_at": d.created_at,
    }  # fmt: skip


@router.get("/cases", summary="案件列表")
def list_cases(
    request: Request, db: SessionDep, actor: ActorDep, filters: Annotated[CaseFilter, Query()]
) -> dict[str, Any]:
    """Cases in the actor's scope, filtered and paginated."""
    overdue = (
        deadlines.overdue_case_ids(db, actor=actor, today=local_today())
        if filters.overdue
        else None
    )
    page = service.list_for(db, actor=actor, filters=filters, overdue_ids=overdue,
                            cutoff=campaign_cutoff(request))  # fmt: skip
    return {
        "total": page.total, "capped": page.capped, "page": page.page, "per_page": page.per_page,
        "items": [CaseRead.model_validate(c) for c in page.items],
    }  # fmt: skip


@router.post("/cases", response_model=CaseRead, status_code=201, summary="线索转为案件")
def open_case(body: CaseOpen, db: SessionDep, actor: ActorDep) -> Case:
    """Open a case from one or more judged leads."""
    return service.open_from_leads(db, actor=actor, data=body)


@router.post("/cases/assigned", response_model=CaseRead, status_code=201, summary="上级交办案件")
def open_assigned(body: CaseAssigned, db: SessionDep, actor: ActorDep) -> Case:
    """Open a case assigned from above."""
    return service.open_assigned(db, actor=actor, data=body)


@router.get("/cases/deadlines", summary="到期和超期事项")
def due(db: SessionDep, actor: ActorDep, mine: bool = False, days: int = 7) -> list[dict[str, Any]]:
    """Deadlines overdue or due within ``days`` days in the actor's cases."""
    today = local_today()
    return [
        {"case_id": d.case.id, "number": d.case.number, "kind": d.kind, "what": d.what,
         "due": d.due, "provisional": d.provisional, "overdue": d.overdue(today)}
        for d in deadlines.due_soon(db, actor=actor, today=today, days=days, mine=mine)
    ]  # fmt: skip


@router.get("/cases/{case_id}", response_model=CaseRead, summary="案件详情")
def get_case(case_id: int, db: SessionDep, actor: ActorDep) -> Case:
    """One case."""
    return service.get_or_raise(db, actor=actor, case_id=case_id)


@router.patch("/cases/{case_id}", response_model=CaseRead, summary="修改案件信息")
def update_case(case_id: int, body: CaseUpdate, db: SessionDep, actor: ActorDep) -> Case:
    """Change the facts of a case (lead place only)."""
    return service.update(db, actor=actor, case_id=case_id, data=body)


@router.get("/cases/{case_id}/timeline", summary="办理记录")
def timeline(case_id: int, db: SessionDep, actor: ActorDep) -> list[dict[str, Any]]:
    """Every event of the case, oldest first."""
    case = service.get_or_raise(db, actor=actor, case_id=case_id)
    return [_event(e) for e in service.timeline(db, case)]


@router.post("/cases/{case_id}/steps/{track}/{step}", response_model=CaseRead, summary="推进程序")
def take_step(
    case_id: int,
    track: str,
    step: str,
    body: StepIn,
    request: Request,
    db: SessionDep,
    actor: ActorDep,
) -> Case:
    """One step of the procedure (track ``procedure``) or the criminal path (``criminal``).

    公告取缔 also generates the announcement draft among the case's documents."""
    return procedure.take_step(db, actor=actor, case_id=case_id, track=track, step=step,
                               data=body, files_root=request.app.state.settings.files_dir)  # fmt: skip


@router.get("/cases/{case_id}/measures", summary="处置措施")
def list_measures(case_id: int, db: SessionDep, actor: ActorDep) -> list[dict[str, Any]]:
    """The measures in force."""
    case = service.get_or_raise(db, actor=actor, case_id=case_id)
    return [_measure(m) for m in measures.measures_of(db, case)]


@router.post("/cases/{case_id}/measures", status_code=201, summary="登记处置措施")
def record_measure(
    case_id: int, body: MeasureIn, db: SessionDep, actor: ActorDep
) -> dict[str, Any]:
    """Record an administrative measure."""
    return _measure(measures.record_measure(db, actor=actor, case_id=case_id, data=body))


@router.post("/cases/{case_id}/notes", status_code=201, summary="登记办理进展")
def add_note(case_id: int, body: NoteIn, db: SessionDep, actor: ActorDep) -> dict[str, Any]:
    """A progress note shared between the lead and assisting places."""
    return _event(measures.add_note(db, actor=actor, case_id=case_id, data=body))


@router.post("/cases/{case_id}/assets", status_code=201, summary="资产处置决定")
def decide_assets(
    case_id: int, body: AssetDecisionIn, db: SessionDep, actor: ActorDep
) -> dict[str, Any]:
    """A decision on assets (lead place only)."""
    return _event(measures.decide_assets(db, actor=actor, case_id=case_id, data=body))


@router.get("/cases/{case_id}/documents", summary="案件文书")
def list_documents(case_id: int, db: SessionDep, actor: ActorDep) -> list[dict[str, Any]]:
    """Every version of every document of the case."""
    case = service.get_or_raise(db, actor=actor, case_id=case_id)
    return [_document(d) for d in documents.documents_of(db, case)]


@router.post("/cases/{case_id}/documents/{kind}", status_code=201, summary="生成文书")
def generate_document(
    case_id: int, kind: str, request: Request, db: SessionDep, actor: ActorDep,
    measure_id: int | None = None,
) -> dict[str, Any]:  # fmt: skip
    """Fill the template of ``kind`` from the case and store it as a new version."""
    doc = documents.generate(db, actor=actor, case_id=case_id, kind=kind, measure_id=measure_id,
                             files_root=request.app.state.settings.files_dir)  # fmt: skip
    return _document(doc)
