"""Recording and listing activity records; each write has its audit row, nothing is deleted."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangfei.activities.models import Activity
from fangfei.audit import service as audit
from fangfei.auth import policy
from fangfei.auth.roles import Actor
from fangfei.clock import local_today
from fangfei.db import utcnow
from fangfei.errors import FieldProblem, invalid, not_found
from fangfei.leads.service import period_bounds

KIND_LABELS = {"publicity": "宣传教育", "guidance": "调研指导"}
# kind → the counts it carries, with their Chinese column names and units
COUNTS = {
    "publicity": {
        "offline_events": "线下宣传活动（场次）",
        "online_clicks": "线上宣传点击量（次）",
        "reach_people": "宣传覆盖人数（人次）",
    },
    "guidance": {
        "provincial_visits": "省级赴地市或县区（人次）",
        "city_visits": "地市赴县区或乡镇（人次）",
        "issues_found": "现场研判问题（个）",
    },
}


class ActivityIn(BaseModel):
    """One publicity effort or guidance visit; counts not of its kind must stay 0."""

    kind: str = Field(pattern="^(publicity|guidance)$")
    on_date: date
    title: str = Field(min_length=1, max_length=200)
    jurisdiction_id: int | None = Field(default=None, description="不填为本人所在辖区")
    offline_events: int = Field(default=0, ge=0)
    online_clicks: int = Field(default=0, ge=0)
    reach_people: int = Field(default=0, ge=0)
    provincial_visits: int = Field(default=0, ge=0)
    city_visits: int = Field(default=0, ge=0)
    issues_found: int = Field(default=0, ge=0)
    note: str | None = Field(default=None, max_length=2000)


def _problems(data: ActivityIn, today: date) -> list[FieldProblem]:
    own = COUNTS[data.kind]
    others = [name for kind, names in COUNTS.items() if kind != data.kind for name in names]
    problems = [
        FieldProblem(name, f"{KIND_LABELS[data.kind]}记录不填此项")
        for name in others
        if getattr(data, name)
    ]
    if not any(getattr(data, name) for name in own):
        problems.append(FieldProblem("counts", f"请至少填写一项：{'、'.join(own.values())}"))
    if data.on_date > today:
        problems.append(FieldProblem("on_date", f"日期 {data.on_date.isoformat()} 晚于今天"))
    return problems


def record(db: Session, *, actor: Actor, data: ActivityIn, today: date | None = None) -> Activity:
    """Record an activity in the actor's jurisdiction (or a place below it)."""
    policy.ensure(db, actor, "activity.record")
    problems = _problems(data, today or local_today())
    if problems:
        raise invalid(f"{KIND_LABELS[data.kind]}记录有误，未保存。", problems)
    place = data.jurisdiction_id or actor.jurisdiction_id
    if place is None:
        raise invalid("请选择所属辖区。", [FieldProblem("jurisdiction_id", "不能为空")])
    policy.ensure_jurisdiction(db, actor, place)
    values = data.model_dump(exclude={"jurisdiction_id"})
    found = Activity(**values, jurisdiction_id=place, department_id=actor.department_id,
                     created_by_name=actor.label)  # fmt: skip
    db.add(found)
    db.flush()
    audit.record(db, actor=actor, action="activity.record", object_type="activity",
                 object_id=found.id, detail=data.model_dump() | {"jurisdiction_id": place})  # fmt: skip
    return found


def void(db: Session, *, actor: Actor, activity_id: int, reason: str) -> Activity:
    """Void a wrong record with its reason; it stays on file and leaves the tables."""
    found = db.get(Activity, activity_id)
    if found is None or found.voided_at is not None:
        raise not_found("有效的工作记录", activity_id)
    policy.ensure(db, actor, "activity.record", found)
    if not reason.strip():
        raise invalid("作废须写明原因。", [FieldProblem("reason", "不能为空")])
    found.voided_at, found.void_reason = utcnow(), reason.strip()
    audit.record(db, actor=actor, action="activity.void", object_type="activity",
                 object_id=found.id, detail={"reason": found.void_reason})  # fmt: skip
    return found


def list_for(
    db: Session, *, actor: Actor, period: str | None = None, kind: str | None = None
) -> list[Activity]:
    """The actor's activity records, newest first, voided ones included."""
    stmt = policy.scoped(select(Activity), actor, "activity.view")
    if period:
        first, last = period_bounds(period)
        stmt = stmt.where(Activity.on_date.between(first, last))
    if kind:
        stmt = stmt.where(Activity.kind == kind)
    return list(db.scalars(stmt.order_by(Activity.on_date.desc(), Activity.id.desc())))
