"""Users, logins and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangfei.audit import service as audit
from fangfei.auth import policy
from fangfei.auth.models import ApiToken, User
from fangfei.auth.roles import LOGIN_ROLES, Actor, Role
from fangfei.db import utcnow
from fangfei.errors import FieldProblem, conflict, forbidden, invalid, not_found
from fangfei.reference.models import Department, Jurisdiction
from fangfei.security.passwords import MIN_LENGTH, hash_password, verify_password

TOKEN_PREFIX = "ff_"


def actor_for(user: User) -> Actor:
    """The actor a logged-in user acts as."""
    return Actor(
        user_id=user.id,
        username=user.username,
        role=Role(user.role),
        jurisdiction_id=user.jurisdiction_id,
        jurisdiction_path=user.jurisdiction.path,
        department_id=user.department_id,
        bank=user.bank,
    )


def _check_new_user(
    username: str, password: str, role: str, department_id: int | None, bank: str | None
) -> list[FieldProblem]:
    problems = []
    if (
        not username
        or not username.replace("_", "").replace(".", "").isalnum()
        or not username.isascii()
    ):
        problems.append(FieldProblem("username", "只能包含英文字母、数字、下划线和点"))
    if len(password) < MIN_LENGTH:
        problems.append(FieldProblem("password", f"密码至少 {MIN_LENGTH} 位"))
    if role not in {r.value for r in LOGIN_ROLES}:
        problems.append(FieldProblem("role", "未知角色"))
    if role == Role.DEPARTMENT and department_id is None:
        problems.append(FieldProblem("department", "成员单位工作人员必须指定所属单位"))
    if role == Role.BANK_ANALYST and not bank:
        problems.append(FieldProblem("bank", "银行分析员必须指定所属银行"))
    return problems


def create_user(
    db: Session,
    *,
    actor: Actor,
    username: str,
    display_name: str,
    password: str,
    role: str,
    jurisdiction_id: int,
    department_id: int | None = None,
    bank: str | None = None,
) -> User:
    """Create a login; the new user's jurisdiction must lie within the creator's."""
    policy.ensure(db, actor, "user.manage")
    username, bank = username.strip(), (bank or "").strip() or None
    problems = _check_new_user(username, password, role, department_id, bank)
    if problems:
        raise invalid("用户信息有误。", problems)
    if db.get(Jurisdiction, jurisdiction_id) is None:
        raise invalid("所选辖区不存在。", [FieldProblem("jurisdiction", "不存在")])
    if department_id is not None and db.get(Department, department_id) is None:
        raise invalid("所选单位不存在。", [FieldProblem("department", "不存在")])
    policy.ensure_jurisdiction(db, actor, jurisdiction_id)
    if db.scalar(select(User.id).where(func.lower(User.username) == username.lower())):
        raise conflict(f"用户名“{username}”已被使用。")
    user = User(
        username=username,
        display_name=display_name.strip() or username,
        password_hash=hash_password(password),
        role=role,
        jurisdiction_id=jurisdiction_id,
        department_id=department_id,
        bank=bank,
        active=True,
    )
    db.add(user)
    db.flush()
    db.refresh(user)
    audit.record(
        db,
        actor=actor,
        action="user.create",
        object_type="user",
        object_id=user.id,
        detail={
            "username": username,
            "role": role,
            "jurisdiction_id": jurisdiction_id,
            "department_id": department_id,
            "bank": bank,
        },
    )
    return user


def get_or_raise(db: Session, *, actor: Actor, user_id: int) -> User:
    """A user the actor may see."""
    user = db.get(User, user_id)
    if user is None:
        raise not_found("用户", user_id)
    policy.ensure(db, actor, "user.view", user)
    return user


def list_for(db: Session, *, actor: Actor) -> list[User]:
    """The users the actor may see."""
    policy.ensure(db, actor, "user.view")
    stmt = policy.scoped(select(User).order_by(User.role, User.username), actor, "user.view")
    return list(db.scalars(stmt))


def set_active(db: Session, *, actor: Actor, user_id: int, active: bool) -> User:
    """Enable or disable a login (users are never deleted)."""
    user = get_or_raise(db, actor=actor, user_id=user_id)
    policy.ensure(db, actor, "user.manage", user)
    if user.id == actor.user_id and not active:
        raise forbidden("不能停用自己的账号")
    user.active = active
    audit.record(
        db,
        actor=actor,
        action="user.activate" if active else "user.deactivate",
        object_type="user",
        object_id=user.id,
        detail={"username": user.username},
    )
    return user


def set_password(db: Session, *, actor: Actor, user_id: int, password: str) -> User:
    """Set a new password (an administrator's reset, or the user's own change)."""
    user = db.get(User, user_id)
    if user is None:
        raise not_found("用户", user_id)
    if user.id != actor.user_id:
        policy.ensure(db, actor, "user.manage", user)
    if len(password) < MIN_LENGTH:
        raise invalid("密码太短。", [FieldProblem("password", f"密码至少 {MIN_LENGTH} 位")])
    user.password_hash = hash_password(password)
    audit.record(db, actor=actor, action="user.password", object_type="user", object_id=user.id)
    return user


def authenticate(db: Session, *, username: str, password: str, address: str) -> User | None:
    """The user whose credentials these are, with the attempt audited either way."""
    user = db.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))
    ok = user is not None and user.active and verify_password(user.password_hash, password)
    who = Actor(
        user_id=user.id if user else None,
        username=username.strip()[:100] or "?",
        role=Role(user.role) if user else Role.SYSTEM,
    )
    audit.record(
        db,
        actor=who,
        action="auth.login" if ok else "auth.login_failed",
        object_type="user",
        object_id=user.id if user else "-",
        detail={"address": address},
    )
    if not ok or user is None:
        return None
    user.last_login_at = utcnow()
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(db: Session, *, actor: Actor, name: str) -> tuple[str, ApiToken]:
    """A new API token for the actor; the plain token is returned once and never stored."""
    policy.ensure(db, actor, "token.manage_own")
    if actor.user_id is None:
        raise forbidden("系统任务不能持有 API 令牌")
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=actor.user_id,
        name=name.strip() or "API",
        token_hash=_token_hash(plain),
        prefix=plain[:10],
    )
    db.add(token)
    db.flush()
    audit.record(
        db,
        actor=actor,
        action="token.create",
        object_type="api_token",
        object_id=token.id,
        detail={"name": token.name, "prefix": token.prefix},
    )
    return plain, token


def user_for_token(db: Session, plain: str) -> User | None:
    """The active user a bearer token belongs to, if the token is valid and not revoked."""
    token = db.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(plain)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    token.last_used_at = utcnow()
    return token.user


def revoke_token(db: Session, *, actor: Actor, token_id: int) -> ApiToken:
    """Revoke one of the actor's own tokens."""
    token = db.get(ApiToken, token_id)
    if token is None or token.user_id != actor.user_id:
        raise not_found("API 令牌", token_id)
    token.revoked_at = utcnow()
    audit.record(
        db, actor=actor, action="token.revoke", object_type="api_token", object_id=token.id
    )
    return token


def tokens_of(db: Session, *, actor: Actor) -> list[ApiToken]:
    """The actor's own tokens, newest first."""
    stmt = select(ApiToken).where(ApiToken.user_id == actor.user_id).order_by(ApiToken.id.desc())
    return list(db.scalars(stmt))
