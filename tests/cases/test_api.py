"""The case API: open from a lead, take steps, record measures, refusals as JSON, documents."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fangfei.security.crypto import FieldCipher
from tests.api.test_api import bearer
from tests.cases.helpers import judged_lead
from tests.county import County


def test_case_through_the_api(
    client: TestClient, db: Session, county: County, cipher: FieldCipher
) -> None:
    lead = judged_lead(db, county, cipher)
    db.commit()
    office = bearer(db, county, "office")
    created = client.post("/api/v1/cases", headers=office, json={"lead_ids": [lead.id]})
    assert created.status_code == 201
    case = created.json()
    assert (case["stage"], case["amount_yuan"], case["over_100m"]) == (
        "received",
        "2500000.00",
        False,
    )
    base = f"/api/v1/cases/{case['id']}"

    refused = client.post(f"{base}/steps/procedure/refund", headers=office, json={})
    assert refused.status_code == 409
    assert refused.json() == {
        "code": "invalid_transition",
        "message": "案件当前为“待受理”，不能“清偿兑付”；此时可以：受理、移送司法机关、终结受理。",
    }
    accepted = client.post(f"{base}/steps/procedure/accept", headers=office,
                           json={"investigation_mode": "industry", "on_date": "2026-03-02"})  # fmt: skip
    assert (accepted.status_code, accepted.json()["stage"]) == (200, "investigating")

    measure = client.post(f"{base}/measures", headers=office, json={
        "kind": "rectification_order", "taken_on": "2026-03-02", "target": "东城鑫盛",
        "rectify_workdays": 10})  # fmt: skip
    assert measure.status_code == 201
    assert client.get(f"{base}/measures", headers=office).json()[0]["rectify_workdays"] == 10

    bad = client.post(f"{base}/measures", headers=office,
                      json={"kind": "fine", "taken_on": "2026-03-02", "target": "某"})  # fmt: skip
    assert bad.status_code == 422
    assert bad.json()["problems"] == [
        {"row": None, "field": "fine_yuan", "reason": "罚款须填写金额（元）"}
    ]

    generated = client.post(f"{base}/documents/disposal_report", headers=office)
    assert (generated.status_code, generated.json()["version"]) == (201, 1)
    actions = [e["action"] for e in client.get(f"{base}/timeline", headers=office).json()]
    assert actions == ["open", "accept", "rectification_order", "generate"]

    west = bearer(db, county, "west")
    assert client.get(base, headers=west).status_code == 403
    leader = bearer(db, county, "leader")
    assert client.get(base, headers=leader).json()["number"] == case["number"]
    assert client.post(f"{base}/notes", headers=leader, json={"text": "x"}).status_code == 403
