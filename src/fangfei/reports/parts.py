"""本单位填报 — each township and member department fills and submits its part of Attachment 1.

A part is prefilled with what the unit's records count in the period: a township's, every
record of its place and the places below it (its row of the county table); a department's,
the leads assigned to it, the cases those leads became and the activity records it entered,
anywhere in the county. The unit may report a figure otherwise, always with a reason, then
submits; the lead office sees every unit's part, which ones are missing, and returns a part
that needs correcting. A submitted part adds to the county table the difference between what
it reports and what was counted at submission (:func:`attachment1.reported_changes`), so the
county table stays counted from the records and shows, cell by cell, what each unit changed.
Once the county's Attachment 1 for the period is signed off, the parts are frozen.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangfei.activities.models import Activity
from fangfei.audit import service as audit
from fangfei.auth import policy
from fangfei.auth.roles import Actor, Role
from fangfei.db import utcnow
from fangfei.errors import FangfeiError, FieldProblem, conflict, forbidden, invalid, not_found
from fangfei.leads.models import Lead
from fangfei.reference.models import Department, Jurisdiction
from fangfei.reports import attachment1
from fangfei.reports.models import ReportPart, ReportRun

TABLE = "a1"
STATUS_LABELS = {
    "missing": "未填报",
    "draft": "填报中",
    "returned": "已退回",
    "submitted": "已提交",
}


@dataclass(frozen=True)
class PartUnit:
    """A unit that reports to a lead office: a place below it, or a member department."""

    key: str
    name: str
    parent: Jurisdiction
    jurisdiction: Jurisdiction
    department: Department | None

    @property
    def kind_label(self) -> str:
        """乡镇（街道）/ 下级辖区 or 成员单位, as shown."""
        if self.department is not None:
            return "成员单位"
        return "乡镇（街道）" if self.jurisdiction.level == "township" else "下级辖区"


def _place_unit(place: Jurisdiction, parent: Jurisdiction) -> PartUnit:
    return PartUnit(f"j:{place.id}", place.name, parent, place, None)


def _department_unit(department: Department, parent: Jurisdiction) -> PartUnit:
    key = f"d:{department.id}@{parent.id}"
    return PartUnit(key, department.name, parent, parent, department)


def expected_units(db: Session, parent: Jurisdiction) -> list[PartUnit]:
    """Every unit that owes the lead office of ``parent`` its part: the places directly below,
    then the member departments (the lead office itself excepted)."""
    places = db.scalars(
        select(Jurisdiction)
        .where(Jurisdiction.parent_id == parent.id, Jurisdiction.active.is_(True))
        .order_by(Jurisdiction.code)
    )
    departments = db.scalars(
        select(Department)
        .where(Department.active.is_(True), Department.is_lead_office.is_(False))
        .order_by(Department.position, Department.id)
    )
    return [*(_place_unit(p, parent) for p in places),
            *(_department_unit(d, parent) for d in departments)]  # fmt: skip


def own_unit(db: Session, actor: Actor) -> PartUnit:
    """The unit the actor fills the part of: its department, or its place (reporting upward)."""
    policy.ensure(db, actor, "report.part")
    place = db.get(Jurisdiction, actor.jurisdiction_id) if actor.jurisdiction_id else None
    if place is None:
        raise forbidden("您的账号没有所属辖区，不能填报")
    if actor.role is Role.DEPARTMENT:
        department = db.get(Department, actor.department_id) if actor.department_id else None
        if department is None:
            raise forbidden("您的账号没有所属成员单位，不能填报")
        return _department_unit(department, place)
    parent = db.get(Jurisdiction, place.parent_id) if place.parent_id else None
    if parent is None:
        raise conflict(f"{place.name}是最上级辖区，无需向上填报；各单位的填报在“填报汇总”中查看。")
    return _place_unit(place, parent)


def own_or_none(db: Session, actor: Actor) -> PartUnit | None:
    """The actor's own unit, when it reports to anyone."""
    if not policy.can(actor, "report.part"):
        return None
    try:
        return own_unit(db, actor)
    except FangfeiError:
        return None


def _department_records(db: Session, department_id: int) -> set[tuple[str, int]]:
    """The records a department's part counts: its leads, their cases, its activity records."""
    leads = db.execute(
        select(Lead.id, Lead.case_id).where(Lead.assignee_department_id == department_id)
    ).all()
    activities = db.scalars(select(Activity.id).where(Activity.department_id == department_id))
    return (
        {("lead", lead_id) for lead_id, _ in leads}
        | {("case", case_id) for _, case_id in leads if case_id is not None}
        | {("activity", activity_id) for activity_id in activities}
    )


def shares(db: Session, period: str, units: Sequence[PartUnit]) -> dict[str, list[Any]]:
    """What the records count for each unit in the period, in Attachment 1's cells."""
    hits = attachment1.counted(db, attachment1.period_of(period))
    paths = attachment1.jurisdiction_paths(db)

    def keeper(unit: PartUnit) -> Callable[[attachment1.ColumnHit], bool]:
        if unit.department is None:
            return lambda hit: paths.get(hit[1], "").startswith(unit.jurisdiction.path)
        mine = _department_records(db, unit.department.id)
        return lambda hit: (
            paths.get(hit[1], "").startswith(unit.parent.path) and (hit[2], hit[3]) in mine
        )

    found = {}
    for unit in units:
        keep = keeper(unit)
        found[unit.key] = attachment1.sums((hit[0], hit[4]) for hit in hits if keep(hit))
    return found


@dataclass(frozen=True)
class PartView:
    """A unit's part for a period as it stands: the counted figures, the reported ones."""

    unit: PartUnit
    period: str
    part: ReportPart | None
    counted: list[Any]
    frozen: bool

    @property
    def status(self) -> str:
        """missing, draft, returned or submitted."""
        return self.part.status if self.part is not None else "missing"

    @property
    def status_label(self) -> str:
        """The status in Chinese."""
        return STATUS_LABELS[self.status]

    @property
    def editable(self) -> bool:
        """Whether the unit may still change and submit it."""
        return self.status != "submitted" and not self.frozen

    def change(self, column: int) -> dict[str, str] | None:
        """The figure reported otherwise in a column, with its reason, if any."""
        return self.part.changes.get(str(column)) if self.part is not None else None

    @property
    def reported(self) -> list[Any]:
        """The figures as the unit reports them: counted, or as changed."""
        return [
            _parse(column, found["reported"]) if (found := self.change(column)) else value
            for column, value in enumerate(self.counted)
        ]

    @property
    def changed_since(self) -> list[int]:
        """Columns whose count differs now from the count when the part was submitted."""
        if self.part is None or self.part.status != "submitted" or self.part.prefill is None:
            return []
        return [c for c, v in enumerate(self.counted) if str(v) != self.part.prefill[c]]


def _parse(column: int, text: str) -> Any:
    """A reported figure: 万元 with up to two decimals for money columns, else a count."""
    value = Decimal(text.strip().replace(",", ""))
    if not value.is_finite() or value < 0:
        raise ValueError("须为不小于 0 的数")
    if column in attachment1.MONEY_COLUMNS:
        if value != value.quantize(Decimal("0.01")):
            raise ValueError("万元，最多两位小数")
        return value.quantize(Decimal("0.01"))
    if value != value.to_integral_value():
        raise ValueError("须为整数")
    return int(value)


def _frozen(db: Session, parent: Jurisdiction, period: str) -> bool:
    stmt = select(ReportRun.id).where(
        ReportRun.table == TABLE, ReportRun.period == period,
        ReportRun.jurisdiction_id == parent.id, ReportRun.signed_at.is_not(None),
    )  # fmt: skip
    return db.scalar(stmt.limit(1)) is not None


def _parts(db: Session, parent: Jurisdiction, period: str) -> dict[str, ReportPart]:
    stmt = select(ReportPart).where(
        ReportPart.table == TABLE, ReportPart.period == period,
        ReportPart.parent_jurisdiction_id == parent.id,
    )  # fmt: skip
    return {part.unit_key: part for part in db.scalars(stmt)}


def _views(db: Session, units: Sequence[PartUnit], period: str) -> list[PartView]:
    if not units:
        return []
    parent = units[0].parent
    counted = shares(db, period, units)  # refuses a malformed period
    parts, frozen = _parts(db, parent, period), _frozen(db, parent, period)
    return [PartView(u, period, parts.get(u.key), counted[u.key], frozen) for u in units]


def mine(db: Session, *, actor: Actor, period: str) -> PartView:
    """The actor's own unit's part for the period (prefilled, whether or not begun)."""
    return _views(db, [own_unit(db, actor)], period)[0]


def overview(db: Session, *, actor: Actor, period: str) -> list[PartView]:
    """填报汇总: every unit that owes the actor's jurisdiction its part, as it stands."""
    policy.ensure(db, actor, "report.review")
    found = attachment1.units(db, actor)
    return _views(db, expected_units(db, found[0].jurisdiction), period) if found else []


def missing(db: Session, parent: Jurisdiction, period: str) -> list[str]:
    """The names of the units that have not submitted their part for the period."""
    parts = _parts(db, parent, period)
    return [
        unit.name
        for unit in expected_units(db, parent)
        if unit.key not in parts or parts[unit.key].status != "submitted"
    ]


def detail(db: Session, *, actor: Actor, part_id: int) -> PartView:
    """A stored part, for its own unit or for the lead office it reports to."""
    part = db.get(ReportPart, part_id)
    if part is None:
        raise not_found("单位填报", part_id)
    own = own_or_none(db, actor)
    if own is not None and own.key == part.unit_key:
        return _views(db, [own], part.period)[0]
    if not policy.can(actor, "report.review"):
        raise forbidden("这是其他单位的填报")
    policy.ensure(db, actor, "report.review")
    policy.ensure_jurisdiction(db, actor, part.parent_jurisdiction_id)
    parent = db.get(Jurisdiction, part.parent_jurisdiction_id)
    assert parent is not None
    units = [u for u in expected_units(db, parent) if u.key == part.unit_key]
    if not units:  # the department or place has since been deactivated
        raise not_found("单位填报", part_id)
    return _views(db, units, part.period)[0]


class ChangeIn(BaseModel):
    """A figure reported otherwise than counted, and why."""

    column: int = Field(description="附件 1 的栏位（0 起，按表头顺序）")
    reported: str = Field(max_length=30, description="填报数；金额栏以万元计")
    reason: str = Field(default="", max_length=500)


def _accepted(view: PartView, changes: Sequence[ChangeIn]) -> dict[str, dict[str, str]]:
    problems, accepted, seen = [], {}, set()
    for change in changes:
        column, field = change.column, f"c{change.column}"
        if not 0 <= column < len(attachment1.LEAVES):
            problems.append(FieldProblem(field, "附件 1 没有这一栏"))
            continue
        name = attachment1.leaf_name(column)
        if column in seen:
            problems.append(FieldProblem(field, f"{name}：重复填写"))
            continue
        seen.add(column)
        try:
            value = _parse(column, change.reported)
        except (ValueError, InvalidOperation) as exc:
            reason = str(exc) if isinstance(exc, ValueError) and str(exc) else "须为数字"
            problems.append(FieldProblem(field, f"{name}：“{change.reported}”{reason}"))
            continue
        if value == view.counted[column]:
            continue
        if not change.reason.strip():
            problems.append(FieldProblem(
                f"r{column}", f"{name}：填报 {value} 与记录统计 {view.counted[column]} 不同，须写明原因"
            ))  # fmt: skip
            continue
        accepted[str(column)] = {"reported": str(value), "reason": change.reason.strip()}
    if problems:
        raise invalid("本单位填报有误，未保存。", problems)
    return accepted


def _open(db: Session, actor: Actor, view: PartView) -> ReportPart:
    if view.frozen:
        raise conflict(
            f"{view.unit.parent.name}{view.period} 的附件 1 已签发，各单位填报不能再修改。"
        )
    if view.status == "submitted":
        raise conflict("本单位本期填报已提交；如需修改，请处非办退回。")
    if view.part is not None:
        return view.part
    part = ReportPart(
        table=TABLE, period=view.period, unit_key=view.unit.key,
        parent_jurisdiction_id=view.unit.parent.id, jurisdiction_id=view.unit.jurisdiction.id,
        department_id=view.unit.department.id if view.unit.department else None,
        status="draft", changes={}, created_by_name=actor.label,
    )  # fmt: skip
    db.add(part)
    return part


def save(db: Session, *, actor: Actor, period: str, changes: Sequence[ChangeIn]) -> PartView:
    """Keep the figures the unit reports otherwise (each with its reason); the others stay as
    counted. Replaces what was saved before."""
    view = mine(db, actor=actor, period=period)
    accepted = _accepted(view, changes)
    part = _open(db, actor, view)
    part.changes, part.status = accepted, "draft"
    db.flush()
    audit.record(db, actor=actor, action="report.part_save", object_type="report_part",
                 object_id=part.id, detail={"period": period, "unit": view.unit.name,
                                            "changes": accepted})  # fmt: skip
    return PartView(view.unit, period, part, view.counted, view.frozen)


def submit(db: Session, *, actor: Actor, period: str) -> PartView:
    """Submit the unit's part: the counted figures are kept as they are now beside the changes."""
    view = mine(db, actor=actor, period=period)
    part = _open(db, actor, view)
    part.prefill = [str(value) for value in view.counted]
    part.status, part.submitted_by_name, part.submitted_at = "submitted", actor.label, utcnow()
    db.flush()
    audit.record(db, actor=actor, action="report.part_submit", object_type="report_part",
                 object_id=part.id, detail={"period": period, "unit": view.unit.name,
                                            "counted": part.prefill,
                                            "changes": part.changes})  # fmt: skip
    return PartView(view.unit, period, part, view.counted, view.frozen)


def return_part(db: Session, *, actor: Actor, part_id: int, reason: str) -> PartView:
    """Send a submitted part back to its unit with the reason (the lead office)."""
    policy.ensure(db, actor, "report.review")
    view = detail(db, actor=actor, part_id=part_id)
    part = view.part
    assert part is not None
    if view.frozen:
        raise conflict(f"{view.period} 的附件 1 已签发，填报不能再退回。")
    if part.status != "submitted":
        raise conflict("只有已提交的填报可以退回。")
    if not reason.strip():
        raise invalid("退回须写明原因。", [FieldProblem("reason", "不能为空")])
    part.status, part.return_reason = "returned", reason.strip()[:500]
    part.returned_by_name, part.returned_at = actor.label, utcnow()
    audit.record(db, actor=actor, action="report.part_return", object_type="report_part",
                 object_id=part.id, detail={"period": part.period, "unit": view.unit.name,
                                            "reason": part.return_reason})  # fmt: skip
    return view


def unit_named(db: Session, actor: Actor, name: str) -> Jurisdiction | PartUnit:
    """A place (by name or code) or a member department's unit (by name or code) of the actor's
    jurisdiction, for printing a table as that unit; refused with the names to choose from."""
    top = attachment1.units(db, actor)
    if not top:
        raise not_found("辖区", name)
    parent = top[0].jurisdiction
    places = db.scalars(select(Jurisdiction).where(Jurisdiction.path.startswith(parent.path)))
    for place in places:
        if name in (place.name, place.code):
            return place
    for unit in expected_units(db, parent):
        if unit.department is not None and name in (unit.name, unit.department.code):
            return unit
    choices = "、".join(u.name for u in expected_units(db, parent)[:8])
    raise invalid(
        f"没有名为“{name}”的辖区或成员单位。",
        [FieldProblem("unit", f"如：{parent.name}、{choices}")],
    )


def department_table(db: Session, unit: PartUnit, period: str) -> attachment1.Table:
    """Attachment 1 of one member department: its part as reported (as counted, if unsubmitted)."""
    view = _views(db, [unit], period)[0]
    return attachment1.Table(
        attachment1.period_of(period), [(unit.name, view.reported)], view.reported, {}
    )
