"""The public tip portal (群众举报): no login, a receipt code, a coarse status page.

Everything a visitor sends is treated as hostile: submissions are rate limited per address,
attachments are checked by content and size, and text that carries web page code is refused.
Reports are registered by the portal's own actor, with channel 官网/公众号 and source 群众举报.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy import select

from fangfei.auth.roles import system_actor
from fangfei.clock import local_today
from fangfei.deps import CipherDep, SessionDep, csrf_protect
from fangfei.errors import FangfeiError, FieldProblem, form_invalid, invalid
from fangfei.leads import attachments, intake
from fangfei.leads.models import Lead
from fangfei.leads.pages import lead_input, uploads_of
from fangfei.reference import service as reference
from fangfei.security.ratelimit import RateLimiter
from fangfei.web.render import render

router = APIRouter(include_in_schema=False)

PORTAL_ACTOR = system_actor("公众举报平台")
PORTAL_CHANNEL = "website"
_MARKUP = re.compile(r"<\s*[a-zA-Z/!]|javascript\s*:|on[a-z]+\s*=", re.IGNORECASE)
PUBLIC_STATUS = {
    "registered": "已受理，等待分派",
    "assigned": "正在核查",
    "verifying": "正在核查",
    "judged": "已核查完毕",
    "closed": "已办结",
    "transferred": "已办结，转入处置程序",
}


STATUS_LOOKUPS_PER_HOUR = 30


def make_limiters(reports_per_hour: int) -> dict[str, RateLimiter]:
    """The portal's limiters, kept on the application: submissions and status look-ups."""
    return {
        "report": RateLimiter(reports_per_hour, 3600.0),
        "status": RateLimiter(STATUS_LOOKUPS_PER_HOUR, 3600.0),
    }


def _limiter(request: Request, name: str) -> RateLimiter:
    limiter: RateLimiter = request.app.state.public_limiters[name]
    return limiter


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _form_context(db: SessionDep) -> dict[str, Any]:
    return {
        "domains": reference.items(db, "industry_domain", active_only=True),
        "jurisdictions": reference.jurisdictions(db),
    }


@router.get("/report")
def report_form(request: Request, db: SessionDep) -> Response:
    """What to report and the form."""
    return render(request, "public/report.html", _form_context(db))


def _refuse_markup(values: dict[str, str]) -> None:
    problems = [
        FieldProblem(name, "不能包含网页代码（如 <script>、javascript:）")
        for name, value in values.items()
        if _MARKUP.search(value)
    ]
    if problems:
        raise invalid("提交的内容含有不允许的代码，请只填写文字。", problems)


async def _submit(request: Request, db: SessionDep, cipher: CipherDep) -> Lead:
    attachments.check_request_size(request.headers.get("content-length"))
    await csrf_protect(request)
    limiter = _limiter(request, "report")
    if not limiter.hit(_client(request)):
        minutes = max(1, limiter.retry_after(_client(request)) // 60)
        raise FangfeiError("rate_limited", f"提交过于频繁，请 {minutes} 分钟后再试。", 429)
    form = await request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    _refuse_markup(values)
    try:
        data = lead_input(
            form, channel=PORTAL_CHANNEL, discovered_on=local_today(), focus_area=None
        )
    except ValidationError as exc:
        raise form_invalid(exc) from None
    return intake.create(
        db,
        actor=PORTAL_ACTOR,
        cipher=cipher,
        data=data,
        uploads=await uploads_of(form),
        files_root=request.app.state.settings.files_dir,
        with_receipt=True,
    )


@router.post("/report")
async def submit_report(request: Request, db: SessionDep, cipher: CipherDep) -> Response:
    """Register the report and show the receipt code; problems are shown with the form."""
    try:
        lead = await _submit(request, db, cipher)
    except FangfeiError as error:
        if error.status == 413:
            raise  # the oversized body is never read
        db.rollback()
        form = await request.form()
        values = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
        context = {**_form_context(db), "error": error, "values": values}
        return render(request, "public/report.html", context, status_code=error.status)
    return render(request, "public/receipt.html", {"code": lead.receipt_code})


@router.get("/report/status")
def report_status(request: Request, db: SessionDep, code: str = "") -> Response:
    """The coarse status of a report by its receipt code (nothing else is shown)."""
    code = code.strip().upper()
    status = None
    if code:
        if not _limiter(request, "status").hit(_client(request)):
            raise FangfeiError("rate_limited", "查询过于频繁，请稍后再试。", 429)
        found = db.scalar(select(Lead.status).where(Lead.receipt_code == code))
        status = PUBLIC_STATUS.get(found or "", "未找到该回执码，请核对后重试。")
    return render(request, "public/status.html", {"code": code, "status": status})
