"""Rendering pages: the Jinja2 environment, the page context and htmx partials."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from fangfei.audit.labels import action_label
from fangfei.auth import policy
from fangfei.auth.roles import ROLE_LABELS, Actor
from fangfei.clock import local_time
from fangfei.deps import CSRF_FIELD, csrf_token
from fangfei.errors import FangfeiError
from fangfei.refunds.allocation import fen_to_yuan

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATES_DIR = Path(__file__).parent / "templates"

NAV = [
    ("/", "工作台", "dashboard.view"),
    ("/leads", "风险线索", "lead.view"),
    ("/ledger", "台账", "ledger.view"),
    ("/reports", "报表", "ledger.view"),
    ("/reports/parts", "单位填报", "report.part"),
    ("/activities", "宣传调研", "activity.view"),
    ("/cases", "案件处置", "case.view"),
    ("/alerts", "资金监测", "alert.view"),
    ("/entities", "主体档案", "entity.view"),
    ("/screening", "筛查工具", "screening.use"),
    ("/admin/users", "用户管理", "user.view"),
    ("/admin/reference", "基础数据", "reference.view"),
    ("/admin/templates", "文书模板", "case.template"),
    ("/account", "我的账号", "token.manage_own"),
]


def local_date(value: date | None) -> str:
    """A date in ISO form, or nothing."""
    return value.isoformat() if value else ""


def yuan(value: Decimal | None) -> str:
    """Money in yuan with thousands separators and two decimals."""
    return "" if value is None else f"{value:,.2f}"


def fen(value: int | None) -> str:
    """Integer fen shown as yuan with thousands separators and two decimals."""
    return "" if value is None else fen_to_yuan(value, grouped=True)


def _make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    templates.env.filters.update(
        local_time=local_time, local_date=local_date, yuan=yuan, fen=fen, action_label=action_label
    )
    templates.env.globals.update(
        CSRF_FIELD=CSRF_FIELD,
        now=lambda: datetime.now(UTC),
        role_labels={role.value: label for role, label in ROLE_LABELS.items()},
    )
    return templates


templates = _make_templates()


def nav_for(actor: Actor | None) -> list[tuple[str, str]]:
    """The navigation entries the actor may open."""
    if actor is None:
        return []
    return [(href, label) for href, label, action in NAV if policy.can(actor, action)]


def _active(nav: list[tuple[str, str]], path: str) -> str | None:
    """The entry the page belongs to: the longest one its path starts with."""
    found = [href for href, _ in nav if path == href or (href != "/" and path.startswith(href))]
    return max(found, key=len, default=None)


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    actor: Actor | None = None,
    partial: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """Render a full page, or only ``partial`` when htmx asks for it."""
    name = partial if partial and request.headers.get("HX-Request") == "true" else template
    nav, path = nav_for(actor), request.url.path
    ctx = {
        "actor": actor,
        "nav": nav,
        "nav_active": _active(nav, path),
        "can": (lambda action: policy.can(actor, action)) if actor else (lambda action: False),
        "csrf_token": csrf_token(request),
        "path": path,
        **(context or {}),
    }
    return templates.TemplateResponse(request, name, ctx, status_code=status_code)


def download(content: bytes, filename: str, media_type: str = XLSX_TYPE) -> Response:
    """A file the browser saves under ``filename`` (Chinese names kept, RFC 5987)."""
    disposition = f"attachment; filename*=UTF-8''{quote(filename)}"
    return Response(content, media_type=media_type, headers={"Content-Disposition": disposition})


def show_refusal(db: Session, error: FangfeiError) -> None:
    """Prepare to show a refused change on its page: what a page cannot show (not allowed, not
    found) goes on to the error handler; otherwise nothing of the change is kept."""
    if error.status in (403, 404):
        raise error
    db.rollback()
