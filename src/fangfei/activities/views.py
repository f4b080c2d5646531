"""JSON API: activity records (宣传教育, 调研指导) the official tables count."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from fangfei.activities import service
from fangfei.activities.models import Activity
from fangfei.activities.service import ActivityIn
from fangfei.deps import ActorDep, SessionDep

router = APIRouter(tags=["宣传调研"])


class VoidIn(BaseModel):
    """Why a record is voided."""

    reason: str = Field(min_length=1, max_length=500)


def activity_view(a: Activity) -> dict[str, Any]:
    """A record with its counts."""
    counts = {name: getattr(a, name) for names in service.COUNTS.values() for name in names}
    return {
        "id": a.id, "kind": a.kind, "on_date": a.on_date, "title": a.title,
        "jurisdiction_id": a.jurisdiction_id, "department_id": a.department_id, **counts,
        "note": a.note, "recorded_by": a.created_by_name, "voided_at": a.voided_at,
        "void_reason": a.void_reason,
    }  # fmt: skip


@router.get("/activities", summary="宣传、调研记录")
def list_activities(
    db: SessionDep, actor: ActorDep,
    period: Annotated[str | None, Query(description="2026H1、2026Q2、2026-06 或 2026")] = None,
    kind: Annotated[str | None, Query(pattern="^(publicity|guidance)$")] = None,
) -> list[dict[str, Any]]:  # fmt: skip
    """The records in the actor's jurisdiction, newest first."""
    return [activity_view(a) for a in service.list_for(db, actor=actor, period=period, kind=kind)]


@router.post("/activities", status_code=201, summary="登记宣传、调研记录")
def record_activity(body: ActivityIn, db: SessionDep, actor: ActorDep) -> dict[str, Any]:
    """Record a publicity effort or a guidance visit."""
    return activity_view(service.record(db, actor=actor, data=body))


@router.post("/activities/{activity_id}/void", summary="作废记录")
def void_activity(
    activity_id: int, body: VoidIn, db: SessionDep, actor: ActorDep
) -> dict[str, Any]:
    """Void a record entered in error."""
    return activity_view(service.void(db, actor=actor, activity_id=activity_id, reason=body.reason))
