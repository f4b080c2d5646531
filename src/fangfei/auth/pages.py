"""Pages: login and logout, the user's own account, and user administration."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from fangfei.auth import policy, service
from fangfei.auth.roles import LOGIN_ROLES
from fangfei.deps import ActorDep, SessionDep, csrf_protect, optional_user
from fangfei.errors import FangfeiError
from fangfei.reference import service as reference
from fangfei.web.render import render

router = APIRouter(include_in_schema=False)
CsrfChecked = Depends(csrf_protect)


def _safe_next(target: str | None) -> str:
    # Only local paths: an open redirect would let a phishing link bounce through the login.
    return target if target and target.startswith("/") and not target.startswith("//") else "/"


@router.get("/login")
def login_page(request: Request, db: SessionDep, next: str | None = None) -> Response:
    """The login form (a logged-in user goes straight on)."""
    if optional_user(request, db) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(request, "login.html", {"next": _safe_next(next)})


@router.post("/login", dependencies=[CsrfChecked])
def login(
    request: Request,
    db: SessionDep,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Check the credentials; too many attempts from one address for one name are refused."""
    address = request.client.host if request.client else "-"
    limiter = request.app.state.login_limiter
    key = f"{address}|{username.strip().lower()}"
    if not limiter.hit(key):
        wait = limiter.retry_after(key)
        raise FangfeiError("rate_limited", f"登录尝试过于频繁，请 {wait} 秒后再试。", 429)
    user = service.authenticate(db, username=username, password=password, address=address)
    if user is None:
        context = {"next": _safe_next(next), "username": username, "failed": True}
        return render(request, "login.html", context, status_code=401)
    limiter.reset(key)
    request.session.clear()
    request.session["user_id"] = user.id
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout", dependencies=[CsrfChecked])
def logout(request: Request) -> Response:
    """End the session."""
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.get("/account")
def account_page(request: Request, db: SessionDep, actor: ActorDep) -> Response:
    """The user's own account: password and API tokens."""
    tokens = service.tokens_of(db, actor=actor)
    return render(request, "account.html", {"tokens": tokens}, actor=actor)


@router.post("/account/tokens")
def create_token(
    request: Request, db: SessionDep, actor: ActorDep, name: Annotated[str, Form()]
) -> Response:
    """Create an API token and show it once."""
    plain, _ = service.create_token(db, actor=actor, name=name)
    tokens = service.tokens_of(db, actor=actor)
    return render(request, "account.html", {"tokens": tokens, "new_token": plain}, actor=actor)


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(token_id: int, db: SessionDep, actor: ActorDep) -> Response:
    """Revoke one of the user's tokens."""
    service.revoke_token(db, actor=actor, token_id=token_id)
    return RedirectResponse("/account", status_code=303)


@router.post("/account/password")
def change_password(
    request: Request, db: SessionDep, actor: ActorDep, password: Annotated[str, Form()]
) -> Response:
    """Change the user's own password."""
    assert actor.user_id is not None
    service.set_password(db, actor=actor, user_id=actor.user_id, password=password)
    tokens = service.tokens_of(db, actor=actor)
    return render(request, "account.html", {"tokens": tokens, "saved": True}, actor=actor)


def _users_context(db: SessionDep, actor: ActorDep) -> dict[str, object]:
    return {
        "users": service.list_for(db, actor=actor),
        "roles": LOGIN_ROLES,
        "jurisdictions": reference.jurisdictions(db, under_path=actor.jurisdiction_path),
        "departments": reference.departments(db),
    }


@router.get("/admin/users")
def users_page(request: Request, db: SessionDep, actor: ActorDep) -> Response:
    """User administration."""
    policy.ensure(db, actor, "user.view")
    return render(request, "admin/users.html", _users_context(db, actor), actor=actor)


@router.post("/admin/users")
def create_user(
    request: Request,
    db: SessionDep,
    actor: ActorDep,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    role: Annotated[str, Form()],
    jurisdiction_id: Annotated[int, Form()],
    display_name: Annotated[str, Form()] = "",
    department_id: Annotated[str, Form()] = "",
    bank: Annotated[str, Form()] = "",
) -> Response:
    """Create a login from the administration form; problems are shown beside the form."""
    try:
        service.create_user(
            db,
            actor=actor,
            username=username,
            display_name=display_name,
            password=password,
            role=role,
            jurisdiction_id=jurisdiction_id,
            department_id=int(department_id) if department_id else None,
            bank=bank,
        )
    except FangfeiError as error:
        if error.status == 403:
            raise
        context = {**_users_context(db, actor), "error": error}
        return render(request, "admin/users.html", context, actor=actor, status_code=error.status)
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{user_id}/active")
def set_active(
    user_id: int, db: SessionDep, actor: ActorDep, active: Annotated[bool, Form()]
) -> Response:
    """Enable or disable a login."""
    service.set_active(db, actor=actor, user_id=user_id, active=active)
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{user_id}/password")
def reset_password(
    request: Request,
    db: SessionDep,
    actor: ActorDep,
    user_id: int,
    password: Annotated[str, Form()],
) -> Response:
    """An administrator sets a new password for a user who forgot theirs."""
    try:
        service.set_password(db, actor=actor, user_id=user_id, password=password)
    except FangfeiError as error:
        if error.status == 403:
            raise
        context = {**_users_context(db, actor), "error": error}
        return render(request, "admin/users.html", context, actor=actor, status_code=error.status)
    return RedirectResponse("/admin/users", status_code=303)
