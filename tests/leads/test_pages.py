"""The lead pages and the public portal through the TestClient, on both databases."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangfei.leads.models import Lead, LeadAttachment
from fangfei.reference import service as reference
from fangfei.security.crypto import FieldCipher
from tests.county import County
from tests.leads.helpers import actor_of, make_lead
from tests.web.test_pages import csrf_of, log_in

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _form(county: County, **overrides: str) -> dict[str, str]:
    values = {
        "channel": "letter",
        "discovered_on": "2026-06-01",
        "subject_name": "东城汇金养老服务有限公司",
        "jurisdiction_id": str(county.east.id),
        "domain": "d5_other_sectors",
        "focus_area": "elderly_care",
        "description": "以“养老公寓床位”名义收取预付款，承诺每年返 12%。",
        "amount_yuan": "800000",
        "people_count": "40",
        "informant_name": "赵大爷",
        "informant_phone": "13900001111",
    }
    values.update(overrides)
    return values


def test_an_officer_registers_a_lead_with_an_attachment_and_assigns_it(
    client: TestClient, county: County, db: Session
) -> None:
    token = log_in(client, "office")
    response = client.post(
        "/leads/new",
        data={**_form(county), "csrf_token": token},
        files=[("attachments", ("宣传单.png", PNG, "image/png"))],
        follow_redirects=False,
    )
    assert response.status_code == 303
    lead = db.scalar(select(Lead))
    assert lead is not None and response.headers["location"] == f"/leads/{lead.id}"
    page = client.get(f"/leads/{lead.id}").text
    assert "按“养老”的分工由县人社局牵头" in page
    assert "宣传单.png" in page and "赵大爷" not in page
    attachment = db.scalar(select(LeadAttachment))
    assert attachment is not None
    download = client.get(f"/leads/{lead.id}/attachments/{attachment.id}")
    assert download.content == PNG

    hr = reference.department_by_code(db, "human_resources")
    assigned = client.post(
        f"/leads/{lead.id}/assign",
        data={"department_id": str(hr.id), "jurisdiction_id": "", "csrf_token": token},
        follow_redirects=False,
    )
    assert assigned.status_code == 303
    db.refresh(lead)
    assert (lead.status, lead.assignee_department_id) == ("assigned", hr.id)


def test_a_refused_form_shows_the_problems_and_keeps_the_values(
    client: TestClient, county: County, db: Session
) -> None:
    token = log_in(client, "office")
    response = client.post(
        "/leads/new",
        data={**_form(county, domain="d9"), "csrf_token": token},
        files=[("attachments", ("x.exe", b"MZ", "application/octet-stream"))],
    )
    assert response.status_code == 422
    assert "“d9”不是有效的所属行业领域" in response.text
    assert "东城汇金养老服务有限公司" in response.text
    assert db.scalar(select(func.count()).select_from(Lead)) == 0


def test_a_refused_step_is_shown_on_the_lead_page(
    client: TestClient, county: County, db: Session
) -> None:
    token = log_in(client, "office")
    client.post("/leads/new", data={**_form(county), "csrf_token": token})
    lead = db.scalar(select(Lead))
    assert lead is not None
    response = client.post(f"/leads/{lead.id}/close", data={"csrf_token": token})
    assert response.status_code == 409
    assert "线索当前为“已登记”，不能“办结”" in response.text


def _public_form(client: TestClient, county: County, **overrides: str) -> dict[str, str]:
    token = csrf_of(client.get("/report").text)
    values = _form(county, **overrides)
    values.pop("channel"), values.pop("discovered_on"), values.pop("focus_area")
    return {**values, "csrf_token": token}


def test_the_public_report_gives_a_receipt_code_and_a_coarse_status(
    client: TestClient, county: County, db: Session
) -> None:
    form = _public_form(client, county)
    response = client.post(
        "/report", data=form, files=[("attachments", ("a.png", PNG, "image/png"))]
    )
    assert response.status_code == 200
    found = re.search(r'data-testid="receipt-code">([A-Z0-9]{10})<', response.text)
    assert found is not None
    lead = db.scalar(select(Lead))
    assert lead is not None
    assert (lead.receipt_code, lead.channel, lead.source, lead.created_by_name) == (
        found.group(1),
        "website",
        "public_report",
        "公众举报平台",
    )
    status = client.get(f"/report/status?code={found.group(1).lower()}")
    assert "已受理，等待分派" in status.text
    assert lead.subject_name not in status.text
    assert "未找到该回执码" in client.get("/report/status?code=ZZZZZZZZZZ").text


def test_the_public_portal_refuses_markup_and_limits_each_address(
    client: TestClient, county: County, db: Session
) -> None:
    hostile = client.post(
        "/report", data=_public_form(client, county, description="<script>alert(1)</script>")
    )
    assert hostile.status_code == 422
    assert "不能包含网页代码" in hostile.text and "<script>alert" not in hostile.text
    for _ in range(4):  # every attempt counts, the refused one too: five per hour
        assert client.post("/report", data=_public_form(client, county)).status_code == 200
    limited = client.post("/report", data=_public_form(client, county))
    assert limited.status_code == 429
    assert "提交过于频繁" in limited.text
    assert db.scalar(select(func.count()).select_from(Lead)) == 4


def test_the_public_portal_needs_its_form_token(client: TestClient, county: County) -> None:
    client.get("/report")
    values = _form(county)
    assert client.post("/report", data=values).status_code == 403


def test_the_reward_is_proposed_from_the_lead_page(
    client: TestClient, county: County, db: Session
) -> None:
    token = log_in(client, "office")
    client.post("/leads/new", data={**_form(county, informant_id_number="11010519491231002X"),
                                    "csrf_token": token})  # fmt: skip
    lead = db.scalar(select(Lead))
    assert lead is not None
    hr = reference.department_by_code(db, "human_resources")
    steps = [
        ("assign", {"department_id": str(hr.id), "jurisdiction_id": ""}),
        ("claim", {}),
        ("judge", {"findings": "属实", "verified_true": "true", "is_illegal_fundraising": "true",
                   "disposal_path": "administrative"}),
    ]  # fmt: skip
    for step, values in steps:
        response = client.post(f"/leads/{lead.id}/{step}", data={**values, "csrf_token": token},
                               follow_redirects=False)  # fmt: skip
        assert response.status_code == 303, response.text
    page = client.get(f"/leads/{lead.id}").text
    assert "实名举报" in page and "经办人确认" in page and "奖励 2,000.00 元" in page
    refused = client.post(f"/leads/{lead.id}/reward_propose", data={"csrf_token": token})
    assert refused.status_code == 422 and "举报前未被公开报道：须经办人确认" in refused.text
    confirmations = {
        f"confirm_{c}": "1" for c in ("definite_target", "specific_facts", "not_public")
    }
    proposed = client.post(f"/leads/{lead.id}/reward_propose",
                           data={**confirmations, "csrf_token": token})  # fmt: skip
    assert "待审批" in proposed.text


def test_the_entity_file_lists_the_leads_about_it_within_scope(
    client: TestClient, county: County, db: Session, cipher: FieldCipher
) -> None:
    from fangfei.entities import service as entities
    from fangfei.entities.schemas import EnterpriseCreate

    firm = entities.create_enterprise(
        db, actor=actor_of(county.users["office"]),
        data=EnterpriseCreate(name="东城汇金养老服务有限公司", jurisdiction_id=county.east.id),
    )  # fmt: skip
    lead = make_lead(db, county, cipher, subject_entity_id=firm.id, subject_name=None)
    db.commit()
    log_in(client, "office")
    page = client.get(f"/entities/{firm.id}").text
    assert lead.number in page and lead.subject_name == firm.name
    log_in(client, "east")
    assert lead.number in client.get(f"/entities/{firm.id}").text
    log_in(client, "market")
    page = client.get(f"/entities/{firm.id}").text
    assert "无可查看的线索。" in page and lead.number not in page


def test_an_oversized_report_is_refused_before_it_is_read(
    client: TestClient, county: County
) -> None:
    token = csrf_of(client.get("/report").text)
    response = client.post(
        "/report",
        data={"csrf_token": token},
        headers={"content-length": str(250 * 1024 * 1024)},
    )
    assert response.status_code == 413
    assert "提交的内容过大" in response.text
