"""Taking a step of the procedure or of the criminal path: what each step requires and records.

The table of :mod:`fangfei.cases.workflow` says which step may follow which; this module adds
the rules that depend on the case's data (a refund round needs the audit and valuation reports,
the case is closed only after the disposal report and the criminal closure) and fills in the
dates and figures a step brings.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangfei.auth.roles import Actor
from fangfei.cases import documents, service
from fangfei.cases.models import Case, CaseDocument, CaseEvent, CaseMeasure
from fangfei.cases.schemas import StepIn
from fangfei.cases.workflow import (
    AUTOMATIC_STEPS,
    CRIMINAL_STEPS,
    PROCEDURE_STEPS,
    advance,
    allowed_steps,
    refusal,
)
from fangfei.clock import local_today
from fangfei.errors import FangfeiError, FieldProblem, invalid, not_found

Guard = Callable[[Session, Case, StepIn], str | None]


def _has_document(db: Session, case: Case, kind: str) -> bool:
    stmt = select(CaseDocument.id).where(CaseDocument.case_id == case.id, CaseDocument.kind == kind)
    return db.scalar(stmt.limit(1)) is not None


def _needs_reports(db: Session, case: Case, data: StepIn) -> str | None:
    missing = [label for kind, label in (("audit_report", "审计报告"), ("valuation_report",
               "资产评估报告")) if not _has_document(db, case, kind)]  # fmt: skip
    return f"清偿兑付前须上传{'和'.join(missing)}（审计评估）。" if missing else None


def _needs_disposal_report(db: Session, case: Case, data: StepIn) -> str | None:
    if _has_document(db, case, "disposal_report"):
        return None
    return "报送前须先生成处置报告。"


def _needs_criminal_closure(db: Session, case: Case, data: StepIn) -> str | None:
    if case.criminal_stage not in (None, "closure"):
        return "刑事部分尚未结案，案件不能结案。"
    return None


def _needs_report_before_close(db: Session, case: Case, data: StepIn) -> str | None:
    return _needs_disposal_report(db, case, data) or _needs_criminal_closure(db, case, data)


GUARDS: dict[tuple[str, str], Guard] = {
    ("procedure", "refund"): _needs_reports,
    ("procedure", "report"): _needs_disposal_report,
    ("procedure", "close"): _needs_report_before_close,
}

# Fields a step cannot do without.
REQUIRED: dict[tuple[str, str], tuple[str, str]] = {
    ("procedure", "accept"): (
        "investigation_mode",
        "受理时须选择调查方式（行业执法调查或专项调查）",
    ),
    ("procedure", "terminate"): ("comment", "终结受理须写明理由"),
    ("procedure", "characterise"): ("characterisation", "请填写认定意见书的文号和结论"),
}


def _check(db: Session, case: Case, track: str, step: str, data: StepIn) -> None:
    if step not in allowed_steps(case, track):
        raise FangfeiError("invalid_transition", refusal(case, track, step), 409)
    required = REQUIRED.get((track, step))
    if required and getattr(data, required[0]) in (None, ""):
        raise invalid("未保存：缺少必填内容。", [FieldProblem(required[0], required[1])])
    guard = GUARDS.get((track, step))
    reason = guard(db, case, data) if guard else None
    if reason:
        steps = PROCEDURE_STEPS if track == "procedure" else CRIMINAL_STEPS
        raise FangfeiError("invalid_transition", f"不能“{steps[step]}”：{reason}", 409)


def _check_date(db: Session, case: Case, track: str, on: date, today: date) -> None:
    """A step is dated no later than today and no earlier than the step before it on its track."""
    if on > today:
        raise invalid("未保存：日期有误。", [FieldProblem("on_date", "日期不能晚于今天")])
    stmt = select(func.max(CaseEvent.on_date)).where(
        CaseEvent.case_id == case.id, CaseEvent.track == track, CaseEvent.action != "open"
    )
    last = db.scalar(stmt)
    if last is not None and on < last:
        reason = f"日期不能早于本路径上一步的日期（{last.isoformat()}）"
        raise invalid("未保存：日期有误。", [FieldProblem("on_date", reason)])


def _apply_procedure(db: Session, case: Case, step: str, data: StepIn, on: date) -> None:
    if step == "accept":
        case.acceptance_outcome, case.accepted_on = "accepted", on
        case.investigation_mode = data.investigation_mode
    elif step == "refer_judiciary":
        case.acceptance_outcome, case.accepted_on = "referred_judiciary", on
    elif step == "terminate":
        case.acceptance_outcome, case.closed_on = "terminated", on
    elif step == "characterise":
        case.characterisation = data.characterisation
    elif step == "end_disposal":
        case.disposal_ended_on = on
    elif step == "close":
        case.closed_on = on


def _has_measures(db: Session, case: Case) -> bool:
    stmt = select(CaseMeasure.id).where(
        CaseMeasure.case_id == case.id, CaseMeasure.voided_at.is_(None)
    )
    return db.scalar(stmt.limit(1)) is not None


def _apply_criminal(
    db: Session, actor: Actor, case: Case, step: str, data: StepIn, on: date
) -> None:
    if step == "refer":
        case.administrative_first = case.path == "administrative" and _has_measures(db, case)
        case.path = "criminal"
    elif step == "file":
        case.filed_on = on
        if case.stage == "investigating":
            # 立案侦查 is the police's filing: the procedure follows the criminal path.
            advance(db, actor=actor, case=case, track="procedure", step="file_by_police",
                    on_date=on, jurisdiction_id=actor.jurisdiction_id)  # fmt: skip
    elif step == "investigate":
        case.arrests += data.arrests or 0
    elif step == "enforce":
        case.judgement_on = on
    if data.amount_yuan is not None and step in ("enforce", "close"):
        case.enforced_yuan = (case.enforced_yuan or 0) + data.amount_yuan


def take_step(
    db: Session,
    *,
    actor: Actor,
    case_id: int,
    track: str,
    step: str,
    data: StepIn,
    files_root: Path,
    today: date | None = None,
) -> Case:
    """One step on the procedure or the criminal path, by the lead place only.

    公告取缔 also generates the draft of the public announcement (文书 公告) dated that day.
    """
    if track not in ("procedure", "criminal"):
        raise not_found("办理环节", track)
    case = service.get_or_raise(db, actor=actor, case_id=case_id, action="case.manage")
    service.ensure_lead_place(db, actor, case, "推进案件程序")
    today = today or local_today()
    on = data.on_date or today
    if step in AUTOMATIC_STEPS:
        message = "立案侦查随公安立案自动记录：请在刑事办理中登记“公安立案”。"
        raise FangfeiError("invalid_transition", message, 409)
    _check(db, case, track, step, data)
    _check_date(db, case, track, on, today)
    advance(
        db, actor=actor, case=case, track=track, step=step, on_date=on,
        jurisdiction_id=actor.jurisdiction_id, document_no=data.document_no,
        comment=_comment(track, step, data),
    )  # fmt: skip
    if track == "procedure":
        _apply_procedure(db, case, step, data, on)
        if step == "announce":
            documents.generate(db, actor=actor, case_id=case.id, kind="announcement",
                               files_root=files_root, today=on)  # fmt: skip
        if step == "refer_judiciary":
            advance(db, actor=actor, case=case, track="criminal", step="refer", on_date=on,
                    jurisdiction_id=actor.jurisdiction_id, comment="受理时移送司法机关")  # fmt: skip
            case.path = "criminal"
    else:
        _apply_criminal(db, actor, case, step, data, on)
    db.flush()
    return case


def _comment(track: str, step: str, data: StepIn) -> str | None:
    parts = []
    if data.investigation_mode:
        parts.append(f"调查方式：{service.MODE_LABELS[data.investigation_mode]}")
    if data.characterisation:
        parts.append(f"认定意见：{data.characterisation}")
    if data.arrests:
        parts.append(f"抓捕 {data.arrests} 人次")
    if data.amount_yuan is not None and track == "criminal":
        parts.append(f"执行到位资金 {data.amount_yuan:,.2f} 元")
    if data.comment:
        parts.append(data.comment)
    return "；".join(parts) or None
