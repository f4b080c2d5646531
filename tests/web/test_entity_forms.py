"""Editing and voiding an entity from its page (TestClient, both databases)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangfei.audit.models import AuditEvent
from fangfei.auth import service as auth
from fangfei.entities import service
from fangfei.entities.models import Entity
from fangfei.entities.schemas import EnterpriseCreate
from tests.county import PASSWORD, County


def _csrf(html: str) -> str:
    token = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert token
    return token.group(1)


def _login(client: TestClient, username: str) -> str:
    """Log in and return the session's new CSRF token (it is renewed at login)."""
    client.post(
        "/login",
        data={
            "username": username,
            "password": PASSWORD,
            "csrf_token": _csrf(client.get("/login").text),
        },
    )
    return _csrf(client.get("/account").text)


def _enterprise(db: Session, county: County) -> int:
    office = auth.actor_for(county.users["office"])
    e = service.create_enterprise(
        db,
        actor=office,
        data=EnterpriseCreate(name="城关理财咨询有限公司", jurisdiction_id=county.east.id),
    )
    db.commit()
    return e.id


def test_edit_form_changes_and_audits(client: TestClient, db: Session, county: County) -> None:
    entity_id = _enterprise(db, county)
    csrf = _login(client, "east")
    page = client.get(f"/entities/{entity_id}")
    assert 'data-testid="edit-form"' in page.text and 'data-testid="void-form"' not in page.text
    r = client.post(
        f"/entities/{entity_id}/edit",
        follow_redirects=False,
        data={
            "csrf_token": csrf,
            "name": "城关商贸有限公司",
            "jurisdiction_id": str(county.east.id),
            "address": "城关镇人民路 8 号",
            "licence_type": "none",
            "business_scope": "",
        },
    )
    assert r.status_code == 303
    db.expire_all()
    entity = db.get(Entity, entity_id)
    assert entity is not None and (entity.name, entity.address) == (
        "城关商贸有限公司",
        "城关镇人民路 8 号",
    )
    change = db.scalars(select(AuditEvent).where(AuditEvent.action == "entity.update")).one()
    assert change.actor_name == "east" and change.detail["name"] == {
        "before": "城关理财咨询有限公司",
        "after": "城关商贸有限公司",
    }


def test_refused_edit_shows_the_problem_and_changes_nothing(
    client: TestClient, db: Session, county: County
) -> None:
    entity_id = _enterprise(db, county)
    csrf = _login(client, "office")
    r = client.post(
        f"/entities/{entity_id}/edit",
        data={
            "csrf_token": csrf,
            "name": "改名",
            "jurisdiction_id": str(county.east.id),
            "licence_type": "casino",
        },
    )
    assert r.status_code == 422 and "未知类型“casino”" in r.text
    db.expire_all()
    assert db.get(Entity, entity_id).name == "城关理财咨询有限公司"  # type: ignore[union-attr]


def test_void_from_the_page(client: TestClient, db: Session, county: County) -> None:
    entity_id = _enterprise(db, county)
    csrf = _login(client, "office")
    r = client.post(f"/entities/{entity_id}/void", data={"csrf_token": csrf, "reason": "重复登记"})
    assert r.status_code == 200 and "作废：重复登记" in r.text
    assert 'data-testid="edit-form"' not in r.text
    assert "共 0 条" in client.get("/entities", params={"q": "城关理财"}).text
