"""Pages: the activity records (宣传调研) of the actor's jurisdiction, with the form to add one."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from fangfei.activities import service
from fangfei.activities.service import ActivityIn
from fangfei.auth import policy
from fangfei.auth.roles import Actor
from fangfei.clock import local_today
from fangfei.deps import ActorDep, SessionDep
from fangfei.errors import FangfeiError, form_model
from fangfei.reference import service as reference
from fangfei.web.render import render, show_refusal

router = APIRouter(include_in_schema=False)


def _context(db: SessionDep, actor: Actor, period: str | None) -> dict[str, Any]:
    policy.ensure(db, actor, "activity.view")
    places = reference.jurisdictions(db)
    return {
        "items": service.list_for(db, actor=actor, period=period), "period": period or "",
        "kind_labels": service.KIND_LABELS, "counts": service.COUNTS,
        "places": {j.id: j.name for j in places}, "today": local_today(),
        "choices": [j for j in places if actor.jurisdiction_path and j.path.startswith(actor.jurisdiction_path)],
    }  # fmt: skip


@router.get("/activities")
def activity_page(
    request: Request, db: SessionDep, actor: ActorDep, period: str | None = None
) -> Response:
    """宣传调研: the records, filtered by period, and the form to add one."""
    return render(
        request, "activities/index.html", _context(db, actor, period or None), actor=actor
    )


@router.post("/activities/{action}")
async def activity_action(
    action: str, request: Request, db: SessionDep, actor: ActorDep
) -> Response:
    """Add or void a record; a refusal is shown on the page with its reason."""
    form = {k: v.strip() for k, v in (await request.form()).items() if isinstance(v, str)}
    try:
        if action == "void":
            service.void(db, actor=actor, activity_id=int(form.get("activity_id") or 0),
                         reason=form.get("reason", ""))  # fmt: skip
        else:
            values = {k: v for k, v in form.items() if v != ""}
            service.record(db, actor=actor, data=form_model(ActivityIn, values))
    except FangfeiError as error:
        show_refusal(db, error)
        context = {**_context(db, actor, None), "error": error, "form": form}
        return render(
            request, "activities/index.html", context, actor=actor, status_code=error.status
        )
    return RedirectResponse("/activities", status_code=303)
