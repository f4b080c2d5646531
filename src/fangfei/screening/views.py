"""JSON API: screening a text, a loan or an enterprise name (nothing is stored), and registering
a flagged text or loan as a risk lead (screened again on the server).

Mounted under ``/api/v1``. Screening needs a logged-in actor with ``screening.use``; a lead needs
``lead.create``.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from fangfei.auth import policy
from fangfei.auth.roles import Actor
from fangfei.clock import local_today
from fangfei.deps import ActorDep, CipherDep, SessionDep
from fangfei.errors import FieldProblem, forbidden, invalid
from fangfei.screening import referrals
from fangfei.screening.loans import screen_loan_data
from fangfei.screening.names import screen_enterprise
from fangfei.screening.texts import screen_text

USE_ACTION = "screening.use"
MAX_TEXT = 100_000
MAX_LOAN_BYTES = 1_000_000

router = APIRouter(prefix="/screening", tags=["筛查"])


def ensure_may_screen(actor: Actor) -> None:
    """Refuse an actor whose role lacks ``screening.use``."""
    decision = policy.decide(actor, USE_ACTION)
    if not decision.allowed:
        raise forbidden(decision.reason)


class TextIn(BaseModel):
    """A promotional text to screen."""

    text: Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]
    benchmark_pct: Annotated[Decimal | None, Field(gt=0, le=10_000)] = None


class NameIn(BaseModel):
    """An enterprise's name, business scope and licence type (code or Chinese name)."""

    name: Annotated[str, Field(min_length=1, max_length=200)]
    scope: Annotated[str, Field(max_length=10_000)] = ""
    licence: Annotated[str, Field(max_length=50)] = ""
    regional: bool = True


@router.post("/text", summary="筛查一段宣传文本")
def screen_text_api(data: TextIn, actor: ActorDep) -> dict[str, Any]:
    """Hits with spans and categories, promised rates, score and explanation."""
    ensure_may_screen(actor)
    return screen_text(data.text, benchmark_pct=data.benchmark_pct).as_dict()


@router.post("/name", summary="筛查企业名称和经营范围")
def screen_name_api(data: NameIn, actor: ActorDep) -> dict[str, Any]:
    """Counted and set-aside hits of one enterprise."""
    ensure_may_screen(actor)
    result = screen_enterprise(
        name=data.name, scope=data.scope, licence=data.licence, regional=data.regional
    )
    return {
        "flagged": result.flagged,
        "tier": result.tier,
        "licence": result.licence,
        "hits": [asdict(hit) for hit in result.hits],
        "ignored": [asdict(hit) for hit in result.ignored],
        "explanation": result.explanation(),
    }


async def _loan_body(request: Request) -> object:
    raw = await request.body()
    if len(raw) > MAX_LOAN_BYTES:
        raise invalid("借款数据过大（超过 1 MB）。", [FieldProblem("body", "过大")])
    try:
        return json.loads(raw.decode("utf-8-sig") or "null", parse_float=Decimal)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise invalid("请求体不是有效的 UTF-8 JSON。", [FieldProblem("body", str(exc))]) from None


@router.post(
    "/loan",
    summary="计算一笔借款的实际利率并标记违规特征",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "example": {
                        "loan_id": "L-001",
                        "lender": {"name": "张三", "licensed": "none"},
                        "borrower": {"name": "李四", "is_student": False},
                        "contract_date": "2024-03-01",
                        "principal_stated": "10000",
                        "withheld": "1000",
                        "cash_flows": [
                            {"date": "2024-03-01", "amount": "-9000", "kind": "disbursement"},
                            {"date": "2024-09-01", "amount": "10000", "kind": "repayment"},
                        ],
                    }
                }
            },
        }
    },
)
async def screen_loan_api(request: Request, actor: ActorDep) -> dict[str, Any]:
    """Nominal (IRR method) and effective (XIRR) rates, the cap, flags and explanation."""
    ensure_may_screen(actor)
    return screen_loan_data(await _loan_body(request)).as_dict()


@router.post("/text/lead", summary="把判定为违规宣传的文本登记为风险线索")
def text_lead_api(
    data: referrals.TextLeadIn, db: SessionDep, actor: ActorDep, cipher: CipherDep
) -> dict[str, Any]:
    """The text is screened again; the lead is about the enterprise of the USCC given, if any."""
    lead = referrals.text_to_lead(db, actor=actor, cipher=cipher, data=data, today=local_today())
    return {"lead": {"id": lead.id, "number": lead.number}}


@router.post("/loan/lead", summary="把有风险的借款登记为风险线索（出借人为线索主体）")
def loan_lead_api(
    data: referrals.LoanLeadIn, db: SessionDep, actor: ActorDep, cipher: CipherDep
) -> dict[str, Any]:
    """The loan is screened again; the lead is about its lender."""
    lead = referrals.loan_to_lead(db, actor=actor, cipher=cipher, data=data, today=local_today())
    return {"lead": {"id": lead.id, "number": lead.number}}
