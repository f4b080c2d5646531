"""Request-level guarantees of the web layer, on SQLite and PostgreSQL through the TestClient:
CSRF, login rate limiting, the open-redirect guard, the error family and API tokens."""

from __future__ import annotations

import re

import httpx2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangfei.auth import service as auth
from fangfei.auth.models import ApiToken
from tests.county import PASSWORD, County

CSRF_MESSAGE = "表单已过期或来源不明（CSRF 校验失败）。请刷新页面后重试。"


def csrf_of(html: str) -> str:
    """The CSRF token embedded in a rendered page."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None, "no CSRF field on the page"
    return found.group(1)


def post_login(
    client: TestClient, username: str, password: str = PASSWORD, next: str = "/"
) -> httpx2.Response:
    """Submit the login form with the session's CSRF token."""
    token = csrf_of(client.get("/login").text)
    form = {"username": username, "password": password, "next": next, "csrf_token": token}
    return client.post("/login", data=form, follow_redirects=False)


def log_in(client: TestClient, username: str) -> str:
    """Log in and return the CSRF token of the new session."""
    response = post_login(client, username)
    assert response.status_code == 303
    return csrf_of(client.get("/account").text)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_login_form_without_its_csrf_token_is_refused(client: TestClient, county: County) -> None:
    client.get("/login")
    response = client.post("/login", data={"username": "office", "password": PASSWORD})
    assert response.status_code == 403
    assert CSRF_MESSAGE in response.text
    assert "text/html" in response.headers["content-type"]

    forged = {"username": "office", "password": PASSWORD, "csrf_token": "forged"}
    assert client.post("/login", data=forged).status_code == 403


def test_a_logged_in_form_without_its_csrf_token_changes_nothing(
    client: TestClient, county: County, db: Session
) -> None:
    log_in(client, "office")
    response = client.post("/account/tokens", data={"name": "无令牌提交"})
    assert response.status_code == 403
    assert CSRF_MESSAGE in response.text

    api = client.post("/api/v1/tokens", json={"name": "无请求头"})
    assert api.status_code == 403
    assert api.json() == {"code": "csrf", "message": CSRF_MESSAGE}
    assert db.scalar(select(func.count()).select_from(ApiToken)) == 0


def test_the_sixth_wrong_password_within_a_minute_is_refused(
    client: TestClient, county: County
) -> None:
    for _ in range(5):
        response = post_login(client, "east", "wrong-password")
        assert response.status_code == 401
        assert "用户名或密码不正确" in response.text

    blocked = post_login(client, "east", "wrong-password")
    assert blocked.status_code == 429
    assert re.search(r"登录尝试过于频繁，请 \d+ 秒后再试。", blocked.text)
    # The right password does not get through either until the minute is over ...
    assert post_login(client, "east").status_code == 429
    # ... while other names are not locked out.
    assert post_login(client, "west").status_code == 303


@pytest.mark.parametrize(
    ("target", "landing"),
    [
        ("//evil.example", "/"),
        ("//evil.example/entities", "/"),
        ("https://evil.example/", "/"),
        ("evil.example", "/"),
        ("/entities", "/entities"),
    ],
)
def test_login_only_redirects_to_local_pages(
    client: TestClient, county: County, target: str, landing: str
) -> None:
    form = client.get("/login", params={"next": target})
    assert f'name="next" value="{landing}"' in form.text

    response = post_login(client, "office", next=target)
    assert response.status_code == 303
    assert response.headers["location"] == landing


@pytest.mark.parametrize("target", ["/\\evil.example", "/\t/evil.example", "\\\\evil.example"])
def test_browser_quirks_do_not_turn_next_into_another_host(
    client: TestClient, county: County, target: str
) -> None:
    # Browsers read /\host and /<tab>/host as //host; the Location must stay on this site.
    location = post_login(client, "office", next=target).headers["location"]
    assert location.startswith("/")
    assert location[1:2] not in ("/", "\\", "\t")


def test_errors_are_json_for_the_api_and_chinese_pages_for_people(
    client: TestClient, county: County, db: Session
) -> None:
    plain, _ = auth.create_token(db, actor=auth.actor_for(county.users["office"]), name="测试")
    db.commit()

    missing = client.get("/api/v1/entities/999999", headers=bearer(plain))
    assert missing.status_code == 404
    assert missing.json() == {
        "code": "not_found",
        "message": "未找到主体（999999）。请检查编号是否正确。",
    }

    no_route = client.get("/api/v1/no-such-thing", headers=bearer(plain))
    assert no_route.status_code == 404
    assert no_route.json() == {"code": "http_404", "message": "页面或接口不存在，请检查地址。"}

    anonymous = client.get("/api/v1/me")
    assert anonymous.status_code == 401
    assert anonymous.json()["code"] == "unauthenticated"

    page = client.get("/no-such-page")
    assert page.status_code == 404
    assert "text/html" in page.headers["content-type"]
    assert "<h1>未找到</h1>" in page.text
    assert "页面或接口不存在，请检查地址。" in page.text


def test_an_api_token_works_until_it_is_revoked(client: TestClient, county: County) -> None:
    csrf = log_in(client, "bank")
    created = client.post(
        "/api/v1/tokens", json={"name": "银行数据报送"}, headers={"X-CSRF-Token": csrf}
    )
    assert created.status_code == 201
    body = created.json()
    assert body["name"] == "银行数据报送"

    bare = TestClient(client.app)  # no session cookie: only the token speaks
    me = bare.get("/api/v1/me", headers=bearer(body["token"]))
    assert me.status_code == 200
    assert (me.json()["username"], me.json()["role"]) == ("bank", "bank_analyst")

    revoked = client.post(
        f"/account/tokens/{body['id']}/revoke", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert (revoked.status_code, revoked.headers["location"]) == (303, "/account")

    refused = bare.get("/api/v1/me", headers=bearer(body["token"]))
    assert refused.status_code == 401
    assert refused.json()["code"] == "unauthenticated"
