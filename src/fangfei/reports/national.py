"""The monthly update for the national collaboration system (处置非法集资协同联动系统).

Before the 28th of each month the lead office updates, case by case, the administrative measures
and the criminal progress of its 存量案件 (opened before the month and not closed before it
began) and 新发案件 (discovered in the month). This file lists them as they are to be entered:
sheet 行政处置 has one row per measure taken in the month, sheet 刑事打击 one row per case on the
criminal path with its steps of the month and its current figures. Cases are those the actor's
jurisdiction leads (主办地), since the 主办地 reports them.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from fangfei.auth import policy
from fangfei.auth.roles import Actor
from fangfei.cases.models import Case, CaseEvent, CaseMeasure
from fangfei.cases.workflow import CRIMINAL_LABELS, CRIMINAL_STEPS
from fangfei.errors import FieldProblem, invalid
from fangfei.leads.service import period_bounds
from fangfei.reference import service as reference
from fangfei.reports import sheets
from fangfei.reports.case_tables import wan_yuan

TITLE = "全国处置非法集资协同联动系统月度更新表"
MEASURE_COLUMNS = ("序号", "案件编号", "案件名称", "存量/新发", "处置措施", "日期", "文书编号",
                   "措施对象", "罚款（万元）", "压降人数（人）")  # fmt: skip
CRIMINAL_COLUMNS = ("序号", "案件编号", "案件名称", "存量/新发", "当前刑事阶段", "立案时间", "本月进展",
                    "抓捕（人次）", "执行到位资金（万元）", "未兑付金额（万元）", "未兑付人数（人）",
                    "资金清退金额（万元）")  # fmt: skip


def month_bounds(month: str) -> tuple[date, date]:
    """The first and last day of a month written 2026-11."""
    if len(month) != 7 or month[4] != "-":
        raise invalid("月份格式有误。", [FieldProblem("month", "须为 2026-11 这样的年月")])
    try:
        return period_bounds(month)
    except ValueError:
        raise invalid(
            "月份格式有误。", [FieldProblem("month", "须为 2026-11 这样的年月")]
        ) from None


def cases_of(db: Session, *, actor: Actor, first: date, last: date) -> list[Case]:
    """存量 and 新发 cases led in the actor's jurisdiction, oldest first."""
    stmt = policy.scoped(select(Case), actor, "case.view").where(
        policy.within_jurisdiction(actor, Case.jurisdiction_id),
        Case.discovered_on <= last,
        or_(Case.closed_on.is_(None), Case.closed_on >= first),
    )
    return list(db.scalars(stmt.order_by(Case.discovered_on, Case.id)))


def _kind(case: Case, first: date) -> str:
    return "新发" if case.discovered_on >= first else "存量"


def workbook(db: Session, *, actor: Actor, month: str) -> tuple[bytes, int, int]:
    """The month's update file, and how many measures and criminal cases it lists."""
    policy.ensure(db, actor, "ledger.export")
    first, last = month_bounds(month)
    cases = {case.id: case for case in cases_of(db, actor=actor, first=first, last=last)}
    names = reference.names(db, "admin_measure")
    book, sheet = sheets.new_sheet("行政处置")
    row = sheets.frame(sheet, f"{TITLE}（{month}）· 行政处置", MEASURE_COLUMNS) + 1
    measures = db.scalars(
        select(CaseMeasure)
        .where(CaseMeasure.case_id.in_(list(cases)), CaseMeasure.voided_at.is_(None),
               CaseMeasure.taken_on.between(first, last))
        .order_by(CaseMeasure.taken_on, CaseMeasure.id)
    ).all()  # fmt: skip
    for n, m in enumerate(measures, start=1):
        case = cases[m.case_id]
        sheets.put_row(sheet, row, [
            n, case.number, case.name, _kind(case, first), names.get(m.kind, m.kind),
            m.taken_on.isoformat(), m.document_no or "", m.target, wan_yuan(m.fine_yuan),
            m.people_reduced,
        ])  # fmt: skip
        row += 1
    criminal = [case for case in cases.values() if case.path == "criminal"]
    sheet = book.create_sheet("刑事打击")
    row = sheets.frame(sheet, f"{TITLE}（{month}）· 刑事打击", CRIMINAL_COLUMNS) + 1
    for n, case in enumerate(criminal, start=1):
        sheets.put_row(sheet, row, [
            n, case.number, case.name, _kind(case, first),
            CRIMINAL_LABELS.get(case.criminal_stage or "", "已移送公安"),
            case.filed_on.isoformat() if case.filed_on else "", _progress(db, case, first, last),
            case.arrests, wan_yuan(case.enforced_yuan), wan_yuan(case.unpaid_amount_yuan),
            case.unpaid_people, wan_yuan(case.refunded_yuan),
        ])  # fmt: skip
        row += 1
    return sheets.to_bytes(book), len(measures), len(criminal)


def _progress(db: Session, case: Case, first: date, last: date) -> str:
    events = db.scalars(
        select(CaseEvent)
        .where(CaseEvent.case_id == case.id, CaseEvent.track == "criminal",
               CaseEvent.on_date.between(first, last))
        .order_by(CaseEvent.on_date, CaseEvent.id)
    )  # fmt: skip
    text = "；".join(f"{e.on_date:%m-%d} {CRIMINAL_STEPS.get(e.action, e.action)}" for e in events)
    return text or "本月无新进展"
