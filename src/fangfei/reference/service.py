"""Reference data: syncing the shipped files, administrator edits, jurisdictions and the LPR."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangfei.audit import service as audit
from fangfei.auth.roles import Actor
from fangfei.errors import FieldProblem, conflict, invalid, not_found
from fangfei.reference import files
from fangfei.reference.models import Department, Jurisdiction, LprRate, RefItem

JURISDICTION_LEVELS = {
    "province": "省",
    "city": "市州",
    "county": "县区",
    "township": "乡镇（街道）",
}


def _shipped_items() -> list[tuple[str, int, dict[str, Any], int]]:
    categories = files.load("categories.yaml")
    rows = [
        (kind, categories["version"], item, position)
        for kind, spec in categories["kinds"].items()
        for position, item in enumerate(spec["items"])
    ]
    departments = files.load("departments.yaml")
    rows += [
        (
            "focus_area",
            departments["version"],
            {**item, "extra": {"department": item["department"]}},
            i,
        )
        for i, item in enumerate(departments["focus_areas"])
    ]
    return rows


def _sync_items(db: Session) -> int:
    existing = {(r.kind, r.code): r for r in db.scalars(select(RefItem))}
    changed = 0
    for kind, version, item, position in _shipped_items():
        row = existing.get((kind, item["code"]))
        if row is None:
            db.add(
                RefItem(
                    kind=kind,
                    code=item["code"],
                    name=item["name"],
                    position=position,
                    extra=item.get("extra", {}),
                    source_version=version,
                    active=True,
                )
            )
            changed += 1
        elif not row.edited and (row.source_version or 0) < version:
            row.name, row.position, row.extra = item["name"], position, item.get("extra", {})
            row.source_version = version
            changed += 1
    return changed


def _sync_departments(db: Session) -> int:
    data = files.load("departments.yaml")
    existing = {d.code: d for d in db.scalars(select(Department))}
    wanted = [(data["lead_office"], True)] + [(d, False) for d in data["departments"]]
    changed = 0
    for position, (item, is_lead) in enumerate(wanted):
        if item["code"] not in existing:
            db.add(
                Department(
                    code=item["code"],
                    name=item["name"],
                    is_lead_office=is_lead,
                    position=position,
                    active=True,
                )
            )
            changed += 1
    return changed


def _sync_lpr(db: Session) -> int:
    data = files.load("lpr.yaml")
    known = set(db.scalars(select(LprRate.effective_date)))
    new = [r for r in data["rates"] if r["from"] not in known]
    for rate in new:
        db.add(
            LprRate(
                effective_date=rate["from"],
                one_year_pct=Decimal(rate["pct"]),
                source_version=data["version"],
            )
        )
    return len(new)


def sync_shipped(db: Session, *, actor: Actor) -> dict[str, int]:
    """Bring the shipped reference files into the database; administrator edits are kept."""
    counts = {"items": _sync_items(db), "departments": _sync_departments(db), "lpr": _sync_lpr(db)}
    if any(counts.values()):
        db.flush()
        audit.record(
            db,
            actor=actor,
            action="reference.sync",
            object_type="reference",
            object_id="shipped",
            detail=counts,
        )
    return counts


def items(db: Session, kind: str, *, active_only: bool = False) -> list[RefItem]:
    """The entries of one enumeration, in official order."""
    stmt = select(RefItem).where(RefItem.kind == kind).order_by(RefItem.position, RefItem.id)
    if active_only:
        stmt = stmt.where(RefItem.active.is_(True))
    return list(db.scalars(stmt))


def names(db: Session, kind: str) -> dict[str, str]:
    """code → Chinese name of one enumeration."""
    return {item.code: item.name for item in items(db, kind)}


def get_item_or_raise(db: Session, item_id: int) -> RefItem:
    """One entry by id."""
    item = db.get(RefItem, item_id)
    if item is None:
        raise not_found("基础数据条目", item_id)
    return item


def _parsed_extra(extra_json: str) -> dict[str, Any]:
    """The extra attributes typed by an administrator: a JSON object, or nothing."""
    if not extra_json.strip():
        return {}
    try:
        value = json.loads(extra_json)
    except json.JSONDecodeError as exc:
        raise invalid(
            "附加属性格式有误。", [FieldProblem("extra", f"不是有效的 JSON：{exc.msg}")]
        ) from None
    if not isinstance(value, dict):
        raise invalid(
            "附加属性格式有误。",
            [FieldProblem("extra", '须为 JSON 对象，如 {"department": "finance"}')],
        )
    return value


def update_item(
    db: Session,
    *,
    actor: Actor,
    item_id: int,
    name: str,
    active: bool,
    position: int | None = None,
    extra_json: str | None = None,
) -> RefItem:
    """Rename, reorder, (de)activate an entry or change its extra attributes (such as the
    department a domain is routed to, or a reward band's amount); file versions keep away from it."""
    item = get_item_or_raise(db, item_id)
    name = name.strip()
    if not name:
        raise invalid("名称不能为空。", [FieldProblem("name", "不能为空")])
    extra = _parsed_extra(extra_json) if extra_json is not None else item.extra
    before = {
        "name": item.name,
        "active": item.active,
        "position": item.position,
        "extra": item.extra,
    }
    item.name, item.active, item.edited, item.extra = name, active, True, extra
    if position is not None:
        item.position = position
    after = {"name": item.name, "active": item.active, "position": item.position, "extra": extra}
    audit.record(
        db,
        actor=actor,
        action="reference.update",
        object_type="ref_item",
        object_id=item.id,
        detail={"kind": item.kind, "code": item.code, "before": before, "after": after},
    )
    return item


def create_item(
    db: Session,
    *,
    actor: Actor,
    kind: str,
    code: str,
    name: str,
    extra: dict[str, Any] | None = None,
) -> RefItem:
    """Add an entry to an enumeration."""
    if kind not in files.kind_labels():
        raise invalid(f"未知的基础数据类别：{kind}", [FieldProblem("kind", "未知类别")])
    code, name = code.strip(), name.strip()
    problems = [FieldProblem(f, "不能为空") for f, v in (("code", code), ("name", name)) if not v]
    if problems:
        raise invalid("代码和名称都必须填写。", problems)
    if db.scalar(select(RefItem.id).where(RefItem.kind == kind, RefItem.code == code)):
        raise conflict(f"类别“{kind}”中已有代码为“{code}”的条目。")
    position = len(items(db, kind))
    item = RefItem(
        kind=kind,
        code=code,
        name=name,
        position=position,
        extra=extra or {},
        source_version=None,
        edited=True,
        active=True,
    )
    db.add(item)
    db.flush()
    audit.record(
        db,
        actor=actor,
        action="reference.create",
        object_type="ref_item",
        object_id=item.id,
        detail={"kind": kind, "code": code, "name": name},
    )
    return item


def lpr_rates(db: Session) -> list[LprRate]:
    """The LPR table, newest first."""
    return list(db.scalars(select(LprRate).order_by(LprRate.effective_date.desc())))


def lpr_on(db: Session, day: date) -> Decimal | None:
    """The one-year LPR in force on ``day``; None before the first published rate (2019-08-20)."""
    return db.scalar(
        select(LprRate.one_year_pct)
        .where(LprRate.effective_date <= day)
        .order_by(LprRate.effective_date.desc())
        .limit(1)
    )


def add_lpr(db: Session, *, actor: Actor, effective_date: date, pct: Decimal) -> LprRate:
    """Record a newly published one-year LPR."""
    if not Decimal("0") < pct < Decimal("100"):
        raise invalid("利率须在 0 到 100 之间（百分比）。", [FieldProblem("pct", "超出范围")])
    if db.scalar(select(LprRate.id).where(LprRate.effective_date == effective_date)):
        raise conflict(f"{effective_date.isoformat()} 的 LPR 已经登记。")
    rate = LprRate(effective_date=effective_date, one_year_pct=pct, source_version=None)
    db.add(rate)
    db.flush()
    audit.record(
        db,
        actor=actor,
        action="reference.lpr_add",
        object_type="lpr_rate",
        object_id=rate.id,
        detail={"from": effective_date, "pct": pct},
    )
    return rate


def departments(db: Session) -> list[Department]:
    """The lead office and the member departments, in official order."""
    return list(db.scalars(select(Department).order_by(Department.position)))


def department_by_code(db: Session, code: str) -> Department:
    """A department by its code."""
    dept = db.scalar(select(Department).where(Department.code == code))
    if dept is None:
        raise not_found("成员单位", code)
    return dept


def jurisdiction_by_code(db: Session, code: str) -> Jurisdiction:
    """A jurisdiction by its code."""
    found = db.scalar(select(Jurisdiction).where(Jurisdiction.code == code))
    if found is None:
        raise not_found("辖区", code)
    return found


def jurisdictions(db: Session, *, under_path: str | None = None) -> list[Jurisdiction]:
    """Jurisdictions in tree order, optionally only those below a path."""
    stmt = select(Jurisdiction).order_by(Jurisdiction.path)
    if under_path is not None:
        stmt = stmt.where(Jurisdiction.path.startswith(under_path))
    return list(db.scalars(stmt))


def add_jurisdiction(
    db: Session, *, actor: Actor, code: str, name: str, level: str, parent_code: str | None = None
) -> Jurisdiction:
    """Add a county, township or other jurisdiction under its parent."""
    if level not in JURISDICTION_LEVELS:
        raise invalid(
            f"未知的辖区层级：{level}",
            [FieldProblem("level", "须为 " + "/".join(JURISDICTION_LEVELS))],
        )
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise invalid(
            "辖区代码和名称都必须填写。", [FieldProblem("code" if not code else "name", "不能为空")]
        )
    if db.scalar(select(Jurisdiction.id).where(Jurisdiction.code == code)):
        raise conflict(f"辖区代码“{code}”已存在。")
    parent = jurisdiction_by_code(db, parent_code) if parent_code else None
    place = Jurisdiction(
        code=code,
        name=name,
        level=level,
        parent_id=parent.id if parent else None,
        path="",
        active=True,
    )
    db.add(place)
    db.flush()
    place.path = f"{parent.path if parent else '/'}{place.id}/"
    audit.record(
        db,
        actor=actor,
        action="jurisdiction.create",
        object_type="jurisdiction",
        object_id=place.id,
        detail={"code": code, "name": name, "level": level, "parent": parent_code},
    )
    return place
