"""The API and the screening page: on a small app with a stand-in actor (no database needed),
and the text partial on the whole app (its lead form reads the reference data)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from starlette.middleware.sessions import SessionMiddleware

from fangfei.auth import policy
from fangfei.auth.roles import Actor, Role
from fangfei.deps import current_actor
from fangfei.errors import FangfeiError
from fangfei.screening import pages, views
from tests.county import County
from tests.web.test_pages import log_in

OFFICER = Actor(user_id=1, username="officer", role=Role.LEAD_OFFICE)
LOAN = {
    "loan_id": "L-001",
    "lender": {"name": "张三", "licensed": "none"},
    "borrower": {"name": "李四", "is_student": False},
    "contract_date": "2023-03-01",
    "principal_stated": "10000",
    "withheld": "1000",
    "cash_flows": [
        {"date": "2023-03-01", "amount": "-9000", "kind": "disbursement"},
        {"date": "2024-03-01", "amount": "10000", "kind": "repayment"},
    ],
}


def make_app(actor: Actor) -> FastAPI:
    app = FastAPI()
    app.add_middleware(SessionMiddleware, secret_key="test-only")
    app.include_router(views.router, prefix="/api/v1")
    app.include_router(pages.router)
    app.dependency_overrides[current_actor] = lambda: actor

    @app.exception_handler(FangfeiError)
    async def _error(request: Request, exc: FangfeiError) -> JSONResponse:
        return JSONResponse(exc.as_dict(), status_code=exc.status)

    return app


@pytest.fixture
def standalone() -> Iterator[TestClient]:
    """The screening routes alone, without a database."""
    with TestClient(make_app(OFFICER)) as test_client:
        yield test_client


def test_the_text_api_returns_hits_rates_and_explanation(standalone: TestClient) -> None:
    response = standalone.post(
        "/api/v1/screening/text", json={"text": "年化收益18%，保本保息", "benchmark_pct": "12"}
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["flagged"], body["score"]) == (True, 6)
    assert [(h["start"], h["end"], h["category"]) for h in body["hits"]] == [
        (0, 7, "rate_above_benchmark"),
        (8, 12, "principal_guarantee"),
    ]


def test_the_name_api_screens_name_and_scope(standalone: TestClient) -> None:
    response = standalone.post(
        "/api/v1/screening/name", json={"name": "某某慈善基金会", "scope": "金融信息服务"}
    )

    body = response.json()
    assert (body["flagged"], body["tier"]) == (True, "barred")
    assert [(h["word"], h["field"]) for h in body["hits"]] == [("金融", "scope")]
    assert [(h["word"], h["status"]) for h in body["ignored"]] == [("基金", "exception")]


def test_the_loan_api_keeps_decimal_amounts(standalone: TestClient) -> None:
    response = standalone.post(
        "/api/v1/screening/loan",
        content=json.dumps({**LOAN, "principal_stated": 10000.10}),
        headers={"content-type": "application/json"},
    )

    body = response.json()
    assert response.status_code == 200
    assert body["principal_stated"] == "10000.10"
    assert body["annual_rate_nominal_pct"] == 11.11


def test_an_invalid_loan_is_refused_with_a_chinese_message(standalone: TestClient) -> None:
    response = standalone.post("/api/v1/screening/loan", json={**LOAN, "cash_flows": []})

    assert response.status_code == 422
    assert response.json()["message"] == (
        "借款数据有误：字段“cash_flows”：没有现金流：至少需要一笔放款（disbursement，负数）和一笔回款。"
    )


def test_a_role_without_the_grant_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    leader = Actor(user_id=2, username="leader", role=Role.LEADER)
    monkeypatch.setitem(policy.GRANTS, Role.LEADER, frozenset())

    with TestClient(make_app(leader)) as refused:
        response = refused.post("/api/v1/screening/text", json={"text": "保本保息"})

    assert response.status_code == 403


def test_the_page_shows_both_forms(standalone: TestClient) -> None:
    response = standalone.get("/screening")

    assert response.status_code == 200
    assert 'hx-post="/screening/text"' in response.text
    assert 'hx-post="/screening/loan"' in response.text


def test_the_partial_highlights_hits_and_escapes_the_text(
    client: TestClient, db: Session, county: County
) -> None:
    db.commit()
    token = log_in(client, "office")
    text = "<script>alert(1)</script>保本保息，年化18%"

    response = client.post(
        "/screening/text",
        data={"text": text, "benchmark": "12", "csrf_token": token},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert "<h1>" not in response.text  # the partial only
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    assert (
        '<mark class="hit hit-fundraising" title="承诺还本付息/保本">保本保息</mark>'
        in response.text
    )
    assert (
        '<mark class="hit hit-fundraising" title="承诺收益高于基准">年化18%</mark>' in response.text
    )


def test_an_empty_text_is_answered_in_the_partial(
    client: TestClient, db: Session, county: County
) -> None:
    db.commit()
    token = log_in(client, "office")
    response = client.post(
        "/screening/text", data={"text": " ", "csrf_token": token}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert "请粘贴要筛查的文本" in response.text


def test_the_loan_calculator_computes_from_the_form(
    client: TestClient, db: Session, county: County
) -> None:
    db.commit()
    form = {
        "csrf_token": log_in(client, "office"),
        "contract_date": "2023-03-01",
        "principal_stated": "10000",
        "withheld": "1000",
        "licensed": "none",
        "flows": "2023-03-01, -9000, 放款\n2024-03-01, 10000, 还本",
    }

    response = client.post("/screening/loan", data=form, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert '<dd data-testid="nominal">11.11%</dd>' in response.text
    assert "砍头息" in response.text


def test_a_malformed_flow_line_is_named(client: TestClient, db: Session, county: County) -> None:
    db.commit()
    form = {"contract_date": "2023-03-01", "principal_stated": "1000", "flows": "2023-03-01 -9000",
            "csrf_token": log_in(client, "office")}  # fmt: skip

    response = client.post("/screening/loan", data=form, headers={"HX-Request": "true"})

    assert "现金流第 1 行应为“日期, 金额, 类型”三项（收到“2023-03-01 -9000”）。" in response.text
