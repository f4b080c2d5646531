"""One error family, rendered as an HTML page or as JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


@dataclass
class FieldProblem:
    """A problem with one input field, optionally on one row of a file."""

    field: str
    reason: str
    row: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {"row": self.row, "field": self.field, "reason": self.reason}

    def __str__(self) -> str:
        where = f"第 {self.row} 行，" if self.row is not None else ""
        return f"{where}字段“{self.field}”：{self.reason}"


@dataclass
class FangfeiError(Exception):
    """An error a user can act on: a stable code, a Chinese message and an HTTP status."""

    code: str
    message: str
    status: int = 400
    problems: list[FieldProblem] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        """The JSON body of the error."""
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.problems:
            body["problems"] = [p.as_dict() for p in self.problems]
        return body


def not_found(what: str, ident: object) -> FangfeiError:
    """The object does not exist (or the actor may not know that it exists)."""
    return FangfeiError("not_found", f"未找到{what}（{ident}）。请检查编号是否正确。", 404)


def forbidden(reason: str) -> FangfeiError:
    """The actor may not do this."""
    return FangfeiError("forbidden", f"无权执行此操作：{reason}", 403)


def invalid(message: str, problems: list[FieldProblem] | None = None) -> FangfeiError:
    """The input is wrong; ``problems`` name each field (and row) at fault."""
    return FangfeiError("invalid", message, 422, problems or [])


def conflict(message: str) -> FangfeiError:
    """The change clashes with existing data."""
    return FangfeiError("conflict", message, 409)


def unauthenticated() -> FangfeiError:
    """No valid login or token."""
    return FangfeiError("unauthenticated", "请先登录，或在请求头中提供有效的 API 令牌。", 401)


def form_invalid(exc: ValidationError) -> FangfeiError:
    """A form that failed its Pydantic model, one problem per field."""
    problems = [FieldProblem(".".join(str(p) for p in e["loc"]), e["msg"]) for e in exc.errors()]
    return invalid("表单有误。", problems)


def form_model(model: type[M], values: dict[str, Any]) -> M:
    """A submitted form as its Pydantic model, or ``form_invalid`` naming each field at fault."""
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        raise form_invalid(exc) from None
