"""The permission matrix: role × scope × action → allowed or refused, by ensure() and by scoped()."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangfei.auth import policy
from fangfei.auth import service as auth
from fangfei.auth.models import User
from fangfei.auth.roles import Actor, Role, system_actor
from fangfei.entities import service as entities
from fangfei.entities.models import BankAccount, Entity
from fangfei.entities.schemas import BankAccountCreate, EnterpriseCreate
from fangfei.errors import FangfeiError
from fangfei.reference import service as reference
from tests.county import BANK, PASSWORD, County

SYSTEM = system_actor("test")
OTHER_BANK = "中国银行示范支行"


@dataclass
class World:
    actors: dict[str, Actor]
    objects: dict[str, object]


@pytest.fixture
def world(db: Session, county: County) -> World:
    """The fixture county plus a neighbouring county with its own lead office."""
    east = entities.create_enterprise(
        db, actor=SYSTEM, data=EnterpriseCreate(name="东城理财", jurisdiction_id=county.east.id)
    )
    west = entities.create_enterprise(
        db, actor=SYSTEM, data=EnterpriseCreate(name="西城投资", jurisdiction_id=county.west.id)
    )
    at_bank = entities.create_account(
        db,
        actor=SYSTEM,
        data=BankAccountCreate(
            bank=BANK,
            account_number="6217000011112222",
            holder_name="西城投资",
            holder_entity_id=west.id,
        ),
    )
    at_other = entities.create_account(
        db,
        actor=SYSTEM,
        data=BankAccountCreate(
            bank=OTHER_BANK,
            account_number="6013000033334444",
            holder_name="东城理财",
            holder_entity_id=east.id,
        ),
    )
    neighbour = reference.add_jurisdiction(
        db, actor=SYSTEM, code="N100", name="邻县", level="county"
    )
    auth.create_user(
        db,
        actor=SYSTEM,
        username="neighbour",
        display_name="邻县处非办",
        password=PASSWORD,
        role=Role.LEAD_OFFICE,
        jurisdiction_id=neighbour.id,
    )
    users = db.scalars(select(User)).all()
    actors = {u.username: auth.actor_for(u) for u in users}
    objects = {
        "ent_east": east,
        "ent_west": west,
        "acct_bank": at_bank,
        "acct_other": at_other,
        "user_east": county.users["east"],
    }
    return World(actors, objects)


T, F = True, False
# (action, object) → {actor: allowed}; actors absent from a row are refused.
MATRIX: dict[tuple[str, str], set[str]] = {
    ("entity.view", "ent_east"): {"office", "market", "east", "leader"},
    ("entity.view", "ent_west"): {"office", "market", "west", "bank", "leader"},
    ("entity.update", "ent_east"): {"office", "east"},
    ("entity.update", "ent_west"): {"office", "west"},
    ("entity.view_identity", "ent_east"): {"office"},
    ("account.view", "acct_bank"): {"office", "market", "bank", "leader"},
    ("account.view", "acct_other"): {"office", "market", "leader"},
    ("user.view", "user_east"): {"admin"},
    ("user.manage", "user_east"): {"admin"},
}
ACTORS = ["admin", "office", "market", "east", "west", "bank", "leader", "neighbour"]
CASES = [
    (action, obj, who, who in allowed)
    for (action, obj), allowed in MATRIX.items()
    for who in ACTORS
]


def _allowed_by_ensure(db: Session, actor: Actor, action: str, obj: object) -> bool:
    try:
        policy.ensure(db, actor, action, obj)
    except FangfeiError as error:
        assert error.status == 403
        return False
    return True


def _listed_by_scope(db: Session, actor: Actor, action: str, obj: object) -> bool:
    model = {"entity": Entity, "account": BankAccount, "user": User}[action.split(".")[0]]
    ids = set(db.scalars(policy.scoped(select(model.id), actor, action)))
    return obj.id in ids  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("action", "obj", "who", "expected"), CASES, ids=[f"{w}-{a}-{o}" for a, o, w, _ in CASES]
)
def test_permission_matrix(
    db: Session, world: World, action: str, obj: str, who: str, expected: bool
) -> None:
    actor, target = world.actors[who], world.objects[obj]
    assert _allowed_by_ensure(db, actor, action, target) is expected
    # The list filter and the single-object check are the same rule.
    assert _listed_by_scope(db, actor, action, target) is expected


def test_refusal_names_the_role_and_action(db: Session, world: World) -> None:
    with pytest.raises(FangfeiError) as refused:
        policy.ensure(db, world.actors["bank"], "user.manage")
    assert refused.value.message == "无权执行此操作：角色“银行分析员”没有“管理用户”权限"


def test_out_of_scope_refusal_says_so(db: Session, world: World) -> None:
    with pytest.raises(FangfeiError) as refused:
        policy.ensure(db, world.actors["west"], "entity.view", world.objects["ent_east"])
    assert refused.value.message == "无权执行此操作：该对象不在您的管辖范围内"


def test_unknown_action_is_denied(db: Session, world: World) -> None:
    assert policy.decide(world.actors["office"], "entity.delete").allowed is False
    assert (
        list(db.scalars(policy.scoped(select(Entity.id), world.actors["office"], "entity.delete")))
        == []
    )


def test_township_cannot_register_in_another_township(
    db: Session, world: World, county: County
) -> None:
    with pytest.raises(FangfeiError) as refused:
        entities.create_enterprise(
            db,
            actor=world.actors["east"],
            data=EnterpriseCreate(name="越界登记", jurisdiction_id=county.west.id),
        )
    assert refused.value.message == "无权执行此操作：所选辖区不在您的管辖范围内"
