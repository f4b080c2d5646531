"""JSON API: the current user, users, API tokens."""

from __future__ import annotations

from fastapi import APIRouter

from fangfei.auth import service
from fangfei.auth.models import User
from fangfei.auth.schemas import TokenCreate, TokenCreated, UserCreate, UserRead
from fangfei.deps import ActorDep, SessionDep
from fangfei.errors import not_found

router = APIRouter(tags=["用户与令牌"])


@router.get("/me", response_model=UserRead, summary="当前用户")
def me(db: SessionDep, actor: ActorDep) -> User:
    """The user behind this request."""
    user = db.get(User, actor.user_id)
    if user is None:
        raise not_found("用户", actor.user_id)
    return user


@router.get("/users", response_model=list[UserRead], summary="用户列表")
def list_users(db: SessionDep, actor: ActorDep) -> list[User]:
    """Users in the actor's jurisdiction (administrators)."""
    return service.list_for(db, actor=actor)


@router.post("/users", response_model=UserRead, status_code=201, summary="新增用户")
def create_user(body: UserCreate, db: SessionDep, actor: ActorDep) -> User:
    """Create a login."""
    return service.create_user(db, actor=actor, **body.model_dump())


@router.get("/users/{user_id}", response_model=UserRead, summary="用户详情")
def get_user(user_id: int, db: SessionDep, actor: ActorDep) -> User:
    """One user."""
    return service.get_or_raise(db, actor=actor, user_id=user_id)


@router.post("/tokens", response_model=TokenCreated, status_code=201, summary="创建 API 令牌")
def create_token(body: TokenCreate, db: SessionDep, actor: ActorDep) -> TokenCreated:
    """A token for the current user; its value is shown only in this response."""
    plain, token = service.create_token(db, actor=actor, name=body.name)
    return TokenCreated(id=token.id, name=token.name, token=plain)
