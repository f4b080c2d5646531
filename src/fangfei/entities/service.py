"""Entities: registration, look-up, scoped lists, the identity reveal, and bank accounts."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, with_polymorphic

from fangfei.audit import service as audit
from fangfei.auth import policy
from fangfei.auth.roles import Actor
from fangfei.db import utcnow
from fangfei.entities.identifiers import check_id_number, check_uscc, mask_id_number
from fangfei.entities.models import BankAccount, Enterprise, Entity, Person
from fangfei.entities.schemas import (
    BankAccountCreate,
    EnterpriseCreate,
    EntityFilter,
    EntityUpdate,
    PersonCreate,
)
from fangfei.errors import FieldProblem, conflict, invalid, not_found
from fangfei.paging import Page, paginate
from fangfei.reference import service as reference
from fangfei.reference.models import Jurisdiction
from fangfei.screening import supervision
from fangfei.security.crypto import FieldCipher

AnyEntity = with_polymorphic(Entity, [Enterprise, Person])


SCREENED_FIELDS = {"name", "business_scope", "licence_type"}  # a change of these is screened again


def _check_licence(db: Session, licence_type: str) -> None:
    if licence_type not in reference.names(db, "licence_type"):
        raise invalid(
            "持牌类型不在基础数据中。", [FieldProblem("licence_type", f"未知类型“{licence_type}”")]
        )


def create_enterprise(db: Session, *, actor: Actor, data: EnterpriseCreate) -> Enterprise:
    """Register an enterprise; an invalid or missing USCC is kept and flagged."""
    policy.ensure(db, actor, "entity.create")
    policy.ensure_jurisdiction(db, actor, data.jurisdiction_id)
    _check_licence(db, data.licence_type)
    key = check_uscc(data.uscc)
    if key.value and db.scalar(select(Enterprise.id).where(Enterprise.uscc == key.value)):
        raise conflict(f"统一社会信用代码 {key.value} 已登记，请打开已有的企业档案。")
    fields = data.model_dump(exclude={"uscc"})
    enterprise = Enterprise(
        **fields, uscc=key.value, key_status=key.status, key_problem=key.problem
    )
    enterprise.name = enterprise.name.strip()
    db.add(enterprise)
    db.flush()
    audit.record(
        db,
        actor=actor,
        action="entity.create",
        object_type="entity",
        object_id=enterprise.id,
        detail={
            "kind": "enterprise",
            "name": enterprise.name,
            "uscc": key.value,
            "key_status": key.status,
        },
    )
    supervision.screen_entity(db, actor=actor, enterprise=enterprise)
    return enterprise


def person_key_fields(cipher: FieldCipher, raw_id: str | None) -> dict[str, object]:
    """The stored columns for a person's ID number: encrypted, blind-indexed, masked, checked."""
    key = check_id_number(raw_id)
    if key.value is None:
        return {"key_status": key.status, "key_problem": key.problem}
    return {
        "id_number_encrypted": cipher.encrypt(key.value),
        "id_blind_index": cipher.blind_index(key.value),
        "id_number_masked": mask_id_number(key.value),
        "key_status": key.status,
        "key_problem": key.problem,
    }


def create_person(db: Session, *, actor: Actor, cipher: FieldCipher, data: PersonCreate) -> Person:
    """Register a person; the ID number is encrypted, and a duplicate is found by its blind index."""
    policy.ensure(db, actor, "entity.create")
    policy.ensure_jurisdiction(db, actor, data.jurisdiction_id)
    key_fields = person_key_fields(cipher, data.id_number)
    index = key_fields.get("id_blind_index")
    if index and db.scalar(select(Person.id).where(Person.id_blind_index == index)):
        raise conflict("该身份证号码已登记，请打开已有的个人档案。")
    person = Person(
        name=data.name.strip(),
        jurisdiction_id=data.jurisdiction_id,
        phone=data.phone,
        address=data.address,
        **key_fields,
    )
    db.add(person)
    db.flush()
    audit.record(
        db,
        actor=actor,
        action="entity.create",
        object_type="entity",
        object_id=person.id,
        detail={"kind": "person", "name": person.name, "key_status": person.key_status},
    )
    return person


def get_or_raise(
    db: Session, *, actor: Actor, entity_id: int, action: str = "entity.view"
) -> Entity:
    """An entity the actor may see (or act on with ``action``)."""
    entity = db.get(Entity, entity_id)
    if entity is None:
        raise not_found("主体", entity_id)
    policy.ensure(db, actor, action, entity)
    return entity


def list_for(db: Session, *, actor: Actor, filters: EntityFilter) -> Page[Entity]:
    """A page of the entities the actor may see, newest first."""
    policy.ensure(db, actor, "entity.view")
    stmt = policy.scoped(select(AnyEntity), actor, "entity.view").where(
        AnyEntity.voided_at.is_(None)
    )
    if filters.q:
        term = filters.q.strip()
        stmt = stmt.where(
            or_(
                AnyEntity.name.contains(term, autoescape=True),
                AnyEntity.Enterprise.uscc == term.upper(),
            )
        )
    if filters.kind:
        stmt = stmt.where(AnyEntity.kind == filters.kind)
    if filters.jurisdiction_id:
        stmt = stmt.where(AnyEntity.jurisdiction_id == filters.jurisdiction_id)
    if filters.key_status:
        stmt = stmt.where(AnyEntity.key_status == filters.key_status)
    return paginate(
        db, stmt, order_by=AnyEntity.id.desc(), page=filters.page, per_page=filters.per_page
    )


def find_person_by_id_number(
    db: Session, *, actor: Actor, cipher: FieldCipher, id_number: str
) -> Person | None:
    """The person with this ID number, found through the blind index without decrypting."""
    key = check_id_number(id_number)
    if key.value is None:
        return None
    stmt = policy.scoped(select(AnyEntity), actor, "entity.view").where(
        AnyEntity.Person.id_blind_index == cipher.blind_index(key.value)
    )
    found = db.scalar(stmt)
    return found if isinstance(found, Person) else None


def update(db: Session, *, actor: Actor, entity_id: int, data: EntityUpdate) -> Entity:
    """Change descriptive fields; each change is audited with its before and after."""
    entity = get_or_raise(db, actor=actor, entity_id=entity_id, action="entity.update")
    changes = data.model_dump(exclude_unset=True)
    if "jurisdiction_id" in changes:
        policy.ensure_jurisdiction(db, actor, changes["jurisdiction_id"])
    if changes.get("licence_type"):
        _check_licence(db, changes["licence_type"])
    foreign = [
        FieldProblem(name, "不适用于此类主体") for name in changes if not hasattr(entity, name)
    ]
    if foreign:
        raise invalid("有字段不适用于此类主体。", foreign)
    if "name" in changes and not (changes["name"] or "").strip():
        raise invalid("名称不能为空。", [FieldProblem("name", "不能为空")])
    diff = {}
    for name, value in changes.items():
        if getattr(entity, name) != value:
            diff[name] = {"before": getattr(entity, name), "after": value}
            setattr(entity, name, value)
    if diff:
        db.flush()
        audit.record(
            db,
            actor=actor,
            action="entity.update",
            object_type="entity",
            object_id=entity.id,
            detail=diff,
        )
        if isinstance(entity, Enterprise) and diff.keys() & SCREENED_FIELDS:
            supervision.screen_entity(db, actor=actor, enterprise=entity)
    return entity


def void(db: Session, *, actor: Actor, entity_id: int, reason: str) -> Entity:
    """Withdraw a wrongly registered entity with a reason; it is kept, never deleted."""
    entity = get_or_raise(db, actor=actor, entity_id=entity_id, action="entity.void")
    reason = reason.strip()
    if not reason:
        raise invalid("作废必须写明原因。", [FieldProblem("reason", "不能为空")])
    if entity.voided_at is not None:
        raise conflict(f"该主体已于 {entity.voided_at:%Y-%m-%d} 作废。")
    entity.voided_at, entity.void_reason = utcnow(), reason
    audit.record(
        db,
        actor=actor,
        action="entity.void",
        object_type="entity",
        object_id=entity.id,
        detail={"reason": reason},
    )
    return entity


def reveal_id_number(db: Session, *, actor: Actor, cipher: FieldCipher, entity_id: int) -> str:
    """Decrypt a person's ID number for an actor allowed to see it; every reveal is audited."""
    entity = get_or_raise(db, actor=actor, entity_id=entity_id, action="entity.view_identity")
    if not isinstance(entity, Person) or entity.id_number_encrypted is None:
        raise not_found("身份证号码", entity_id)
    audit.record(
        db,
        actor=actor,
        action="entity.view_identity",
        object_type="entity",
        object_id=entity.id,
        detail={"name": entity.name},
    )
    return cipher.decrypt(entity.id_number_encrypted)


def create_account(db: Session, *, actor: Actor, data: BankAccountCreate) -> BankAccount:
    """Register a bank account; a bank analyst may only register accounts of their own bank."""
    policy.ensure(db, actor, "account.create")
    if actor.bank and data.bank != actor.bank:
        raise invalid("只能登记本行账户。", [FieldProblem("bank", f"须为“{actor.bank}”")])
    if data.holder_entity_id is not None:
        if db.get(Entity, data.holder_entity_id) is None:
            raise invalid("账户持有人主体不存在。", [FieldProblem("holder_entity_id", "不存在")])
        if actor.bank is None:  # a bank sees a holder only once the account links them
            get_or_raise(db, actor=actor, entity_id=data.holder_entity_id)
    if db.scalar(
        select(BankAccount.id).where(
            BankAccount.bank == data.bank, BankAccount.account_number == data.account_number
        )
    ):
        raise conflict(f"{data.bank} 账户 {data.account_number} 已登记。")
    account = BankAccount(**data.model_dump())
    db.add(account)
    db.flush()
    audit.record(
        db,
        actor=actor,
        action="account.create",
        object_type="bank_account",
        object_id=account.id,
        detail=data.model_dump(),
    )
    return account


def accounts_of(db: Session, *, actor: Actor, entity_id: int) -> list[BankAccount]:
    """The bank accounts of one entity that the actor may see."""
    stmt = (
        policy.scoped(select(BankAccount), actor, "account.view")
        .where(BankAccount.holder_entity_id == entity_id)
        .order_by(BankAccount.bank, BankAccount.id)
    )
    return list(db.scalars(stmt))


def counts_for(db: Session, *, actor: Actor) -> dict[str, int]:
    """Dashboard figures over the entities and accounts the actor may see."""
    scope = policy.scope_clause(actor, "entity.view")
    live = select(Entity.kind, Entity.key_status, func.count()).where(
        scope, Entity.voided_at.is_(None)
    )
    counts = {"enterprise": 0, "person": 0, "flagged": 0}
    for kind, status, n in db.execute(live.group_by(Entity.kind, Entity.key_status)):
        counts[kind] += n
        if status != "valid":
            counts["flagged"] += n
    accounts = (
        select(func.count())
        .select_from(BankAccount)
        .where(policy.scope_clause(actor, "account.view"))
    )
    counts["accounts"] = db.scalar(accounts) or 0
    return counts


def enterprises_per_jurisdiction(db: Session, *, actor: Actor) -> list[tuple[str, int]]:
    """How many enterprises each jurisdiction in scope holds, largest first."""
    stmt = (
        select(Jurisdiction.name, func.count(Entity.id))
        .join(Entity, Entity.jurisdiction_id == Jurisdiction.id)
        .where(
            policy.scope_clause(actor, "entity.view"),
            Entity.kind == "enterprise",
            Entity.voided_at.is_(None),
        )
        .group_by(Jurisdiction.name)
        .order_by(func.count(Entity.id).desc())
    )
    return [(name, n) for name, n in db.execute(stmt)]
