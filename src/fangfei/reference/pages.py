"""Pages: reference data administration (enumerations, LPR, jurisdictions, departments)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from fangfei.auth import policy
from fangfei.deps import ActorDep, SessionDep
from fangfei.errors import FieldProblem, invalid, not_found
from fangfei.reference import files, service
from fangfei.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/admin/reference")
def reference_page(
    request: Request, db: SessionDep, actor: ActorDep, kind: str = "industry_domain"
) -> Response:
    """One enumeration with its entries, the LPR table, jurisdictions and departments."""
    policy.ensure(db, actor, "reference.view")
    labels = files.kind_labels()
    if kind not in labels:
        raise not_found("基础数据类别", kind)
    context = {
        "kinds": labels,
        "kind": kind,
        "items": service.items(db, kind),
        "lpr": service.lpr_rates(db),
        "jurisdictions": service.jurisdictions(db, under_path=actor.jurisdiction_path),
        "departments": service.departments(db),
        "levels": service.JURISDICTION_LEVELS,
    }
    return render(request, "admin/reference.html", context, actor=actor)


@router.post("/admin/reference/items/{item_id}")
def update_item(
    item_id: int,
    db: SessionDep,
    actor: ActorDep,
    name: Annotated[str, Form()],
    active: Annotated[bool, Form()] = False,
    extra: Annotated[str | None, Form()] = None,
) -> Response:
    """Save an edited entry (its extra attributes given as a JSON object)."""
    policy.ensure(db, actor, "reference.manage")
    item = service.update_item(
        db, actor=actor, item_id=item_id, name=name, active=active, extra_json=extra
    )
    return RedirectResponse(f"/admin/reference?kind={item.kind}", status_code=303)


@router.post("/admin/reference/{kind}")
def create_item(
    kind: str,
    db: SessionDep,
    actor: ActorDep,
    code: Annotated[str, Form()],
    name: Annotated[str, Form()],
) -> Response:
    """Add an entry to an enumeration."""
    policy.ensure(db, actor, "reference.manage")
    service.create_item(db, actor=actor, kind=kind, code=code, name=name)
    return RedirectResponse(f"/admin/reference?kind={kind}", status_code=303)


@router.post("/admin/lpr")
def add_lpr(
    db: SessionDep,
    actor: ActorDep,
    effective_date: Annotated[str, Form()],
    pct: Annotated[str, Form()],
) -> Response:
    """Record a newly published one-year LPR."""
    policy.ensure(db, actor, "reference.manage")
    try:
        day, rate = date.fromisoformat(effective_date), Decimal(pct)
    except (ValueError, InvalidOperation) as exc:
        raise invalid(
            "日期须为 YYYY-MM-DD，利率须为数字（如 3.00）。",
            [FieldProblem("effective_date/pct", "格式有误")],
        ) from exc
    service.add_lpr(db, actor=actor, effective_date=day, pct=rate)
    return RedirectResponse("/admin/reference", status_code=303)


@router.post("/admin/jurisdictions")
def add_jurisdiction(
    db: SessionDep,
    actor: ActorDep,
    code: Annotated[str, Form()],
    name: Annotated[str, Form()],
    parent_id: Annotated[int, Form()],
) -> Response:
    """Add a township (or other jurisdiction) under one within the actor's scope."""
    policy.ensure(db, actor, "reference.manage")
    policy.ensure_jurisdiction(db, actor, parent_id)
    parent = next(j for j in service.jurisdictions(db) if j.id == parent_id)
    level = "township" if parent.level == "county" else "county"
    service.add_jurisdiction(
        db, actor=actor, code=code, name=name, level=level, parent_code=parent.code
    )
    return RedirectResponse("/admin/reference", status_code=303)
