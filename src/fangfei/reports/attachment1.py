"""Attachment 1 of seed 004 (打击非法集资专项行动工作情况统计表), counted from the records.

One row per reporting unit — the actor's own jurisdiction (本级) and each place directly below it,
every record counted in the unit it belongs to — then the total. A period (2025H1, 2025Q2 …)
bounds every count by the date of its record; how each column is counted:

- 发现数量: leads discovered in the period; 举报奖励: rewards paid in the period (人次);
- 警示约谈, 警告: those measures taken; 处罚: penalty decisions (警告, 罚款, 责令停产停业, 吊销);
  罚款: their fines; 压降人数: people reduced by the measures; 责令停产停业, 吊销: those measures;
  立案 (行政): cases accepted for administrative disposal; 移送公安: cases referred to the police
  (the criminal path's 移送公安 step or a 移送公安 measure), each case once;
- 刑事立案: cases filed by the police, 其中跨省 those with a place in another province; 抓捕: the
  arrests entered with the 侦查 step; 移送起诉, 判决数量: those criminal steps; 执行到位资金: the
  amounts entered at 判决执行 and 刑事结案; 结案数量: cases closed (存量 and 新发 alike);
- 未兑付金额 and 未兑付人数: the current figures of the cases filed by the period's end and not
  closed before it began (a state, not a flow);
- 资金清退金额: what approved refund rounds paid participants in the period; for a case without
  a claims register, its hand-entered 资金清退金额 when its 清偿兑付 step falls in the period;
- 调研指导, 宣传教育: the activity records of the period;
- a township or member department that submitted its part (:mod:`fangfei.reports.parts`) with a
  figure reported otherwise than counted adds the difference (reported − counted at submission)
  to its row — a department's to 本级 — listed in the cell as 填报调整.

Money is shown in 万元 with two decimals, half up. The seed's typos are corrected (未兑付金额,
地市赴县区或乡镇).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from fangfei.activities.models import Activity
from fangfei.auth import policy
from fangfei.auth.roles import Actor
from fangfei.cases.models import Case, CaseEvent, CaseMeasure, CasePlace
from fangfei.clock import LOCAL_ZONE
from fangfei.errors import not_found
from fangfei.leads import ledger
from fangfei.leads.models import Lead, Reward
from fangfei.leads.service import period_bounds
from fangfei.reference.models import Department, Jurisdiction
from fangfei.refunds.models import Participant, RefundPayment, RefundRound
from fangfei.reports import sheets
from fangfei.reports.case_tables import wan_yuan
from fangfei.reports.models import ReportPart

TITLE = "打击非法集资专项行动工作情况统计表"
UNIT = "填报单位"
# (group, column, sub-column): the three header rows; the first column names the unit.
LEAVES: tuple[tuple[str, str, str | None], ...] = (
    ("风险线索", "发现数量（件）", None),
    ("风险线索", "举报奖励（人次）", None),
    ("行政处置", "警示约谈（人次）", None),
    ("行政处置", "立案（件）", None),
    ("行政处置", "处罚（件）", None),
    ("行政处置", "警告（次数）", None),
    ("行政处置", "罚款（万元）", None),
    ("行政处置", "压降人数（人）", None),
    ("行政处置", "责令停产停业（家次）", None),
    ("行政处置", "吊销许可证、营业执照或注册登记证书（家）", None),
    ("行政处置", "移送公安（件）", None),
    ("刑事打击", "立案数量", "合计（件）"),
    ("刑事打击", "立案数量", "其中：跨省案件立案数量（件）"),
    ("刑事打击", "抓捕（人次）", None),
    ("刑事打击", "未兑付金额（万元）", None),
    ("刑事打击", "未兑付人数（人）", None),
    ("刑事打击", "移送起诉（件）", None),
    ("刑事打击", "判决数量（件）", None),
    ("刑事打击", "执行到位资金（万元）", None),
    ("刑事打击", "资金清退金额（万元）", None),
    ("刑事打击", "结案数量（件）", None),
    ("调研指导", "省级赴地市或县区（人次）", None),
    ("调研指导", "地市赴县区或乡镇（人次）", None),
    ("调研指导", "现场研判问题（个）", None),
    ("宣传教育", "线下宣传活动（场次）", None),
    ("宣传教育", "线上宣传点击量（次）", None),
    ("宣传教育", "宣传覆盖人数（人次）", None),
)
NOTES = (
    "备注：1. 本表统计打击非法集资专项行动期间辖区内的防非处非工作情况。",
    "2. 结案数量指打击非法集资专项行动期间办结的存量案件和新发案件数。",
    "3. 各地请于 6 月 30 日、12 月 27 日前向联席会议办公室报送本表（含 Excel 版及盖章扫描件）。",
    "4. 专项行动期间，请于每月的 28 日前登录国家平台处置非法集资协同联动系统填报更新行政处置、刑事打击的相关表格。",
    "5. 金额以万元计，保留两位小数（四舍五入）；未兑付金额、未兑付人数为期末在办刑事案件的当前数。",
)
PENALTIES = ("warning", "fine", "suspension", "revocation")
MONEY_COLUMNS = frozenset({6, 14, 18, 19})  # positions among LEAVES summed in yuan, shown in 万元


@dataclass(frozen=True)
class Period:
    """The days a table counts, and the same span in UTC for stored times."""

    first: date
    last: date

    @property
    def utc(self) -> tuple[datetime, datetime]:
        """[start, end) of the local days, as UTC times."""
        start = datetime.combine(self.first, time(), LOCAL_ZONE).astimezone(UTC)
        end = datetime.combine(self.last + timedelta(days=1), time(), LOCAL_ZONE).astimezone(UTC)
        return start, end


def period_of(text: str) -> Period:
    """The period 2025, 2025H1, 2025Q2 or 2025-06; anything else is refused."""
    ledger.check_period(text)
    return Period(*period_bounds(text))


# What a column counted: (jurisdiction id, record kind, record id, count or yuan) per record, so
# that a cell can list the records behind it. Kinds: lead, case, activity.
Hit = tuple[int, str, int, Any]
Counted = list[Hit]


def _grouped(
    db: Session, place: Any, value: Any, stmt: Select[Any], kind: str = "case", ref: Any = Case.id
) -> Counted:
    rows = db.execute(stmt.with_only_columns(place, ref, value).group_by(place, ref))
    return [(jid, kind, rid, amount) for jid, rid, amount in rows if jid is not None]


def _within(day: Any, p: Period) -> ColumnElement[bool]:
    return day.between(p.first, p.last)  # type: ignore[no-any-return]


def _case_events(
    db: Session, p: Period, track: str, actions: tuple[str, ...], value: Any
) -> Counted:
    stmt = (
        select(Case.id)
        .join(CaseEvent, CaseEvent.case_id == Case.id)
        .where(
            CaseEvent.track == track, CaseEvent.action.in_(actions), _within(CaseEvent.on_date, p)
        )
    )
    return _grouped(db, Case.jurisdiction_id, value, stmt)


def _measures(db: Session, p: Period, kinds: tuple[str, ...] | None, value: Any) -> Counted:
    """The measures of the period (of the given kinds; every kind when None)."""
    place = func.coalesce(CaseMeasure.jurisdiction_id, Case.jurisdiction_id)
    stmt = (
        select(CaseMeasure.id)
        .join(Case, Case.id == CaseMeasure.case_id)
        .where(CaseMeasure.voided_at.is_(None), _within(CaseMeasure.taken_on, p))
    )
    if kinds is not None:
        stmt = stmt.where(CaseMeasure.kind.in_(kinds))
    return _grouped(db, place, value, stmt)


def _activities(db: Session, p: Period, column: Any) -> Counted:
    stmt = select(Activity.id).where(
        Activity.voided_at.is_(None), _within(Activity.on_date, p), column > 0
    )
    return _grouped(db, Activity.jurisdiction_id, func.sum(column), stmt, "activity", Activity.id)


def _cases(db: Session, value: Any, *where: Any) -> Counted:
    return _grouped(db, Case.jurisdiction_id, value, select(Case.id).where(*where))


def _referrals(db: Session, p: Period) -> Counted:
    by_step = select(CaseEvent.case_id).where(
        CaseEvent.track == "criminal", CaseEvent.action == "refer", _within(CaseEvent.on_date, p)
    )
    by_measure = select(CaseMeasure.case_id).where(
        CaseMeasure.kind == "police_referral",
        CaseMeasure.voided_at.is_(None),
        _within(CaseMeasure.taken_on, p),
    )
    return _cases(db, func.count(), or_(Case.id.in_(by_step), Case.id.in_(by_measure)))


def _cross_province_filings(db: Session, p: Period) -> Counted:
    far = select(CasePlace.case_id).where(
        CasePlace.reach == "province", CasePlace.voided_at.is_(None)
    )
    return _cases(db, func.count(), _within(Case.filed_on, p), Case.id.in_(far))


def _unpaid(db: Session, p: Period, column: Any) -> Counted:
    open_then = or_(Case.closed_on.is_(None), Case.closed_on >= p.first)
    return _cases(db, func.sum(column), Case.filed_on <= p.last, open_then)


def _refunded(db: Session, p: Period) -> Counted:
    start, end = p.utc
    rounds = (
        select(RefundRound.id)
        .join(Case, Case.id == RefundRound.case_id)
        .join(RefundPayment, RefundPayment.round_id == RefundRound.id)
        .where(RefundRound.status == "approved", RefundRound.decided_at >= start,
               RefundRound.decided_at < end, RefundPayment.participant_id.is_not(None))
    )  # fmt: skip
    paid = [
        (jid, kind, rid, Decimal(fen).scaleb(-2))
        for jid, kind, rid, fen in _grouped(
            db, Case.jurisdiction_id, func.sum(RefundPayment.amount_fen), rounds
        )
    ]
    registered = select(Participant.case_id)
    stepped = select(CaseEvent.case_id).where(
        CaseEvent.track == "procedure", CaseEvent.action == "refund", _within(CaseEvent.on_date, p)
    )
    by_hand = _cases(
        db, func.sum(Case.refunded_yuan), Case.id.in_(stepped), Case.id.not_in(registered)
    )
    return paid + by_hand


def _counters(db: Session, p: Period) -> list[Callable[[], Counted]]:
    """One function per column of LEAVES, in order."""
    count = func.count()
    reward_place = select(Lead.jurisdiction_id).where(Lead.id == Reward.lead_id).scalar_subquery()
    administrative = or_(Case.path == "administrative", Case.administrative_first.is_(True))
    return [
        lambda: _grouped(db, Lead.jurisdiction_id, count,
                         select(Lead.id).where(_within(Lead.discovered_on, p)), "lead", Lead.id),
        lambda: _grouped(db, reward_place, count, select(Reward.id).where(
            Reward.status == "paid", _within(Reward.paid_on, p)), "lead", Reward.lead_id),
        lambda: _measures(db, p, ("warning_interview",), count),
        lambda: _cases(db, count, _within(Case.accepted_on, p), administrative),
        lambda: _measures(db, p, PENALTIES, count),
        lambda: _measures(db, p, ("warning",), count),
        lambda: _measures(db, p, ("fine",), func.sum(CaseMeasure.fine_yuan)),
        lambda: _measures(db, p, None, func.sum(CaseMeasure.people_reduced)),
        lambda: _measures(db, p, ("suspension",), count),
        lambda: _measures(db, p, ("revocation",), count),
        lambda: _referrals(db, p),
        lambda: _cases(db, count, _within(Case.filed_on, p)),
        lambda: _cross_province_filings(db, p),
        lambda: _case_events(db, p, "criminal", ("investigate",), func.sum(Case.arrests)),
        lambda: _unpaid(db, p, Case.unpaid_amount_yuan),
        lambda: _unpaid(db, p, Case.unpaid_people),
        lambda: _case_events(db, p, "criminal", ("prosecute",), count),
        lambda: _case_events(db, p, "criminal", ("enforce",), count),
        lambda: _case_events(db, p, "criminal", ("enforce", "close"), func.sum(CaseEvent.amount_yuan)),
        lambda: _refunded(db, p),
        lambda: _cases(db, count, _within(Case.closed_on, p)),
        lambda: _activities(db, p, Activity.provincial_visits),
        lambda: _activities(db, p, Activity.city_visits),
        lambda: _activities(db, p, Activity.issues_found),
        lambda: _activities(db, p, Activity.offline_events),
        lambda: _activities(db, p, Activity.online_clicks),
        lambda: _activities(db, p, Activity.reach_people),
    ]  # fmt: skip


# --- units ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """A reporting unit: a jurisdiction alone (本级) or with every place below it."""

    jurisdiction: Jurisdiction
    own_level: bool  # 本级: only the jurisdiction itself, not the places below


def units(db: Session, actor: Actor) -> list[Unit]:
    """本级 and each place directly below the actor's jurisdiction (the system: the top one)."""
    top = db.get(Jurisdiction, actor.jurisdiction_id) if actor.jurisdiction_id else None
    if top is None:
        top = db.scalars(
            select(Jurisdiction).where(Jurisdiction.parent_id.is_(None)).order_by(Jurisdiction.id)
        ).first()
    if top is None:
        return []
    below = db.scalars(
        select(Jurisdiction).where(Jurisdiction.parent_id == top.id).order_by(Jurisdiction.code)
    )
    return [Unit(top, True), *(Unit(j, False) for j in below)]


def _unit_of(paths: dict[int, str], table: list[Unit]) -> Callable[[int], int | None]:
    """The position in ``table`` of the unit a jurisdiction's records belong to, if any."""

    def find(jid: int) -> int | None:
        path = paths.get(jid)
        if path is None:
            return None
        for position, unit in enumerate(table):
            if unit.own_level and jid == unit.jurisdiction.id:
                return position
            if not unit.own_level and path.startswith(unit.jurisdiction.path):
                return position
        return None

    return find


Record = tuple[str, int, Any]  # record kind, record id, what it adds to the cell


@dataclass(frozen=True)
class Table:
    """Attachment 1: its units' rows and the total, each a list of cells after the unit name,
    and for every cell the records counted in it (by unit position and column; the total row
    is position ``len(rows)``)."""

    period: Period
    rows: list[tuple[str, list[Any]]]
    total: list[Any]
    records: dict[tuple[int, int], list[Record]]


def _cell(index: int, value: Any) -> Any:
    if index in MONEY_COLUMNS:
        return wan_yuan(Decimal(value or 0))
    return int(value or 0)


ColumnHit = tuple[int, int, str, int, Any]  # column, then a Hit


def counted(db: Session, p: Period) -> list[ColumnHit]:
    """Every record counted in the period, with the column it counts in (every place)."""
    return [(column, *hit) for column, counter in enumerate(_counters(db, p)) for hit in counter()]


def reported_changes(db: Session, parent_id: int, period: str) -> list[ColumnHit]:
    """What the submitted parts of the units reporting to ``parent_id`` report otherwise than
    their count at submission (reported − counted, money in yuan), as hits of kind ``part``."""
    parts = db.scalars(
        select(ReportPart).where(
            ReportPart.table == "a1", ReportPart.period == period,
            ReportPart.parent_jurisdiction_id == parent_id, ReportPart.status == "submitted",
        ).order_by(ReportPart.id)
    )  # fmt: skip
    found = []
    for part in parts:
        for key, change in part.changes.items():
            column = int(key)
            delta = Decimal(change["reported"]) - Decimal((part.prefill or [])[column])
            if column in MONEY_COLUMNS:
                delta = delta.scaleb(4)
            found.append((column, part.jurisdiction_id, "part", part.id, delta))
    return found


def sums(values: Iterable[tuple[int, Any]]) -> list[Any]:
    """The cells of one row from what each record adds to a column."""
    totals = [Decimal(0)] * len(LEAVES)
    for column, value in values:
        totals[column] += Decimal(value or 0)
    return [_cell(column, total) for column, total in enumerate(totals)]


def jurisdiction_paths(db: Session) -> dict[int, str]:
    """Every jurisdiction's path, to place records in units."""
    return {jid: path for jid, path in db.execute(select(Jurisdiction.id, Jurisdiction.path))}


def build(db: Session, *, actor: Actor, period: str) -> Table:
    """Count every column for every unit of the actor's jurisdiction in the period, with what
    the units' submitted parts report otherwise."""
    policy.ensure(db, actor, "ledger.view")
    p = period_of(period)
    table = units(db, actor)
    hits = counted(db, p)
    if table:
        hits += reported_changes(db, table[0].jurisdiction.id, period)
    find = _unit_of(jurisdiction_paths(db), table)
    records: dict[tuple[int, int], list[Record]] = {}
    for column, jid, kind, ref, value in hits:
        found = find(jid)
        if found is None or not value:
            continue
        for position in (found, len(table)):
            records.setdefault((position, column), []).append((kind, ref, value))
    totals = [
        sums((c, r[2]) for (at, c), placed in records.items() if at == n for r in placed)
        for n in range(len(table) + 1)
    ]
    rows = [(_unit_name(unit), totals[n]) for n, unit in enumerate(table)]
    return Table(p, rows, totals[len(table)], records)


def cell_records(db: Session, table: Table, position: int, column: int) -> list[dict[str, Any]]:
    """The records counted in one cell, each with its link, its name and what it added."""
    if not (0 <= position <= len(table.rows) and 0 <= column < len(LEAVES)):
        raise not_found("附件 1 的单元格", f"{position},{column}")
    found = []
    for kind, ref, value in sorted(
        table.records.get((position, column), []), key=lambda r: (r[0], r[1])
    ):
        if kind == "lead":
            lead = db.get(Lead, ref)
            label, href = (
                (f"{lead.number} {lead.subject_name}" if lead else str(ref)),
                f"/leads/{ref}",
            )
        elif kind == "case":
            case = db.get(Case, ref)
            label, href = (f"{case.number} {case.name}" if case else str(ref)), f"/cases/{ref}"
        elif kind == "part":
            part = db.get(ReportPart, ref)
            label = f"{part_unit_name(db, part)}填报调整" if part else str(ref)
            href = f"/reports/parts/{ref}"
        else:
            activity = db.get(Activity, ref)
            label, href = (
                (f"{activity.on_date} {activity.title}" if activity else str(ref)),
                "/activities",
            )
        shown = f"{Decimal(value):,.2f} 元" if column in MONEY_COLUMNS else value
        found.append({"kind": kind, "id": ref, "label": label, "href": href, "value": shown})
    return found


def part_unit_name(db: Session, part: ReportPart) -> str:
    """The department or place a part is from."""
    if part.department_id is not None:
        department = db.get(Department, part.department_id)
        return department.name if department else str(part.department_id)
    place = db.get(Jurisdiction, part.jurisdiction_id)
    return place.name if place else str(part.jurisdiction_id)


def _unit_name(unit: Unit) -> str:
    return f"{unit.jurisdiction.name}（本级）" if unit.own_level else unit.jurisdiction.name


def workbook(table: Table) -> bytes:
    """Attachment 1 as an Excel file in the official layout: three header rows, notes under."""
    book, sheet = sheets.new_sheet("附件1")
    title = f"{TITLE}（{table.period.first.isoformat()} 至 {table.period.last.isoformat()}）"
    row = sheets.grouped_frame(sheet, title, UNIT, LEAVES) + 1
    for name, values in table.rows:
        sheets.put_row(sheet, row, [name, *values, ""])
        row += 1
    sheets.put_row(sheet, row, ["合计", *table.total, ""])
    sheets.put_lines(sheet, row + 2, NOTES)
    return sheets.to_bytes(book)


def current_half(today: date) -> str:
    """The half-year a table is due at the end of (06-30, 12-27): 2026H1 or 2026H2."""
    return f"{today.year}H{1 if today.month <= 6 else 2}"


def as_json(table: Table) -> dict[str, Any]:
    """The table for the API: the leaves as column names, amounts as strings."""

    def plain(values: list[Any]) -> list[Any]:
        return [str(v) if isinstance(v, Decimal) else v for v in values]

    return {
        "title": TITLE, "first": table.period.first, "last": table.period.last,
        "columns": [leaf_name(column) for column in range(len(LEAVES))],
        "rows": [{"unit": name, "values": plain(values)} for name, values in table.rows],
        "total": plain(table.total),
    }  # fmt: skip


def cell_title(table: Table, position: int, column: int) -> str:
    """The unit and the column a cell stands for, in words."""
    unit = table.rows[position][0] if position < len(table.rows) else "合计"
    return f"{unit} · {leaf_name(column)}"


def leaf_name(column: int) -> str:
    """A column's header parts joined: 刑事打击 / 立案数量 / 合计（件）."""
    return " / ".join(part for part in LEAVES[column] if part)
