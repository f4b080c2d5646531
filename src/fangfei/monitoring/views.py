"""API: fund-flow alerts — the list, one alert with its evidence lines, its fund-flow graph, and
the disposition (false positive with the reason, or a referral that registers a lead)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from fangfei.clock import local_today
from fangfei.deps import ActorDep, BankStoreDep, CipherDep, SessionDep
from fangfei.monitoring import flows, triage
from fangfei.monitoring.models import MonitorAlert

router = APIRouter(tags=["资金异动监测"])


class FalsePositiveIn(BaseModel):
    """Why the alert is not suspicious."""

    reason: str = Field(max_length=2000)


def evidence_lines(store: BankStoreDep, alert: MonitorAlert) -> list[dict[str, Any]]:
    """The statement lines the alert's evidence names, in time order."""
    named = sorted({txn for e in alert.evidence for txn in e.get("txn_ids", [])})
    found = flows.lines(store, bank=alert.bank, account_id=alert.account_id, txn_ids=named,
                        start=alert.period_start, end=alert.period_end)  # fmt: skip
    return [{**line, "amount": str(line["amount"]), "ts": line["ts"].isoformat(sep=" ")}
            for line in found]  # fmt: skip


@router.get("/alerts", summary="预警列表")
def list_alerts(
    db: SessionDep, actor: ActorDep, filters: Annotated[triage.AlertFilter, Depends()]
) -> dict[str, Any]:
    """The actor's alerts, highest score first, 50 a page."""
    found, total = triage.list_for(db, actor=actor, filters=filters)
    return {"total": total, "items": [triage.as_json(a) for a in found]}


@router.get("/alerts/{alert_id}", summary="预警详情")
def get_alert(
    alert_id: int, db: SessionDep, actor: ActorDep, store: BankStoreDep
) -> dict[str, Any]:
    """The alert, its evidence, and the statement lines that triggered it."""
    alert = triage.get(db, actor=actor, alert_id=alert_id)
    return triage.as_json(alert) | {"lines": evidence_lines(store, alert)}


@router.get("/alerts/{alert_id}/graph", summary="资金流向图数据")
def alert_graph(
    alert_id: int, db: SessionDep, actor: ActorDep, store: BankStoreDep,
    start: Annotated[date | None, Query(alias="from", description="默认为预警期间")] = None,
    end: Annotated[date | None, Query(alias="to")] = None,
    min_yuan: Annotated[Decimal, Query(ge=0, description="只显示不少于该金额的往来")] = Decimal(0),
    account: Annotated[str | None, Query(description="展开的对手方账号；默认为预警账户")] = None,
) -> dict[str, Any]:  # fmt: skip
    """Nodes and edges of the account's (or an expanded counterparty's) flows; amounts in yuan."""
    alert = triage.get(db, actor=actor, alert_id=alert_id)
    centre = account or alert.account_id
    bank = alert.bank if account is None else triage.reading_bank(actor)
    found = flows.flows(store, bank=bank, account_id=centre, start=start or alert.period_start,
                        end=end or alert.period_end, min_amount=min_yuan)  # fmt: skip
    return flows.graph(centre, found)


@router.post("/alerts/{alert_id}/false-positive", summary="排除预警（误报）")
def false_positive(
    alert_id: int, data: FalsePositiveIn, db: SessionDep, actor: ActorDep
) -> dict[str, Any]:
    """Close the alert as not suspicious, with the reason."""
    alert = triage.mark_false_positive(db, actor=actor, alert_id=alert_id, reason=data.reason)
    return triage.as_json(alert)


@router.post("/alerts/{alert_id}/refer", summary="移交为风险线索")
def refer(
    alert_id: int, data: triage.ReferIn, db: SessionDep, actor: ActorDep, cipher: CipherDep,
    store: BankStoreDep,
) -> dict[str, Any]:  # fmt: skip
    """Register a lead about the account's holder (银行机构报送 or 线上监测) and close the alert."""
    lead = triage.refer(db, actor=actor, cipher=cipher, store=store, alert_id=alert_id,
                        data=data, today=local_today())  # fmt: skip
    alert = triage.get(db, actor=actor, alert_id=alert_id)
    return triage.as_json(alert) | {"lead": {"id": lead.id, "number": lead.number}}
