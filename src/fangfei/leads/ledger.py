"""台账 — the ledgers of seed 004 derived live from the leads: Attachment 2 and Attachment 6.

Attachment 2 (风险线索排查处置情况统计表) lists, grouped under the six industry domains in official
order, the leads handled in the period: those discovered in it, and earlier ones not yet filed
(its note 1). Attachment 6 (非法集资风险排查台账) lists the leads discovered in the quarter or still
open in it. Both are built from the same scoped query as the lead list, so a department's ledger
holds its own leads only; neither ever contains an informant's identity. Column wording follows
the seed with its typos corrected (涉及金额, 未兑付金额, 产登公司).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import or_
from sqlalchemy.orm import Session

from fangfei.auth import policy
from fangfei.auth.roles import Actor
from fangfei.errors import FieldProblem, invalid
from fangfei.leads.models import Lead
from fangfei.leads.schemas import PERIOD, LeadFilter
from fangfei.leads.service import filtered, period_bounds
from fangfei.leads.workflow import OPEN_STATUSES, STATUS_LABELS
from fangfei.reference import service as reference

A2_TITLE = "风险线索排查处置情况统计表"
A2_COLUMNS = (
    "序号", "风险主体名称", "所属行业领域", "线索来源", "发现时间（年月）", "是否具备规范条件",
    "提交有关金融管理部门依法审批、备案等情况（含提交、拟提交）", "是否属于非法集资",
    "拟采取/已采取处置路径（行政/刑事）", "立案时间（年月）", "结案时间（年月）",
    "涉及金额（万元）", "涉及人数（人）", "未兑付金额（万元）", "未兑付人数（人）", "备注",
)  # fmt: skip
A2_NOTES = (
    "备注：1. 本表统计期间处置的涉非风险线索，包含此前已掌握但尚未刑事或行政立案的涉非风险线索。",
    "2. 所属行业领域按 6 个分类顺序依次填写。",
    "3. 线索来源包含 3 个分类：（1）联席会议交办；（2）自主摸排发现；（3）群众举报。",
    "4. 提交有关金融管理部门依法审批、备案等情况（含已提交、拟提交）包含 5 个分类：（1）中国人民银行及其分支机构；"
    "（2）金融监管总局及其派出机构；（3）中国证监会及其派出机构；（4）地方金融管理部门；（5）其他。",
    "5. 如先行政处置后刑事打击的，只需填报刑事立案时间。",
)
A6_TITLE = "非法集资风险排查台账"
A6_COLUMNS = ("序号", "排查对象", "所属行业", "风险排查情况（存在的问题）", "处置情况", "备注")
TEN_THOUSAND = Decimal(10000)
CENT = Decimal("0.01")


def check_period(period: str | None) -> None:
    """Refuse a period that is not a year, a half, a quarter or a month (2025, 2025H1, 2025Q2, 2025-06)."""
    if period is not None and not PERIOD.match(period):
        reason = "须为 2025、2025H1、2025Q2 或 2025-06"
        raise invalid("期间格式有误。", [FieldProblem("period", reason)])


def period_scope(first: date, last: date, layout: str) -> object:
    """Which leads a period's ledger holds (see the module docstring)."""
    carried = (
        or_(Lead.filed_on.is_(None), Lead.filed_on >= first)
        if layout == "a2"
        else Lead.status.in_(OPEN_STATUSES)
    )
    return (Lead.discovered_on <= last) & or_(Lead.discovered_on >= first, carried)


def ledger_leads(
    db: Session,
    *,
    actor: Actor,
    layout: str,
    period: str | None,
    filters: LeadFilter | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[Lead]:
    """The leads of a ledger in domain order, then by discovery."""
    policy.ensure(db, actor, "ledger.view")
    stmt = filtered(actor, (filters or LeadFilter()).model_copy(update={"period": None}),
                    action="ledger.view")  # fmt: skip
    if period:
        stmt = stmt.where(period_scope(*period_bounds(period), layout))  # type: ignore[arg-type]
    return list(
        db.scalars(
            stmt.order_by(Lead.domain, Lead.discovered_on, Lead.id).offset(offset).limit(limit)
        )
    )


def _month(day: date | None) -> str:
    return f"{day.year}年{day.month}月" if day else ""


def _wan(yuan: Decimal | None) -> Decimal | None:
    return None if yuan is None else (yuan / TEN_THOUSAND).quantize(CENT)


def _yes_no(value: bool | None) -> str:
    return {True: "是", False: "否"}.get(value, "") if value is not None else ""


@dataclass(frozen=True)
class Names:
    """Chinese names of the codes a ledger row shows."""

    domains: dict[str, str]
    sources: dict[str, str]
    regulators: dict[str, str]
    paths: dict[str, str]

    @classmethod
    def load(cls, db: Session) -> Names:
        """From the reference data."""
        return cls(*(reference.names(db, kind) for kind in
                     ("industry_domain", "lead_source", "regulator", "disposal_path")))  # fmt: skip


def a2_row(lead: Lead, names: Names) -> list[object]:
    """One Attachment 2 row without its number."""
    regulator = names.regulators.get(lead.regulator or "", "")
    if regulator:
        regulator += "（已提交）" if lead.regulator_state != "planned" else "（拟提交）"
    return [
        lead.subject_name, names.domains.get(lead.domain, lead.domain),
        names.sources.get(lead.source, lead.source), _month(lead.discovered_on),
        _yes_no(lead.meets_standard_conditions), regulator, _yes_no(lead.is_illegal_fundraising),
        names.paths.get(lead.disposal_path or "", ""), _month(lead.filed_on),
        _month(lead.case_closed_on), _wan(lead.amount_yuan), lead.people_count,
        _wan(lead.unpaid_amount_yuan), lead.unpaid_people, lead.remarks or "",
    ]  # fmt: skip


def a6_row(lead: Lead, names: Names) -> list[object]:
    """One Attachment 6 row without its number."""
    path = names.paths.get(lead.disposal_path or "", "")
    handling = lead.disposal_summary or (
        f"{STATUS_LABELS[lead.status]}" + (f"，{path}处置" if path else "")
    )
    domain = names.domains.get(lead.domain, lead.domain)
    return [
        lead.subject_name,
        domain,
        lead.findings or lead.description,
        handling,
        lead.remarks or "",
    ]


def group_title(index: int, name: str) -> str:
    """The domain header of Attachment 2: （1）…等领域涉非风险."""
    return f"（{index}）{name}{'涉非风险' if name.endswith('领域') else ''}"


def grouped(db: Session, leads: list[Lead]) -> Iterator[tuple[str, list[Lead]]]:
    """The six domains in official order, each with its leads (empty groups kept)."""
    for index, item in enumerate(reference.items(db, "industry_domain"), start=1):
        yield group_title(index, item.name), [lead for lead in leads if lead.domain == item.code]
