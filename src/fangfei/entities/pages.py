"""Pages: entity search, the entity file (一户一档), registration forms, the identity reveal."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from fangfei.audit import service as audit
from fangfei.auth import policy
from fangfei.deps import ActorDep, CipherDep, SessionDep
from fangfei.entities import service
from fangfei.entities.models import Enterprise, Entity, ImportBatch
from fangfei.entities.schemas import EnterpriseCreate, EntityFilter, EntityUpdate, PersonCreate
from fangfei.errors import FangfeiError, FieldProblem, form_invalid, invalid
from fangfei.leads import service as leads
from fangfei.leads.workflow import STATUS_LABELS
from fangfei.reference import service as reference
from fangfei.screening import supervision
from fangfei.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/entities")
def entity_list(
    request: Request, db: SessionDep, actor: ActorDep, filters: Annotated[EntityFilter, Query()]
) -> Response:
    """Search the entities in scope; htmx replaces only the results table."""
    page = service.list_for(db, actor=actor, filters=filters)
    context = {
        "page": page,
        "filters": filters,
        "jurisdictions": reference.jurisdictions(db, under_path=actor.jurisdiction_path),
    }
    return render(
        request, "entities/list.html", context, actor=actor, partial="entities/_table.html"
    )


def _form_context(db: SessionDep, actor: ActorDep, kind: str) -> dict[str, object]:
    return {
        "kind": kind,
        "jurisdictions": reference.jurisdictions(db, under_path=actor.jurisdiction_path),
        "licence_types": reference.items(db, "licence_type", active_only=True),
        "statuses": reference.items(db, "enterprise_status", active_only=True),
    }


@router.get("/entities/new/{kind}")
def new_entity_form(kind: str, request: Request, db: SessionDep, actor: ActorDep) -> Response:
    """The registration form for an enterprise or a person."""
    policy.ensure(db, actor, "entity.create")
    if kind not in ("enterprise", "person"):
        raise invalid(
            "主体类型只能是企业或个人。", [FieldProblem("kind", "须为 enterprise 或 person")]
        )
    return render(request, "entities/new.html", _form_context(db, actor, kind), actor=actor)


def _parse_date(value: str, field: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise invalid("日期格式有误。", [FieldProblem(field, "须为 YYYY-MM-DD")]) from exc


@router.post("/entities/new/{kind}")
async def create_entity(
    kind: str, request: Request, db: SessionDep, actor: ActorDep, cipher: CipherDep
) -> Response:
    """Register from the form; problems are shown beside the form with the values kept."""
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    values: dict[str, Any] = {k: v.strip() or None for k, v in form.items() if k != "csrf_token"}
    try:
        if kind == "enterprise":
            values["registration_date"] = _parse_date(
                form.get("registration_date", ""), "registration_date"
            )
            values["licence_type"] = values.get("licence_type") or "none"
            entity: Entity = service.create_enterprise(
                db, actor=actor, data=EnterpriseCreate.model_validate(values)
            )
        else:
            entity = service.create_person(
                db, actor=actor, cipher=cipher, data=PersonCreate.model_validate(values)
            )
    except (FangfeiError, ValidationError) as exc:
        error = exc if isinstance(exc, FangfeiError) else form_invalid(exc)
        if error.status == 403:
            raise error from None
        context = {**_form_context(db, actor, kind), "error": error, "values": form}
        return render(request, "entities/new.html", context, actor=actor, status_code=error.status)
    return RedirectResponse(f"/entities/{entity.id}", status_code=303)


def _detail_context(db: SessionDep, actor: ActorDep, entity: Entity) -> dict[str, object]:
    batch = db.get(ImportBatch, entity.import_batch_id) if entity.import_batch_id else None
    return {
        **_form_context(db, actor, entity.kind),
        "entity": entity,
        "is_enterprise": isinstance(entity, Enterprise),
        "accounts": service.accounts_of(db, actor=actor, entity_id=entity.id),
        "leads": leads.leads_of_entity(db, actor=actor, entity_id=entity.id),
        "lead_status_labels": STATUS_LABELS,
        "history": audit.history(db, object_type="entity", object_id=entity.id),
        "import_batch": batch,
        "jurisdiction": entity.jurisdiction,
        "licence_names": reference.names(db, "licence_type"),
        "status_names": reference.names(db, "enterprise_status"),
        "supervised": supervision.current(db, entity.id),
    }


@router.get("/entities/{entity_id}")
def entity_page(entity_id: int, request: Request, db: SessionDep, actor: ActorDep) -> Response:
    """一户一档: the entity with everything attached to it."""
    entity = service.get_or_raise(db, actor=actor, entity_id=entity_id)
    return render(request, "entities/detail.html", _detail_context(db, actor, entity), actor=actor)


def _shown_again(
    request: Request, db: SessionDep, actor: ActorDep, entity_id: int, error: FangfeiError
) -> Response:
    if error.status == 403:
        raise error
    db.rollback()  # nothing of the refused change may be committed with the re-rendered page
    entity = service.get_or_raise(db, actor=actor, entity_id=entity_id)
    context = {**_detail_context(db, actor, entity), "error": error}
    return render(request, "entities/detail.html", context, actor=actor, status_code=error.status)


@router.post("/entities/{entity_id}/edit")
async def edit_entity(
    entity_id: int, request: Request, db: SessionDep, actor: ActorDep
) -> Response:
    """Save the edit form; only the fields the form carries are changed."""
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    values = {k: v.strip() or None for k, v in form.items() if k in EntityUpdate.model_fields}
    try:
        service.update(
            db, actor=actor, entity_id=entity_id, data=EntityUpdate.model_validate(values)
        )
    except ValidationError as exc:
        return _shown_again(request, db, actor, entity_id, form_invalid(exc))
    except FangfeiError as error:
        return _shown_again(request, db, actor, entity_id, error)
    return RedirectResponse(f"/entities/{entity_id}", status_code=303)


@router.post("/entities/{entity_id}/void")
async def void_entity(
    entity_id: int, request: Request, db: SessionDep, actor: ActorDep
) -> Response:
    """Withdraw the entity with the reason given in the form."""
    reason = (await request.form()).get("reason")
    try:
        service.void(
            db, actor=actor, entity_id=entity_id, reason=reason if isinstance(reason, str) else ""
        )
    except FangfeiError as error:
        return _shown_again(request, db, actor, entity_id, error)
    return RedirectResponse(f"/entities/{entity_id}", status_code=303)


@router.post("/entities/{entity_id}/identity")
def reveal_identity(
    entity_id: int, request: Request, db: SessionDep, actor: ActorDep, cipher: CipherDep
) -> Response:
    """Show a person's full ID number once; the view is written to the audit log."""
    number = service.reveal_id_number(db, actor=actor, cipher=cipher, entity_id=entity_id)
    return render(request, "entities/_identity.html", {"number": number}, actor=actor)
