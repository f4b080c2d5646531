"""The monthly risk monitoring report (月度风险监测报告, due to the city by the 8th, [003]:1761).

The figures are filled from the month's records — leads by domain and source, the counts of
Attachment 1 for the month (one source of truth for every number), open and overdue leads — and
the prose sections (存在的问题, 工作建议) are left for the officer, with the facts that call for
them listed as prompts. Two charts are drawn in the document (the month's leads by domain, the
last six months' leads), editable in Word. The document is a Word file in the style of the case
documents.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

import docx
from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt
from sqlalchemy import Subquery, func, select
from sqlalchemy.orm import Session

from fangfei.auth import policy
from fangfei.auth.roles import Actor
from fangfei.cases.doc_templates import OFFICE_SUFFIX, set_east_asian_font
from fangfei.leads.models import Lead
from fangfei.leads.schemas import LeadFilter
from fangfei.leads.service import counts_by_month, filtered, overdue_clause
from fangfei.leads.workflow import OPEN_STATUSES
from fangfei.reference import service as reference
from fangfei.reports import attachment1, docx_charts
from fangfei.reports.case_tables import wan_yuan
from fangfei.reports.national import month_bounds

TREND_MONTHS = 6
SECTIONS = (
    "一、金融风险监测情况",
    "二、采取的措施",
    "三、存在的问题",
    "四、工作建议",
    "五、统计数据",
)


def _add(document: Document, text: str, *, heading: bool = False, title: bool = False) -> None:
    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    set_east_asian_font(run, "宋体" if title else "黑体" if heading else "仿宋")
    run.font.size, run.bold = Pt(20 if title else 16), title
    if title:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif not heading:
        paragraph.paragraph_format.first_line_indent = Pt(32)


def _month_leads(actor: Actor, first: date, last: date) -> Subquery:
    return filtered(actor, LeadFilter()).where(Lead.discovered_on.between(first, last)).subquery()


def _lead_facts(db: Session, actor: Actor, first: date, last: date) -> list[str]:
    month = _month_leads(actor, first, last)
    total, amount, people = db.execute(
        select(func.count(), func.sum(month.c.amount_yuan), func.sum(month.c.people_count))
    ).one()
    if not total:
        return ["本月未发现新的非法集资风险线索。"]
    facts = [
        f"本月新发现风险线索 {total} 条，涉及金额 {wan_yuan(amount or Decimal(0))} 万元、涉及人数 {people or 0} 人。"
    ]
    for kind, label in (("industry_domain", "按行业领域"), ("lead_source", "按线索来源")):
        column = month.c.domain if kind == "industry_domain" else month.c.source
        names = reference.names(db, kind)
        rows = db.execute(
            select(column, func.count()).group_by(column).order_by(func.count().desc())
        )
        facts.append(
            f"{label}：" + "；".join(f"{names.get(code, code)} {n} 条" for code, n in rows) + "。"
        )
    return facts


def short_domain(name: str) -> str:
    """A domain's name short enough for a chart label: its first two examples, 等."""
    parts = name.split("、")
    return name if len(parts) == 1 else "、".join(parts[:2]) + "等"


def _domain_chart(db: Session, actor: Actor, first: date, last: date, doc: Document) -> None:
    month = _month_leads(actor, first, last)
    rows = db.execute(select(month.c.domain, func.count()).group_by(month.c.domain))
    counts: dict[str, int] = {code: n for code, n in rows}
    domains = reference.items(db, "industry_domain")
    docx_charts.add_bar_chart(
        doc, title="本月新发现风险线索（按行业领域）", series="线索（条）",
        categories=[short_domain(d.name) for d in domains],
        values=[int(counts.get(d.code, 0)) for d in domains],
    )  # fmt: skip


def _trend_chart(db: Session, actor: Actor, last: date, doc: Document) -> None:
    months = counts_by_month(db, actor=actor, months=TREND_MONTHS, until=last)
    docx_charts.add_bar_chart(
        doc, title=f"近 {TREND_MONTHS} 个月新发现风险线索", series="线索（条）",
        categories=[f"{int(m[5:])}月" for m, _ in months], values=[n for _, n in months],
        horizontal=False, height_mm=60,
    )  # fmt: skip


def _prompts(db: Session, actor: Actor, today: date, table: attachment1.Table) -> list[str]:
    mine = filtered(actor, LeadFilter())
    open_count = db.scalar(
        select(func.count()).select_from(mine.where(Lead.status.in_(OPEN_STATUSES)).subquery())
    )
    late = db.scalar(select(func.count()).select_from(
        mine.where(Lead.status.in_(OPEN_STATUSES), overdue_clause(today)).subquery()))  # fmt: skip
    unpaid = table.total[attachment1.LEAVES.index(("刑事打击", "未兑付金额（万元）", None))]
    return [
        f"（提示）在办线索 {open_count or 0} 条，其中超过核查期限 {late or 0} 条；",
        f"（提示）在办刑事案件未兑付金额 {unpaid} 万元，注意涉稳风险；",
        "（请承办人结合以上情况填写存在的问题）",
    ]


def document(db: Session, *, actor: Actor, month: str, today: date) -> bytes:
    """The month's risk monitoring report as a Word file."""
    policy.ensure(db, actor, "ledger.export")
    first, last = month_bounds(month)
    table = attachment1.build(db, actor=actor, period=month)
    place = table.rows[0][0].removesuffix("（本级）") if table.rows else ""
    doc = docx.Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    _add(doc, f"{place}{first.year}年{first.month}月非法集资风险监测情况报告", title=True)
    _add(doc, SECTIONS[0], heading=True)
    for fact in _lead_facts(db, actor, first, last):
        _add(doc, fact)
    _domain_chart(db, actor, first, last, doc)
    _add(doc, SECTIONS[1], heading=True)
    done = [f"{' / '.join(p for p in leaf[1:] if p)} {value}"
            for leaf, value in zip(attachment1.LEAVES, table.total, strict=True)
            if value and leaf[0] != "风险线索"]  # fmt: skip
    _add(doc, "本月" + ("；".join(done) if done else "未登记处置措施和宣传、调研活动") + "。")
    _add(doc, SECTIONS[2], heading=True)
    for prompt in _prompts(db, actor, today, table):
        _add(doc, prompt)
    _add(doc, SECTIONS[3], heading=True)
    _add(doc, "（请承办人填写下月工作建议）")
    _add(doc, SECTIONS[4], heading=True)
    _trend_chart(db, actor, last, doc)
    grid = doc.add_table(rows=1, cols=2)
    grid.style = "Table Grid"
    grid.rows[0].cells[0].text, grid.rows[0].cells[1].text = "项目", "本月（合计）"
    for leaf, value in zip(attachment1.LEAVES, table.total, strict=True):
        cells = grid.add_row().cells
        cells[0].text, cells[1].text = " / ".join(p for p in leaf if p), str(value)
    _add(doc, "")
    _add(doc, f"{place}{OFFICE_SUFFIX}")
    _add(doc, f"{today.year}年{today.month}月{today.day}日")
    out = BytesIO()
    doc.save(out)
    return out.getvalue()
