"""The web application: API under /api/v1, pages everywhere else."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import Session, sessionmaker
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from fangfei import __version__
from fangfei.activities import pages as activity_pages
from fangfei.activities import views as activity_views
from fangfei.auth import pages as auth_pages
from fangfei.auth import views as auth_views
from fangfei.cases import pages as case_pages
from fangfei.cases import template_pages
from fangfei.cases import views as case_views
from fangfei.config import Settings, get_settings
from fangfei.db import make_engine, make_sessionmaker
from fangfei.entities import pages as entity_pages
from fangfei.entities import views as entity_views
from fangfei.errors import FangfeiError, FieldProblem
from fangfei.leads import ledger_pages
from fangfei.leads import pages as lead_pages
from fangfei.leads import public as lead_public
from fangfei.leads import views as lead_views
from fangfei.monitoring import pages as monitoring_pages
from fangfei.monitoring import views as monitoring_views
from fangfei.reference import pages as reference_pages
from fangfei.reference import views as reference_views
from fangfei.refunds import pages as refund_pages
from fangfei.refunds import views as refund_views
from fangfei.reports import pages as report_pages
from fangfei.reports import part_pages as report_part_pages
from fangfei.reports import views as report_views
from fangfei.screening import pages as screening_pages
from fangfei.screening import supervision_pages, supervision_views
from fangfei.screening import views as screening_views
from fangfei.security.crypto import FieldCipher
from fangfei.security.keys import load_keys
from fangfei.security.ratelimit import RateLimiter
from fangfei.web import dashboard
from fangfei.web.render import render
from fangfei.workdays import views as workday_views

API_PREFIX = "/api/v1"
STATIC_DIR = Path(__file__).parent / "web" / "static"


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or (
        "application/json" in request.headers.get("accept", "")
        and "text/html" not in request.headers.get("accept", "")
    )


def _error_response(request: Request, error: FangfeiError) -> Response:
    if _wants_json(request):
        return JSONResponse(error.as_dict(), status_code=error.status)
    if error.code == "unauthenticated":
        target = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
        return RedirectResponse(f"/login?next={target}", status_code=303)
    return render(request, "error.html", {"error": error}, status_code=error.status)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(FangfeiError)
    async def _fangfei(request: Request, exc: FangfeiError) -> Response:
        return _error_response(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        problems = [
            FieldProblem(".".join(str(p) for p in err["loc"][1:]) or str(err["loc"][0]), err["msg"])
            for err in exc.errors()
        ]
        return _error_response(
            request, FangfeiError("invalid", "提交的数据格式有误。", 422, problems)
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        messages = {404: "页面或接口不存在，请检查地址。", 405: "不支持此请求方法。"}
        message = messages.get(exc.status_code, str(exc.detail))
        return _error_response(
            request, FangfeiError(f"http_{exc.status_code}", message, exc.status_code)
        )


def create_app(
    settings: Settings | None = None, sessions: sessionmaker[Session] | None = None
) -> FastAPI:
    """Build the application; tests pass their own settings and session factory."""
    settings = settings or get_settings()
    keys = load_keys(settings)
    app = FastAPI(
        title="fangfei 防非",
        version=__version__,
        description="防范和处置非法集资、金融放贷领域整治工作平台 API。认证：`Authorization: Bearer <令牌>`。",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.cipher = FieldCipher(keys.encryption_key)
    app.state.sessions = sessions or make_sessionmaker(make_engine(settings.sqlalchemy_url))
    app.state.login_limiter = RateLimiter(settings.login_attempts_per_minute, 60.0)
    app.state.public_limiters = lead_public.make_limiters(settings.public_reports_per_hour)
    app.add_middleware(
        SessionMiddleware,
        secret_key=keys.secret_key,
        session_cookie="fangfei_session",
        max_age=settings.session_max_age_seconds,
        same_site="lax",
        https_only=settings.env == "production",
    )
    _install_error_handlers(app)
    for api in (
        auth_views.router,
        entity_views.router,
        reference_views.router,
        workday_views.router,
        lead_views.router,
        screening_views.router,
        case_views.router,
        report_views.router,
        refund_views.router,
        activity_views.router,
        monitoring_views.router,
        supervision_views.router,
    ):
        app.include_router(api, prefix=API_PREFIX)
    for pages in (
        auth_pages.router,
        dashboard.router,
        entity_pages.router,
        reference_pages.router,
        ledger_pages.router,
        report_part_pages.router,
        report_pages.router,
        lead_pages.router,
        lead_public.router,
        screening_pages.router,
        case_pages.router,
        template_pages.router,
        refund_pages.router,
        activity_pages.router,
        monitoring_pages.router,
        supervision_pages.router,
    ):
        app.include_router(pages)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, Any]:
        return {"status": "ok", "version": __version__}

    return app
