"""The JSON API: bearer tokens, scoped data, masked identities and the error family."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fangfei.auth import service as auth
from tests.county import County
from tests.entities.test_identifiers import VALID_ID, VALID_USCC


def bearer(db: Session, county: County, who: str) -> dict[str, str]:
    plain, _ = auth.create_token(db, actor=auth.actor_for(county.users[who]), name="测试")
    db.commit()
    return {"Authorization": f"Bearer {plain}"}


def test_unauthenticated_is_401_json(client: TestClient) -> None:
    r = client.get("/api/v1/entities")
    assert r.status_code == 401
    assert r.json() == {
        "code": "unauthenticated",
        "message": "请先登录，或在请求头中提供有效的 API 令牌。",
    }


def test_enterprise_round_trip(client: TestClient, db: Session, county: County) -> None:
    headers = bearer(db, county, "office")
    r = client.post(
        "/api/v1/entities/enterprises",
        headers=headers,
        json={
            "name": "示范资产管理有限公司",
            "uscc": VALID_USCC,
            "jurisdiction_id": county.east.id,
            "business_scope": "资产管理；投资咨询",
            "registration_date": "2018-05-02",
        },
    )
    assert r.status_code == 201, r.text
    created = r.json()
    assert (created["uscc"], created["key_status"], created["registration_date"]) == (
        VALID_USCC,
        "valid",
        "2018-05-02",
    )
    listed = client.get("/api/v1/entities", headers=headers, params={"q": "示范资产"}).json()
    assert (listed["total"], [i["id"] for i in listed["items"]]) == (1, [created["id"]])
    r = client.patch(
        f"/api/v1/entities/{created['id']}", headers=headers, json={"address": "城关镇1号"}
    )
    assert r.json()["address"] == "城关镇1号"


def test_person_id_number_never_leaves_in_clear(
    client: TestClient, db: Session, county: County
) -> None:
    headers = bearer(db, county, "office")
    r = client.post(
        "/api/v1/entities/persons",
        headers=headers,
        json={"name": "赵六", "id_number": VALID_ID, "jurisdiction_id": county.west.id},
    )
    assert r.status_code == 201
    assert VALID_ID not in r.text
    assert r.json()["id_number_masked"] == VALID_ID[:6] + "********" + VALID_ID[-4:]
    assert VALID_ID not in client.get(f"/api/v1/entities/{r.json()['id']}", headers=headers).text


def test_department_cannot_register(client: TestClient, db: Session, county: County) -> None:
    r = client.post(
        "/api/v1/entities/enterprises",
        headers=bearer(db, county, "market"),
        json={"name": "某公司", "jurisdiction_id": county.east.id},
    )
    assert r.status_code == 403
    assert r.json()["message"] == "无权执行此操作：角色“成员单位工作人员”没有“新增主体”权限"


def test_out_of_scope_entity_is_403(client: TestClient, db: Session, county: County) -> None:
    office = bearer(db, county, "office")
    created = client.post(
        "/api/v1/entities/enterprises",
        headers=office,
        json={"name": "西城某公司", "jurisdiction_id": county.west.id},
    ).json()
    r = client.get(f"/api/v1/entities/{created['id']}", headers=bearer(db, county, "east"))
    assert (r.status_code, r.json()["code"]) == (403, "forbidden")


def test_validation_error_names_fields(client: TestClient, db: Session, county: County) -> None:
    r = client.post(
        "/api/v1/entities/enterprises",
        headers=bearer(db, county, "office"),
        json={"name": "", "registration_date": "2020-13-01"},
    )
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "invalid"
    assert {p["field"] for p in body["problems"]} == {
        "name",
        "jurisdiction_id",
        "registration_date",
    }


def test_users_api_is_for_administrators(client: TestClient, db: Session, county: County) -> None:
    admin = bearer(db, county, "admin")
    r = client.post(
        "/api/v1/users",
        headers=admin,
        json={
            "username": "newclerk",
            "password": "long-enough-1",
            "role": "department",
            "jurisdiction_id": county.county.id,
        },
    )
    assert r.status_code == 422
    assert r.json()["problems"] == [
        {"row": None, "field": "department", "reason": "成员单位工作人员必须指定所属单位"}
    ]
    names = [u["username"] for u in client.get("/api/v1/users", headers=admin).json()]
    assert sorted(names) == ["admin", "bank", "east", "leader", "market", "office", "west"]
    assert "password_hash" not in client.get("/api/v1/users", headers=admin).text
    assert client.get("/api/v1/users", headers=bearer(db, county, "office")).status_code == 403


def test_reference_api(client: TestClient, db: Session, county: County) -> None:
    office, admin = bearer(db, county, "office"), bearer(db, county, "admin")
    domains = client.get("/api/v1/reference/items/industry_domain", headers=office).json()
    assert [d["name"] for d in domains][-1] == "其他" and len(domains) == 6
    sources = client.get("/api/v1/reference/items/lead_source", headers=office).json()
    assert [s["name"] for s in sources] == ["联席会议交办", "自主摸排发现", "群众举报"]
    r = client.post(
        "/api/v1/reference/lpr",
        headers=office,
        json={"effective_date": "2026-12-21", "one_year_pct": "2.90"},
    )
    assert r.status_code == 403
    r = client.post(
        "/api/v1/reference/lpr",
        headers=admin,
        json={"effective_date": "2026-12-21", "one_year_pct": "2.90"},
    )
    assert r.status_code == 201
    assert client.get("/api/v1/reference/lpr", headers=office).json()[0] == {
        "effective_date": "2026-12-21",
        "one_year_pct": "2.90",
    }
    places = client.get(
        "/api/v1/reference/jurisdictions", headers=bearer(db, county, "east")
    ).json()
    assert [p["name"] for p in places] == ["东城镇"]


def test_openapi_documents_the_api(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/entities", "/api/v1/users", "/api/v1/reference/lpr"} <= set(spec["paths"])
