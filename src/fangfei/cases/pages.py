"""Pages: the case list, the key-case board, deadlines, and the case file with every step."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.datastructures import FormData, UploadFile

from fangfei.auth import policy
from fangfei.auth.roles import Actor
from fangfei.cases import deadlines, documents, measures, procedure, service
from fangfei.cases.models import Case, CaseDocument, CasePlace, CaseSubject
from fangfei.cases.schemas import (
    AssetDecisionIn,
    CaseFilter,
    CaseOpen,
    CaseUpdate,
    MeasureIn,
    NoteIn,
    PlaceIn,
    StepIn,
    SubjectIn,
)
from fangfei.cases.workflow import (
    CRIMINAL_LABELS,
    CRIMINAL_STEPS,
    PROCEDURE_STEPS,
    STAGE_LABELS,
    event_label,
    manual_steps,
)
from fangfei.clock import local_today
from fangfei.deps import ActorDep, SessionDep, campaign_cutoff
from fangfei.errors import FangfeiError, FieldProblem, form_model, invalid, not_found
from fangfei.leads import attachments
from fangfei.reference import service as reference
from fangfei.web.render import render, show_refusal

router = APIRouter(include_in_schema=False)


def labels(db: SessionDep) -> dict[str, Any]:
    """Chinese names of every code a case page shows."""
    return {
        "stage_labels": STAGE_LABELS,
        "criminal_labels": CRIMINAL_LABELS,
        "procedure_steps": PROCEDURE_STEPS,
        "criminal_steps": CRIMINAL_STEPS,
        "kind_labels": service.KIND_LABELS,
        "path_labels": service.PATH_LABELS,
        "place_role_labels": service.PLACE_ROLE_LABELS,
        "reach_labels": service.REACH_LABELS,
        "mode_labels": service.MODE_LABELS,
        "flag_labels": service.FLAG_LABELS,
        "role_names": reference.names(db, "participant_role"),
        "measure_names": reference.names(db, "admin_measure"),
        "document_kinds": documents.DOCUMENT_KINDS,
    }


@router.get("/cases")
def case_list(
    request: Request, db: SessionDep, actor: ActorDep, filters: Annotated[CaseFilter, Query()]
) -> Response:
    """Search the cases in scope; htmx replaces only the results table."""
    overdue = (
        deadlines.overdue_case_ids(db, actor=actor, today=local_today())
        if filters.overdue
        else None
    )
    page = service.list_for(
        db, actor=actor, filters=filters, cutoff=campaign_cutoff(request), overdue_ids=overdue
    )
    context = {**labels(db), "page": page, "filters": filters}
    return render(request, "cases/list.html", context, actor=actor, partial="cases/_table.html")


@router.get("/cases/deadlines")
def deadline_list(
    request: Request, db: SessionDep, actor: ActorDep, mine: bool = False
) -> Response:
    """到期提醒: what falls due this week or is overdue, for the actor or the whole unit."""
    policy.ensure(db, actor, "case.view")
    today = local_today()
    found = deadlines.due_soon(db, actor=actor, today=today, mine=mine)
    context = {**labels(db), "deadlines": found, "today": today, "mine": mine}
    return render(request, "cases/deadlines.html", context, actor=actor)


@router.get("/cases/board")
def key_cases(request: Request, db: SessionDep, actor: ActorDep) -> Response:
    """重点案件: 亿元以上, 五年以上, nationally supervised and cross-province cases."""
    cutoff = campaign_cutoff(request)
    groups = [
        (service.FLAG_LABELS[flag], service.list_for(db, actor=actor, cutoff=cutoff, overdue_ids=None,
                                             filters=CaseFilter(flag=flag, per_page=200)))
        for flag in ("over_100m", "long_running", "supervised", "cross_province")
    ]  # fmt: skip
    return render(request, "cases/board.html", {**labels(db), "groups": groups}, actor=actor)


def _text(form: FormData) -> dict[str, str]:
    return {k: v.strip() for k, v in form.items() if isinstance(v, str)}


@router.post("/cases/new")
async def open_case(request: Request, db: SessionDep, actor: ActorDep) -> Response:
    """转为案件 from the lead page; a refusal goes back to the lead with its reason."""
    form = await request.form()
    values: dict[str, Any] = _text(form)
    values["lead_ids"] = [v for v in form.getlist("lead_ids") if isinstance(v, str)]
    case = service.open_from_leads(db, actor=actor, data=form_model(CaseOpen, values))
    return RedirectResponse(f"/cases/{case.id}", status_code=303)


def _detail_context(request: Request, db: SessionDep, actor: Actor, case: Case) -> dict[str, Any]:
    today = local_today()
    manages = policy.can(actor, "case.manage") and service.leads_place(db, actor, case)
    places = service.places_of(db, case)
    return {
        **labels(db),
        "case": case,
        "today": today,
        "long_running": service.long_running(case, campaign_cutoff(request)),
        "reach": service.reach_of(places),
        "subjects": service.subjects_of(db, case),
        "places": places,
        "leads": service.leads_of(db, case),
        "measures": measures.measures_of(db, case),
        "measure_kinds": measures.measure_kinds(db),
        "documents": documents.documents_of(db, case),
        "deadlines": deadlines.for_cases(db, [case], today)[case.id],
        "timeline": service.timeline(db, case),
        "procedure_next": manual_steps(case, "procedure") if manages else [],
        "criminal_next": manual_steps(case, "criminal") if manages else [],
        "manages": manages,
        "shows_refunds": policy.can(actor, "refund.view") and service.leads_place(db, actor, case),
        "has_register": service.has_register(db, case),
        "officers": service.officers(db, case) if manages else [],
        "event_label": event_label,
        "generated_kinds": documents.GENERATED_KINDS,
        "uploaded_kinds": documents.UPLOADED_KINDS,
        "jurisdictions": reference.jurisdictions(db),
        "roles": [
            i
            for i in reference.items(db, "participant_role", active_only=True)
            if i.code != "participant"
        ],
    }


@router.get("/cases/{case_id}")
def case_page(case_id: int, request: Request, db: SessionDep, actor: ActorDep) -> Response:
    """The case file: facts, places, subjects, deadlines, steps, measures, documents, timeline."""
    case = service.get_or_raise(db, actor=actor, case_id=case_id)
    return render(request, "cases/detail.html", _detail_context(request, db, actor, case),
                  actor=actor)  # fmt: skip


@router.get("/cases/{case_id}/documents/{document_id}")
def download(
    case_id: int, document_id: int, request: Request, db: SessionDep, actor: ActorDep
) -> Response:
    """One version of a case document."""
    case = service.get_or_raise(db, actor=actor, case_id=case_id)
    doc = db.get(CaseDocument, document_id)
    if doc is None or doc.case_id != case.id:
        raise not_found("文书", document_id)
    path = documents.path_of(request.app.state.settings.files_dir, doc)
    return FileResponse(path, media_type=doc.content_type, filename=doc.filename)


@router.post("/cases/{case_id}/{action}")
async def take_action(
    case_id: int, action: str, request: Request, db: SessionDep, actor: ActorDep
) -> Response:
    """One change from the case page; a refusal is shown on the page with its reason."""
    form = await request.form()
    try:
        await _apply(request, db, actor, case_id, action, form)
    except FangfeiError as error:
        show_refusal(db, error)
        case = service.get_or_raise(db, actor=actor, case_id=case_id)
        context = {**_detail_context(request, db, actor, case), "error": error}
        return render(request, "cases/detail.html", context, actor=actor,
                      status_code=error.status)  # fmt: skip
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


async def _apply(
    request: Request, db: SessionDep, actor: Actor, case_id: int, action: str, form: FormData
) -> None:
    values = _text(form)
    files_root = request.app.state.settings.files_dir
    if action == "step":
        procedure.take_step(db, actor=actor, case_id=case_id, track=values.get("track", ""),
                            step=values.get("step", ""), data=form_model(StepIn, values),
                            files_root=files_root)  # fmt: skip
    elif action == "measure":
        measures.record_measure(
            db, actor=actor, case_id=case_id, data=form_model(MeasureIn, values)
        )
    elif action in ("rectified", "measure_void"):
        measure_id = int(values.get("measure_id") or 0)
        if action == "rectified":
            on = date.fromisoformat(values.get("on_date") or local_today().isoformat())
            measures.mark_rectified(db, actor=actor, case_id=case_id, measure_id=measure_id,
                                    on_date=on)  # fmt: skip
        else:
            measures.void_measure(db, actor=actor, case_id=case_id, measure_id=measure_id,
                                  reason=values.get("reason", ""))  # fmt: skip
    elif action == "note":
        measures.add_note(db, actor=actor, case_id=case_id, data=form_model(NoteIn, values))
    elif action == "national_update":
        measures.record_national_update(db, actor=actor, case_id=case_id, on_date=local_today())
    elif action == "assets":
        measures.decide_assets(db, actor=actor, case_id=case_id,
                               data=form_model(AssetDecisionIn, values))  # fmt: skip
    elif action == "update":
        service.update(db, actor=actor, case_id=case_id, data=form_model(CaseUpdate, values))
    elif action == "subject":
        service.add_subject(db, actor=actor, case_id=case_id, data=form_model(SubjectIn, values))
    elif action == "place":
        service.add_place(db, actor=actor, case_id=case_id, data=form_model(PlaceIn, values))
    elif action in ("subject_void", "place_void"):
        row_id = int(values.get("row_id") or 0)
        row: CaseSubject | CasePlace | None = (
            db.get(CaseSubject, row_id) if action == "subject_void" else db.get(CasePlace, row_id)
        )
        if row is None:
            raise not_found("记录", values.get("row_id"))
        service.void_row(db, actor=actor, case_id=case_id, row=row, reason=values.get("reason", ""))
    elif action == "generate":
        measure = int(values["measure_id"]) if values.get("measure_id") else None
        documents.generate(db, actor=actor, case_id=case_id, kind=values.get("kind", ""),
                           files_root=files_root, measure_id=measure)  # fmt: skip
    elif action == "upload":
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise invalid("请选择要上传的文件。", [FieldProblem("file", "未选择文件")])
        content = await upload.read(attachments.MAX_BYTES + 1)
        documents.upload(db, actor=actor, case_id=case_id, kind=values.get("kind", ""),
                         upload=attachments.Upload(upload.filename, content),
                         files_root=files_root, note=values.get("note") or None)  # fmt: skip
    else:
        raise not_found("操作", action)
