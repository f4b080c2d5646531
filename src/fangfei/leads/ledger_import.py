"""Importing an existing ledger (Attachment 2 or 6, told apart by its headers), all or nothing.

The header row is the row whose first cell is 序号; headers are compared without spaces, line
breaks or the width of brackets, and the seed's typo 涉及全额 is read as 涉及金额. Attachment 2's
domain header rows (（1）… to （6）…) set the domain of the rows under them when a row leaves its
own 所属行业领域 empty; a domain is given as its full official name, its number (1–6) or the start
of its name. Notes (备注：…) end the table. Every problem is collected with its row and column;
one problem and nothing is written.

Imported leads carry no informant. Their channel is chosen by the source (联席会议交办 → 上级交办,
自主摸排发现 → 扫楼清街, 群众举报 → 电话); their status is 已办结 with a 结案时间, 已研判 with a
judgement, and 已登记 otherwise; the subject's place is the jurisdiction given to the import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangfei.audit import service as audit
from fangfei.auth import policy
from fangfei.auth.roles import Actor
from fangfei.clock import local_today
from fangfei.db import utcnow
from fangfei.entities.models import ImportBatch
from fangfei.errors import FieldProblem, invalid
from fangfei.leads import ledger
from fangfei.leads.intake import next_number
from fangfei.leads.matching import subject_key
from fangfei.leads.models import Lead, LeadEvent
from fangfei.reference import service as reference
from fangfei.tables import cell_text, detect_format, file_sha256, is_blank, open_rows

CHANNEL_BY_SOURCE = {
    "joint_meeting": "assigned_from_above",
    "self_discovered": "sweep",
    "public_report": "phone",
}
_NOISE = re.compile(r"[\s　]+")
_MONTH = re.compile(r"^(\d{4})\s*(?:年|[-./])\s*(\d{1,2})\s*(?:月|[-./]\s*\d{1,2}\s*日?)?$")
_GROUP = re.compile(r"^[（(]?([1-6])[）)]")
MAX_PROBLEMS = 200


def _header(text: str) -> str:
    folded = _NOISE.sub("", text).replace("(", "（").replace(")", "）").replace(",", "、")
    return folded.replace("涉及全额", "涉及金额")


LAYOUTS = {
    "a2": [_header(c) for c in ledger.A2_COLUMNS],
    "a6": [_header(c) for c in ledger.A6_COLUMNS],
}


@dataclass
class _Reading:
    """What the rows said so far: parsed leads and problems."""

    layout: str = ""
    columns: list[str] = field(default_factory=list)
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    problems: list[FieldProblem] = field(default_factory=list)
    group: str | None = None
    ended: bool = False  # the notes under the table have begun


def _layout_of(headers: list[str], row: int) -> tuple[str, list[FieldProblem]]:
    layout = "a2" if "风险主体名称" in headers else "a6" if "排查对象" in headers else ""
    if not layout:
        return "", [
            FieldProblem(
                "表头", "既不是附件 2（风险主体名称…）也不是附件 6（排查对象…）的表头", row
            )
        ]
    expected = LAYOUTS[layout]
    missing = [c for c in expected if c not in headers]
    unknown = [h for h in headers if h and h not in expected]
    problems = [FieldProblem(c, "缺少此列", row) for c in missing]
    problems += [FieldProblem(h, "不是本表的列", row) for h in unknown]
    return layout, problems


def _month(text: str) -> date:
    match = _MONTH.match(text)
    if match is None or not 1 <= int(match[2]) <= 12:
        raise ValueError("须为“2025年6月”或“2025-06”")
    return date(int(match[1]), int(match[2]), 1)


def _choice(text: str, names: dict[str, str], what: str) -> str:
    for code, name in names.items():
        if text == name:
            return code
    raise ValueError(f"“{text}”不是有效的{what}")


def _domain(text: str, domains: list[tuple[str, str]]) -> str:
    if text.isdigit() and 1 <= int(text) <= len(domains):
        return domains[int(text) - 1][0]
    found = [code for code, name in domains if name == text or name.startswith(text)]
    if len(found) != 1:
        raise ValueError(f"“{text}”不是唯一的行业领域（可填全称、序号 1–6 或名称开头）")
    return found[0]


def _yes_no(text: str) -> bool | None:
    if text in ("", "—", "-"):
        return None
    if text in ("是", "否"):
        return text == "是"
    raise ValueError("须填“是”或“否”")


def _wan(text: str) -> Decimal | None:
    if not text:
        return None
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise ValueError("须为数字（万元）") from None
    if value < 0 or not value.is_finite():
        raise ValueError("不能为负数")
    return (value * ledger.TEN_THOUSAND).quantize(ledger.CENT)


def _count(text: str) -> int | None:
    if not text:
        return None
    if not text.isdigit():
        raise ValueError("须为不小于 0 的整数")
    return int(text)


@dataclass(frozen=True)
class _Lookups:
    domains: list[tuple[str, str]]
    sources: dict[str, str]
    regulators: dict[str, str]
    paths: dict[str, str]


def _regulator(text: str, names: dict[str, str]) -> tuple[str | None, str | None]:
    if not text:
        return None, None
    state = "planned" if "拟提交" in text else "submitted"
    bare = re.sub(r"[（(](已提交|拟提交|提交)[）)]$", "", text)
    return _choice(bare, names, "金融管理部门类别"), state


def _a2_fields(cells: dict[str, str], look: _Lookups, group: str | None) -> dict[str, Any]:
    """The lead columns of one Attachment 2 row; ValueError names the column through its key."""
    parsers: list[tuple[str, Any]] = [
        ("发现时间（年月）", lambda t: ("discovered_on", _month(t))),
        ("线索来源", lambda t: ("source", _choice(t, look.sources, "线索来源"))),
        ("是否具备规范条件", lambda t: ("meets_standard_conditions", _yes_no(t))),
        ("是否属于非法集资", lambda t: ("is_illegal_fundraising", _yes_no(t))),
        ("拟采取/已采取处置路径（行政/刑事）",
         lambda t: ("disposal_path", _choice(t, look.paths, "处置路径") if t else None)),
        ("立案时间（年月）", lambda t: ("filed_on", _month(t) if t else None)),
        ("结案时间（年月）", lambda t: ("case_closed_on", _month(t) if t else None)),
        ("涉及金额（万元）", lambda t: ("amount_yuan", _wan(t))),
        ("涉及人数（人）", lambda t: ("people_count", _count(t))),
        ("未兑付金额（万元）", lambda t: ("unpaid_amount_yuan", _wan(t))),
        ("未兑付人数（人）", lambda t: ("unpaid_people", _count(t))),
    ]  # fmt: skip
    values = _parsed(cells, parsers)
    regulator, state = _column(cells, "提交有关金融管理部门依法审批、备案等情况（含提交、拟提交）",
                               lambda t: _regulator(t, look.regulators))  # fmt: skip
    domain_text = cells.get("所属行业领域", "")
    domain = (
        _column(cells, "所属行业领域", lambda t: _domain(t, look.domains)) if domain_text else group
    )
    if domain is None:
        raise _ColumnError("所属行业领域", "未填写，且不在任何行业领域分组下")
    return {**values, "regulator": regulator, "regulator_state": state, "domain": domain,
            "subject_name": cells.get("风险主体名称", ""), "remarks": cells.get("备注") or None}  # fmt: skip


class _ColumnError(ValueError):
    """A cell that cannot be read, with its column."""

    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column = column


def _column(cells: dict[str, str], column: str, parse: Any) -> Any:
    try:
        return parse(cells.get(column, ""))
    except _ColumnError:
        raise
    except ValueError as exc:
        raise _ColumnError(column, str(exc)) from None


def _parsed(cells: dict[str, str], parsers: list[tuple[str, Any]]) -> dict[str, Any]:
    errors, values = [], {}
    for column, parse in parsers:
        try:
            key, value = _column(cells, column, parse)
            values[key] = value
        except _ColumnError as exc:
            errors.append(exc)
    if errors:
        raise _Many(errors)
    return values


class _Many(ValueError):
    """Several unreadable cells of one row."""

    def __init__(self, errors: list[_ColumnError]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


def _a6_fields(cells: dict[str, str], look: _Lookups) -> dict[str, Any]:
    domain = _column(cells, "所属行业", lambda t: _domain(t, look.domains))
    findings = cells.get("风险排查情况（存在的问题）", "")
    return {"subject_name": cells.get("排查对象", ""), "domain": domain, "findings": findings or None,
            "disposal_summary": cells.get("处置情况") or None, "remarks": cells.get("备注") or None,
            "source": "self_discovered"}  # fmt: skip


def _row_problems(exc: ValueError, row: int) -> list[FieldProblem]:
    errors = exc.errors if isinstance(exc, _Many) else [exc]
    return [FieldProblem(getattr(e, "column", "行"), str(e), row) for e in errors]


def _group_domain(filled: list[str], look: _Lookups) -> str | None:
    """The domain a group header row names: by its number, or by the start of its name."""
    for text in filled:
        if numbered := _GROUP.match(text):
            return look.domains[int(numbered[1]) - 1][0]
        if "涉非" in text:
            head = re.sub(r"[、，,\s]", "", text)[:4]
            found = [
                code
                for code, name in look.domains
                if re.sub(r"[、，,\s]", "", name).startswith(head)
            ]
            if len(found) == 1:
                return found[0]
    return None


def _read_row(reading: _Reading, cells: list[str], row: int, look: _Lookups) -> None:
    first = cells[0] if cells else ""
    if first.startswith("备注"):
        reading.ended = True
        return
    filled = [c for c in cells if c]
    if reading.layout == "a2" and len(filled) <= 2 and (domain := _group_domain(filled, look)):
        reading.group = domain
        return
    if first in ("……", "...") or not any(cells[1:]):
        return
    values = dict(zip(reading.columns, cells, strict=False))
    try:
        parsed = (
            _a2_fields(values, look, reading.group)
            if reading.layout == "a2"
            else _a6_fields(values, look)
        )
        if not parsed["subject_name"]:
            raise _ColumnError("风险主体名称" if reading.layout == "a2" else "排查对象", "不能为空")
        reading.rows.append((row, parsed))
    except ValueError as exc:
        reading.problems += _row_problems(exc, row)


def _lookups(db: Session) -> _Lookups:
    domains = [(i.code, i.name) for i in reference.items(db, "industry_domain")]
    return _Lookups(domains, reference.names(db, "lead_source"), reference.names(db, "regulator"),
                    reference.names(db, "disposal_path"))  # fmt: skip


def read_ledger(db: Session, path: Path) -> _Reading:
    """Every row of the file parsed, or the problems of every row that cannot be."""
    reading, look = _Reading(), _lookups(db)
    with open_rows(path, detect_format(path)) as rows:
        for number, raw in enumerate(rows, start=1):
            cells = [cell_text(c) for c in raw]
            if reading.ended or is_blank(cells):
                continue
            if not reading.layout:
                if cells and _header(cells[0]) == "序号":
                    headers = [_header(c) for c in cells]
                    reading.layout, problems = _layout_of(headers, number)
                    reading.columns = [_display(h, reading.layout) for h in headers]
                    reading.problems += problems
                    if problems:
                        return reading
                continue
            _read_row(reading, cells, number, look)
    return reading


def _display(header: str, layout: str) -> str:
    """The official column name of a folded header (headers are matched folded)."""
    columns = ledger.A2_COLUMNS if layout == "a2" else ledger.A6_COLUMNS
    return next((c for c in columns if _header(c) == header), header)


def _duplicates(db: Session, reading: _Reading, on: date) -> list[FieldProblem]:
    seen: dict[tuple[str, str, date], int] = {}
    problems = []
    column = "风险主体名称" if reading.layout == "a2" else "排查对象"
    for row, values in reading.rows:
        key = (
            subject_key(values["subject_name"]),
            values["domain"],
            values.get("discovered_on", on),
        )
        exists = db.scalar(select(Lead.number).where(
            Lead.subject_key == key[0], Lead.domain == key[1], Lead.discovered_on == key[2]))  # fmt: skip
        if key in seen:
            problems.append(FieldProblem(column, f"与第 {seen[key]} 行重复", row))
        elif exists:
            problems.append(FieldProblem(column, f"已登记为线索 {exists}", row))
        seen.setdefault(key, row)
    return problems


@dataclass(frozen=True)
class LedgerImport:
    """What an import wrote."""

    layout: str
    imported: int
    batch_id: int


def _status(values: dict[str, Any]) -> str:
    if values.get("case_closed_on"):
        return "closed"
    judged = values.get("is_illegal_fundraising") is not None or values.get("disposal_path")
    return "judged" if judged or values.get("disposal_summary") else "registered"


def _lead(
    values: dict[str, Any], number: str, jurisdiction_id: int, actor: Actor, on: date
) -> Lead:
    status, name = _status(values), values["subject_name"]
    return Lead(
        **{k: v for k, v in values.items() if k not in ("subject_name", "discovered_on")},
        number=number, channel=CHANNEL_BY_SOURCE[values["source"]], subject_name=name,
        subject_key=subject_key(name), jurisdiction_id=jurisdiction_id,
        description=values.get("findings") or "由台账导入", status=status,
        discovered_on=values.get("discovered_on", on), created_by_user_id=actor.user_id,
        created_by_name=actor.label, judged_at=utcnow() if status != "registered" else None,
    )  # fmt: skip


def import_ledger(
    db: Session, *, actor: Actor, path: Path, jurisdiction_id: int, on: date | None = None
) -> LedgerImport:
    """Check the whole file, then write every row as a lead in the caller's transaction."""
    policy.ensure(db, actor, "ledger.import")
    policy.ensure_jurisdiction(db, actor, jurisdiction_id)
    on = on or local_today()
    reading = read_ledger(db, path)
    if not reading.layout and not reading.problems:
        raise invalid(
            "没有找到台账的表头行（第一列为“序号”的行）。", [FieldProblem("表头", "未找到")]
        )
    problems = reading.problems or _duplicates(db, reading, on)
    if not problems and not reading.rows:
        problems = [FieldProblem("文件", "表中没有任何线索行")]
    if problems:
        raise invalid(f"台账有 {len(problems)} 处问题，未导入任何一行。", problems[:MAX_PROBLEMS])
    batch = ImportBatch(kind=f"ledger_{reading.layout}", filename=path.name[:255],
                        sha256=file_sha256(path), row_count=len(reading.rows), actor_name=actor.label)  # fmt: skip
    db.add(batch)
    db.flush()
    for _, values in reading.rows:
        day = values.get("discovered_on", on)
        lead = _lead(values, next_number(db, day.year), jurisdiction_id, actor, on)
        lead.import_batch_id = batch.id
        db.add(lead)
        db.flush()
        db.add(LeadEvent(lead_id=lead.id, actor_name=actor.label, action="import",
                         comment=f"由台账 {batch.filename} 导入"))  # fmt: skip
    audit.record(db, actor=actor, action="lead.import", object_type="import_batch",
                 object_id=batch.id, detail={"layout": reading.layout, "rows": len(reading.rows),
                                             "sha256": batch.sha256})  # fmt: skip
    return LedgerImport(reading.layout, len(reading.rows), batch.id)
