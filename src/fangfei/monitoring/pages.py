"""Pages: 资金监测 — the alert list and one alert: its explanation, the figures against their
thresholds, the triggering statement lines, the fund-flow graph, and the disposition forms."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from fangfei.auth.roles import Actor
from fangfei.clock import local_today
from fangfei.deps import ActorDep, BankStoreDep, CipherDep, SessionDep
from fangfei.errors import FangfeiError
from fangfei.monitoring import triage
from fangfei.monitoring.scoring import TYPOLOGY_LABELS
from fangfei.monitoring.views import evidence_lines
from fangfei.reference import service as reference
from fangfei.web.render import render, show_refusal

router = APIRouter(include_in_schema=False)


@router.get("/alerts")
def alert_list(
    request: Request, db: SessionDep, actor: ActorDep,
    filters: Annotated[triage.AlertFilter, Depends()],
) -> Response:  # fmt: skip
    """资金监测预警: filtered by status, typology, bank and account or holder."""
    items, total = triage.list_for(db, actor=actor, filters=filters)
    context = {
        "items": items, "total": total, "filters": filters, "per_page": triage.PER_PAGE,
        "counts": triage.counts(db, actor=actor), "statuses": triage.STATUS_LABELS,
        "typologies": TYPOLOGY_LABELS,
    }  # fmt: skip
    return render(request, "monitoring/alerts.html", context, actor=actor)


@router.get("/alerts/{alert_id}")
def alert_page(
    alert_id: int, request: Request, db: SessionDep, actor: ActorDep, store: BankStoreDep
) -> Response:
    """One alert with its evidence, graph and disposition."""
    return _page(request, db, actor, store, alert_id, None)


def _page(
    request: Request, db: SessionDep, actor: Actor, store: BankStoreDep, alert_id: int,
    error: FangfeiError | None,
) -> Response:  # fmt: skip
    alert = triage.get(db, actor=actor, alert_id=alert_id)
    context = {
        "alert": alert, "lines": evidence_lines(store, alert), "statuses": triage.STATUS_LABELS,
        "matches": triage.MATCH_LABELS, "typologies": TYPOLOGY_LABELS,
        "domains": reference.items(db, "industry_domain"), "error": error,
        "figure": triage.figure_text,
    }  # fmt: skip
    return render(request, "monitoring/alert.html", context, actor=actor,
                  status_code=error.status if error else 200)  # fmt: skip


@router.post("/alerts/{alert_id}/dispose")
async def dispose(
    alert_id: int, request: Request, db: SessionDep, actor: ActorDep, cipher: CipherDep,
    store: BankStoreDep,
) -> Response:  # fmt: skip
    """Mark the alert a false positive, or refer it as a lead."""
    form = {k: v.strip() for k, v in (await request.form()).items() if isinstance(v, str)}
    try:
        if form.get("action") == "refer":
            data = triage.ReferIn(domain=form.get("domain", ""), note=form.get("note", ""))
            lead = triage.refer(db, actor=actor, cipher=cipher, store=store, alert_id=alert_id,
                                data=data, today=local_today())  # fmt: skip
            return RedirectResponse(f"/leads/{lead.id}", status_code=303)
        triage.mark_false_positive(db, actor=actor, alert_id=alert_id,
                                   reason=form.get("reason", ""))  # fmt: skip
    except FangfeiError as error:
        show_refusal(db, error)
        return _page(request, db, actor, store, alert_id, error)
    return RedirectResponse(f"/alerts/{alert_id}", status_code=303)
