"""The two tracks of a case and the one place that moves them.

The *procedure* is the ten steps of disposal ([003]:1359-1421): 受理 → 调查取证 → 立案侦查 → 性质认定
→ 清理登记 → 公告取缔 → 审计评估 → 清偿兑付 → 维稳 → 处置报告, then 结案. 性质认定, 公告取缔 and 维稳 may
be skipped, and a case without assets to recover may end its disposal straight after the
investigation. The *criminal path* runs beside it once the case is referred to the police: 移送公安
→ 立案 → 在侦 → 在诉 → 在审 → 执行 → 结案. Administrative measures are not states: they are recorded at
any open stage (see :mod:`fangfei.cases.measures`).

A state is never assigned directly: :func:`advance` refuses what the table does not allow, writes
the timeline event and the audit row in the same transaction.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from fangfei.audit import service as audit
from fangfei.auth.roles import Actor
from fangfei.cases.models import Case, CaseEvent
from fangfei.errors import FangfeiError

STAGE_LABELS = {
    "received": "待受理",
    "investigating": "调查取证",
    "filed": "立案侦查",
    "characterised": "性质认定",
    "registering": "清理登记",
    "announced": "公告取缔",
    "auditing": "审计评估",
    "refunding": "清偿兑付",
    "stabilising": "维稳工作",
    "reporting": "待报处置报告",
    "reported": "已报处置报告",
    "closed": "已结案",
    "terminated": "终结受理",
}

PROCEDURE_STEPS = {
    "accept": "受理",
    "file_by_police": "立案侦查",
    "refer_judiciary": "移送司法机关",
    "terminate": "终结受理",
    "characterise": "性质认定",
    "register": "清理登记",
    "announce": "公告取缔",
    "audit": "审计评估",
    "refund": "清偿兑付",
    "stabilise": "维稳工作",
    "end_disposal": "处置结束",
    "report": "报送处置报告",
    "close": "结案",
}

# (stage, step) → next stage
PROCEDURE: dict[tuple[str, str], str] = {
    ("received", "accept"): "investigating",
    ("received", "refer_judiciary"): "investigating",
    ("received", "terminate"): "terminated",
    ("investigating", "file_by_police"): "filed",
    ("investigating", "characterise"): "characterised",
    ("filed", "characterise"): "characterised",
    ("investigating", "register"): "registering",
    ("filed", "register"): "registering",
    ("characterised", "register"): "registering",
    ("registering", "announce"): "announced",
    ("registering", "audit"): "auditing",
    ("announced", "audit"): "auditing",
    ("auditing", "refund"): "refunding",
    ("refunding", "stabilise"): "stabilising",
    ("investigating", "end_disposal"): "reporting",
    ("filed", "end_disposal"): "reporting",
    ("characterised", "end_disposal"): "reporting",
    ("refunding", "end_disposal"): "reporting",
    ("stabilising", "end_disposal"): "reporting",
    ("reporting", "report"): "reported",
    ("reported", "close"): "closed",
}

CRIMINAL_LABELS = {
    "referred": "已移送公安",
    "filing": "立案",
    "investigation": "在侦",
    "prosecution": "在诉",
    "trial": "在审",
    "enforcement": "执行",
    "closure": "结案",
}

CRIMINAL_STEPS = {
    "refer": "移送公安",
    "file": "公安立案",
    "investigate": "侦查",
    "prosecute": "移送起诉",
    "try": "提起公诉（在审）",
    "enforce": "判决（进入执行）",
    "close": "刑事结案",
}

# (criminal stage or "" before referral, step) → next criminal stage
CRIMINAL: dict[tuple[str, str], str] = {
    ("", "refer"): "referred",
    ("referred", "file"): "filing",
    ("filing", "investigate"): "investigation",
    ("investigation", "prosecute"): "prosecution",
    ("prosecution", "try"): "trial",
    ("trial", "enforce"): "enforcement",
    ("enforcement", "close"): "closure",
}

# Events that are not steps of a track.
EVENT_LABELS = {
    "open": "新建案件",
    "note": "办理进展",
    "national_update": "更新全国系统",
    "asset_decision": "资产处置决定",
    "rectified": "整改到位",
    "generate": "生成文书",
    "upload": "上传材料",
}

FINAL_STAGES = ("closed", "terminated")
# Taken by the system, not by an officer: the police's filing moves the procedure to 立案侦查.
AUTOMATIC_STEPS = frozenset({"file_by_police"})

TRACKS: dict[str, tuple[dict[tuple[str, str], str], dict[str, str], dict[str, str]]] = {
    "procedure": (PROCEDURE, PROCEDURE_STEPS, STAGE_LABELS),
    "criminal": (CRIMINAL, CRIMINAL_STEPS, CRIMINAL_LABELS),
}


def state_of(case: Case, track: str) -> str:
    """Where the case stands on a track ("" on the criminal path before referral)."""
    return case.stage if track == "procedure" else case.criminal_stage or ""


def allowed_steps(case: Case, track: str) -> list[str]:
    """The steps that may be taken next on a track, in table order (none once the case is over)."""
    if track == "criminal" and case.stage in FINAL_STAGES:
        return []
    table = TRACKS[track][0]
    state = state_of(case, track)
    return [step for (source, step) in table if source == state]


def manual_steps(case: Case, track: str) -> list[str]:
    """The steps an officer may take next on a track."""
    return [step for step in allowed_steps(case, track) if step not in AUTOMATIC_STEPS]


def refusal(case: Case, track: str, step: str) -> str:
    """Why a step cannot be taken now, in words an officer understands."""
    _, steps, labels = TRACKS[track]
    state = state_of(case, track)
    where = labels.get(state, "未移送公安") if track == "criminal" else labels[state]
    possible = "、".join(steps[s] for s in manual_steps(case, track)) or "无"
    return f"案件当前为“{where}”，不能“{steps.get(step, step)}”；此时可以：{possible}。"


def advance(
    db: Session,
    *,
    actor: Actor,
    case: Case,
    track: str,
    step: str,
    on_date: date,
    jurisdiction_id: int | None,
    document_no: str | None = None,
    comment: str | None = None,
) -> CaseEvent:
    """Move the case one step along a track, with its timeline event and audit row."""
    if step not in allowed_steps(case, track):
        raise FangfeiError("invalid_transition", refusal(case, track, step), 409)
    source = state_of(case, track)
    target = TRACKS[track][0][(source, step)]
    if track == "procedure":
        case.stage = target
    else:
        case.criminal_stage = target
    return record_event(
        db, actor=actor, case=case, track=track, action=step, on_date=on_date,
        jurisdiction_id=jurisdiction_id, from_state=source or None, to_state=target,
        document_no=document_no, comment=comment,
    )  # fmt: skip


def event_label(event: CaseEvent) -> str:
    """What a timeline event was, in words."""
    if event.track == "measure" and event.action != "rectified":
        return "处置措施"
    steps = CRIMINAL_STEPS if event.track == "criminal" else PROCEDURE_STEPS
    label = steps.get(event.action) if event.track in ("procedure", "criminal") else None
    return label or EVENT_LABELS.get(event.action, event.action)


def record_event(
    db: Session,
    *,
    actor: Actor,
    case: Case,
    track: str,
    action: str,
    on_date: date,
    jurisdiction_id: int | None,
    from_state: str | None = None,
    to_state: str | None = None,
    document_no: str | None = None,
    comment: str | None = None,
    amount_yuan: Decimal | None = None,
    detail: dict[str, object] | None = None,
) -> CaseEvent:
    """Write one timeline event of the case and its audit row."""
    event = CaseEvent(
        case_id=case.id, on_date=on_date, actor_name=actor.label, jurisdiction_id=jurisdiction_id,
        track=track, action=action, from_state=from_state, to_state=to_state,
        document_no=document_no, comment=comment,
        amount_yuan=amount_yuan,
    )  # fmt: skip
    db.add(event)
    db.flush()
    audit.record(
        db,
        actor=actor,
        action=f"case.{track}.{action}",
        object_type="case",
        object_id=case.id,
        detail={
            "from": from_state,
            "to": to_state,
            "on": on_date.isoformat(),
            "document_no": document_no,
            "comment": comment,
            "amount_yuan": str(amount_yuan) if amount_yuan is not None else None,
            **(detail or {}),
        },
    )
    return event
