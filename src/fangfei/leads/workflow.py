"""The lead workflow: which step leads from which status to which, and the one place that moves it.

registered → assigned → verifying → judged → closed, or judged → transferred (to a case).
A department may return a lead it was given (back to registered, with the reason); a registered
lead that duplicates another may be merged into it (closed). Status is never assigned directly:
:func:`transition` refuses what the table does not allow, writes the timeline event and the audit
row in the same transaction.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from fangfei.audit import service as audit
from fangfei.auth.roles import Actor
from fangfei.errors import FangfeiError
from fangfei.leads.models import Lead, LeadEvent

STATUS_LABELS = {
    "registered": "已登记",
    "assigned": "已交办",
    "verifying": "核查中",
    "judged": "已研判",
    "closed": "已办结",
    "transferred": "已转案件",
}

STEP_LABELS = {
    "assign": "交办",
    "claim": "认领",
    "return": "退回",
    "judge": "研判",
    "close": "办结",
    "transfer": "转为案件",
    "merge": "合并至其他线索",
}

# (status, step) → next status
TRANSITIONS: dict[tuple[str, str], str] = {
    ("registered", "assign"): "assigned",
    ("registered", "merge"): "closed",
    ("assigned", "assign"): "assigned",
    ("assigned", "claim"): "verifying",
    ("assigned", "return"): "registered",
    ("verifying", "return"): "registered",
    ("verifying", "judge"): "judged",
    ("judged", "close"): "closed",
    ("judged", "transfer"): "transferred",
}

OPEN_STATUSES = ("registered", "assigned", "verifying")


def allowed_steps(status: str) -> list[str]:
    """The steps that may be taken from a status, in table order."""
    return [step for (source, step) in TRANSITIONS if source == status]


def refusal(status: str, step: str) -> str:
    """Why a step cannot be taken from a status, in words an officer understands."""
    possible = "、".join(STEP_LABELS[s] for s in allowed_steps(status)) or "无"
    return (
        f"线索当前为“{STATUS_LABELS[status]}”，不能“{STEP_LABELS[step]}”；"
        f"此状态下可以：{possible}。"
    )


def transition(
    db: Session, *, actor: Actor, lead: Lead, step: str, comment: str | None = None
) -> LeadEvent:
    """Move the lead by one step of the table, with its timeline event and audit row."""
    target = TRANSITIONS.get((lead.status, step))
    if target is None:
        raise FangfeiError("invalid_transition", refusal(lead.status, step), 409)
    return record_event(db, actor=actor, lead=lead, action=step, to_status=target, comment=comment)


def record_event(
    db: Session,
    *,
    actor: Actor,
    lead: Lead,
    action: str,
    to_status: str | None = None,
    comment: str | None = None,
    detail: dict[str, object] | None = None,
) -> LeadEvent:
    """Write a timeline event (changing the status when ``to_status`` is given) and its audit row."""
    source = lead.status
    if to_status is not None:
        lead.status = to_status
    event = LeadEvent(
        lead_id=lead.id,
        actor_name=actor.label,
        action=action,
        from_status=source if to_status is not None else None,
        to_status=to_status,
        comment=comment,
    )
    db.add(event)
    db.flush()
    audit.record(
        db,
        actor=actor,
        action=f"lead.{action}",
        object_type="lead",
        object_id=lead.id,
        detail={
            "from": source if to_status is not None else None,
            "to": to_status,
            "comment": comment,
            **(detail or {}),
        },
    )
    return event
