"""Who sees which lead, and that the informant never leaves except through the audited reveal."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangfei.audit.models import AuditEvent
from fangfei.leads import handling
from fangfei.leads.schemas import AssignIn
from fangfei.reference import service as reference
from fangfei.security.crypto import FieldCipher
from tests.county import County
from tests.leads.helpers import INFORMANT, actor_of, make_lead
from tests.web.test_pages import log_in

SECRETS = ("王秀英", "11010519491231002X", "13812345678")


@pytest.fixture
def leads(db: Session, county: County, cipher: FieldCipher) -> dict[str, int]:
    """Four leads: one given to 市场监管局, one to 公安局, one to 西城镇, one by the bank."""
    office = actor_of(county.users["office"])
    made = {
        "market": make_lead(db, county, cipher, subject_name="甲理财", informant=INFORMANT),
        "police": make_lead(db, county, cipher, subject_name="乙养老"),
        "west": make_lead(
            db, county, cipher, subject_name="丙商贸", jurisdiction_id=county.west.id
        ),
        "bank": make_lead(
            db, county, cipher, by="bank", subject_name="丁账户", channel="bank_referral"
        ),
    }
    for name, code in (("market", "market_regulation"), ("police", "public_security")):
        department = reference.department_by_code(db, code)
        handling.assign(db, actor=office, lead_id=made[name].id,
                        data=AssignIn(department_id=department.id), workdays_allowed=15)  # fmt: skip
    db.commit()
    return {name: lead.id for name, lead in made.items()}


@pytest.mark.parametrize(
    ("user", "visible"),
    [
        ("office", {"market", "police", "west", "bank"}),
        ("leader", {"market", "police", "west", "bank"}),
        ("market", {"market"}),
        ("east", {"market", "police", "bank"}),
        ("west", {"west"}),
        ("bank", {"bank"}),
        ("admin", set()),
    ],
)
def test_each_role_lists_and_opens_only_its_leads(
    client: TestClient, county: County, leads: dict[str, int], user: str, visible: set[str]
) -> None:
    log_in(client, user)
    listed = client.get("/api/v1/leads")
    if user == "admin":
        assert listed.status_code == 403
        return
    assert {item["id"] for item in listed.json()["items"]} == {leads[n] for n in visible}
    for name, lead_id in leads.items():
        page = client.get(f"/leads/{lead_id}")
        api = client.get(f"/api/v1/leads/{lead_id}")
        expected = 200 if name in visible else 403
        assert (page.status_code, api.status_code) == (expected, expected), name


def test_the_informant_appears_in_no_list_page_or_api_response(
    client: TestClient, county: County, leads: dict[str, int]
) -> None:
    log_in(client, "office")
    lead_id = leads["market"]
    responses = [
        client.get("/leads"),
        client.get(f"/leads/{lead_id}"),
        client.get("/api/v1/leads"),
        client.get(f"/api/v1/leads/{lead_id}"),
        client.get("/leads/inbox"),
    ]
    for response in responses:
        assert response.status_code == 200
        for secret in SECRETS:
            assert secret not in response.text
    assert client.get(f"/api/v1/leads/{lead_id}").json()["has_informant"] is True
    assert "身份保密" in responses[1].text


def test_revealing_the_informant_is_for_the_office_only_and_audited(
    client: TestClient, county: County, leads: dict[str, int], db: Session
) -> None:
    lead_id = leads["market"]
    token = log_in(client, "market")
    refused = client.post(f"/api/v1/leads/{lead_id}/informant", headers={"X-CSRF-Token": token})
    assert refused.status_code == 403
    assert "查看举报人身份" in refused.json()["message"]

    token = log_in(client, "office")
    shown = client.post(f"/leads/{lead_id}/informant", headers={"X-CSRF-Token": token})
    assert shown.status_code == 200
    assert "王秀英" in shown.text and "11010519491231002X" in shown.text
    api = client.post(f"/api/v1/leads/{lead_id}/informant", headers={"X-CSRF-Token": token})
    assert api.json() == {
        "name": "王秀英",
        "id_number": "11010519491231002X",
        "phone": "13812345678",
        "address": None,
    }
    views = db.scalars(select(AuditEvent).where(AuditEvent.action == "lead.view_informant")).all()
    assert [(v.actor_name, v.object_id) for v in views] == [("office", str(lead_id))] * 2
