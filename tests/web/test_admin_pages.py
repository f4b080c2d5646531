"""User administration pages: create, reset a password, deactivate."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.county import County
from tests.web.test_entity_forms import _csrf, _login


def _can_log_in(client: TestClient, username: str, password: str) -> bool:
    client.cookies.clear()
    r = client.post(
        "/login",
        follow_redirects=False,
        data={
            "username": username,
            "password": password,
            "csrf_token": _csrf(client.get("/login").text),
        },
    )
    return r.status_code == 303


def test_admin_resets_a_password(client: TestClient, county: County) -> None:
    csrf = _login(client, "admin")
    east = county.users["east"].id
    r = client.post(f"/admin/users/{east}/password", data={"csrf_token": csrf, "password": "short"})
    assert r.status_code == 422 and "密码至少 8 位" in r.text
    r = client.post(
        f"/admin/users/{east}/password",
        follow_redirects=False,
        data={"csrf_token": csrf, "password": "brand-new-pass"},
    )
    assert r.status_code == 303
    assert _can_log_in(client, "east", "brand-new-pass")
    assert not _can_log_in(client, "east", "password123")


def test_lead_office_cannot_reset_or_deactivate(client: TestClient, county: County) -> None:
    csrf = _login(client, "office")
    west = county.users["west"].id
    r = client.post(
        f"/admin/users/{west}/password", data={"csrf_token": csrf, "password": "brand-new-pass"}
    )
    assert r.status_code == 403 and "没有“管理用户”权限" in r.text
    r = client.post(f"/admin/users/{west}/active", data={"csrf_token": csrf, "active": "false"})
    assert r.status_code == 403


def test_deactivated_user_is_logged_out_and_refused(client: TestClient, county: County) -> None:
    csrf = _login(client, "admin")
    west = county.users["west"].id
    other = TestClient(client.app)
    assert _can_log_in(other, "west", "password123")
    assert other.get("/entities").status_code == 200
    client.post(f"/admin/users/{west}/active", data={"csrf_token": csrf, "active": "false"})
    assert (
        other.get("/entities", follow_redirects=False).status_code == 303
    )  # back to the login page
    assert not _can_log_in(other, "west", "password123")
