"""Pages: 单位填报 — a township's or member department's part of Attachment 1, and the lead
office's view of every unit's part (who has submitted, what they changed, returning a part)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from fangfei.audit import service as audit
from fangfei.auth import policy
from fangfei.auth.roles import Actor
from fangfei.clock import local_today
from fangfei.deps import ActorDep, SessionDep
from fangfei.errors import FangfeiError
from fangfei.reports import attachment1, parts
from fangfei.web.render import render, show_refusal

router = APIRouter(include_in_schema=False)


def _period(period: str | None) -> str:
    return period or attachment1.current_half(local_today())


@router.get("/reports/parts")
def overview(
    request: Request, db: SessionDep, actor: ActorDep, period: str | None = None
) -> Response:
    """填报汇总 for the lead office; a unit sees its own part."""
    period = _period(period)
    if not policy.can(actor, "report.review"):
        return _part(request, db, actor, parts.mine(db, actor=actor, period=period))
    try:
        views, error = parts.overview(db, actor=actor, period=period), None
    except FangfeiError as exc:
        if exc.status == 403:
            raise
        views, error = [], exc
    submitted = sum(v.status == "submitted" for v in views)
    context = {"period": period, "views": views, "error": error, "submitted": submitted}
    return render(request, "reports/parts.html", context, actor=actor)


@router.get("/reports/parts/mine")
def mine(request: Request, db: SessionDep, actor: ActorDep, period: str | None = None) -> Response:
    """The actor's own unit's part of the period, to fill and submit."""
    return _part(request, db, actor, parts.mine(db, actor=actor, period=_period(period)))


@router.post("/reports/parts/mine")
async def save_mine(request: Request, db: SessionDep, actor: ActorDep) -> Response:
    """Save the figures reported otherwise (and submit, when asked)."""
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    period = _period(form.get("period"))
    changes = [  # an emptied figure stays as counted
        parts.ChangeIn(
            column=column, reported=form[f"c{column}"].strip(), reason=form.get(f"r{column}", "")
        )
        for column in range(len(attachment1.LEAVES))
        if form.get(f"c{column}", "").strip()
    ]
    try:
        parts.save(db, actor=actor, period=period, changes=changes)
        if form.get("action") == "submit":
            parts.submit(db, actor=actor, period=period)
    except FangfeiError as error:
        show_refusal(db, error)
        view = parts.mine(db, actor=actor, period=period)
        return _part(request, db, actor, view, error=error, form=form)
    return RedirectResponse(f"/reports/parts/mine?period={period}", status_code=303)


@router.get("/reports/parts/{part_id}")
def detail(part_id: int, request: Request, db: SessionDep, actor: ActorDep) -> Response:
    """One unit's stored part, read-only, with the lead office's return form."""
    return _part(request, db, actor, parts.detail(db, actor=actor, part_id=part_id))


@router.post("/reports/parts/{part_id}/return")
async def return_part(part_id: int, request: Request, db: SessionDep, actor: ActorDep) -> Response:
    """Send a submitted part back to its unit with the reason."""
    reason = str((await request.form()).get("reason", ""))
    try:
        returned = parts.return_part(db, actor=actor, part_id=part_id, reason=reason)
    except FangfeiError as error:
        show_refusal(db, error)
        view = parts.detail(db, actor=actor, part_id=part_id)
        return _part(request, db, actor, view, error=error)
    return RedirectResponse(f"/reports/parts?period={returned.period}", status_code=303)


def _part(
    request: Request, db: SessionDep, actor: Actor, view: parts.PartView,
    error: FangfeiError | None = None, form: dict[str, str] | None = None,
) -> Response:  # fmt: skip
    history = (
        audit.history(db, object_type="report_part", object_id=view.part.id) if view.part else []
    )
    context = {
        "view": view, "leaves": attachment1.LEAVES, "names": attachment1.leaf_name,
        "error": error, "form": form or {}, "history": history,
        "own": view.editable and _is_own(db, actor, view),
    }  # fmt: skip
    return render(request, "reports/part.html", context, actor=actor,
                  status_code=error.status if error else 200)  # fmt: skip


def _is_own(db: SessionDep, actor: Actor, view: parts.PartView) -> bool:
    """Whether the part is the actor's own unit's (the one it may fill in)."""
    own = parts.own_or_none(db, actor)
    return own is not None and own.key == view.unit.key
