"""JSON API: reference data."""

from __future__ import annotations

from fastapi import APIRouter

from fangfei.auth import policy
from fangfei.deps import ActorDep, SessionDep
from fangfei.errors import not_found
from fangfei.reference import files, service
from fangfei.reference.models import Department, Jurisdiction, LprRate, RefItem
from fangfei.reference.schemas import (
    DepartmentRead,
    JurisdictionRead,
    LprCreate,
    LprRead,
    RefItemCreate,
    RefItemRead,
    RefItemUpdate,
)

router = APIRouter(prefix="/reference", tags=["基础数据"])


@router.get("/kinds", summary="基础数据类别")
def kinds(db: SessionDep, actor: ActorDep) -> dict[str, str]:
    """Every enumeration kind with its Chinese label."""
    policy.ensure(db, actor, "reference.view")
    return files.kind_labels()


@router.get("/items/{kind}", response_model=list[RefItemRead], summary="某类基础数据条目")
def list_items(kind: str, db: SessionDep, actor: ActorDep) -> list[RefItem]:
    """The entries of one enumeration, in official order."""
    policy.ensure(db, actor, "reference.view")
    if kind not in files.kind_labels():
        raise not_found("基础数据类别", kind)
    return service.items(db, kind)


@router.post("/items/{kind}", response_model=RefItemRead, status_code=201, summary="新增条目")
def create_item(kind: str, body: RefItemCreate, db: SessionDep, actor: ActorDep) -> RefItem:
    """Add an entry (administrators)."""
    policy.ensure(db, actor, "reference.manage")
    return service.create_item(db, actor=actor, kind=kind, **body.model_dump())


@router.patch("/item/{item_id}", response_model=RefItemRead, summary="修改条目")
def update_item(item_id: int, body: RefItemUpdate, db: SessionDep, actor: ActorDep) -> RefItem:
    """Rename, reorder or deactivate an entry (administrators)."""
    policy.ensure(db, actor, "reference.manage")
    return service.update_item(db, actor=actor, item_id=item_id, **body.model_dump())


@router.get("/lpr", response_model=list[LprRead], summary="一年期 LPR 表")
def list_lpr(db: SessionDep, actor: ActorDep) -> list[LprRate]:
    """The dated one-year LPR table, newest first."""
    policy.ensure(db, actor, "reference.view")
    return service.lpr_rates(db)


@router.post("/lpr", response_model=LprRead, status_code=201, summary="登记新的 LPR")
def add_lpr(body: LprCreate, db: SessionDep, actor: ActorDep) -> LprRate:
    """Record a newly published one-year LPR (administrators)."""
    policy.ensure(db, actor, "reference.manage")
    return service.add_lpr(
        db, actor=actor, effective_date=body.effective_date, pct=body.one_year_pct
    )


@router.get("/jurisdictions", response_model=list[JurisdictionRead], summary="辖区")
def list_jurisdictions(db: SessionDep, actor: ActorDep) -> list[Jurisdiction]:
    """The actor's jurisdiction and everything below it."""
    policy.ensure(db, actor, "reference.view")
    return service.jurisdictions(db, under_path=actor.jurisdiction_path)


@router.get("/departments", response_model=list[DepartmentRead], summary="成员单位")
def list_departments(db: SessionDep, actor: ActorDep) -> list[Department]:
    """The lead office and the member departments."""
    policy.ensure(db, actor, "reference.view")
    return service.departments(db)
