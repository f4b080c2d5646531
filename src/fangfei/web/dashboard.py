"""The dashboard: real counts over what the actor may see."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from fangfei.auth import policy
from fangfei.deps import ActorDep, SessionDep
from fangfei.entities import service as entities
from fangfei.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/")
def dashboard(request: Request, db: SessionDep, actor: ActorDep) -> Response:
    """Counts of entities, flagged keys and accounts, and enterprises per township."""
    policy.ensure(db, actor, "dashboard.view")
    context = {
        "counts": entities.counts_for(db, actor=actor),
        "per_jurisdiction": entities.enterprises_per_jurisdiction(db, actor=actor),
    }
    return render(request, "dashboard.html", context, actor=actor)
