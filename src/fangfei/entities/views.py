"""JSON API: entities and bank accounts."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from fangfei.deps import ActorDep, CipherDep, SessionDep
from fangfei.entities import service
from fangfei.entities.models import BankAccount, Entity
from fangfei.entities.schemas import (
    BankAccountCreate,
    BankAccountRead,
    EnterpriseCreate,
    EntityFilter,
    EntityPage,
    EntityRead,
    EntityUpdate,
    PersonCreate,
)

router = APIRouter(tags=["主体档案"])


@router.get("/entities", response_model=EntityPage, summary="主体列表")
def list_entities(
    db: SessionDep, actor: ActorDep, filters: Annotated[EntityFilter, Query()]
) -> dict[str, Any]:
    """Entities in the actor's scope, filtered and paginated."""
    page = service.list_for(db, actor=actor, filters=filters)
    return {
        "total": page.total,
        "capped": page.capped,
        "page": page.page,
        "per_page": page.per_page,
        "items": page.items,
    }


@router.post(
    "/entities/enterprises", response_model=EntityRead, status_code=201, summary="登记企业"
)
def create_enterprise(body: EnterpriseCreate, db: SessionDep, actor: ActorDep) -> Entity:
    """Register an enterprise (an invalid USCC is kept and flagged)."""
    return service.create_enterprise(db, actor=actor, data=body)


@router.post("/entities/persons", response_model=EntityRead, status_code=201, summary="登记个人")
def create_person(body: PersonCreate, db: SessionDep, actor: ActorDep, cipher: CipherDep) -> Entity:
    """Register a person (the ID number is encrypted; the response shows it masked)."""
    return service.create_person(db, actor=actor, cipher=cipher, data=body)


@router.get("/entities/{entity_id}", response_model=EntityRead, summary="主体详情")
def get_entity(entity_id: int, db: SessionDep, actor: ActorDep) -> Entity:
    """One entity."""
    return service.get_or_raise(db, actor=actor, entity_id=entity_id)


@router.patch("/entities/{entity_id}", response_model=EntityRead, summary="修改主体")
def update_entity(entity_id: int, body: EntityUpdate, db: SessionDep, actor: ActorDep) -> Entity:
    """Change descriptive fields of an entity."""
    return service.update(db, actor=actor, entity_id=entity_id, data=body)


@router.get(
    "/entities/{entity_id}/accounts", response_model=list[BankAccountRead], summary="主体的银行账户"
)
def entity_accounts(entity_id: int, db: SessionDep, actor: ActorDep) -> list[BankAccount]:
    """The entity's bank accounts visible to the actor."""
    service.get_or_raise(db, actor=actor, entity_id=entity_id)
    return service.accounts_of(db, actor=actor, entity_id=entity_id)


@router.post("/accounts", response_model=BankAccountRead, status_code=201, summary="登记银行账户")
def create_account(body: BankAccountCreate, db: SessionDep, actor: ActorDep) -> BankAccount:
    """Register a bank account."""
    return service.create_account(db, actor=actor, data=body)
