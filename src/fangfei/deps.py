"""Request dependencies: the unit of work, the acting user, the cipher, CSRF."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterator
from datetime import date
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from fangfei.auth import service as auth
from fangfei.auth.models import User
from fangfei.auth.roles import Actor
from fangfei.db import unit_of_work
from fangfei.errors import FangfeiError, unauthenticated
from fangfei.monitoring.store import BankStore
from fangfei.security.crypto import FieldCipher

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_db(request: Request) -> Iterator[Session]:
    """One transaction per request, committed before the response is sent."""
    with unit_of_work(request.app.state.sessions) as db:
        yield db


SessionDep = Annotated[Session, Depends(get_db, scope="function")]


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use."""
    token = request.session.get(CSRF_FIELD)
    if not token:
        token = secrets.token_urlsafe(32)
        request.session[CSRF_FIELD] = token
    return str(token)


async def _check_csrf(request: Request) -> None:
    if request.method in SAFE_METHODS:
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        value = (await request.form()).get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    expected = request.session.get(CSRF_FIELD)
    if not sent or not expected or not hmac.compare_digest(str(sent), str(expected)):
        raise FangfeiError("csrf", "表单已过期或来源不明（CSRF 校验失败）。请刷新页面后重试。", 403)


async def csrf_protect(request: Request) -> None:
    """Require the session's CSRF token on every unsafe request made with a session cookie."""
    await _check_csrf(request)


def _session_user(request: Request, db: Session) -> User | None:
    user_id = request.session.get("user_id")
    if not isinstance(user_id, int):
        return None
    user = db.get(User, user_id)
    return user if user is not None and user.active else None


async def current_actor(request: Request, db: SessionDep) -> Actor:
    """The logged-in user (session cookie, CSRF-checked) or the owner of a bearer token."""
    token = _bearer(request)
    if token is not None:
        user = auth.user_for_token(db, token)
        if user is None:
            raise unauthenticated()
        return auth.actor_for(user)
    user = _session_user(request, db)
    if user is None:
        raise unauthenticated()
    await _check_csrf(request)
    return auth.actor_for(user)


def optional_user(request: Request, db: SessionDep) -> User | None:
    """The logged-in user, if any (for pages that also serve visitors)."""
    return _session_user(request, db)


def campaign_cutoff(request: Request) -> date:
    """The campaign cut-off of 五年以上 (setting ``FANGFEI_CAMPAIGN_CUTOFF``)."""
    cutoff: date = request.app.state.settings.campaign_cutoff
    return cutoff


def get_cipher(request: Request) -> FieldCipher:
    """The installation's field cipher."""
    cipher: FieldCipher = request.app.state.cipher
    return cipher


ActorDep = Annotated[Actor, Depends(current_actor)]
CipherDep = Annotated[FieldCipher, Depends(get_cipher)]


def bank_store(request: Request) -> BankStore:
    """The installation's bank data, for reading."""
    return BankStore.of(request.app.state.settings.resolved_home)


BankStoreDep = Annotated[BankStore, Depends(bank_store)]
