from fastapi.testclient import TestClient

from tests.county import PASSWORD, County


def login(client: TestClient, username: str) -> None:
    page = client.get("/login")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    r = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text


def test_dashboard_after_login(client: TestClient, county: County) -> None:
    login(client, "office")
    r = client.get("/")
    assert r.status_code == 200
    assert "工作台" in r.text
