"""The dashboard: real counts over what the actor may see."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from fangfei.auth import policy
from fangfei.cases import deadlines as case_deadlines
from fangfei.clock import local_today
from fangfei.deps import ActorDep, SessionDep
from fangfei.entities import service as entities
from fangfei.leads import service as leads
from fangfei.leads.workflow import STATUS_LABELS
from fangfei.reference import service as reference
from fangfei.reports import calendar, parts
from fangfei.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/")
def dashboard(request: Request, db: SessionDep, actor: ActorDep) -> Response:
    """Counts of entities, flagged keys and accounts, and enterprises per township."""
    policy.ensure(db, actor, "dashboard.view")
    context: dict[str, object] = {
        "counts": entities.counts_for(db, actor=actor),
        "per_jurisdiction": entities.enterprises_per_jurisdiction(db, actor=actor),
    }
    if policy.can(actor, "lead.view"):
        context["lead_charts"] = _lead_charts(db, actor)
        context["deadlines"] = leads.deadline_counts(db, actor=actor)
    if policy.can(actor, "case.view"):
        found = case_deadlines.due_soon(db, actor=actor, today=local_today())
        late = sum(d.overdue(local_today()) for d in found)
        context["case_deadlines"] = {"overdue": late, "due_soon": len(found) - late}
    own = not policy.can(actor, "ledger.view") and parts.own_or_none(db, actor) is not None
    if policy.can(actor, "ledger.view") or own:
        context["reporting"] = calendar.due_items(db, actor=actor, today=local_today())
        context["reporting_own"] = own
        context["today"] = local_today()
    return render(request, "dashboard.html", context, actor=actor)


def _lead_charts(db: SessionDep, actor: ActorDep) -> dict[str, list[tuple[str, int]]]:
    """Leads by domain, status, township and month, labelled in Chinese."""
    domains = reference.items(db, "industry_domain")
    by_domain = dict(leads.counts_by(db, actor=actor, column="domain"))
    by_status = dict(leads.counts_by(db, actor=actor, column="status"))
    return {
        "domain": [
            (f"{i}. {d.name[:8]}…", by_domain.get(d.code, 0)) for i, d in enumerate(domains, 1)
        ],
        "status": [(label, by_status.get(code, 0)) for code, label in STATUS_LABELS.items()],
        "township": leads.counts_by_township(db, actor=actor),
        "month": leads.counts_by_month(db, actor=actor),
    }
